"""Ground truth for the configuration rules (config.*) on the demo, reviewed by hand.

Each set was established by reading the catalogue (catalogue*.py) and checked against what the
analyzers report on demo.lsnap; the comments say why every entry belongs. Nothing is computed
from the catalogue or from analyzer output, so tests/unit/test_demo_config_ground_truth.py
compares the two independently. Re-exported by plants.py, which also derives CLEAN_FUNCTIONS.
"""

from __future__ import annotations

from estate.sources.demo_builder.constants import US
from estate.sources.demo_builder.planted_values import (
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    LEDGER_DB_PASSWORD,
    PARTNER_API_TOKEN,
    PEM_PRIVATE_KEY,
    POSTGRES_URL,
    SERVICE_JWT,
    STRIPE_LIVE_KEY,
)

DEPRECATED_RUNTIME_FUNCTIONS: dict[str, str] = {
    "ledger-export-legacy": "python3.7",
    "kyc-watchlist-sync": "python3.8",
    "fx-rates-public": "nodejs14.x",
    "fraud-case-export": "nodejs16.x",
    "notify-push": "nodejs16.x",
    "kyc-address-verify": "go1.x",
    "settlement-fx-convert": "java8",
    "kyc-pep-screen": "dotnet6",
    "card-bin-lookup": "nodejs20.x",  # deprecated 2026-04-30, the newest of the lot
}
ENV_SECRET_VARS: dict[str, tuple[str, ...]] = {
    "payouts-stripe-sync": ("STRIPE_SECRET_KEY",),
    "ledger-export-legacy": ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
    "statements-signer": ("SIGNING_KEY_PEM",),
    "ledger-writer": ("DATABASE_URL",),
    "kyc-address-verify": ("PARTNER_API_TOKEN",),
    "notify-push": ("FCM_SERVICE_TOKEN",),
}
ENV_SECRET_FUNCTIONS: dict[str, str] = {name: keys[0] for name, keys in ENV_SECRET_VARS.items()}
# What detect-secrets 1.5 calls each planted value.
ENV_SECRET_KINDS: dict[str, str] = {
    "STRIPE_SECRET_KEY": "Stripe Access Key",
    "AWS_ACCESS_KEY_ID": "AWS Access Key",
    "AWS_SECRET_ACCESS_KEY": "AWS Access Key",
    "SIGNING_KEY_PEM": "Private Key",
    "DATABASE_URL": "Basic Auth Credentials",
    "PARTNER_API_TOKEN": "Hex High Entropy String",
    "FCM_SERVICE_TOKEN": "JSON Web Token",
}
PLANTED_SECRET_VALUES: tuple[str, ...] = (
    STRIPE_LIVE_KEY,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    PEM_PRIVATE_KEY,
    POSTGRES_URL,
    LEDGER_DB_PASSWORD,
    PARTNER_API_TOKEN,
    SERVICE_JWT,
)
# Functions with environment variables but no customer KMS key (KMSKeyArn absent).
ENV_NO_CMK_FUNCTIONS: frozenset[str] = frozenset(
    {
        "payments-status",
        "payments-api-authorizer",
        "payments-webhook-dispatch",
        "card-bin-lookup",
        "card-lifecycle-events",
        "ledger-balance-api",
        "ledger-reconcile",
        "ledger-db-migrate",
        "ledger-export-legacy",
        "settlement-report",
        "settlement-file-ingest",
        "settlement-fx-convert",
        "payouts-stripe-sync",
        "partner-settlement-callback",
        "partner-settlement-status",
        "merchant-onboarding-hook",
        "fx-rates-refresh",
        "fx-quote",
        "kyc-document-check",
        "kyc-liveness-check",
        "kyc-pep-screen",
        "kyc-address-verify",
        "fraud-features",
        "fraud-model-refresh",
        "fraud-case-export",
        "statements-ingest",
        "statements-signer",
        "statements-dispatch",
        "platform-janitor",
        "ops-runbook-executor",
        "release-canary",
        "feature-flags-api",
        "audit-log-shipper",
        "promo-banner-render",
        "partner-webhook-receiver",
        "partner-webhook-replay",
        "statements-dispatch-dr",
        "statements-archive-dr",
        "notify-push",
        "notify-bounce-handler",
        "notify-digest",
        "kyc-sanctions-screen",
        "kyc-watchlist-sync",
        "dr-health-probe",
    }
)
NO_ENV_FUNCTIONS: frozenset[str] = frozenset({"fx-rates-public", "shared-currency-format"})
VPC_FUNCTIONS: frozenset[str] = frozenset(
    {
        "payments-authorize",
        "payments-capture",
        "payments-refund",
        "payments-status",
        "payments-3ds-callback",
        "card-tokenize",
        "card-detokenize",
        "ledger-writer",
        "ledger-projector",
        "ledger-balance-api",
        "ledger-reconcile",
        "ledger-db-migrate",
        "kyc-liveness-check",
        "kyc-orchestrator",
        "kyc-pep-screen",
        "fraud-score",
        "fraud-features",
        "statements-render",
        "statements-ingest",
        "statements-signer",
        "statements-render-dr",
        "statements-dispatch-dr",
        "statements-archive-dr",
    }
)
# config.no-vpc: no `network=` in the function's spec AND its role's catalogue policy (catalogue_iam.py)
# grants access to a store classified pci or confidential (catalogue_stores.py). Functions outside a VPC
# whose roles reach nothing sensitive are quiet: lambda-basic-role (logs only), fx-rates-role (fx-rates,
# public), feature-flags-role (internal), payments-support-role (merchant-webhooks internal,
# idempotency-keys unclassified), release-automation-role (no store actions).
_NOTIFY = "notify-role: secrets on * (card-vault/master-key, pci), notification-preferences"
NO_VPC_SENSITIVE_FUNCTIONS: dict[str, str] = {
    # the planted one (catalogue_functions_risk.py: "a KYC function reading PCI documents outside the VPC")
    "kyc-document-check": "reads fintech-kyc-documents-eu (pci) and kyc-profiles, outside any VPC",
    # kyc-role: s3:GetObject on fintech-kyc-documents-eu (pci), kyc-profiles (confidential)
    "kyc-address-verify": "kyc-role: fintech-kyc-documents-eu (pci), kyc-profiles (confidential)",
    "kyc-sanctions-screen": "kyc-role: fintech-kyc-documents-eu (pci), kyc-profiles (confidential)",
    "kyc-watchlist-sync": "kyc-role: fintech-kyc-documents-eu (pci), kyc-profiles (confidential)",
    # settlement-role: s3:* and dynamodb:* on * (every bucket and table, pci ones included)
    "settlement-batch": "settlement-role: s3:* and dynamodb:* on *",
    "settlement-report": "settlement-role: s3:* and dynamodb:* on *",
    "settlement-fx-convert": "settlement-role: s3:* and dynamodb:* on *",
    "payouts-stripe-sync": "settlement-role: s3:* and dynamodb:* on *",
    "settlement-file-ingest": "settlement-ingest-role: fintech-settlement-inbox-eu, ledger-events",
    "ledger-export-legacy": "legacy-role: fintech-statements-eu, ledger-entries (confidential)",
    # partner-callback-role, partner-webhook-role: partner-events, partner/hmac-signing-key (confidential)
    "partner-settlement-callback": "partner-callback-role: partner-events, partner/hmac-signing-key",
    "partner-settlement-status": "partner-callback-role: partner-events, partner/hmac-signing-key",
    "merchant-onboarding-hook": "partner-callback-role: partner-events, partner/hmac-signing-key",
    "partner-webhook-receiver": "partner-webhook-role: partner-events, partner/hmac-signing-key",
    "partner-webhook-replay": "partner-webhook-role: partner-events, partner/hmac-signing-key",
    # fraud-features-role: dynamodb:* on * capped by a boundary to DynamoDB reads: every sensitive table
    "fraud-model-refresh": "fraud-features-role: DynamoDB reads on * (payments-transactions, card-tokens...)",
    "fraud-case-export": "reporting-role: NotAction iam:* on * (every store)",
    "platform-janitor": "platform-admin-role: AdministratorAccess (every store)",
    "ops-runbook-executor": "break-glass-role: * on * (every store)",
    "statements-dispatch": "statements-role: statements-ready topic, fintech-statements-eu (confidential)",
    # notify-role: secretsmanager:GetSecretValue on * (card-vault/master-key is pci; the processor key is
    # denied) and notification-preferences (confidential)
    "notify-email": _NOTIFY,
    "notify-sms": _NOTIFY,
    "notify-push": _NOTIFY,
    "notify-bounce-handler": _NOTIFY,
    "notify-digest": _NOTIFY,
    "notify-preferences-api": _NOTIFY,
}
# config.no-vpc-endpoint: VPC functions whose subnets route 0.0.0.0/0 to the eu-west-1 NAT gateway, by
# the services their roles use that have no endpoint there (the EU VPC has S3 and DynamoDB gateway
# endpoints and a Secrets Manager interface endpoint only: no KMS, SQS or SNS). Quiet VPC functions:
# kyc-orchestrator (dynamodb, lambda, iam), fraud-score (dynamodb, sts), fraud-features (boundary: dynamodb
# reads), ledger-db-migrate (public subnet, no NAT route) and the us-east-1 DR functions (no NAT at all).
NO_VPC_ENDPOINT_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "payments-authorize": ("kms",),  # payments-authorize-role: payments-cmk
    "payments-capture": ("kms", "sqs"),  # payments-core-role: payments-cmk, ledger-events
    "payments-refund": ("kms", "sqs"),
    "payments-status": ("kms", "sqs"),
    "payments-3ds-callback": ("kms", "sqs"),
    "card-tokenize": ("kms",),  # card-vault-role: payments-cmk
    "card-detokenize": ("kms",),
    "ledger-writer": ("kms", "sqs"),  # ledger-data-access (ledger-cmk) + ledger-events consumer
    "ledger-projector": ("kms",),  # ledger-projector-role: ledger-data-access (ledger-cmk)
    "ledger-balance-api": ("kms",),
    "ledger-reconcile": ("kms",),
    "kyc-liveness-check": ("kms",),  # kyc-role: payments-cmk
    "kyc-pep-screen": ("kms",),
    "statements-render": ("kms", "sns"),  # statements-role: env-cmk, statements-ready
    "statements-ingest": ("kms", "sns"),
    "statements-signer": ("kms", "sns"),
}
SINGLE_AZ_FUNCTIONS: dict[str, str] = {"ledger-reconcile": "eu-west-1a only"}
PUBLIC_SUBNET_FUNCTIONS: dict[str, str] = {"ledger-db-migrate": "public subnets (IGW route)"}
OPEN_SECURITY_GROUP_FUNCTIONS: frozenset[str] = frozenset({"ledger-db-migrate", "kyc-pep-screen"})
NO_TRACING_FUNCTIONS: frozenset[str] = frozenset(
    {
        "ledger-export-legacy",
        "settlement-fx-convert",
        "fx-rates-public",
        "kyc-address-verify",
        "fraud-case-export",
        "ops-runbook-executor",
        "notify-push",
        "kyc-watchlist-sync",
    }
)
RESERVED_CONCURRENCY: dict[str, int] = {
    "payments-authorize": 100,
    "payments-capture": 20,
    "card-tokenize": 30,
    "card-detokenize": 10,
    "fraud-score": 200,
}
# config.unencrypted-store, not encrypted at rest at all (catalogue_stores.py).
UNENCRYPTED_STORES: dict[str, str] = {
    "ledger-db": "RDS StorageEncrypted false (tagged pci)",
    "fintech-raw-uploads-eu": "S3 without default encryption (moto 404; AWS would say SSE-S3)",
    "legacy-settlement-jobs": "SQS without SSE",
    "statements-ready": "SNS without KMS",
}
# config.unencrypted-store, encrypted but with an AWS owned or managed key although classified
# confidential or pci (no `kms=` in catalogue_stores.py). Sensitive stores with a CMK, and internal or
# public stores under AWS keys (merchant-webhooks, email-bounces, fintech-public-assets-eu...) are quiet.
AWS_KEY_SENSITIVE_STORES: dict[str, str] = {
    "kyc-profiles": "DynamoDB table, confidential, AWS owned key",
    "fraud-features": "DynamoDB table, confidential, AWS owned key",
    "fintech-settlement-inbox-eu": "S3 bucket, confidential, SSE-S3 (AES256)",
    "partner-events": "SQS queue, confidential, SQS-managed SSE",
    "ledger/db-credentials": "secret, confidential, aws/secretsmanager",
    "partner/hmac-signing-key": "secret, confidential, aws/secretsmanager",
}
# config.tls-below-1.2: buckets whose policy has no Deny on aws:SecureTransport false. Only the CloudTrail
# bucket (cloudtrail_delivery=True) gets one (deploy_data.cloudtrail_bucket_policy).
TLS_NO_SECURE_TRANSPORT_BUCKETS: dict[str, str] = {
    "fintech-statements-eu": "no bucket policy",
    "fintech-kyc-documents-eu": "no bucket policy (pci)",
    "fintech-raw-uploads-eu": "no bucket policy",
    "fintech-settlement-inbox-eu": "no bucket policy",
    "fintech-statements-dr-us": "no bucket policy",
    "fintech-public-assets-eu": "public-read policy with no SecureTransport Deny",
}
# config.kms-no-rotation: customer keys by alias; the other three have rotation=True.
KMS_NO_ROTATION_KEYS: dict[str, str] = {"alias/ledger-cmk": "ledger-cmk rotation=False"}
# config.url-cors-wildcard: function URLs whose CORS allows any origin (catalogue_invokers.URLS).
URL_CORS_WILDCARD_FUNCTIONS: dict[str, str] = {"partner-webhook-receiver": "AuthType NONE, AllowOrigins *"}
# config.no-reserved-concurrency: invocable by anyone on the internet (PUBLIC_FUNCTIONS and
# PUBLIC_API_ROUTE_FUNCTIONS in plants.py) and no `reserved=` in the spec.
INTERNET_FACING_UNRESERVED_FUNCTIONS: dict[str, str] = {
    "fx-rates-public": "resource policy Principal *",
    "partner-webhook-receiver": "function URL AuthType NONE",
    "payments-status": "payments-api route with authorizationType NONE",
}
# Audit and monitoring (catalogue_audit.py). Every other function has /aws/lambda/<name> kept 400
# days, alarms on Errors and Throttles, and (when triggered asynchronously) an on-failure queue.
LOG_RETENTION_PLANTS: dict[str, int | None] = {
    "card-detokenize": None,  # never expires: detokenised card data in logs kept forever
    "ops-runbook-executor": 7,  # break-glass automation, a week of evidence (< 365)
}
STANDARD_LOG_RETENTION_DAYS = 400
NO_ALARM_FUNCTIONS: dict[str, str] = {
    "fx-rates-public": "internet-facing (Principal *), no alarm on Errors or Throttles",
    "kyc-watchlist-sync": "sanctions watchlist sync fails silently",
}
# The one trail (fintech-audit, eu-west-1, logging, Lambda data events for every function) is not
# multi-region: nothing records Lambda Invoke in these regions.
TRAIL_GAP_REGIONS: frozenset[str] = frozenset({US})
NO_DLQ_FUNCTIONS: dict[str, str] = {
    "settlement-file-ingest": "S3 notification from the partner settlement inbox; failed files are dropped",
    "notify-push": "SNS customer-notifications subscription; failed pushes are dropped",
}
UNCLASSIFIED_STORES: frozenset[str] = frozenset({"idempotency-keys", "legacy-settlement-jobs"})
# Every other table has PITR and every bucket versioning (deploy_data.deploy_recovery); the KYC
# roles (kyc-role PutItem, kyc-orchestrator-role UpdateItem) write kyc-profiles, confidential.
NO_RECOVERY_STORES: dict[str, str] = {
    "kyc-profiles": "DynamoDB table, PITR off, written by the KYC functions"
}
# Every other function carries the managed-by deployment tag (deploy_lambda.function_tags).
NOT_FROM_CODE_FUNCTIONS: dict[str, str] = {"ledger-export-legacy": "created by hand: no managed-by tag"}

# Every config.* rule -> the resources it must flag on the demo, exactly. Functions by name.
CONFIG_FUNCTION_PLANTS: dict[str, frozenset[str]] = {
    "config.runtime-deprecated": frozenset(DEPRECATED_RUNTIME_FUNCTIONS),
    "config.env-secret": frozenset(ENV_SECRET_FUNCTIONS),
    "config.env-no-cmk": ENV_NO_CMK_FUNCTIONS,
    "config.no-vpc": frozenset(NO_VPC_SENSITIVE_FUNCTIONS),
    "config.no-vpc-endpoint": frozenset(NO_VPC_ENDPOINT_FUNCTIONS),
    "config.single-az": frozenset(SINGLE_AZ_FUNCTIONS),
    "config.public-subnet": frozenset(PUBLIC_SUBNET_FUNCTIONS),
    "config.no-tracing": NO_TRACING_FUNCTIONS,
    "config.no-reserved-concurrency": frozenset(INTERNET_FACING_UNRESERVED_FUNCTIONS),
    "config.url-cors-wildcard": frozenset(URL_CORS_WILDCARD_FUNCTIONS),
    "config.log-retention": frozenset(LOG_RETENTION_PLANTS),
    "config.no-alarms": frozenset(NO_ALARM_FUNCTIONS),
    "config.no-dlq": frozenset(NO_DLQ_FUNCTIONS),
    "config.not-infrastructure-as-code": frozenset(NOT_FROM_CODE_FUNCTIONS),
    # moto does not implement code signing (ListCodeSigningConfigs "unsupported"): the answer is unknown
    "config.no-code-signing": frozenset(),
    "config.cross-account-layer": frozenset(),  # no function in the catalogue has layers
    "config.region-not-allowed": frozenset(),  # default settings allow every region
}
# Stores by name, KMS keys by alias.
CONFIG_STORE_PLANTS: dict[str, frozenset[str]] = {
    "config.unencrypted-store": frozenset(UNENCRYPTED_STORES) | frozenset(AWS_KEY_SENSITIVE_STORES),
    "config.tls-below-1.2": frozenset(TLS_NO_SECURE_TRANSPORT_BUCKETS),
    "config.unclassified-store": UNCLASSIFIED_STORES,
    "config.kms-no-rotation": frozenset(KMS_NO_ROTATION_KEYS),
    "config.no-point-in-time-recovery": frozenset(NO_RECOVERY_STORES),
}
# Account-wide findings by region.
CONFIG_REGION_PLANTS: dict[str, frozenset[str]] = {"config.no-trail-data-events": TRAIL_GAP_REGIONS}
CONFIG_RULE_PLANTS: dict[str, frozenset[str]] = {
    **CONFIG_FUNCTION_PLANTS,
    **CONFIG_STORE_PLANTS,
    **CONFIG_REGION_PLANTS,
}
