"""IAM: GetAccountAuthorizationDetails pages (estate/model/iam.py)."""

from __future__ import annotations

from estate.model.shapes.common import PolicyDocument, Shape, TagList


class InlinePolicyPart(Shape):
    PolicyName: str | None = None
    PolicyDocument: PolicyDocument | None = None


class AttachedPolicyPart(Shape):
    PolicyArn: str


class BoundaryPart(Shape):
    PermissionsBoundaryArn: str | None = None


class LastUsedPart(Shape):
    LastUsedDate: str | None = None


class RoleDetail(Shape):
    Arn: str
    RoleName: str
    Path: str | None = None
    RolePolicyList: list[InlinePolicyPart] | None = None
    AttachedManagedPolicies: list[AttachedPolicyPart] | None = None
    PermissionsBoundary: BoundaryPart | None = None
    AssumeRolePolicyDocument: PolicyDocument | None = None
    Tags: TagList | None = None
    RoleLastUsed: LastUsedPart | None = None


class UserDetail(Shape):
    Arn: str
    UserName: str
    Path: str | None = None
    UserPolicyList: list[InlinePolicyPart] | None = None
    AttachedManagedPolicies: list[AttachedPolicyPart] | None = None
    PermissionsBoundary: BoundaryPart | None = None
    GroupList: list[str] | None = None
    Tags: TagList | None = None


class GroupDetail(Shape):
    Arn: str
    GroupName: str
    Path: str | None = None
    GroupPolicyList: list[InlinePolicyPart] | None = None
    AttachedManagedPolicies: list[AttachedPolicyPart] | None = None


class PolicyVersionPart(Shape):
    VersionId: str | None = None
    IsDefaultVersion: bool | None = None
    Document: PolicyDocument | None = None


class ManagedPolicyDetail(Shape):
    Arn: str
    PolicyName: str | None = None
    DefaultVersionId: str | None = None
    AttachmentCount: int | None = None
    PolicyVersionList: list[PolicyVersionPart] | None = None


class GetAccountAuthorizationDetails(Shape):
    RoleDetailList: list[RoleDetail] | None = None
    UserDetailList: list[UserDetail] | None = None
    GroupDetailList: list[GroupDetail] | None = None
    Policies: list[ManagedPolicyDetail] | None = None
