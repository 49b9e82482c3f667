"""IAM principals and managed policies, parsed from GetAccountAuthorizationDetails pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.model.raw import PolicyJSON
from estate.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    arn: str
    name: str
    aws_managed: bool
    default_version_id: str | None
    document: PolicyJSON | None
    attachment_count: int = 0


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    name: str
    document: PolicyJSON


@dataclass(frozen=True, slots=True)
class IamPrincipal:
    """A role, user or group with its policies (IAM's authorization details, flattened)."""

    arn: str
    name: str
    kind: str  # role | user | group
    path: str = "/"
    inline_policies: tuple[InlinePolicy, ...] = ()
    attached_policy_arns: tuple[str, ...] = ()
    boundary_arn: str | None = None
    trust_policy: PolicyJSON | None = None
    group_names: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    last_used: str | None = None


def _document(raw: Any) -> PolicyJSON | None:
    if isinstance(raw, Mapping):
        return raw
    if isinstance(raw, str):  # some dumps keep the URL-encoded JSON text
        import json
        import urllib.parse

        try:
            decoded = json.loads(urllib.parse.unquote(raw))
        except ValueError:
            return None
        return decoded if isinstance(decoded, Mapping) else None
    return None


def _inline(items: Any, name_key: str, doc_key: str) -> tuple[InlinePolicy, ...]:
    out = []
    for item in items or ():
        doc = _document(item.get(doc_key))
        if doc is not None:
            out.append(InlinePolicy(str(item.get(name_key, "")), doc))
    return tuple(out)


def _managed_policy(raw: Mapping[str, Any]) -> ManagedPolicy:
    arn = str(raw["Arn"])
    default_id = raw.get("DefaultVersionId")
    document = None
    for version in raw.get("PolicyVersionList", ()) or ():
        if version.get("IsDefaultVersion") or version.get("VersionId") == default_id:
            document = _document(version.get("Document"))
            default_id = version.get("VersionId", default_id)
            break
    # moto omits PolicyName; the ARN's last segment is the name.
    name = str(raw.get("PolicyName") or arn.rsplit("/", 1)[-1])
    return ManagedPolicy(
        arn=arn,
        name=name,
        aws_managed=":aws:policy/" in arn,
        default_version_id=default_id,
        document=document,
        attachment_count=int(raw.get("AttachmentCount", 0) or 0),
    )


def _tags(raw: Any) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in raw or ()}


def _role(raw: Mapping[str, Any]) -> IamPrincipal:
    boundary = raw.get("PermissionsBoundary") or {}
    last_used = (raw.get("RoleLastUsed") or {}).get("LastUsedDate")
    return IamPrincipal(
        arn=str(raw["Arn"]),
        name=str(raw["RoleName"]),
        kind="role",
        path=str(raw.get("Path", "/")),
        inline_policies=_inline(raw.get("RolePolicyList"), "PolicyName", "PolicyDocument"),
        attached_policy_arns=tuple(p["PolicyArn"] for p in raw.get("AttachedManagedPolicies", ()) or ()),
        boundary_arn=boundary.get("PermissionsBoundaryArn"),
        trust_policy=_document(raw.get("AssumeRolePolicyDocument")),
        tags=_tags(raw.get("Tags")),
        last_used=last_used,
    )


def _user(raw: Mapping[str, Any]) -> IamPrincipal:
    boundary = raw.get("PermissionsBoundary") or {}
    return IamPrincipal(
        arn=str(raw["Arn"]),
        name=str(raw["UserName"]),
        kind="user",
        path=str(raw.get("Path", "/")),
        inline_policies=_inline(raw.get("UserPolicyList"), "PolicyName", "PolicyDocument"),
        attached_policy_arns=tuple(p["PolicyArn"] for p in raw.get("AttachedManagedPolicies", ()) or ()),
        boundary_arn=boundary.get("PermissionsBoundaryArn"),
        group_names=tuple(raw.get("GroupList", ()) or ()),
        tags=_tags(raw.get("Tags")),
    )


def _group(raw: Mapping[str, Any]) -> IamPrincipal:
    return IamPrincipal(
        arn=str(raw["Arn"]),
        name=str(raw["GroupName"]),
        kind="group",
        path=str(raw.get("Path", "/")),
        inline_policies=_inline(raw.get("GroupPolicyList"), "PolicyName", "PolicyDocument"),
        attached_policy_arns=tuple(p["PolicyArn"] for p in raw.get("AttachedManagedPolicies", ()) or ()),
    )


def parse_iam(
    snapshot: Snapshot,
) -> tuple[dict[str, IamPrincipal], dict[str, ManagedPolicy], frozenset[str]]:
    principals: dict[str, IamPrincipal] = {}
    policies: dict[str, ManagedPolicy] = {}
    accounts: set[str] = set()
    for record in snapshot.responses("iam", "GetAccountAuthorizationDetails"):
        page = record.response
        if not isinstance(page, Mapping) or "Error" in page:
            continue
        accounts.add(record.key.account)
        for raw in page.get("RoleDetailList", ()) or ():
            principals[raw["Arn"]] = _role(raw)
        for raw in page.get("UserDetailList", ()) or ():
            principals[raw["Arn"]] = _user(raw)
        for raw in page.get("GroupDetailList", ()) or ():
            principals[raw["Arn"]] = _group(raw)
        for raw in page.get("Policies", ()) or ():
            policy = _managed_policy(raw)
            policies[policy.arn] = policy
    return principals, policies, frozenset(accounts)
