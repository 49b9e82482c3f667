"""The project file, `lambdascope.toml`: a team's policy choices and accepted risks.

Found in the working directory, or given with `--config`. Every mistake in it (bad TOML, an
unknown key, a wrong type) is a `LambdascopeError` naming the file and the key, so the CLI
prints one line and exits 2. `save_suppression` appends to the file as text, keeping the
user's comments and layout.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzers.findings.atomic_write import write_text_atomic
from analyzers.findings.model import RULE_PATTERN, Severity, Suppression, glob_pattern
from analyzers.findings.triage import TriageBook
from estate.errors import LambdascopeError

FILE_NAME = "lambdascope.toml"
DEFAULT_CLASSIFICATION_TAG = "DataClassification"
DEFAULT_MIN_LOG_RETENTION_DAYS = 365  # PCI DSS 4.0 10.5.1: twelve months of audit log history
DEFAULT_IAC_TAG_KEYS = ("managed-by",)  # a team's own deployment tag (Terraform, Pulumi, ...)
REGION = re.compile(r"^[a-z]{2,}(-[a-z]+)+-\d+$")
TOP_KEYS = frozenset(
    {
        "allowed_regions",
        "classification_tag_key",
        "iac_tag_keys",
        "min_log_retention_days",
        "severity_overrides",
        "suppressions",
    }
)
SUPPRESSION_KEYS = frozenset({"rule", "resource", "reason", "author", "expires"})


@dataclass(frozen=True)
class Settings:
    """Policy choices the config rules read, plus the reviewer's severity overrides and suppressions."""

    allowed_regions: tuple[str, ...] = ()  # empty: every region is allowed
    classification_tag_key: str = DEFAULT_CLASSIFICATION_TAG
    min_log_retention_days: int = DEFAULT_MIN_LOG_RETENTION_DAYS
    # Function tag keys that say "deployed from code", beside CloudFormation's and SAM's own.
    iac_tag_keys: tuple[str, ...] = DEFAULT_IAC_TAG_KEYS
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    source: Path | None = None  # the file these came from; None: built-in defaults
    triage: TriageBook = field(default_factory=TriageBook)  # lambdascope-triage.toml (triage.py)

    def check_rules(self, known: Iterable[str]) -> None:
        """Fail on rule ids that name no rule: a typo would otherwise silently do nothing."""
        rules = sorted(known)
        for rule_id in self.severity_overrides:
            if rule_id not in rules:
                raise _error(self.source, f"severity_overrides.{rule_id}", "no such rule")
        for i, s in enumerate(self.suppressions):
            pattern = glob_pattern(s.rule)
            if not any(pattern.fullmatch(r) for r in rules):
                raise _error(self.source, f"suppressions[{i}].rule", f"{s.rule!r} matches no rule")


def _error(path: Path | None, key: str, problem: str) -> LambdascopeError:
    return LambdascopeError(f"{path or FILE_NAME}: {key}: {problem}")


def load_settings(path: Path | None = None, cwd: Path | None = None) -> Settings:
    """Settings from `path`, else from `lambdascope.toml` in `cwd` if there is one, else defaults."""
    if path is None:
        candidate = (cwd or Path.cwd()) / FILE_NAME
        if not candidate.is_file():
            return Settings()
        path = candidate
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LambdascopeError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LambdascopeError(f"{path}: cannot read config file ({exc})") from None
    return parse_settings(text, path)


def parse_settings(text: str, path: Path | None = None) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LambdascopeError(f"{path or FILE_NAME}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise _error(path, unknown[0], f"unknown key (expected one of {', '.join(sorted(TOP_KEYS))})")
    regions = _str_list(data.get("allowed_regions", []), path, "allowed_regions")
    for region in regions:
        if not REGION.match(region):
            raise _error(path, "allowed_regions", f"not a region name: {region!r}")
    tag_key = data.get("classification_tag_key", DEFAULT_CLASSIFICATION_TAG)
    if not isinstance(tag_key, str) or not tag_key.strip():
        raise _error(path, "classification_tag_key", "expected a non-empty string")
    retention = data.get("min_log_retention_days", DEFAULT_MIN_LOG_RETENTION_DAYS)
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 1:
        raise _error(path, "min_log_retention_days", "expected a whole number of days, 1 or more")
    iac_keys = _str_list(data.get("iac_tag_keys", list(DEFAULT_IAC_TAG_KEYS)), path, "iac_tag_keys")
    if not all(k.strip() for k in iac_keys):
        raise _error(path, "iac_tag_keys", "expected non-empty tag keys")
    suppressions = data.get("suppressions", [])
    if not isinstance(suppressions, list):
        raise _error(path, "suppressions", "expected an array of tables ([[suppressions]])")
    return Settings(
        allowed_regions=tuple(dict.fromkeys(regions)),
        classification_tag_key=tag_key,
        min_log_retention_days=retention,
        iac_tag_keys=tuple(dict.fromkeys(k.strip() for k in iac_keys)),
        severity_overrides=_overrides(data.get("severity_overrides", {}), path),
        suppressions=tuple(_suppression(s, path, f"suppressions[{i}]") for i, s in enumerate(suppressions)),
        source=path,
    )


def _str_list(value: Any, path: Path | None, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _error(path, key, "expected a list of strings")
    return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Unquoted rule ids in TOML (`config.no-vpc = "low"`) parse as nested tables; join them back."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _overrides(value: Any, path: Path | None) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise _error(path, "severity_overrides", 'expected a table of rule id = "severity"')
    levels = ", ".join(s.value for s in Severity)
    out: dict[str, Severity] = {}
    for rule_id, level in _flatten(value).items():
        key = f"severity_overrides.{rule_id}"
        if not RULE_PATTERN.match(rule_id) or any(c in rule_id for c in "*?[]!"):
            raise _error(path, key, "not a rule id")
        if not isinstance(level, str) or level.lower() not in {s.value for s in Severity}:
            raise _error(path, key, f"expected one of {levels}")
        out[rule_id] = Severity(level.lower())
    return out


def _suppression(value: Any, path: Path | None, where: str) -> Suppression:
    if not isinstance(value, dict):
        raise _error(path, where, "expected a table with rule, resource, reason, author, expires")
    unknown = sorted(set(value) - SUPPRESSION_KEYS)
    if unknown:
        raise _error(path, f"{where}.{unknown[0]}", "unknown key")
    for key in ("rule", "reason", "author"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise _error(path, f"{where}.{key}", "required, a non-empty string")
    resource = value.get("resource", "*")
    if not isinstance(resource, str) or not resource:
        raise _error(path, f"{where}.resource", "expected a non-empty ARN pattern")
    try:
        return Suppression(
            rule=value["rule"],
            reason=value["reason"],
            author=value["author"],
            resource=resource,
            expires=_date(value.get("expires"), path, f"{where}.expires"),
        )
    except ValueError as exc:
        raise _error(path, f"{where}.rule", str(exc)) from None


def _date(value: Any, path: Path | None, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise _error(path, key, "expected a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _error(path, key, f"expected a date (YYYY-MM-DD), got {value!r}")


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except DEL, which TOML also wants escaped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise LambdascopeError("suppression text is not valid Unicode") from None
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def suppression_toml(suppression: Suppression) -> str:
    lines = [
        "[[suppressions]]",
        f"rule = {_toml_string(suppression.rule)}",
        f"resource = {_toml_string(suppression.resource)}",
        f"reason = {_toml_string(suppression.reason)}",
        f"author = {_toml_string(suppression.author)}",
    ]
    if suppression.expires is not None:
        lines.append(f"expires = {suppression.expires.isoformat()}")
    return "\n".join(lines) + "\n"


def save_suppression(settings_path: Path, suppression: Suppression) -> Settings:
    """Append one `[[suppressions]]` table to the file (created if missing); returns the new settings.

    The file is only replaced (atomically, same permissions) if the result still loads and holds
    the new suppression last, so a hand-edited file is never left broken.
    """
    try:
        old = settings_path.read_text(encoding="utf-8") if settings_path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise LambdascopeError(f"{settings_path}: cannot read config file ({exc})") from None
    before = parse_settings(old, settings_path)
    head = old if not old or old.endswith("\n") else old + "\n"
    text = head + ("\n" if head else "") + suppression_toml(suppression)
    after = parse_settings(text, settings_path)
    if after.suppressions != (*before.suppressions, suppression):
        raise _error(settings_path, "suppressions", "cannot append: not written as [[suppressions]] tables")
    write_text_atomic(settings_path, text)
    return after
