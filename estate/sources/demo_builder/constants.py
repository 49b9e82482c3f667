"""Fixed identities of the demo estate.

Everything the demo deploys is pinned here so the estate, its ARNs and its metrics are the same on
every run: moto's default account, a partner account and organisation used in policy conditions,
and a fixed metrics anchor (never "now", which would make the demo drift day by day).
"""

from __future__ import annotations

from datetime import UTC, datetime

DEMO_ACCOUNT = "123456789012"
PARTNER_ACCOUNT = "210987654321"
ORG_ID = "o-fintech0001"
EU = "eu-west-1"
US = "us-east-1"
DEMO_REGIONS: tuple[str, ...] = (EU, US)
DEMO_METRICS_END = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
METRIC_PERIOD = 300
METRIC_NAMESPACE = "AWS/Lambda"
MOTO_SEED = 42

# Fake credentials: moto accepts anything; real-looking values would only invite mistakes.
FAKE_CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
