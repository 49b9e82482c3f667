"""Keys and data stores, each tagged DataClassification (pci/confidential/internal/public).

Two stores are left unclassified on purpose (idempotency-keys, legacy-settlement-jobs), and the
encryption settings vary so config rules have something to find: an unencrypted RDS instance
holding PCI data, a bucket without default encryption, a queue and a topic without SSE. Every table
has point-in-time recovery and every bucket versioning except kyc-profiles (no PITR), which the
KYC functions write.
"""

from __future__ import annotations

from .constants import EU, US
from .planted_values import LEDGER_DB_PASSWORD
from .specs import (
    BucketSpec,
    DbSpec,
    KmsKeySpec,
    ParameterSpec,
    QueueSpec,
    SecretSpec,
    TableSpec,
    TopicSpec,
)

KMS_KEYS: tuple[KmsKeySpec, ...] = (
    KmsKeySpec("payments-cmk", EU, "Payments and card data (PCI)", rotation=True, data_class="pci"),
    KmsKeySpec("ledger-cmk", EU, "Ledger data", rotation=False, data_class="confidential"),
    KmsKeySpec("env-cmk", EU, "Lambda environment variables", rotation=True, data_class=None),
    KmsKeySpec("dr-cmk", US, "DR copies and notifications", rotation=True, data_class="confidential"),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "payments-transactions", EU, "pci", "payment_id", stream="NEW_AND_OLD_IMAGES", kms="payments-cmk"
    ),
    TableSpec("card-tokens", EU, "pci", "token", kms="payments-cmk"),
    TableSpec(
        "ledger-entries", EU, "confidential", "account_id", "entry_id", stream="NEW_IMAGE", kms="ledger-cmk"
    ),
    TableSpec("kyc-profiles", EU, "confidential", "customer_id", pitr=False),  # written by the KYC roles
    TableSpec("fraud-features", EU, "confidential", "entity_id"),
    TableSpec("fx-rates", EU, "public", "currency_pair"),
    TableSpec("feature-flags", EU, "internal", "flag"),
    TableSpec("idempotency-keys", EU, None, "key"),
    TableSpec("notification-preferences", US, "confidential", "customer_id", kms="dr-cmk"),
)

BUCKETS: tuple[BucketSpec, ...] = (
    BucketSpec("fintech-statements-eu", EU, "confidential", "aws:kms", kms="env-cmk"),
    BucketSpec("fintech-kyc-documents-eu", EU, "pci", "aws:kms", kms="payments-cmk"),
    BucketSpec("fintech-raw-uploads-eu", EU, "internal", None),
    BucketSpec("fintech-settlement-inbox-eu", EU, "confidential", "AES256"),
    BucketSpec("fintech-public-assets-eu", EU, "public", "AES256", public_read=True),
    BucketSpec("fintech-statements-dr-us", US, "confidential", "aws:kms", kms="dr-cmk"),
    # CloudTrail log files (catalogue_audit.py): PCI asks for audit trails protected from change
    BucketSpec(
        "fintech-cloudtrail-eu", EU, "confidential", "aws:kms", kms="payments-cmk", cloudtrail_delivery=True
    ),
)

SECRETS: tuple[SecretSpec, ...] = (
    SecretSpec("payments/provider-api-key", EU, "pci", "Card processor API key", kms="payments-cmk"),
    SecretSpec("card-vault/master-key", EU, "pci", "Tokenisation vault key", kms="payments-cmk"),
    SecretSpec("ledger/db-credentials", EU, "confidential", "ledger-db master credentials"),
    SecretSpec("partner/hmac-signing-key", EU, "confidential", "Partner webhook HMAC key"),
    SecretSpec("notify/sms-provider-key", US, "internal", "SMS provider API key", kms="dr-cmk"),
)

DATABASES: tuple[DbSpec, ...] = (
    DbSpec("ledger-db", EU, "pci", "postgres", encrypted=False, subnets=("eu-private-a", "eu-private-b")),
)

QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("ledger-events-dlq", EU, "confidential", "kms", kms="ledger-cmk"),
    QueueSpec("ledger-events", EU, "confidential", "kms", kms="ledger-cmk", dlq="ledger-events-dlq"),
    QueueSpec("merchant-webhooks", EU, "internal", "sqs"),
    QueueSpec("partner-events", EU, "confidential", "sqs"),
    QueueSpec("legacy-settlement-jobs", EU, None, None),
    QueueSpec("email-bounces", US, "internal", "sqs"),
    # on-failure destinations of asynchronous invocations (catalogue_audit.py); events may carry card data
    QueueSpec("lambda-async-failures-eu", EU, "pci", "kms", kms="payments-cmk"),
    QueueSpec("lambda-async-failures-us", US, "confidential", "kms", kms="dr-cmk"),
)

TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("card-events", EU, "pci", kms="payments-cmk"),
    TopicSpec("statements-ready", EU, "confidential", kms=None),
    TopicSpec("customer-notifications", US, "confidential", kms="dr-cmk"),
    # on-call notifications of the CloudWatch alarms (catalogue_audit.py)
    TopicSpec("platform-alerts-eu", EU, "internal", kms="env-cmk"),
    TopicSpec("platform-alerts-us", US, "internal", kms="dr-cmk"),
)

PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "/fintech/payments/provider-endpoint",
        EU,
        "internal",
        "String",
        "https://api.card-processor.example/v2",
    ),
    ParameterSpec(
        "/fintech/ledger/db-password", EU, "pci", "SecureString", LEDGER_DB_PASSWORD, kms="ledger-cmk"
    ),
    ParameterSpec(
        "/fintech/feature-flags/defaults",
        EU,
        "internal",
        "String",
        '{"instant_payouts": false, "new_fx_engine": true}',
    ),
    ParameterSpec(
        "/fintech/partner/callback-base-url", EU, "public", "String", "https://partner.example/callbacks"
    ),
    ParameterSpec("/fintech/notify/sender-id", US, "internal", "String", "FINTECH"),
)
