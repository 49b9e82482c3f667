"""Ground truth: the weaknesses planted in the demo estate, written by hand.

Nothing here is computed from the catalogue or the deploy code, so tests that compare these
sets with what was deployed (tests/integration/test_demo_deploy.py) and with what the analyzers
find (the lead's tests) check the demo against an independent statement of intent. Keys are
function names (unique across both regions), role names, user names and store names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from estate.sources.demo_builder.constants import EU, PARTNER_ACCOUNT, US

from .plants_config import (
    AWS_KEY_SENSITIVE_STORES,
    CONFIG_FUNCTION_PLANTS,
    DEPRECATED_RUNTIME_FUNCTIONS,
    ENV_NO_CMK_FUNCTIONS,
    ENV_SECRET_FUNCTIONS,
    INTERNET_FACING_UNRESERVED_FUNCTIONS,
    KMS_NO_ROTATION_KEYS,
    LOG_RETENTION_PLANTS,
    NO_ALARM_FUNCTIONS,
    NO_DLQ_FUNCTIONS,
    NO_RECOVERY_STORES,
    NO_TRACING_FUNCTIONS,
    NO_VPC_ENDPOINT_FUNCTIONS,
    NO_VPC_SENSITIVE_FUNCTIONS,
    NOT_FROM_CODE_FUNCTIONS,
    PUBLIC_SUBNET_FUNCTIONS,
    SINGLE_AZ_FUNCTIONS,
    TLS_NO_SECURE_TRANSPORT_BUCKETS,
    TRAIL_GAP_REGIONS,
    UNCLASSIFIED_STORES,
    UNENCRYPTED_STORES,
    URL_CORS_WILDCARD_FUNCTIONS,
)

# Re-exported: the rest of the configuration ground truth lives in plants_config.py.
from .plants_config import CONFIG_REGION_PLANTS as CONFIG_REGION_PLANTS
from .plants_config import CONFIG_RULE_PLANTS as CONFIG_RULE_PLANTS
from .plants_config import CONFIG_STORE_PLANTS as CONFIG_STORE_PLANTS
from .plants_config import ENV_SECRET_KINDS as ENV_SECRET_KINDS
from .plants_config import ENV_SECRET_VARS as ENV_SECRET_VARS
from .plants_config import NO_ENV_FUNCTIONS as NO_ENV_FUNCTIONS
from .plants_config import OPEN_SECURITY_GROUP_FUNCTIONS as OPEN_SECURITY_GROUP_FUNCTIONS
from .plants_config import PLANTED_SECRET_VALUES as PLANTED_SECRET_VALUES
from .plants_config import RESERVED_CONCURRENCY as RESERVED_CONCURRENCY
from .plants_config import STANDARD_LOG_RETENTION_DAYS as STANDARD_LOG_RETENTION_DAYS
from .plants_config import VPC_FUNCTIONS as VPC_FUNCTIONS


@dataclass(frozen=True)
class Plant:
    rule: str  # the DESIGN.md rule id that should fire
    resource: str  # function, role, user or store name
    region: str  # "global" for IAM
    what: str


FUNCTIONS_BY_REGION: dict[str, tuple[str, ...]] = {
    EU: (
        "payments-authorize",
        "payments-capture",
        "payments-refund",
        "payments-status",
        "payments-3ds-callback",
        "payments-api-authorizer",
        "payments-webhook-dispatch",
        "card-tokenize",
        "card-detokenize",
        "card-bin-lookup",
        "card-lifecycle-events",
        "ledger-writer",
        "ledger-projector",
        "ledger-balance-api",
        "ledger-reconcile",
        "ledger-db-migrate",
        "ledger-export-legacy",
        "settlement-batch",
        "settlement-report",
        "settlement-file-ingest",
        "settlement-fx-convert",
        "payouts-stripe-sync",
        "partner-settlement-callback",
        "partner-settlement-status",
        "merchant-onboarding-hook",
        "fx-rates-public",
        "fx-rates-refresh",
        "fx-quote",
        "kyc-document-check",
        "kyc-liveness-check",
        "kyc-orchestrator",
        "kyc-pep-screen",
        "kyc-address-verify",
        "fraud-score",
        "fraud-features",
        "fraud-model-refresh",
        "fraud-case-export",
        "statements-render",
        "statements-ingest",
        "statements-signer",
        "statements-dispatch",
        "platform-janitor",
        "ops-runbook-executor",
        "release-canary",
        "feature-flags-api",
        "shared-currency-format",
        "audit-log-shipper",
        "promo-banner-render",
    ),
    US: (
        "partner-webhook-receiver",
        "partner-webhook-replay",
        "statements-render-dr",
        "statements-dispatch-dr",
        "statements-archive-dr",
        "notify-email",
        "notify-sms",
        "notify-push",
        "notify-bounce-handler",
        "notify-digest",
        "notify-preferences-api",
        "kyc-sanctions-screen",
        "kyc-watchlist-sync",
        "dr-health-probe",
    ),
}
ALL_FUNCTIONS: frozenset[str] = frozenset(n for names in FUNCTIONS_BY_REGION.values() for n in names)

# --- reachability -------------------------------------------------------------------------
# Anyone on the internet can invoke these: a URL with AuthType NONE, or `Principal: *` with no
# scoping condition.
PUBLIC_FUNCTIONS: dict[str, str] = {
    "partner-webhook-receiver": "function URL AuthType NONE (CORS *) + InvokeFunctionUrl for *",
    "fx-rates-public": "resource policy Principal * on lambda:InvokeFunction, no condition",
}
# Internet-reachable through API Gateway without authentication (authorizationType NONE); the
# function's own policy only trusts apigateway.amazonaws.com for that API.
PUBLIC_API_ROUTE_FUNCTIONS: dict[str, str] = {
    "payments-status": "payments-api GET /payments/{paymentId}, authorizationType NONE",
}
# Look public at a glance, but are not.
NOT_PUBLIC_TRAPS: dict[str, str] = {
    "shared-currency-format": "Principal * scoped by aws:PrincipalOrgID",
    "merchant-onboarding-hook": "Principal * scoped by aws:SourceArn (partner-http-api route)",
    "audit-log-shipper": "Principal * scoped by aws:SourceAccount (this account)",
    "settlement-file-ingest": "s3.amazonaws.com with SourceArn only (no SourceAccount)",
    "statements-ingest": "s3.amazonaws.com with SourceArn and SourceAccount",
    "kyc-document-check": "s3.amazonaws.com with SourceArn and SourceAccount",
    "notify-email": "sns.amazonaws.com with SourceArn",
    "settlement-batch": "events.amazonaws.com with SourceArn",
    "feature-flags-api": "function URL with AuthType AWS_IAM (no policy statement)",
    "payments-authorize": "apigateway.amazonaws.com with SourceArn (AWS_IAM route)",
}
CROSS_ACCOUNT_INVOKE_FUNCTIONS: dict[str, str] = {
    "partner-settlement-callback": PARTNER_ACCOUNT,  # moto stores the principal raw
}
ORG_SCOPED_FUNCTIONS: frozenset[str] = frozenset({"shared-currency-format"})
URL_AUTH_TYPES: dict[str, str] = {
    "partner-webhook-receiver": "NONE",
    "feature-flags-api": "AWS_IAM",
}

# --- IAM ----------------------------------------------------------------------------------
ADMIN_ROLES: dict[str, str] = {
    "platform-admin-role": "AWS managed AdministratorAccess",
    "break-glass-role": "inline Allow * on *",
}
ADMIN_FUNCTIONS: dict[str, str] = {
    "platform-janitor": "platform-admin-role",
    "ops-runbook-executor": "break-glass-role",
}
# Principals with an Allow of a wildcard action (or NotAction) on Resource "*".
WILDCARD_PRINCIPALS: dict[str, str] = {
    "settlement-role": "s3:* and dynamodb:* on *",
    "fraud-features-role": "dynamodb:* and s3:* on * (capped by a permissions boundary)",
    "reporting-role": "NotAction iam:* on *",
    "break-glass-role": "* on *",
    "platform-admin-role": "* on * (AdministratorAccess)",
    "ci-deployer": "lambda:* and cloudformation:* on *",
}
PASSROLE_WILDCARD_PRINCIPALS: dict[str, str] = {
    "ops-automation-role": "iam:PassRole on *",
    "release-automation-role": "iam:PassRole on *",
    "ci-deployer": "iam:PassRole on arn:aws:iam::123456789012:role/*-role",
}
# The planted two-hop chain: (from, method, to).
PRIVESC_CHAIN: tuple[tuple[str, str, str], ...] = (
    ("fraud-score", "executes-as", "fraud-score-role"),
    ("fraud-score-role", "sts:AssumeRole", "ops-automation-role"),
    (
        "ops-automation-role",
        "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction",
        "platform-admin-role",
    ),
)
# Principals that can become an admin principal without conditions (iam.privesc), and how.
PRIVESC_PRINCIPALS: dict[str, str] = {
    "fraud-score-role": "assume ops-automation-role, then pass platform-admin-role to a new function",
    "ops-automation-role": "iam:PassRole * + lambda:CreateFunction + lambda:InvokeFunction",
    "release-automation-role": "iam:PassRole * + lambda:CreateFunction + lambda:InvokeFunction",
    "kyc-orchestrator-role": "iam:AttachRolePolicy/PutRolePolicy on role/kyc-* (itself included)",
    "reporting-role": "lambda:UpdateFunctionCode (NotAction iam:*) on platform-janitor",
    "ci-deployer": "lambda:* + iam:PassRole on role/*-role (platform-admin-role matches)",
}
# Escalations that depend on a condition the analyzer cannot know (MFA).
CONDITIONAL_PRIVESC: dict[str, str] = {
    "bob-oncall": "sts:AssumeRole break-glass-role if aws:MultiFactorAuthPresent",
}
BOUNDED_ROLES: dict[str, str] = {
    "fraud-features-role": "fraud-dynamodb-read-boundary: only DynamoDB reads and logging",
}
DENY_NEUTERED: dict[str, str] = {
    "notify-role": "Allow secretsmanager:GetSecretValue * / Deny secretsmanager:* on "
    "payments/provider-api-key",
}
CONDITIONED_STATEMENTS: dict[str, str] = {
    "statements-role": "s3 on fintech-statements-eu only if aws:RequestedRegion = eu-west-1",
    "card-vault-role": "card-tokens only if aws:SourceVpce = the DynamoDB gateway endpoint",
}
PARTNER_TRUSTED_ROLES: dict[str, str] = {"partner-access-role": PARTNER_ACCOUNT}  # no ExternalId
POLICY_VERSIONS: dict[str, tuple[str, ...]] = {"ledger-data-access": ("v1", "v2")}  # v2 default
MANAGED_ATTACHMENTS: dict[str, tuple[str, ...]] = {
    "platform-admin-role": ("AdministratorAccess",),
    "lambda-basic-role": ("AWSLambdaBasicExecutionRole",),
    "ledger-writer-role": ("AWSLambdaVPCAccessExecutionRole", "ledger-data-access", "lambda-observability"),
}

# --- configuration (plants_config.py) -------------------------------------------------------
# Functions that no config.* rule should flag: the control group of the configuration posture.
CLEAN_FUNCTIONS: frozenset[str] = ALL_FUNCTIONS - frozenset().union(*CONFIG_FUNCTION_PLANTS.values())


def _region(function: str) -> str:
    return US if function in FUNCTIONS_BY_REGION[US] else EU


# Rich markup plus an ANSI escape in three places of one function; the UI must show it literally.
HOSTILE_TEXT_FUNCTION = "promo-banner-render"
HOSTILE_TEXT_FIELDS: tuple[str, ...] = ("Description", "Environment:BANNER_TEXT", "Tag:owner")

# --- metrics incidents (UTC, for the default anchor DEMO_METRICS_END = 2026-11-01T00:00Z) ----
THROTTLE_STORM_FUNCTIONS: tuple[str, ...] = ("payments-authorize", "payments-capture", "card-tokenize")
THROTTLE_STORM_WINDOW = (
    datetime(2026, 10, 30, 12, 0, tzinfo=UTC),
    datetime(2026, 10, 30, 13, 10, tzinfo=UTC),
)
THROTTLE_STORM_BEFORE_END = timedelta(hours=36)
ERROR_BURST_FUNCTIONS: tuple[str, ...] = ("ledger-writer",)
ERROR_BURST_WINDOW = (datetime(2026, 10, 31, 2, 0, tzinfo=UTC), datetime(2026, 10, 31, 2, 40, tzinfo=UTC))
ERROR_BURST_BEFORE_END = timedelta(hours=22)

PLANTS: tuple[Plant, ...] = (
    *(
        Plant("reach.public-invoke", n, US if n.startswith("partner-webhook") else EU, w)
        for n, w in PUBLIC_FUNCTIONS.items()
    ),
    Plant("reach.public-invoke", "payments-status", EU, PUBLIC_API_ROUTE_FUNCTIONS["payments-status"]),
    Plant(
        "reach.cross-account-invoke",
        "partner-settlement-callback",
        EU,
        f"lambda:InvokeFunction for account {PARTNER_ACCOUNT}",
    ),
    Plant(
        "reach.public-to-sensitive",
        "payments-status",
        EU,
        "unauthenticated route -> payments-core-role -> payments-transactions (pci)",
    ),
    *(Plant("iam.admin", r, "global", w) for r, w in ADMIN_ROLES.items()),
    *(Plant("iam.wildcard", r, "global", w) for r, w in WILDCARD_PRINCIPALS.items()),
    *(Plant("iam.passrole-wildcard", r, "global", w) for r, w in PASSROLE_WILDCARD_PRINCIPALS.items()),
    *(Plant("iam.privesc", r, "global", w) for r, w in PRIVESC_PRINCIPALS.items()),
    *(
        Plant("config.runtime-deprecated", n, US if n in {"notify-push", "kyc-watchlist-sync"} else EU, r)
        for n, r in DEPRECATED_RUNTIME_FUNCTIONS.items()
    ),
    *(
        Plant("config.env-secret", n, US if n == "notify-push" else EU, f"{k} in plain env")
        for n, k in ENV_SECRET_FUNCTIONS.items()
    ),
    *(Plant("config.no-vpc", n, _region(n), w) for n, w in NO_VPC_SENSITIVE_FUNCTIONS.items()),
    *(
        Plant("config.no-vpc-endpoint", n, EU, f"no VPC endpoint for {', '.join(s)}")
        for n, s in NO_VPC_ENDPOINT_FUNCTIONS.items()
    ),
    *(
        Plant("config.tls-below-1.2", b, US if b.endswith("-us") else EU, w)
        for b, w in TLS_NO_SECURE_TRANSPORT_BUCKETS.items()
    ),
    *(Plant("config.kms-no-rotation", k, EU, w) for k, w in KMS_NO_ROTATION_KEYS.items()),
    *(Plant("config.url-cors-wildcard", n, US, w) for n, w in URL_CORS_WILDCARD_FUNCTIONS.items()),
    *(
        Plant("config.no-reserved-concurrency", n, _region(n), w)
        for n, w in INTERNET_FACING_UNRESERVED_FUNCTIONS.items()
    ),
    *(Plant("config.no-tracing", n, _region(n), "X-Ray PassThrough") for n in sorted(NO_TRACING_FUNCTIONS)),
    *(Plant("config.env-no-cmk", n, _region(n), "env without a CMK") for n in sorted(ENV_NO_CMK_FUNCTIONS)),
    Plant("config.single-az", "ledger-reconcile", EU, SINGLE_AZ_FUNCTIONS["ledger-reconcile"]),
    Plant("config.public-subnet", "ledger-db-migrate", EU, PUBLIC_SUBNET_FUNCTIONS["ledger-db-migrate"]),
    *(Plant("config.unencrypted-store", s, EU, w) for s, w in UNENCRYPTED_STORES.items()),
    *(Plant("config.unencrypted-store", s, EU, w) for s, w in AWS_KEY_SENSITIVE_STORES.items()),
    *(
        Plant("config.unclassified-store", s, EU, "no DataClassification tag")
        for s in sorted(UNCLASSIFIED_STORES)
    ),
    *(
        Plant(
            "config.log-retention",
            n,
            EU,
            "log group never expires" if days is None else f"log group kept {days} days",
        )
        for n, days in LOG_RETENTION_PLANTS.items()
    ),
    *(
        Plant("config.no-alarms", n, US if n == "kyc-watchlist-sync" else EU, w)
        for n, w in NO_ALARM_FUNCTIONS.items()
    ),
    *(
        Plant("config.no-trail-data-events", "account", r, "no trail covers the region")
        for r in sorted(TRAIL_GAP_REGIONS)
    ),
    *(Plant("config.no-dlq", n, US if n == "notify-push" else EU, w) for n, w in NO_DLQ_FUNCTIONS.items()),
    *(Plant("config.no-point-in-time-recovery", s, EU, w) for s, w in NO_RECOVERY_STORES.items()),
    *(Plant("config.not-infrastructure-as-code", n, EU, w) for n, w in NOT_FROM_CODE_FUNCTIONS.items()),
    *(
        Plant("anomaly.throttles", n, EU, "throttling storm, 70 min, 36 h before metrics end")
        for n in THROTTLE_STORM_FUNCTIONS
    ),
    Plant(
        "anomaly.errors",
        "ledger-writer",
        EU,
        "error burst, 40 min, 22 h before metrics end, 30-60% of invocations fail",
    ),
)
