"""eu-west-1 ledger, settlement and FX functions.

Planted here: a Postgres URL with a password and AWS keys in environment variables, a Stripe
live key, deprecated runtimes on the legacy jobs, a single-AZ and a public-subnet function, and
the public legacy FX feed (see plants.py).
"""

from __future__ import annotations

from functools import partial

from . import arns
from .catalogue_common import busy, daily, env, every, flat, make, sparse
from .constants import EU
from .planted_values import (
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    POSTGRES_URL,
    STRIPE_LIVE_KEY,
)
from .specs import FunctionSpec

_eu = partial(make, EU)
PRIVATE = "eu-private"

LEDGER_FUNCTIONS: tuple[FunctionSpec, ...] = (
    # --- ledger ---------------------------------------------------------------------------
    _eu(
        "ledger-writer",
        "ledger",
        "Writes double-entry postings from ledger-events",
        "python3.12",
        "ledger-writer-role",
        busy(1400, 220),
        memory=1024,
        timeout=60,
        network=PRIVATE,
        env_kms="ledger-cmk",
        data_class="confidential",
        env=env("ledger-writer", TABLE_NAME="ledger-entries", DATABASE_URL=POSTGRES_URL),
    ),
    _eu(
        "ledger-projector",
        "ledger",
        "Projects the ledger stream into balances",
        "python3.12",
        "ledger-projector-role",
        busy(1400, 60),
        memory=512,
        timeout=60,
        network=PRIVATE,
        env_kms="ledger-cmk",
        data_class="confidential",
        env=env("ledger-projector", TABLE_NAME="ledger-entries"),
    ),
    _eu(
        "ledger-balance-api",
        "ledger",
        "Account balances for internal services",
        "nodejs22.x",
        "ledger-projector-role",
        busy(800, 35),
        network=PRIVATE,
        data_class="confidential",
        env=env("ledger-balance-api", TABLE_NAME="ledger-entries"),
    ),
    _eu(
        "ledger-reconcile",
        "ledger",
        "Nightly ledger vs processor reconciliation",
        "java21",
        "ledger-projector-role",
        daily(3, 30, 40, 6, 120000),
        memory=2048,
        timeout=900,
        network="eu-private-a-only",
        data_class="confidential",
        env=env("ledger-reconcile", TABLE_NAME="ledger-entries"),
    ),
    _eu(
        "ledger-db-migrate",
        "ledger",
        "Applies schema migrations to ledger-db",
        "python3.12",
        "ledger-ops-role",
        sparse(0.05, 40000),
        timeout=300,
        network="eu-public",
        env=env(
            "ledger-db-migrate",
            DB_HOST="ledger-db.c9akciq32.eu-west-1.rds.amazonaws.com",
            DB_NAME="ledger",
            DB_SECRET_ARN=arns.secret_ref("ledger/db-credentials"),
        ),
    ),
    _eu(
        "ledger-export-legacy",
        "ledger",
        "Legacy CSV export for the old BI tool",
        "python3.7",
        "legacy-role",
        daily(1, 0, 20, 2, 50000),
        timeout=300,
        tracing="PassThrough",
        from_code=False,  # created by hand in the console years ago: no deployment tag
        env=env(
            "ledger-export-legacy",
            EXPORT_BUCKET="fintech-statements-eu",
            AWS_ACCESS_KEY_ID=AWS_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY=AWS_SECRET_ACCESS_KEY,
        ),
    ),
    # --- settlement -----------------------------------------------------------------------
    _eu(
        "settlement-batch",
        "settlement",
        "Nightly settlement with acquirers",
        "java21",
        "settlement-role",
        daily(2, 0, 45, 40, 45000),
        memory=3008,
        timeout=900,
        env_kms="env-cmk",
        data_class="confidential",
        env=env("settlement-batch", LEDGER_QUEUE_URL=arns.queue_url("ledger-events"), CUTOFF_UTC="01:45"),
    ),
    _eu(
        "settlement-report",
        "settlement",
        "Daily settlement report for finance",
        "python3.13",
        "settlement-role",
        daily(6, 0, 20, 4, 30000),
        memory=1024,
        timeout=300,
        env=env("settlement-report", REPORT_BUCKET="fintech-statements-eu"),
    ),
    _eu(
        "settlement-file-ingest",
        "settlement",
        "Parses acquirer settlement files",
        "python3.12",
        "settlement-ingest-role",
        daily(1, 30, 15, 8, 9000),
        memory=512,
        timeout=120,
        env=env("settlement-file-ingest", INBOX_BUCKET="fintech-settlement-inbox-eu"),
    ),
    _eu(
        "settlement-fx-convert",
        "settlement",
        "Converts settlement amounts (legacy FX engine)",
        "java8",
        "settlement-role",
        daily(2, 15, 30, 20, 9000),
        memory=1024,
        timeout=300,
        tracing="PassThrough",
        env=env("settlement-fx-convert", JOBS_QUEUE_URL=arns.queue_url("legacy-settlement-jobs")),
    ),
    _eu(
        "payouts-stripe-sync",
        "settlement",
        "Syncs merchant payouts with Stripe",
        "python3.12",
        "settlement-role",
        every(30, 6000),
        memory=512,
        timeout=120,
        env=env(
            "payouts-stripe-sync", STRIPE_API_BASE="https://api.stripe.com", STRIPE_SECRET_KEY=STRIPE_LIVE_KEY
        ),
    ),
    _eu(
        "partner-settlement-callback",
        "partners",
        "Called by the settlement partner's account when a batch is paid",
        "nodejs22.x",
        "partner-callback-role",
        sparse(3, 120),
        env=env("partner-settlement-callback", EVENTS_QUEUE_URL=arns.queue_url("partner-events")),
    ),
    _eu(
        "partner-settlement-status",
        "partners",
        "Settlement status for partners (HTTP API)",
        "nodejs22.x",
        "partner-callback-role",
        busy(50, 40),
        env=env("partner-settlement-status", EVENTS_QUEUE_URL=arns.queue_url("partner-events")),
    ),
    _eu(
        "merchant-onboarding-hook",
        "partners",
        "Partner-initiated merchant onboarding",
        "python3.12",
        "partner-callback-role",
        sparse(2, 900),
        env=env("merchant-onboarding-hook", KYC_FUNCTION="kyc-orchestrator"),
    ),
    # --- treasury / FX --------------------------------------------------------------------
    _eu(
        "fx-rates-public",
        "treasury",
        "Legacy public FX rates feed (v1 website)",
        "nodejs14.x",
        "fx-rates-role",
        flat(60, 30),
        memory=128,
        tracing="PassThrough",
        env={},
    ),
    _eu(
        "fx-rates-refresh",
        "treasury",
        "Refreshes FX rates from the market data vendor",
        "python3.12",
        "fx-rates-role",
        every(15, 2500),
        env=env("fx-rates-refresh", RATES_TABLE="fx-rates", VENDOR_URL="https://marketdata.example/v3/fx"),
    ),
    _eu(
        "fx-quote",
        "treasury",
        "FX quotes for partners",
        "python3.13",
        "fx-rates-role",
        busy(400, 25),
        arch="arm64",
        env=env("fx-quote", RATES_TABLE="fx-rates", SPREAD_BPS="35"),
    ),
)
