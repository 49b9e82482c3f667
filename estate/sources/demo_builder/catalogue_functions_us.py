"""The us-east-1 functions: statements DR, notifications, the partner webhook, KYC helpers."""

from __future__ import annotations

from functools import partial

from . import arns
from .catalogue_common import busy, daily, env, every, make, sparse
from .constants import US
from .planted_values import SERVICE_JWT
from .specs import FunctionSpec

_us = partial(make, US)

US_FUNCTIONS: tuple[FunctionSpec, ...] = (
    _us(
        "partner-webhook-receiver",
        "partners",
        "Public webhook endpoint for partner events",
        "nodejs22.x",
        "partner-webhook-role",
        busy(150, 60),
        env=env(
            "partner-webhook-receiver",
            EVENTS_QUEUE_URL=arns.queue_url("partner-events"),
            HMAC_SECRET_ARN=arns.secret_ref("partner/hmac-signing-key"),
        ),
    ),
    _us(
        "partner-webhook-replay",
        "partners",
        "Replays failed partner webhooks",
        "python3.12",
        "partner-webhook-role",
        sparse(0.1, 5000),
        timeout=120,
        env=env("partner-webhook-replay", EVENTS_QUEUE_URL=arns.queue_url("partner-events")),
    ),
    _us(
        "statements-render-dr",
        "statements",
        "Statement rendering (DR copy)",
        "java21",
        "statements-dr-role",
        daily(5, 30, 30, 4, 9000),
        memory=1536,
        timeout=300,
        network="us-private",
        env_kms="dr-cmk",
        data_class="confidential",
        env=env("statements-render-dr", OUTPUT_BUCKET="fintech-statements-dr-us"),
    ),
    _us(
        "statements-dispatch-dr",
        "statements",
        "Statement links (DR copy)",
        "nodejs22.x",
        "statements-dr-role",
        sparse(0.05, 300),
        network="us-private",
        env=env("statements-dispatch-dr", ACTIVE="false"),
    ),
    _us(
        "statements-archive-dr",
        "statements",
        "Archives replicated statements",
        "python3.12",
        "statements-dr-role",
        daily(5, 45, 40, 30, 700),
        network="us-private",
        data_class="confidential",
        env=env("statements-archive-dr", ARCHIVE_BUCKET="fintech-statements-dr-us"),
    ),
    _us(
        "notify-email",
        "notifications",
        "Transactional email",
        "python3.12",
        "notify-role",
        busy(600, 300),
        env_kms="dr-cmk",
        data_class="confidential",
        env=env(
            "notify-email", SENDER="no-reply@fintech.example", PREFERENCES_TABLE="notification-preferences"
        ),
    ),
    _us(
        "notify-sms",
        "notifications",
        "Transactional SMS",
        "python3.12",
        "notify-role",
        busy(200, 250),
        env_kms="dr-cmk",
        data_class="confidential",
        env=env(
            "notify-sms",
            PROVIDER_SECRET_ARN=arns.secret_ref("notify/sms-provider-key"),
            SENDER_ID_PARAM="/fintech/notify/sender-id",
        ),
    ),
    _us(
        "notify-push",
        "notifications",
        "Mobile push notifications",
        "nodejs16.x",
        "notify-role",
        busy(900, 90),
        tracing="PassThrough",
        env=env(
            "notify-push",
            PUSH_ENDPOINT="https://fcm.googleapis.com/v1/projects/fintech",
            FCM_SERVICE_TOKEN=SERVICE_JWT,
        ),
    ),
    _us(
        "notify-bounce-handler",
        "notifications",
        "Handles email bounces and complaints",
        "python3.13",
        "notify-role",
        sparse(1.5, 40),
        env=env("notify-bounce-handler", QUEUE_URL=arns.queue_url("email-bounces", US)),
    ),
    _us(
        "notify-digest",
        "notifications",
        "Daily activity digest emails",
        "python3.12",
        "notify-role",
        daily(13, 0, 30, 30, 9000),
        memory=512,
        timeout=300,
        env=env("notify-digest", BATCH_SIZE="500"),
    ),
    _us(
        "notify-preferences-api",
        "notifications",
        "Notification preferences API",
        "nodejs22.x",
        "notify-role",
        busy(250, 30),
        env_kms="dr-cmk",
        env=env("notify-preferences-api", PREFERENCES_TABLE="notification-preferences"),
    ),
    _us(
        "kyc-sanctions-screen",
        "kyc",
        "Sanctions list screening (OFAC primary copy)",
        "python3.12",
        "kyc-role",
        busy(90, 900),
        memory=1024,
        timeout=60,
        env=env("kyc-sanctions-screen", LIST_SOURCE="https://sanctions.example/ofac.xml"),
    ),
    _us(
        "kyc-watchlist-sync",
        "kyc",
        "Downloads sanctions watchlists",
        "python3.8",
        "kyc-role",
        daily(0, 30, 10, 1, 90000),
        memory=512,
        timeout=300,
        tracing="PassThrough",
        env=env("kyc-watchlist-sync", LISTS="ofac,un,eu,uk-hmt"),
    ),
    _us(
        "dr-health-probe",
        "platform",
        "Synthetic probe of the DR region",
        "python3.13",
        "lambda-basic-role",
        every(5, 350),
        memory=128,
        env=env("dr-health-probe", TARGETS="statements,notifications"),
    ),
)
