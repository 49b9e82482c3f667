"""Who can invoke what: APIs, schedules, queues, streams, topics, buckets, URLs, and the few
resource-policy statements written by hand (cross-account, org-wide, the public legacy one).

Deploy code derives each invoker's `lambda add_permission` the way the console and IaC tools do
(service principal plus SourceArn, and SourceAccount for S3), so this file only says which
invokers exist.
"""

from __future__ import annotations

from .constants import DEMO_ACCOUNT, EU, ORG_ID, PARTNER_ACCOUNT, US
from .specs import (
    BucketTrigger,
    ExtraPermission,
    HttpApiSpec,
    HttpRoute,
    QueueTrigger,
    RestApiSpec,
    RestRoute,
    RuleSpec,
    StreamTrigger,
    TopicSubscription,
    UrlSpec,
)

REST_APIS: tuple[RestApiSpec, ...] = (
    RestApiSpec(
        "payments-api",
        EU,
        "Merchant-facing payments API",
        "payments-api-authorizer",
        (
            RestRoute("/payments", "POST", "payments-authorize", "AWS_IAM"),
            RestRoute("/payments/{paymentId}", "GET", "payments-status", "NONE"),
            RestRoute("/payments/{paymentId}/capture", "POST", "payments-capture", "CUSTOM"),
            RestRoute("/payments/{paymentId}/refund", "POST", "payments-refund", "CUSTOM"),
            RestRoute("/3ds/callback", "POST", "payments-3ds-callback", "CUSTOM"),
            RestRoute("/cards/bin/{bin}", "GET", "card-bin-lookup", "CUSTOM"),
            RestRoute("/balances/{accountId}", "GET", "ledger-balance-api", "AWS_IAM"),
            RestRoute("/kyc/applications", "POST", "kyc-orchestrator", "AWS_IAM"),
        ),
    ),
)

HTTP_APIS: tuple[HttpApiSpec, ...] = (
    HttpApiSpec(
        "partner-http-api",
        EU,
        "Partner API (JWT from the partner IdP)",
        "https://idp.partner.example/",
        "fintech-partner-api",
        (
            HttpRoute("GET /partner/settlements/{id}", "partner-settlement-status", "JWT"),
            HttpRoute("GET /partner/fx/quote", "fx-quote", "JWT"),
            HttpRoute(
                "POST /partner/onboarding", "merchant-onboarding-hook", "AWS_IAM", permission_principal="*"
            ),
        ),
    ),
)

RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "settlement-nightly", EU, "settlement-batch", "Nightly settlement run", schedule="cron(0 2 * * ? *)"
    ),
    RuleSpec(
        "settlement-report-daily",
        EU,
        "settlement-report",
        "Finance settlement report",
        schedule="cron(0 6 * * ? *)",
    ),
    RuleSpec(
        "ledger-reconcile-nightly",
        EU,
        "ledger-reconcile",
        "Ledger reconciliation",
        schedule="cron(30 3 * * ? *)",
    ),
    RuleSpec(
        "ledger-export-legacy", EU, "ledger-export-legacy", "Legacy BI export", schedule="cron(0 1 * * ? *)"
    ),
    RuleSpec("payouts-stripe-sync", EU, "payouts-stripe-sync", "Payout sync", schedule="rate(30 minutes)"),
    RuleSpec("fx-rates-refresh", EU, "fx-rates-refresh", "FX rates refresh", schedule="rate(15 minutes)"),
    RuleSpec(
        "fraud-model-refresh", EU, "fraud-model-refresh", "Fraud model reload", schedule="rate(6 hours)"
    ),
    RuleSpec(
        "statements-daily",
        EU,
        "statements-render",
        "Statements for closing cycles",
        schedule="cron(0 5 * * ? *)",
    ),
    RuleSpec("platform-janitor", EU, "platform-janitor", "Housekeeping", schedule="rate(1 day)"),
    RuleSpec(
        "lambda-api-audit",
        EU,
        "audit-log-shipper",
        "Lambda control-plane changes",
        pattern={"source": ["aws.lambda"], "detail-type": ["AWS API Call via CloudTrail"]},
    ),
    RuleSpec(
        "statements-dr-daily", US, "statements-render-dr", "DR statements", schedule="cron(30 5 * * ? *)"
    ),
    RuleSpec("notify-digest-daily", US, "notify-digest", "Daily digest", schedule="cron(0 13 * * ? *)"),
    RuleSpec("kyc-watchlist-sync", US, "kyc-watchlist-sync", "Watchlist download", schedule="rate(1 day)"),
    RuleSpec("dr-health-probe", US, "dr-health-probe", "DR synthetic probe", schedule="rate(5 minutes)"),
)

QUEUE_TRIGGERS: tuple[QueueTrigger, ...] = (
    QueueTrigger("ledger-events", "ledger-writer", batch_size=25),
    QueueTrigger("merchant-webhooks", "payments-webhook-dispatch"),
    QueueTrigger("legacy-settlement-jobs", "settlement-fx-convert", batch_size=1),
    QueueTrigger("email-bounces", "notify-bounce-handler"),
)

STREAM_TRIGGERS: tuple[StreamTrigger, ...] = (
    StreamTrigger("ledger-entries", "ledger-projector"),
    StreamTrigger("payments-transactions", "fraud-features"),
)

TOPIC_SUBSCRIPTIONS: tuple[TopicSubscription, ...] = (
    TopicSubscription("card-events", "card-lifecycle-events"),
    TopicSubscription("statements-ready", "statements-dispatch"),
    TopicSubscription("customer-notifications", "notify-email"),
    TopicSubscription("customer-notifications", "notify-sms"),
    TopicSubscription("customer-notifications", "notify-push"),
)

BUCKET_TRIGGERS: tuple[BucketTrigger, ...] = (
    BucketTrigger("fintech-raw-uploads-eu", "statements-ingest", "statements/"),
    BucketTrigger("fintech-kyc-documents-eu", "kyc-document-check", "uploads/"),
    BucketTrigger(
        "fintech-settlement-inbox-eu", "settlement-file-ingest", "incoming/", with_source_account=False
    ),
    BucketTrigger("fintech-statements-dr-us", "statements-archive-dr", "replicated/"),
)

URLS: tuple[UrlSpec, ...] = (
    UrlSpec("partner-webhook-receiver", "NONE", cors_origins=("*",)),
    UrlSpec("feature-flags-api", "AWS_IAM"),
)

EXTRA_PERMISSIONS: tuple[ExtraPermission, ...] = (
    ExtraPermission("partner-settlement-callback", "partner-account-invoke", PARTNER_ACCOUNT),
    ExtraPermission("shared-currency-format", "org-wide-invoke", "*", org_id=ORG_ID),
    ExtraPermission("audit-log-shipper", "same-account-services", "*", source_account=DEMO_ACCOUNT),
    ExtraPermission("fx-rates-public", "website-public-invoke", "*"),
)
