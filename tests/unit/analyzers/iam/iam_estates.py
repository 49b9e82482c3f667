"""Small IAM estates built in code, in GetAccountAuthorizationDetails' own shapes, for IAM tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analyzers.analysis import Analysis, analyze_snapshot
from analyzers.findings.model import Finding
from estate.model import Estate
from estate.model.load import load_estate
from estate.snapshot import Record, RecordKey, Snapshot
from tests.builders import ACCOUNT, REGION, function, snapshot_of

TODAY = dt.date(2026, 11, 29)
IAM = f"arn:aws:iam::{ACCOUNT}"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
CREATED = "2026-01-01T00:00:00Z"


def role_arn(name: str) -> str:
    return f"{IAM}:role/{name}"


def user_arn(name: str) -> str:
    return f"{IAM}:user/{name}"


def group_arn(name: str) -> str:
    return f"{IAM}:group/{name}"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: str | list[str], resources: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def deny(actions: str | list[str], resources: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": actions, "Resource": resources, **extra}


def trusts(*principals: dict[str, Any], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statements = []
    for principal in principals:
        statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    return doc(*statements)


LAMBDA = {"Service": "lambda.amazonaws.com"}


def _attached(arns: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in arns]


class IamEstate:
    """Roles, users, groups, managed policies and functions, then the analysis of them."""

    def __init__(self) -> None:
        self.roles: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self.groups: list[dict[str, Any]] = []
        self.policies: dict[str, dict[str, Any]] = {}
        self.functions: list[dict[str, Any]] = []
        self.policy("AdministratorAccess", allow("*"), aws=True)

    def policy(self, name: str, *statements: dict[str, Any], aws: bool = False) -> str:
        arn = f"arn:aws:iam::aws:policy/{name}" if aws else f"{IAM}:policy/{name}"
        self.policies[arn] = {
            "PolicyName": name,
            "PolicyId": f"ANPA{len(self.policies):016d}",
            "Arn": arn,
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 1,
            "IsAttachable": True,
            "CreateDate": CREATED,
            "PolicyVersionList": [
                {
                    "Document": doc(*statements),
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "CreateDate": CREATED,
                }
            ],
        }
        return arn

    def role(
        self,
        name: str,
        *statements: dict[str, Any],
        trust: dict[str, Any] | None = None,
        managed: tuple[str, ...] = (),
        boundary: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        raw: dict[str, Any] = {
            "Path": "/",
            "RoleName": name,
            "RoleId": f"AROA{len(self.roles):016d}",
            "Arn": role_arn(name),
            "CreateDate": CREATED,
            "AssumeRolePolicyDocument": trust or trusts(LAMBDA),
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": f"{name}-policy", "PolicyDocument": doc(*statements)}]
            if statements
            else [],
            "AttachedManagedPolicies": _attached(managed),
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
            "RoleLastUsed": {},
        }
        if boundary:
            raw["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": boundary,
            }
        self.roles.append(raw)
        return role_arn(name)

    def admin_role(self, name: str = "admin", trust: dict[str, Any] | None = None) -> str:
        return self.role(name, trust=trust, managed=(ADMIN_POLICY,))

    def user(
        self,
        name: str,
        *statements: dict[str, Any],
        groups: tuple[str, ...] = (),
        managed: tuple[str, ...] = (),
        boundary: str | None = None,
    ) -> str:
        raw: dict[str, Any] = {
            "Path": "/",
            "UserName": name,
            "UserId": f"AIDA{len(self.users):016d}",
            "Arn": user_arn(name),
            "CreateDate": CREATED,
            "UserPolicyList": [{"PolicyName": f"{name}-policy", "PolicyDocument": doc(*statements)}]
            if statements
            else [],
            "GroupList": list(groups),
            "AttachedManagedPolicies": _attached(managed),
            "Tags": [],
        }
        if boundary:
            raw["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": boundary,
            }
        self.users.append(raw)
        return user_arn(name)

    def group(self, name: str, *statements: dict[str, Any], managed: tuple[str, ...] = ()) -> str:
        self.groups.append(
            {
                "Path": "/",
                "GroupName": name,
                "GroupId": f"AGPA{len(self.groups):016d}",
                "Arn": group_arn(name),
                "CreateDate": CREATED,
                "GroupPolicyList": [{"PolicyName": f"{name}-policy", "PolicyDocument": doc(*statements)}]
                if statements
                else [],
                "AttachedManagedPolicies": _attached(managed),
            }
        )
        return group_arn(name)

    def function(self, name: str, role: str) -> str:
        raw = function(name, role=role)
        self.functions.append(raw)
        return str(raw["FunctionArn"])

    def details(self) -> dict[str, Any]:
        return {
            "RoleDetailList": self.roles,
            "UserDetailList": self.users,
            "GroupDetailList": self.groups,
            "Policies": list(self.policies.values()),
            "IsTruncated": False,
        }

    def estate(self) -> Estate:
        """The estate alone (for analyses run piece by piece, without the rules)."""
        return load_estate(snapshot_of(self.functions, iam=self.details()))

    def analyze(self, *stores: Record) -> Analysis:
        """The analysis of the estate, with the data stores `stores` records describe."""
        base = snapshot_of(self.functions, iam=self.details())
        return analyze_snapshot(Snapshot(base.manifest, [*base.records, *stores]), TODAY)


# -- data stores beside the IAM (what an escalation may gain access to) ----------------------
def _record(service: str, operation: str, response: Any, region: str = REGION, **params: Any) -> Record:
    return Record(RecordKey(ACCOUNT, region, service, operation, params), response)


def _tags(classification: str | None) -> list[dict[str, str]]:
    return [] if classification is None else [{"Key": "DataClassification", "Value": classification}]


def table(name: str, classification: str | None) -> tuple[Record, ...]:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    return (
        _record("dynamodb", "DescribeTable", {"Table": {"TableName": name, "TableArn": arn}}, TableName=name),
        _record("dynamodb", "ListTagsOfResource", {"Tags": _tags(classification)}, ResourceArn=arn),
    )


def bucket(name: str, classification: str | None) -> tuple[Record, ...]:
    return (
        _record("s3", "ListBuckets", {"Buckets": [{"Name": name}]}, "global"),
        _record("s3", "GetBucketLocation", {"LocationConstraint": REGION}, "global", Bucket=name),
        _record("s3", "GetBucketTagging", {"TagSet": _tags(classification)}, "global", Bucket=name),
    )


def secret(name: str, classification: str | None) -> tuple[Record, ...]:
    raw = {
        "ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf",
        "Name": name,
        "Tags": _tags(classification),
    }
    return (_record("secretsmanager", "ListSecrets", {"SecretList": [raw]}),)


def findings(analysis: Analysis, rule: str, resource: str | None = None) -> list[Finding]:
    return [
        f for f in analysis.findings if f.rule.id == rule and (resource is None or f.resource == resource)
    ]


def hop_methods(finding: Finding) -> tuple[str, ...]:
    return tuple(e.label.split(": ", 1)[1] for e in finding.evidence if e.label.startswith("hop "))


def conditional(finding: Finding) -> bool:
    return any(e.label == "conditions" for e in finding.evidence)
