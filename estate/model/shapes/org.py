"""AWS Organizations: the SCPs and RCPs over an account (estate/model/org.py)."""

from __future__ import annotations

from typing import Any

from estate.model.shapes.common import Shape


class OrganizationPart(Shape):
    Id: str | None = None
    MasterAccountId: str | None = None


class DescribeOrganization(Shape):
    Organization: OrganizationPart | None = None


class ParentPart(Shape):
    Id: str | None = None
    Type: str | None = None


class ListParents(Shape):
    Parents: list[ParentPart] | None = None


class PolicySummaryPart(Shape):
    Id: str | None = None
    Arn: str | None = None
    Name: str | None = None
    AwsManaged: bool | None = None


class ListPoliciesForTarget(Shape):
    Policies: list[PolicySummaryPart] | None = None


class DescribedPolicyPart(Shape):
    PolicySummary: PolicySummaryPart | None = None
    Content: str | dict[str, Any] | None = None


class DescribePolicy(Shape):
    Policy: DescribedPolicyPart | None = None
