"""A small fintech estate built in code, as boto3-shaped raw responses, for the TUI tests.

It stands in for the bundled demo snapshot until that exists (see conftest.py) and stays the
source of the hostile-text estate: `hostile_snapshot()` adds one function whose description,
environment keys, role name, tags and policy text carry Rich markup and terminal escapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from estate.snapshot import Manifest, Record, RecordKey, Snapshot

ACCOUNT = "123456789012"
PARTNER_ACCOUNT = "210987654321"
CREATED_AT = "2026-03-02T09:30:00+00:00"
MARKUP = "[bold red]pwned[/]"
LINK_MARKUP = "[link=http://x]click[/link]"
ESCAPE = "\x1b[31m"
BELL = "\x07"


def _arn(region: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def _role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


@dataclass
class FunctionSpec:
    """What one fixture function looks like, before it becomes raw API responses."""

    name: str
    region: str
    runtime: str | None
    role: str
    description: str = ""
    env: dict[str, str] = field(default_factory=dict)
    kms: bool = False
    vpc: bool = False
    tracing: str = "PassThrough"
    url_auth: str | None = None
    statements: list[dict[str, Any]] = field(default_factory=list)
    memory: int = 256

    @property
    def arn(self) -> str:
        return _arn(self.region, self.name)

    def list_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "FunctionName": self.name,
            "FunctionArn": self.arn,
            "Runtime": self.runtime,
            "Role": _role_arn(self.role),
            "Handler": "app.handler",
            "CodeSize": 4096,
            "Description": self.description,
            "Timeout": 30,
            "MemorySize": self.memory,
            "LastModified": "2026-01-15T10:00:00.000+0000",
            "Version": "$LATEST",
            "TracingConfig": {"Mode": self.tracing},
            "PackageType": "Zip",
            "Architectures": ["arm64"],
        }
        if self.runtime is None:
            del entry["Runtime"]
        if self.env:
            entry["Environment"] = {"Variables": dict(self.env)}
        if self.kms:
            entry["KMSKeyArn"] = f"arn:aws:kms:{self.region}:{ACCOUNT}:key/1234abcd-12ab-34cd"
        if self.vpc:
            entry["VpcConfig"] = {
                "SubnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                "SecurityGroupIds": ["sg-0123456789abcdef0"],
                "VpcId": "vpc-0fedcba9",
            }
        return entry


def _public_url_statements(name: str, region: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "FunctionURLAllowPublicAccess",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl",
            "Resource": _arn(region, name),
            "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        }
    ]


def _service_statement(sid: str, service: str, source_arn: str, fn: str, region: str) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "lambda:InvokeFunction",
        "Resource": _arn(region, fn),
        "Condition": {"ArnLike": {"AWS:SourceArn": source_arn}},
    }


def fintech_functions() -> list[FunctionSpec]:
    eu, us = "eu-west-1", "us-east-1"
    return [
        FunctionSpec(
            "payments-webhook",
            eu,
            "python3.12",
            "payments-webhook-role",
            description="Receives card processor webhooks",
            env={"STRIPE_SECRET_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "LOG_LEVEL": "info"},
            url_auth="NONE",
            statements=_public_url_statements("payments-webhook", eu),
            memory=512,
        ),
        FunctionSpec(
            "payments-authorize",
            eu,
            "python3.12",
            "payments-core-role",
            description="Authorises card payments",
            env={"LEDGER_TABLE": "ledger"},
            kms=True,
            vpc=True,
            tracing="Active",
            statements=[
                _service_statement(
                    "ApiGatewayInvoke",
                    "apigateway.amazonaws.com",
                    f"arn:aws:execute-api:{eu}:{ACCOUNT}:a1b2c3/*/POST/authorize",
                    "payments-authorize",
                    eu,
                )
            ],
        ),
        FunctionSpec(
            "ledger-writer",
            eu,
            "python3.8",
            "ledger-role",
            description="Writes ledger entries from the payments queue",
            env={"TABLE": "ledger"},
            vpc=True,
        ),
        FunctionSpec(
            "ledger-reconcile",
            eu,
            "java11",
            "ledger-role",
            description="Nightly reconciliation",
            kms=True,
            statements=[
                _service_statement(
                    "NightlyRule",
                    "events.amazonaws.com",
                    f"arn:aws:events:{eu}:{ACCOUNT}:rule/nightly-reconcile",
                    "ledger-reconcile",
                    eu,
                )
            ],
        ),
        FunctionSpec(
            "kyc-document-check",
            eu,
            "nodejs20.x",
            "kyc-role",
            description="Checks uploaded identity documents",
            env={"VENDOR_API_TOKEN": "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0", "BUCKET": "kyc-docs"},
            statements=[
                {
                    "Sid": "PartnerInvoke",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
                    "Action": "lambda:InvokeFunction",
                    "Resource": _arn(eu, "kyc-document-check"),
                }
            ],
        ),
        FunctionSpec(
            "fraud-score",
            us,
            "nodejs16.x",
            "fraud-role",
            description="Scores transactions for fraud",
            statements=[
                {
                    "Sid": "AnyoneFromOffice",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "lambda:InvokeFunction",
                    "Resource": _arn(us, "fraud-score"),
                    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                }
            ],
        ),
        FunctionSpec(
            "statements-render",
            us,
            "python3.11",
            "statements-role",
            description="Renders monthly PDF statements",
            env={"TEMPLATE_BUCKET": "statement-templates"},
            kms=True,
            tracing="Active",
        ),
        FunctionSpec(
            "statements-mailer",
            us,
            None,
            "statements-role",
            description="Container image that mails statements",
        ),
    ]


def _role(name: str, *, tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "RoleName": name,
        "Arn": _role_arn(name),
        "Path": "/service-role/",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "RolePolicyList": [
            {
                "PolicyName": f"{name}-inline",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
                },
            }
        ],
        "AttachedManagedPolicies": [
            {
                "PolicyName": "AWSLambdaBasicExecutionRole",
                "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            }
        ],
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {"team": "payments"}).items()],
    }


def _iam_page(roles: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "RoleDetailList": roles,
        "UserDetailList": [],
        "GroupDetailList": [],
        "Policies": [
            {
                "PolicyName": "AWSLambdaBasicExecutionRole",
                "Arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "DefaultVersionId": "v1",
                "AttachmentCount": 7,
                "PolicyVersionList": [
                    {
                        "VersionId": "v1",
                        "IsDefaultVersion": True,
                        "Document": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                    "Resource": "*",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def _metric_record(region: str, name: str, series: dict[str, list[float]]) -> Record:
    queries = []
    results = []
    stamps = [f"2026-03-01T{hour:02d}:00:00+00:00" for hour in range(24)]
    for index, (metric, values) in enumerate(sorted(series.items())):
        query_id = f"m{index}"
        queries.append(
            {
                "Id": query_id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": metric,
                        "Dimensions": [{"Name": "FunctionName", "Value": name}],
                    },
                    "Period": 3600,
                    "Stat": "Sum",
                },
            }
        )
        results.append({"Id": query_id, "Timestamps": stamps, "Values": values})
    key = RecordKey(ACCOUNT, region, "cloudwatch", "GetMetricData", {"MetricDataQueries": queries})
    return Record(key, {"MetricDataResults": results})


def _records(specs: list[FunctionSpec], roles: list[dict[str, Any]]) -> list[Record]:
    records: list[Record] = []
    for region in sorted({s.region for s in specs}):
        in_region = [s for s in specs if s.region == region]
        records.append(
            Record(
                RecordKey(ACCOUNT, region, "lambda", "ListFunctions", {"page": 0}),
                {"Functions": [s.list_entry() for s in in_region]},
            )
        )
        for spec in in_region:
            params = {"FunctionName": spec.arn}
            policy: dict[str, Any]
            if spec.statements:
                text = json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": spec.statements})
                policy = {"Policy": text, "RevisionId": "rev-1"}
            else:
                policy = {"Error": {"Code": "ResourceNotFoundException"}}
            records.append(Record(RecordKey(ACCOUNT, region, "lambda", "GetPolicy", params), policy))
            url: dict[str, Any] = (
                {"FunctionUrl": f"https://{spec.name}.lambda-url.{region}.on.aws/", "AuthType": spec.url_auth}
                if spec.url_auth
                else {"Error": {"Code": "ResourceNotFoundException"}}
            )
            records.append(Record(RecordKey(ACCOUNT, region, "lambda", "GetFunctionUrlConfig", params), url))
    records.append(
        Record(
            RecordKey(ACCOUNT, "eu-west-1", "lambda", "ListEventSourceMappings", {"page": 0}),
            {
                "EventSourceMappings": [
                    {
                        "UUID": "6f1c2b7e-0000-4000-8000-000000000001",
                        "EventSourceArn": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:payments-settled",
                        "FunctionArn": _arn("eu-west-1", "ledger-writer"),
                        "State": "Enabled",
                        "BatchSize": 10,
                    }
                ]
            },
        )
    )
    invocations = [40.0 + (h % 6) * 5 for h in range(24)]
    invocations[17] = 900.0  # the incident
    errors = [0.0] * 24
    errors[17], errors[18] = 120.0, 35.0
    records.append(
        _metric_record(
            "eu-west-1",
            "payments-webhook",
            {"Invocations": invocations, "Errors": errors, "Throttles": [0.0] * 17 + [60.0] + [0.0] * 6},
        )
    )
    records.append(
        Record(
            RecordKey(ACCOUNT, "global", "iam", "GetAccountAuthorizationDetails", {"page": 0}),
            _iam_page(roles),
        )
    )
    return records


def _roles_for(specs: list[FunctionSpec]) -> list[dict[str, Any]]:
    return [_role(name) for name in sorted({s.role for s in specs})]


def fixture_snapshot() -> Snapshot:
    """The fintech fixture estate: 8 functions in eu-west-1 and us-east-1."""
    specs = fintech_functions()
    manifest = Manifest(
        created_at=CREATED_AT,
        source="test",
        accounts=(ACCOUNT,),
        regions=("eu-west-1", "us-east-1"),
    )
    return Snapshot(manifest=manifest, records=_records(specs, _roles_for(specs)))


HOSTILE_NAME = "evil-import"
HOSTILE_ROLE = f"evil-role{MARKUP}{ESCAPE}"
HOSTILE_ENV_KEY = f"KEY_{LINK_MARKUP}{ESCAPE}"
HOSTILE_DESCRIPTION = f"Imports {MARKUP} {LINK_MARKUP} {ESCAPE}red{BELL} done"
HOSTILE_SID = f"Sid{MARKUP}{ESCAPE}"
HOSTILE_TAG_VALUE = f"{MARKUP}{ESCAPE}{BELL}"
HOSTILE_SOURCE = f"hostile{MARKUP}\x1b]0;title\x07"  # an OSC sequence that would set the title


def hostile_spec() -> FunctionSpec:
    region = "eu-west-1"
    return FunctionSpec(
        HOSTILE_NAME,
        region,
        "python3.12",
        HOSTILE_ROLE,
        description=HOSTILE_DESCRIPTION,
        env={HOSTILE_ENV_KEY: f"value{ESCAPE}{MARKUP}", "PLAIN": "1"},
        statements=[
            {
                "Sid": HOSTILE_SID,
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunction",
                "Resource": _arn(region, HOSTILE_NAME),
                "Condition": {"StringEquals": {"aws:UserAgent": f"{MARKUP}\u009b2J{ESCAPE}"}},
            }
        ],
    )


def hostile_snapshot() -> Snapshot:
    """The fixture estate plus one function whose AWS strings carry markup and escapes."""
    specs = [*fintech_functions(), hostile_spec()]
    roles = _roles_for(fintech_functions())
    roles.append(_role(HOSTILE_ROLE, tags={"owner": HOSTILE_TAG_VALUE}))
    manifest = Manifest(
        created_at=CREATED_AT,
        source=HOSTILE_SOURCE,
        accounts=(ACCOUNT,),
        regions=("eu-west-1", "us-east-1"),
    )
    return Snapshot(manifest=manifest, records=_records(specs, roles))
