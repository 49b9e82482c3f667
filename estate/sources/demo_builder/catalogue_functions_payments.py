"""eu-west-1 payments and cards functions: the PCI core.

The card path (authorize, capture, tokenize) runs in the VPC with reserved concurrency and
CMK-encrypted environments; payments-status sits behind an unauthenticated API route (plants.py).
"""

from __future__ import annotations

from functools import partial

from . import arns
from .catalogue_common import busy, env, make
from .constants import EU
from .specs import FunctionSpec

_eu = partial(make, EU)
PRIVATE = "eu-private"

PAYMENTS_FUNCTIONS: tuple[FunctionSpec, ...] = (
    # --- payments -------------------------------------------------------------------------
    _eu(
        "payments-authorize",
        "payments",
        "Authorises card payments against the processor",
        "python3.12",
        "payments-authorize-role",
        busy(2400, 180),
        memory=1024,
        timeout=15,
        arch="arm64",
        network=PRIVATE,
        env_kms="payments-cmk",
        reserved=100,
        data_class="pci",
        env=env(
            "payments-authorize",
            TABLE_NAME="payments-transactions",
            PROVIDER_SECRET_ARN=arns.secret_ref("payments/provider-api-key"),
            FRAUD_FUNCTION="fraud-score",
            PROVIDER_TIMEOUT_MS="12000",
        ),
    ),
    _eu(
        "payments-capture",
        "payments",
        "Captures authorised payments",
        "python3.12",
        "payments-core-role",
        busy(900, 140),
        memory=512,
        timeout=15,
        arch="arm64",
        network=PRIVATE,
        env_kms="payments-cmk",
        reserved=20,
        data_class="pci",
        env=env(
            "payments-capture",
            TABLE_NAME="payments-transactions",
            LEDGER_QUEUE_URL=arns.queue_url("ledger-events"),
        ),
    ),
    _eu(
        "payments-refund",
        "payments",
        "Refunds captured payments",
        "python3.12",
        "payments-core-role",
        busy(60, 160),
        memory=512,
        timeout=15,
        arch="arm64",
        network=PRIVATE,
        env_kms="payments-cmk",
        data_class="pci",
        env=env(
            "payments-refund",
            TABLE_NAME="payments-transactions",
            LEDGER_QUEUE_URL=arns.queue_url("ledger-events"),
        ),
    ),
    _eu(
        "payments-status",
        "payments",
        "Payment status lookup for the merchant dashboard",
        "nodejs22.x",
        "payments-core-role",
        busy(700, 45),
        network=PRIVATE,
        data_class="pci",
        env=env("payments-status", TABLE_NAME="payments-transactions", CACHE_TTL_SECONDS="5"),
    ),
    _eu(
        "payments-3ds-callback",
        "payments",
        "3-D Secure challenge results from the ACS",
        "java21",
        "payments-core-role",
        busy(300, 420),
        memory=1024,
        timeout=10,
        network=PRIVATE,
        env_kms="payments-cmk",
        data_class="pci",
        env=env(
            "payments-3ds-callback",
            TABLE_NAME="payments-transactions",
            JAVA_TOOL_OPTIONS="-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
        ),
    ),
    _eu(
        "payments-api-authorizer",
        "payments",
        "Token authorizer for payments-api",
        "nodejs22.x",
        "lambda-basic-role",
        busy(2000, 12),
        memory=128,
        timeout=5,
        env=env(
            "payments-api-authorizer",
            JWKS_URL="https://auth.fintech.example/.well-known/jwks.json",
            AUDIENCE="payments-api",
        ),
    ),
    _eu(
        "payments-webhook-dispatch",
        "payments",
        "Delivers payment events to merchant webhooks",
        "nodejs22.x",
        "payments-support-role",
        busy(500, 350),
        timeout=60,
        env=env("payments-webhook-dispatch", MAX_ATTEMPTS="8", QUEUE_URL=arns.queue_url("merchant-webhooks")),
    ),
    # --- cards ----------------------------------------------------------------------------
    _eu(
        "card-tokenize",
        "cards",
        "Swaps a PAN for a vault token",
        "python3.12",
        "card-vault-role",
        busy(2400, 95),
        memory=512,
        timeout=10,
        arch="arm64",
        network=PRIVATE,
        env_kms="payments-cmk",
        reserved=30,
        data_class="pci",
        env=env("card-tokenize", TOKENS_TABLE="card-tokens", HSM_MODE="cloudhsm"),
    ),
    _eu(
        "card-detokenize",
        "cards",
        "Resolves a vault token for settlement",
        "python3.12",
        "card-vault-role",
        busy(150, 90),
        memory=512,
        timeout=10,
        arch="arm64",
        network=PRIVATE,
        env_kms="payments-cmk",
        reserved=10,
        data_class="pci",
        env=env("card-detokenize", TOKENS_TABLE="card-tokens"),
    ),
    _eu(
        "card-bin-lookup",
        "cards",
        "Card BIN to issuer and scheme lookup",
        "nodejs20.x",
        "lambda-basic-role",
        busy(1800, 20),
        memory=256,
        env=env("card-bin-lookup", BIN_TABLE_VERSION="2026-09"),
    ),
    _eu(
        "card-lifecycle-events",
        "cards",
        "Card issued/blocked/expired events",
        "java21",
        "lambda-basic-role",
        busy(120, 600),
        memory=768,
        timeout=60,
        data_class="pci",
        env=env("card-lifecycle-events", TOPIC_ARN=arns.topic("card-events")),
    ),
)
