"""IAM authorization details: per-function and shared execution roles, team managed policies,
AWS managed policies, users and groups, with the sloppy minority real accounts have (admin and
wildcard grants, escalation-capable permissions, a few permission boundaries).
"""

from __future__ import annotations

from typing import Any

from estate.sources.synth.shape import ACCOUNT, TEAMS, Chooser, Scale, role_arn, role_name
from estate.sources.synth.sink import GLOBAL, RecordSink
from estate.sources.synth.stores import store_arn, store_kind

_IAM = f"arn:aws:iam::{ACCOUNT}"
_DATE = "2026-09-01T08:00:00+00:00"
_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
_ACTIONS = {
    "table": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
    "bucket": ["s3:GetObject", "s3:PutObject"],
    "secret": ["secretsmanager:GetSecretValue"],
    "parameter": ["ssm:GetParameter"],
    "queue": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
    "topic": ["sns:Publish"],
    "db": ["rds-db:connect"],
}
_RISKY: tuple[tuple[float, str, list[dict[str, Any]]], ...] = (
    (0.01, "admin", [{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
    (0.03, "wildcard", [{"Effect": "Allow", "Action": ["dynamodb:*", "s3:*"], "Resource": "*"}]),
    (
        0.04,
        "passrole",
        [
            {
                "Effect": "Allow",
                "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                "Resource": "*",
            }
        ],
    ),
    (
        0.045,
        "self-edit",
        [{"Effect": "Allow", "Action": ["iam:PutRolePolicy", "iam:AttachRolePolicy"], "Resource": "*"}],
    ),
    (0.05, "code-update", [{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]),
)


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _managed(arn: str, document: dict[str, Any], attachments: int) -> dict[str, Any]:
    name = arn.rsplit("/", 1)[-1]
    return {
        "Arn": arn,
        "AttachmentCount": attachments,
        "CreateDate": _DATE,
        "DefaultVersionId": "v1",
        "IsAttachable": True,
        "Path": "/",
        "PermissionsBoundaryUsageCount": 0,
        "PolicyId": "ANPA" + name.upper()[:17],
        "PolicyName": name,
        "UpdateDate": _DATE,
        "PolicyVersionList": [
            {"CreateDate": _DATE, "Document": document, "IsDefaultVersion": True, "VersionId": "v1"}
        ],
    }


def _policies(scale: Scale) -> list[dict[str, Any]]:
    logs = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    eni = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]
    policies = [
        _managed(
            "arn:aws:iam::aws:policy/AdministratorAccess",
            _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            1,
        ),
        _managed(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            _doc({"Effect": "Allow", "Action": logs, "Resource": "*"}),
            scale.roles,
        ),
        _managed(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            _doc({"Effect": "Allow", "Action": [*logs, *eni], "Resource": "*"}),
            scale.roles // 2,
        ),
        _managed(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            _doc({"Effect": "Allow", "Action": ["*:Describe*", "*:List*", "*:Get*"], "Resource": "*"}),
            1,
        ),
    ]
    for team in TEAMS:
        data = _doc(
            {
                "Effect": "Allow",
                "Action": ["dynamodb:Query", "dynamodb:GetItem"],
                "Resource": f"arn:aws:dynamodb:*:{ACCOUNT}:table/{team}-*",
            }
        )
        policies.append(_managed(f"{_IAM}:policy/{team}-read-data", data, scale.roles // len(TEAMS)))
        boundary = _doc(
            {"Effect": "Allow", "Action": ["dynamodb:*", "s3:*", "sqs:*", "sns:*", "logs:*"], "Resource": "*"}
        )
        policies.append(_managed(f"{_IAM}:policy/{team}-boundary", boundary, 0))
    return policies


def _role(scale: Scale, chooser: Chooser, role: int, grants: list[int]) -> dict[str, Any]:
    team = TEAMS[role % len(TEAMS)]
    statements = [
        {"Sid": f"Data{i}", "Effect": "Allow", "Action": _ACTIONS[kind], "Resource": arn}
        for i, (kind, arn) in enumerate(grants_of(chooser, grants))
    ]
    roll = chooser.unit("role-risk", role)
    risky = next(((name, stmts) for bound, name, stmts in _RISKY if roll < bound), None)
    if risky:
        statements.extend(dict(s, Sid=risky[0].replace("-", "").title()) for s in risky[1])
    attached = [
        {
            "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "PolicyName": "AWSLambdaBasicExecutionRole",
        }
    ]
    if chooser.unit("role-team-policy", role) < 0.5:
        attached.append({"PolicyArn": f"{_IAM}:policy/{team}-read-data", "PolicyName": f"{team}-read-data"})
    if chooser.unit("role-admin-attached", role) < 0.005:
        attached.append(
            {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess", "PolicyName": "AdministratorAccess"}
        )
    raw: dict[str, Any] = {
        "Arn": role_arn(role),
        "AssumeRolePolicyDocument": _TRUST,
        "AttachedManagedPolicies": attached,
        "CreateDate": _DATE,
        "InstanceProfileList": [],
        "Path": "/",
        "RoleId": "AROA" + chooser.hexid("roleid", role, 17).upper(),
        "RoleName": role_name(role),
        "RolePolicyList": [{"PolicyName": f"{role_name(role)}-data", "PolicyDocument": _doc(*statements)}],
        "Tags": [{"Key": "team", "Value": team}],
        "RoleLastUsed": {"LastUsedDate": "2026-10-31T12:00:00+00:00", "Region": "eu-west-1"},
    }
    if chooser.unit("boundary", role) < 0.02:
        raw["PermissionsBoundary"] = {
            "PermissionsBoundaryArn": f"{_IAM}:policy/{team}-boundary",
            "PermissionsBoundaryType": "Policy",
        }
    return raw


def grants_of(chooser: Chooser, stores: list[int]) -> list[tuple[str, str]]:
    return [(store_kind(s), store_arn(s, chooser)) for s in stores]


def _users(scale: Scale, chooser: Chooser) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    groups = [
        {
            "Arn": f"{_IAM}:group/developers",
            "AttachedManagedPolicies": [
                {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyName": "ReadOnlyAccess"}
            ],
            "CreateDate": _DATE,
            "GroupId": "AGPASYNTHDEVELOPERS",
            "GroupName": "developers",
            "GroupPolicyList": [
                {
                    "PolicyName": "deploy",
                    "PolicyDocument": _doc(
                        {
                            "Effect": "Allow",
                            "Action": ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"],
                            "Resource": f"arn:aws:lambda:*:{ACCOUNT}:function:*",
                        }
                    ),
                }
            ],
            "Path": "/",
        },
        {
            "Arn": f"{_IAM}:group/admins",
            "AttachedManagedPolicies": [
                {
                    "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    "PolicyName": "AdministratorAccess",
                }
            ],
            "CreateDate": _DATE,
            "GroupId": "AGPASYNTHADMINS",
            "GroupName": "admins",
            "GroupPolicyList": [],
            "Path": "/",
        },
    ]
    users = []
    for user in range(scale.users):
        name = f"user-{user:05d}"
        inline = []
        if chooser.unit("user-risk", user) < 0.05:
            inline.append(
                {
                    "PolicyName": "ci-deploy",
                    "PolicyDocument": _doc(
                        {
                            "Effect": "Allow",
                            "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                            "Resource": "*",
                        }
                    ),
                }
            )
        users.append(
            {
                "Arn": f"{_IAM}:user/{name}",
                "AttachedManagedPolicies": [],
                "CreateDate": _DATE,
                "GroupList": ["admins"] if user == 0 else ["developers"],
                "Path": "/",
                "Tags": [],
                "UserId": "AIDA" + chooser.hexid("userid", user, 17).upper(),
                "UserName": name,
                "UserPolicyList": inline,
            }
        )
    return users, groups


def add_iam(
    sink: RecordSink, scale: Scale, chooser: Chooser, team_stores: dict[tuple[int, str], list[int]]
) -> None:
    """GetAccountAuthorizationDetails pages of 1,000 entries, roles, then users and groups, then policies."""
    entries: list[tuple[str, dict[str, Any]]] = []
    for role in range(scale.roles):
        team = role % len(TEAMS)
        grants = []
        for kind in ("table", "bucket", "secret", "queue", "topic", "parameter"):
            stores = team_stores.get((team, kind), [])
            if stores and chooser.unit(f"grant-{kind}", role) < 0.5:
                grants.append(stores[chooser.pick(f"grant-store-{kind}", role, len(stores))])
        entries.append(("RoleDetailList", _role(scale, chooser, role, grants)))
    users, groups = _users(scale, chooser)
    entries.extend(("UserDetailList", u) for u in users)
    entries.extend(("GroupDetailList", g) for g in groups)
    entries.extend(("Policies", p) for p in _policies(scale))
    page_size = 1000
    pages = max(1, -(-len(entries) // page_size))
    for page in range(pages):
        response: dict[str, Any] = {
            "GroupDetailList": [],
            "Policies": [],
            "RoleDetailList": [],
            "UserDetailList": [],
        }
        for key, item in entries[page * page_size : (page + 1) * page_size]:
            response[key].append(item)
        request: dict[str, Any] = {
            "Filter": ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
        }
        if page:
            request["Marker"] = f"iam-page-{page}"
        response["IsTruncated"] = page + 1 < pages
        if page + 1 < pages:
            response["Marker"] = f"iam-page-{page + 1}"
        sink.add("iam", "GetAccountAuthorizationDetails", response, GLOBAL, **request)
