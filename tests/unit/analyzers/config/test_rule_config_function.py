"""config.env-secret and config.no-tracing, on snapshots in the collector's raw shapes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analyzers.analysis import Analysis, analyze_snapshot
from analyzers.findings.model import Finding, Severity
from tests.builders import function, rule_case, snapshot_of
from tests.paths import DEMO_SNAPSHOT

TODAY = dt.date(2026, 11, 29)
STRIPE_LIVE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1x\n-----END RSA PRIVATE KEY-----"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0Ijox"
    "NTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
DEMO = DEMO_SNAPSHOT


def findings(rule: str, *functions: dict[str, object]) -> list[Finding]:
    return [f for f in analyze_snapshot(snapshot_of(list(functions)), TODAY).findings if f.rule.id == rule]


@rule_case("config.env-secret", "positive")
@pytest.mark.parametrize(
    ("key", "value", "severity"),
    [
        ("STRIPE_SECRET_KEY", STRIPE_LIVE, Severity.CRITICAL),
        ("AWS_ACCESS_KEY_ID", AWS_KEY_ID, Severity.CRITICAL),
        ("SIGNING_KEY", PEM, Severity.CRITICAL),
        ("SERVICE_TOKEN", JWT, Severity.HIGH),
        ("DATABASE_URL", "postgres://ledger:S3cr3tPassw0rd@db.internal:5432/ledger", Severity.HIGH),
        (
            "PARTNER_API_TOKEN",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Severity.MEDIUM,
        ),
    ],
)
def test_secrets_are_flagged_by_kind_and_never_shown(key: str, value: str, severity: Severity) -> None:
    found = findings("config.env-secret", function("f", env={key: value, "LOG_LEVEL": "INFO"}))
    assert len(found) == 1
    assert found[0].severity is severity
    assert key in found[0].title and "LOG_LEVEL" not in found[0].title
    text = json.dumps(found[0].to_json())
    assert value not in text and value[:12] not in text


@rule_case("config.env-secret", "negative")
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOG_LEVEL", "DEBUG"),
        ("FEATURE_NEW_LEDGER", "true"),
        ("TABLE_ARN", "arn:aws:dynamodb:eu-west-1:123456789012:table/ledger-entries"),
        ("API_URL", "https://api.example.com/v2/payments"),
        ("DATABASE_URL", "postgres://db.internal:5432/ledger"),  # no credentials in the URL
        ("SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe-AbCdEf"),
        ("TOKEN_TTL_SECONDS", "3600"),
        ("STRIPE_PUBLISHABLE_KEY_NAME", "stripe/publishable"),
        ("QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/settlement-jobs"),
    ],
)
def test_known_false_positive_shapes_are_not_secrets(key: str, value: str) -> None:
    assert not findings("config.env-secret", function("f", env={key: value}))


@rule_case("config.env-secret", "positive")
def test_demo_planted_secrets_are_all_found_and_only_they(demo_analysis: Analysis) -> None:
    from tests.ground_truth.plants import ENV_SECRET_VARS

    analysis = demo_analysis
    found = {f.resource.rsplit(":", 1)[-1]: f for f in analysis.findings if f.rule.id == "config.env-secret"}
    assert set(found) == set(ENV_SECRET_VARS)
    for name, keys in ENV_SECRET_VARS.items():
        assert all(key in found[name].title for key in keys)
    assert found["payouts-stripe-sync"].severity is Severity.CRITICAL
    assert found["statements-signer"].severity is Severity.CRITICAL
    assert found["ledger-export-legacy"].severity is Severity.CRITICAL


@rule_case("config.no-tracing", "positive")
def test_passthrough_tracing_is_flagged() -> None:
    raw = function("f")
    raw["TracingConfig"] = {"Mode": "PassThrough"}
    found = findings("config.no-tracing", raw)
    assert len(found) == 1 and found[0].severity is Severity.LOW
    assert found[0].evidence[0].value == "PassThrough"


@rule_case("config.no-tracing", "negative")
def test_active_or_unknown_tracing_is_not_flagged() -> None:
    active = function("a")
    active["TracingConfig"] = {"Mode": "Active"}
    unknown = function("b")  # no TracingConfig in the listing: unknown, not "off"
    assert not findings("config.no-tracing", active, unknown)
