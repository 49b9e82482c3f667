"""Secret detection and redaction of env vars (values never leave in clear by default)."""

from __future__ import annotations

import pytest

from estate.secrets import REDACTED_MARK, detect_secret, mask, redact_environment


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("STRIPE_SECRET", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe Access Key"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "AWS Access Key"),
        ("SIGNING_KEY", "-----BEGIN RSA PRIVATE KEY-----MIIE", "Private Key"),
        (
            "DATABASE_URL",
            "postgres://ledger:S3cr3tP4ss!@ledger-db.internal:5432/ledger",
            "Credentials in URL",
        ),
        (
            "PARTNER_API_TOKEN",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "Hex High Entropy String",
        ),
    ],
)
def test_planted_secret_kinds_are_detected(key: str, value: str, kind: str) -> None:
    assert detect_secret(key, value) == kind


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOG_LEVEL", "INFO"),
        ("TABLE_NAME", "payments-transactions"),
        ("TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:notifications"),
        ("API_URL", "https://api.example.com/v1/payments"),
        ("FEATURE_NEW_LEDGER", "true"),
        ("TOKEN_TTL_SECONDS", "3600"),
        ("DB_URL", "postgres://ledger-db.internal:5432/ledger"),
    ],
)
def test_obvious_non_secrets_are_not_flagged(key: str, value: str) -> None:
    assert detect_secret(key, value) is None


def test_redaction_keeps_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDASCOPE_HASH_KEY", "test-key")
    redacted = redact_environment({"STRIPE": "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "LOG_LEVEL": "INFO"})
    assert "sk_live" not in repr(redacted) and "INFO" not in repr(redacted)
    assert redacted["STRIPE"][REDACTED_MARK] is True
    assert redacted["STRIPE"]["length"] == 32 and redacted["STRIPE"]["secret"] == "Stripe Access Key"
    assert redacted["LOG_LEVEL"]["secret"] is None


def test_mask_never_shows_the_whole_value() -> None:
    assert mask("sk_live_4eC39HqLyjWDarjtT1zdp7dc").startswith("sk_l")
    assert "4eC39" not in mask("sk_live_4eC39HqLyjWDarjtT1zdp7dc")
    assert mask("short") == "•••••"
