"""Planted secret values and hostile strings, built at import time from a seeded RNG.

The values are assembled from pieces on purpose: the source never contains a literal that looks
like a live credential, so secret scanners (GitHub push protection, a detect-secrets baseline)
stay quiet about this repository, while the deployed values are real positives for
detect-secrets 1.5 (Stripe, AWS, private key, JWT, high-entropy hex) and for the URL-credential
check in estate/secrets.py. Deterministic: the same values on every run.
"""

from __future__ import annotations

import base64
import json
import random
import string

_RNG = random.Random("lambdascope-demo-planted-values")
_ALNUM = string.ascii_letters + string.digits
_UPPER = string.ascii_uppercase + string.digits


def _token(alphabet: str, length: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


STRIPE_LIVE_KEY = "sk_" + "live_" + _token(_ALNUM, 24)
AWS_ACCESS_KEY_ID = "AK" + "IA" + _token(_UPPER, 16)
AWS_SECRET_ACCESS_KEY = _token(_ALNUM + "+/", 40)
_PEM_KIND = "RSA " + "PRIVATE KEY"
PEM_PRIVATE_KEY = "\n".join(
    [f"-----BEGIN {_PEM_KIND}-----"]
    + [base64.b64encode(_RNG.randbytes(48)).decode() for _ in range(3)]
    + [f"-----END {_PEM_KIND}-----"]
)
LEDGER_DB_PASSWORD = _token(_ALNUM, 22)
POSTGRES_URL = (
    "postgres"
    + "://ledger:"
    + LEDGER_DB_PASSWORD
    + "@ledger-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/ledger"
)
PARTNER_API_TOKEN = _RNG.randbytes(20).hex()
SERVICE_JWT = ".".join(
    [
        _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()),
        _b64url(
            json.dumps(
                {"sub": "notify-push", "iss": "fintech-auth", "iat": 1761955200, "scope": "push"}
            ).encode()
        ),
        _b64url(_RNG.randbytes(32)),
    ]
)

# Rich markup plus an ANSI escape: a UI that renders these instead of showing them literally
# would turn a tag or description into styled text (or a terminal escape). Moto accepts the
# control character in Lambda descriptions, environment values and tags.
HOSTILE_TEXT = "[bold red]pwned[/] \x1b[31mALERT\x1b[0m [link=https://evil.example]click[/link]"
