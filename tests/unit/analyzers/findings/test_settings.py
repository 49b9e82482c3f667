"""lambdascope.toml: defaults, discovery, one-line errors naming file and key, and safe appends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.findings.model import Severity, Suppression
from analyzers.findings.settings import Settings, load_settings, parse_settings, save_suppression
from estate.errors import LambdascopeError

EXAMPLE = """\
# team policy
allowed_regions = ["eu-west-1", "eu-central-1"]
classification_tag_key = "data-class"   # our tag
min_log_retention_days = 400

[severity_overrides]
config.no-tracing = "low"            # unquoted: TOML makes nested tables; joined back
"config.tls-below-1.2" = "CRITICAL"

[[suppressions]]
rule = "config.no-vpc"
resource = "arn:aws:lambda:eu-west-1:123456789012:function:edge-*"
reason = "edge functions call only public APIs"
author = "alice"
expires = 2026-03-31

[[suppressions]]
rule = "anomaly.*"
reason = "load test week"
author = "bob"
expires = "2026-01-15"
"""


def test_defaults_when_no_file(tmp_path: Path) -> None:
    settings = load_settings(None, tmp_path)
    assert settings == Settings()
    assert settings.classification_tag_key == "DataClassification"
    assert settings.min_log_retention_days == 365
    assert settings.source is None and settings.suppressions == ()


def test_finds_the_file_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "lambdascope.toml").write_text(EXAMPLE)
    settings = load_settings(None, tmp_path)
    assert settings.source == tmp_path / "lambdascope.toml"
    assert settings.allowed_regions == ("eu-west-1", "eu-central-1")
    assert settings.classification_tag_key == "data-class"
    assert settings.min_log_retention_days == 400
    assert settings.severity_overrides == {
        "config.no-tracing": Severity.LOW,
        "config.tls-below-1.2": Severity.CRITICAL,
    }
    first, second = settings.suppressions
    assert first.expires == dt.date(2026, 3, 31) and first.resource.endswith("edge-*")
    assert second.resource == "*" and second.expires == dt.date(2026, 1, 15)


def test_explicit_path_wins_and_must_exist(tmp_path: Path) -> None:
    (tmp_path / "lambdascope.toml").write_text('classification_tag_key = "cwd"\n')
    other = tmp_path / "other.toml"
    other.write_text('classification_tag_key = "explicit"\n')
    assert load_settings(other, tmp_path).classification_tag_key == "explicit"
    with pytest.raises(LambdascopeError, match=r"missing\.toml: no such config file"):
        load_settings(tmp_path / "missing.toml", tmp_path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("allowed_regions = [", "not valid TOML"),
        ("colour = 1", "colour: unknown key"),
        ("allowed_regions = 'eu-west-1'", "allowed_regions: expected a list"),
        ("allowed_regions = ['mars-1']", "allowed_regions: not a region name"),
        ("min_log_retention_days = '365'", "min_log_retention_days"),
        ("min_log_retention_days = true", "min_log_retention_days"),
        ("min_log_retention_days = 0", "min_log_retention_days"),
        ("classification_tag_key = ''", "classification_tag_key"),
        (
            "[severity_overrides]\n'config.no-vpc' = 'urgent'",
            "severity_overrides.config.no-vpc: expected one of",
        ),
        ("[severity_overrides]\n'config.*' = 'low'", "severity_overrides.config.*: not a rule id"),
        ("suppressions = 3", "suppressions: expected an array"),
        ("[[suppressions]]\nrule = 'iam.admin'\nauthor = 'a'", r"suppressions\[0\].reason: required"),
        (
            "[[suppressions]]\nrule = 'iam.admin'\nreason = 'r'\nauthor = 'a'\nwho = 1",
            r"suppressions\[0\].who",
        ),
        (
            "[[suppressions]]\nrule = 'iam.admin'\nreason = 'r'\nauthor = 'a'\nexpires = 'soon'",
            r"suppressions\[0\].expires: expected a date",
        ),
        (
            "[[suppressions]]\nrule = 'iam.admin'\nreason = 'r'\nauthor = 'a'\nexpires = 2026-01-01T10:00:00",
            r"suppressions\[0\].expires",
        ),
        ("[[suppressions]]\nrule = 'IAM ADMIN'\nreason = 'r'\nauthor = 'a'", r"suppressions\[0\].rule"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "lambdascope.toml"
    path.write_text(text + "\n")
    with pytest.raises(LambdascopeError, match=key) as exc:
        load_settings(path, tmp_path)
    assert str(exc.value).startswith(str(path)) and "\n" not in str(exc.value)


def test_check_rules_rejects_typos_against_the_registry() -> None:
    known = ["config.no-vpc", "iam.admin"]
    parse_settings("[severity_overrides]\n'iam.admin' = 'low'\n").check_rules(known)
    with pytest.raises(LambdascopeError, match=r"severity_overrides\.iam\.admn: no such rule"):
        parse_settings("[severity_overrides]\n'iam.admn' = 'low'\n").check_rules(known)
    ok = "[[suppressions]]\nrule = 'config.*'\nreason = 'r'\nauthor = 'a'\n"
    parse_settings(ok).check_rules(known)
    with pytest.raises(LambdascopeError, match=r"suppressions\[0\].rule: 'reach.\*' matches no rule"):
        parse_settings(ok.replace("config.*", "reach.*")).check_rules(known)


def test_save_suppression_appends_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "lambdascope.toml"
    path.write_text(EXAMPLE.rstrip("\n"))  # no final newline: the append must still start a new line
    path.chmod(0o640)
    new = Suppression(
        rule="reach.public-invoke",
        resource="arn:aws:lambda:*:*:function:webhook",
        reason='partner "callback"\nreviewed in CHG-42',
        author="carol",
        expires=dt.date(2026, 6, 30),
    )
    settings = save_suppression(path, new)
    text = path.read_text()
    assert text.startswith(EXAMPLE.rstrip("\n"))  # user's text, comments and layout untouched
    assert "# our tag" in text and '[[suppressions]]\nrule = "reach.public-invoke"' in text
    assert settings.suppressions[-1] == new and len(settings.suppressions) == 3
    assert load_settings(path, tmp_path).suppressions[-1] == new
    assert path.stat().st_mode & 0o777 == 0o640


def test_save_suppression_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lambdascope.toml"
    new = Suppression(rule="iam.admin", reason="break-glass role", author="dan")
    save_suppression(path, new)
    assert load_settings(None, tmp_path).suppressions == (new,)
    assert "expires" not in path.read_text()


def test_save_suppression_refuses_to_break_an_inline_array(tmp_path: Path) -> None:
    path = tmp_path / "lambdascope.toml"
    original = "suppressions = [{rule = 'iam.admin', reason = 'r', author = 'a'}]\n"
    path.write_text(original)
    with pytest.raises(LambdascopeError, match="suppressions"):
        save_suppression(path, Suppression(rule="iam.wildcard", reason="r", author="a"))
    assert path.read_text() == original
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_save_suppression_refuses_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "lambdascope.toml"
    path.write_text("allowed_regions = [\n")
    with pytest.raises(LambdascopeError, match="not valid TOML"):
        save_suppression(path, Suppression(rule="iam.admin", reason="r", author="a"))
    assert path.read_text() == "allowed_regions = [\n"


@given(
    reason=st.text(min_size=1).filter(str.strip),
    author=st.text(min_size=1).filter(str.strip),
    resource=st.text(min_size=1),
)
def test_any_text_round_trips_through_the_file(
    tmp_path_factory: pytest.TempPathFactory, reason: str, author: str, resource: str
) -> None:
    path = tmp_path_factory.mktemp("rt") / "lambdascope.toml"
    new = Suppression(rule="config.*", reason=reason, author=author, resource=resource)
    save_suppression(path, new)
    save_suppression(path, new)
    assert load_settings(path).suppressions == (new, new)
