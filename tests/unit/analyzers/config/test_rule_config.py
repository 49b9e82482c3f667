"""config.env-no-cmk and config.runtime-deprecated."""

from __future__ import annotations

import datetime as dt

from analyzers.analysis import analyze_snapshot
from analyzers.findings.model import Finding, Severity
from tests.builders import function, rule_case, snapshot_of

KMS = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TODAY = dt.date(2026, 11, 29)


def findings(rule: str, *functions: dict[str, object], today: dt.date = TODAY) -> list[Finding]:
    return [f for f in analyze_snapshot(snapshot_of(list(functions)), today).findings if f.rule.id == rule]


@rule_case("config.env-no-cmk", "positive")
def test_env_without_cmk_is_flagged_and_secrets_raise_severity() -> None:
    plain = findings("config.env-no-cmk", function("a", env={"LOG_LEVEL": "INFO", "TABLE": "ledger"}))
    assert len(plain) == 1 and plain[0].severity is Severity.MEDIUM
    assert plain[0].evidence[1].value == ["LOG_LEVEL", "TABLE"]
    secret = findings(
        "config.env-no-cmk", function("b", env={"STRIPE_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"})
    )
    assert secret[0].severity is Severity.HIGH
    assert "sk_live" not in repr(secret[0].to_json())  # values never appear in evidence


@rule_case("config.env-no-cmk", "negative")
def test_env_with_cmk_or_no_env_is_not_flagged() -> None:
    assert not findings("config.env-no-cmk", function("a", env={"LOG_LEVEL": "INFO"}, kms=KMS))
    assert not findings("config.env-no-cmk", function("b"))
    assert not findings("config.env-no-cmk", function("c", env={}))


@rule_case("config.runtime-deprecated", "positive")
def test_deprecated_runtime_is_high() -> None:
    found = findings("config.runtime-deprecated", function("old", runtime="python3.7"))
    assert len(found) == 1 and found[0].severity is Severity.HIGH
    assert "2023-12-04" in found[0].title


@rule_case("config.runtime-deprecated", "positive")
def test_runtime_deprecating_within_90_days_is_low_and_date_aware() -> None:
    soon = findings(
        "config.runtime-deprecated", function("f", runtime="nodejs22.x"), today=dt.date(2027, 3, 1)
    )
    assert len(soon) == 1 and soon[0].severity is Severity.LOW and "60 days" in soon[0].title
    after = findings(
        "config.runtime-deprecated", function("f", runtime="nodejs22.x"), today=dt.date(2027, 4, 30)
    )
    assert after[0].severity is Severity.HIGH  # deprecated on its date


@rule_case("config.runtime-deprecated", "negative")
def test_supported_unknown_and_image_runtimes_are_not_flagged() -> None:
    assert not findings("config.runtime-deprecated", function("a", runtime="python3.13"))
    assert not findings(
        "config.runtime-deprecated", function("b", runtime="nodejs22.x"), today=dt.date(2026, 1, 1)
    )
    assert not findings("config.runtime-deprecated", function("c", runtime="brainfuck1.0"))
    assert not findings("config.runtime-deprecated", function("d", runtime=None, package_type="Image"))
