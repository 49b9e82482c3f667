"""Audit and monitoring: log groups with retention, alarms on Errors and Throttles, the CloudTrail
trail, and where failed asynchronous invocations go.

What a PCI-scoped team runs: every function's log group kept 400 days (PCI DSS 10.5.1 wants
twelve months), alarms on AWS/Lambda Errors and Throttles notifying the region's on-call topic,
one trail in eu-west-1 logging Lambda data events for every function, and an on-failure
destination (an SQS queue kept for replay) on every asynchronously triggered function. The gaps
are planted on purpose and listed by hand in plants.py:
- logs: card-detokenize's group never expires, ops-runbook-executor's keeps 7 days;
- alarms: none for fx-rates-public (internet-facing) and kyc-watchlist-sync;
- trail: single-region, so nothing records us-east-1;
- failed events: settlement-file-ingest (S3) and notify-push (SNS) drop them after the retries.
"""

from __future__ import annotations

from typing import Literal

from .catalogue_functions_ledger import LEDGER_FUNCTIONS
from .catalogue_functions_payments import PAYMENTS_FUNCTIONS
from .catalogue_functions_risk import RISK_FUNCTIONS
from .catalogue_functions_us import US_FUNCTIONS
from .constants import EU, US
from .specs import AlarmSpec, AsyncFailureDestination, LogGroupSpec, TrailSpec

LOG_RETENTION_DAYS = 400
# Functions whose log group does not follow the standard (None: never expire).
LOG_RETENTION_EXCEPTIONS: dict[str, int | None] = {
    "card-detokenize": None,  # created by hand during an incident, never given a retention
    "ops-runbook-executor": 7,  # break-glass automation: its evidence is gone within a week
}

_ALL = PAYMENTS_FUNCTIONS + LEDGER_FUNCTIONS + RISK_FUNCTIONS + US_FUNCTIONS

LOG_GROUPS: tuple[LogGroupSpec, ...] = tuple(
    LogGroupSpec(f.name, f.region, LOG_RETENTION_EXCEPTIONS.get(f.name, LOG_RETENTION_DAYS)) for f in _ALL
)

ALARM_TOPICS: dict[str, str] = {EU: "platform-alerts-eu", US: "platform-alerts-us"}
# No alarm at all: the public FX widget (anyone can drive its errors) and the sanctions list sync.
UNALARMED_FUNCTIONS: frozenset[str] = frozenset({"fx-rates-public", "kyc-watchlist-sync"})

_ALARM_METRICS: tuple[tuple[Literal["Errors", "Throttles"], float, int], ...] = (
    ("Errors", 1.0, 1),  # any failed invocation
    ("Throttles", 1.0, 2),  # throttled for ten minutes in a row
)
ALARMS: tuple[AlarmSpec, ...] = tuple(
    AlarmSpec(f.name, f.region, metric, threshold, ALARM_TOPICS[f.region], periods)
    for f in _ALL
    if f.name not in UNALARMED_FUNCTIONS
    for metric, threshold, periods in _ALARM_METRICS
)

TRAILS: tuple[TrailSpec, ...] = (
    TrailSpec(
        "fintech-audit",
        EU,
        "fintech-cloudtrail-eu",
        multi_region=False,  # the planted gap: us-east-1 (DR, notifications) is not recorded
        lambda_data_values=("arn:aws:lambda",),
    ),
)

_EU_FAILURES = "lambda-async-failures-eu"
_US_FAILURES = "lambda-async-failures-us"

# Every asynchronously triggered function (catalogue_invokers.py: EventBridge rules, SNS
# subscriptions, S3 notifications) but the two planted ones, settlement-file-ingest and notify-push.
ASYNC_FAILURE_DESTINATIONS: tuple[AsyncFailureDestination, ...] = (
    *(
        AsyncFailureDestination(name, "queue", _EU_FAILURES)
        for name in (
            "settlement-batch",
            "settlement-report",
            "ledger-reconcile",
            "ledger-export-legacy",
            "payouts-stripe-sync",
            "fx-rates-refresh",
            "fraud-model-refresh",
            "statements-render",
            "platform-janitor",
            "audit-log-shipper",
            "card-lifecycle-events",
            "statements-dispatch",
            "statements-ingest",
            "kyc-document-check",
        )
    ),
    *(
        AsyncFailureDestination(name, "queue", _US_FAILURES)
        for name in (
            "statements-render-dr",
            "notify-digest",
            "kyc-watchlist-sync",
            "dr-health-probe",
            "notify-email",
            "notify-sms",
            "statements-archive-dr",
        )
    ),
)
