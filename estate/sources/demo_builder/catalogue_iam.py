"""Execution roles, managed policies, users and groups, from least-privilege to sloppy.

The interesting ones (see plants.py for the ground truth): a wildcard role, a NotAction role, a
PassRole-on-* role, a two-hop privilege-escalation chain (fraud-score-role -> ops-automation-role
-> platform-admin-role), a role that can attach policies to itself, two admin roles, a role capped
by a permissions boundary, a role whose Allow is neutered by an explicit Deny, and a role trusted
by the partner account without an ExternalId.
"""

from __future__ import annotations

from typing import Any

from . import arns
from .arns import ACCT, AWS_ADMIN, AWS_BASIC, AWS_CW_READONLY, AWS_READONLY, AWS_VPC
from .constants import EU, PARTNER_ACCOUNT, US
from .specs import GroupSpec, ManagedPolicySpec, PolicyDoc, RoleSpec, UserSpec


def doc(*statements: dict[str, Any]) -> PolicyDoc:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(sid: str, actions: str | list[str], resources: str | list[str], **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": resources,
    }
    if condition:
        statement["Condition"] = condition
    return statement


def trust(principal: dict[str, Any], **condition: Any) -> PolicyDoc:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return doc(statement)


LAMBDA_TRUST = trust({"Service": "lambda.amazonaws.com"})


def _logs(*functions: str, region: str = EU) -> dict[str, Any]:
    return allow(
        "OwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [arns.log_group(f, region) for f in functions],
    )


def _kms(alias: str, *actions: str) -> dict[str, Any]:
    return allow(f"Kms{alias.title().replace('-', '')}", list(actions), arns.kms_ref(alias))


OBSERVABILITY = ManagedPolicySpec(
    "lambda-observability",
    "X-Ray traces and custom metrics for Lambda functions",
    (
        doc(
            allow("Tracing", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
            allow(
                "Metrics", "cloudwatch:PutMetricData", "*", StringEquals={"cloudwatch:namespace": "Fintech"}
            ),
        ),
    ),
)
LEDGER_DATA = ManagedPolicySpec(
    "ledger-data-access",
    "Ledger table access (v2 narrowed the v1 dynamodb:* grant)",
    (
        doc(allow("LedgerTables", "dynamodb:*", arns.table("ledger-*"))),
        doc(
            allow(
                "LedgerItems",
                [
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:Query",
                    "dynamodb:BatchWriteItem",
                ],
                [arns.table("ledger-entries"), arns.table("ledger-entries") + "/index/*"],
            ),
            allow(
                "LedgerStream",
                [
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                    "dynamodb:ListStreams",
                ],
                arns.table("ledger-entries") + "/stream/*",
            ),
            _kms("ledger-cmk", "kms:Decrypt", "kms:GenerateDataKey"),
        ),
    ),
)
FRAUD_BOUNDARY = ManagedPolicySpec(
    "fraud-dynamodb-read-boundary",
    "Permissions boundary: DynamoDB reads and logging only",
    (
        doc(
            allow(
                "DynamoRead",
                [
                    "dynamodb:GetItem",
                    "dynamodb:BatchGetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "dynamodb:DescribeTable",
                ],
                "*",
            ),
            allow("Logging", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*"),
        ),
    ),
)
MANAGED_POLICIES: tuple[ManagedPolicySpec, ...] = (OBSERVABILITY, LEDGER_DATA, FRAUD_BOUNDARY)

_OBS = arns.policy("lambda-observability")
_LEDGER = arns.policy("ledger-data-access")
_SQS_CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
_PAYMENTS_ITEMS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
_PASS_AND_RUN = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]


def _role(
    name: str,
    description: str,
    *statements: dict[str, Any],
    managed: tuple[str, ...] = (AWS_BASIC,),
    **kwargs: Any,
) -> RoleSpec:
    inline = {f"{name}-policy": doc(*statements)} if statements else {}
    return RoleSpec(name, description, kwargs.pop("trust_doc", LAMBDA_TRUST), inline, managed, **kwargs)


ROLES: tuple[RoleSpec, ...] = (
    _role(
        "payments-authorize-role",
        "Least privilege: one table, one key, one secret",
        allow("Transactions", _PAYMENTS_ITEMS, arns.table("payments-transactions")),
        _kms("payments-cmk", "kms:Decrypt", "kms:GenerateDataKey"),
        allow("ProviderKey", "secretsmanager:GetSecretValue", arns.secret("payments/provider-api-key")),
        allow("FraudScore", "lambda:InvokeFunction", arns.function("fraud-score")),
        _logs("payments-authorize"),
        managed=(AWS_VPC, _OBS),
    ),
    _role(
        "payments-core-role",
        "Capture, refund and status of payments",
        allow(
            "Transactions",
            [*_PAYMENTS_ITEMS, "dynamodb:Query"],
            [arns.table("payments-transactions"), arns.table("payments-transactions") + "/index/*"],
        ),
        allow("LedgerEvents", "sqs:SendMessage", arns.queue("ledger-events")),
        _kms("payments-cmk", "kms:Decrypt", "kms:GenerateDataKey"),
        managed=(AWS_VPC, _OBS),
    ),
    _role(
        "payments-support-role",
        "Webhook dispatch and idempotency housekeeping",
        allow("Webhooks", _SQS_CONSUME, arns.queue("merchant-webhooks")),
        allow("Idempotency", ["dynamodb:Scan", "dynamodb:DeleteItem"], arns.table("idempotency-keys")),
    ),
    _role(
        "card-vault-role",
        "Tokenisation vault; table access only through the VPC endpoint",
        allow("VaultKey", "secretsmanager:GetSecretValue", arns.secret("card-vault/master-key")),
        _kms("payments-cmk", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"),
        allow(
            "Tokens",
            [*_PAYMENTS_ITEMS, "dynamodb:DeleteItem"],
            arns.table("card-tokens"),
            StringEquals={"aws:SourceVpce": arns.vpce_ref(EU, "dynamodb")},
        ),
        managed=(AWS_VPC, _OBS),
    ),
    _role("lambda-basic-role", "Logging only, shared by stateless helpers"),
    _role(
        "ledger-writer-role",
        "Consumes ledger-events and writes ledger entries",
        allow("LedgerEvents", _SQS_CONSUME, arns.queue("ledger-events")),
        allow("DbCredentials", "secretsmanager:GetSecretValue", arns.secret("ledger/db-credentials")),
        managed=(AWS_VPC, _LEDGER, _OBS),
    ),
    _role("ledger-projector-role", "Projects the ledger stream into balances", managed=(AWS_VPC, _LEDGER)),
    _role(
        "ledger-ops-role",
        "Schema migrations against ledger-db",
        allow("DbCredentials", "secretsmanager:GetSecretValue", arns.secret("ledger/db-credentials")),
        allow("DbConnect", "rds-db:connect", f"arn:aws:rds-db:{EU}:{ACCT}:dbuser:*/ledger_admin"),
        managed=(AWS_VPC,),
    ),
    _role(
        "legacy-role",
        "Pre-2022 jobs nobody has migrated",
        allow("Statements", ["s3:GetObject", "s3:PutObject"], arns.bucket("fintech-statements-eu") + "/*"),
        allow("LedgerScan", "dynamodb:Scan", arns.table("ledger-entries")),
    ),
    _role(
        "settlement-role",
        "Settlement batch: grew by copy-paste",
        allow("AllS3", "s3:*", "*"),
        allow("AllDynamo", "dynamodb:*", "*"),
        allow("LegacyJobs", [*_SQS_CONSUME, "sqs:SendMessage"], arns.queue("legacy-settlement-jobs")),
    ),
    _role(
        "settlement-ingest-role",
        "Reads settlement files dropped by the acquirer",
        allow("Inbox", "s3:GetObject", arns.bucket("fintech-settlement-inbox-eu") + "/*"),
        allow("Ledger", "sqs:SendMessage", arns.queue("ledger-events")),
    ),
    _role(
        "partner-callback-role",
        "Partner settlement callbacks and onboarding",
        allow("PartnerEvents", "sqs:SendMessage", arns.queue("partner-events")),
        allow("Hmac", "secretsmanager:GetSecretValue", arns.secret("partner/hmac-signing-key")),
    ),
    _role(
        "fx-rates-role",
        "FX rates cache",
        allow(
            "Rates",
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"],
            arns.table("fx-rates"),
        ),
    ),
    _role(
        "kyc-role",
        "KYC checks: documents and profiles",
        allow("Documents", "s3:GetObject", arns.bucket("fintech-kyc-documents-eu") + "/*"),
        allow("Profiles", ["dynamodb:GetItem", "dynamodb:UpdateItem"], arns.table("kyc-profiles")),
        _kms("payments-cmk", "kms:Decrypt"),
    ),
    _role(
        "kyc-orchestrator-role",
        "Orchestrates KYC; manages its helper roles",
        allow("Profiles", ["dynamodb:GetItem", "dynamodb:PutItem"], arns.table("kyc-profiles")),
        allow("Helpers", "lambda:InvokeFunction", arns.function("kyc-*")),
        allow("ManageKycRoles", ["iam:AttachRolePolicy", "iam:PutRolePolicy"], arns.role("kyc-*")),
    ),
    _role(
        "fraud-score-role",
        "Real-time fraud scoring",
        allow("Features", ["dynamodb:GetItem", "dynamodb:BatchGetItem"], arns.table("fraud-features")),
        allow("Automation", "sts:AssumeRole", arns.role("ops-automation-role")),
        managed=(AWS_VPC, _OBS),
    ),
    _role(
        "fraud-features-role",
        "Feature store builder, capped by a permissions boundary",
        allow("Dynamo", "dynamodb:*", "*"),
        allow("S3", "s3:*", "*"),
        managed=(AWS_VPC,),
        boundary=arns.policy("fraud-dynamodb-read-boundary"),
    ),
    _role(
        "ops-automation-role",
        "Ops automation assumed by the fraud team's tooling",
        allow("DeployAnything", [*_PASS_AND_RUN, "lambda:UpdateFunctionConfiguration"], "*"),
        managed=(),
        trust_doc=trust({"AWS": arns.role("fraud-score-role")}),
    ),
    _role(
        "reporting-role",
        "Everything except IAM (NotAction)",
        {"Sid": "AllButIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    ),
    _role(
        "statements-role",
        "Statements rendering in the EU region only",
        allow(
            "Statements",
            ["s3:GetObject", "s3:PutObject"],
            arns.bucket("fintech-statements-eu") + "/*",
            StringEquals={"aws:RequestedRegion": EU},
        ),
        allow("Raw", "s3:GetObject", arns.bucket("fintech-raw-uploads-eu") + "/*"),
        allow("Ready", "sns:Publish", arns.topic("statements-ready")),
        allow("Signer", "lambda:InvokeFunction", arns.function("statements-signer")),
        _kms("env-cmk", "kms:Decrypt", "kms:GenerateDataKey"),
        managed=(AWS_VPC, _OBS),
    ),
    _role(
        "statements-dr-role",
        "Statements DR copy in us-east-1",
        allow("DrBucket", ["s3:GetObject", "s3:PutObject"], arns.bucket("fintech-statements-dr-us") + "/*"),
        _kms("dr-cmk", "kms:Decrypt", "kms:GenerateDataKey"),
        managed=(AWS_VPC,),
    ),
    _role(
        "notify-role",
        "Notifications; may read any secret except the card processor key",
        allow("Secrets", "secretsmanager:GetSecretValue", "*"),
        {
            "Sid": "NeverPci",
            "Effect": "Deny",
            "Action": "secretsmanager:*",
            "Resource": arns.secret("payments/provider-api-key"),
        },
        allow(
            "Preferences",
            ["dynamodb:GetItem", "dynamodb:PutItem"],
            arns.table("notification-preferences", US),
        ),
        allow("Bounces", _SQS_CONSUME, arns.queue("email-bounces", US)),
    ),
    _role(
        "partner-webhook-role",
        "Receives partner webhooks",
        allow("PartnerEvents", "sqs:SendMessage", arns.queue("partner-events")),
        allow("Hmac", "secretsmanager:GetSecretValue", arns.secret("partner/hmac-signing-key")),
    ),
    _role("platform-admin-role", "Platform janitor (AdministratorAccess)", managed=(AWS_ADMIN,)),
    _role(
        "break-glass-role",
        "Break-glass runbooks",
        allow("Everything", "*", "*"),
        trust_doc=doc(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            },
        ),
    ),
    _role(
        "release-automation-role",
        "Canary releases: creates and invokes functions",
        allow("Release", [*_PASS_AND_RUN, "lambda:UpdateFunctionCode"], "*"),
    ),
    _role(
        "feature-flags-role",
        "Feature flag reads",
        allow("Flags", ["dynamodb:GetItem", "dynamodb:Scan"], arns.table("feature-flags")),
    ),
    _role(
        "partner-access-role",
        "Assumed by the settlement partner (no ExternalId)",
        allow("Callback", "lambda:InvokeFunction", arns.function("partner-settlement-callback")),
        allow("Reports", "s3:GetObject", arns.bucket("fintech-settlement-inbox-eu") + "/*"),
        managed=(),
        trust_doc=trust({"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"}),
    ),
)

GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("analysts", managed=(AWS_READONLY, AWS_CW_READONLY)),
    GroupSpec(
        "platform-oncall",
        inline={
            "oncall": doc(
                allow("BreakGlass", "sts:AssumeRole", arns.role("break-glass-role")),
                allow("LambdaRead", ["lambda:Get*", "lambda:List*"], "*"),
            )
        },
    ),
)

USERS: tuple[UserSpec, ...] = (
    UserSpec(
        "ci-deployer",
        inline={
            "deploy": doc(
                allow("Lambda", "lambda:*", "*"),
                allow("PassExecutionRoles", "iam:PassRole", arns.role("*-role")),
                allow("Stacks", "cloudformation:*", "*"),
            )
        },
        tags={"team": "platform"},
    ),
    UserSpec("alice-analyst", groups=("analysts",), tags={"team": "risk"}),
    UserSpec("bob-oncall", groups=("platform-oncall",), tags={"team": "platform"}),
)
