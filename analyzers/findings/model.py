"""The findings contract (DESIGN.md section 5): Finding, Severity, Rule, Evidence, Suppression.

Rule ids are stable because users suppress and script by them; every finding carries the
evidence that explains it. This module imports nothing of ours, so every other module (the
registry, compliance, suppressions, every analyzer) can build on it without a cycle.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

JSONValue = Any  # JSON-normalised data: str, int, float, bool, None, list, dict


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used for sorting and `--fail-on`."""
        return _RANK[self]


_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}

_BY_VALUE = {s.value: s for s in Severity}

ANALYZERS = ("reachability", "iam", "config", "anomaly")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's metadata: what it means, why it matters and how to fix it (its check is registered
    beside it, in `analyzers.findings.registry`)."""

    id: str
    analyzer: str
    severity: Severity
    title: str
    rationale: str
    remediation: str
    compliance: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"unknown analyzer {self.analyzer!r} for rule {self.id}")

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "id": self.id,
            "analyzer": self.analyzer,
            "severity": self.severity.value,
            "title": self.title,
            "rationale": self.rationale,
            "remediation": self.remediation,
            "compliance": list(self.compliance),
        }

    @classmethod
    def from_json(cls, data: JSONValue) -> Rule:
        """The rule `to_json` wrote; ValueError if `data` is not that shape."""
        fields = _record(data, "rule")
        return cls(
            id=_text(fields, "id"),
            analyzer=_text(fields, "analyzer"),
            severity=_severity(fields),
            title=_text(fields, "title"),
            rationale=_text(fields, "rationale"),
            remediation=_text(fields, "remediation"),
            compliance=_texts(fields, "compliance"),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One line of 'why': a label ('statement', 'Runtime', 'deprecated on') and its value."""

    label: str
    value: JSONValue

    def to_json(self) -> dict[str, JSONValue]:
        return {"label": self.label, "value": self.value}

    @classmethod
    def from_json(cls, data: JSONValue) -> Evidence:
        fields = _record(data, "evidence")
        if "value" not in fields:
            raise ValueError("evidence: no value")
        return cls(_text(fields, "label"), fields["value"])


RULE_PATTERN = re.compile(r"^[a-z*?\[][a-z0-9*?\[\]!.\-]*$")


@functools.lru_cache(maxsize=1024)
def glob_pattern(pattern: str) -> re.Pattern[str]:
    """Case-sensitive fnmatch (ARNs and rule ids are case-sensitive, whatever the OS)."""
    return re.compile(fnmatch.translate(pattern))


@dataclass(frozen=True, slots=True)
class Suppression:
    """Accept one risk: findings of `rule` (id or glob) on resources matching `resource` (glob)."""

    rule: str
    reason: str
    author: str
    resource: str = "*"
    expires: dt.date | None = None  # the last day the suppression applies; None: until removed

    def __post_init__(self) -> None:
        if not RULE_PATTERN.match(self.rule):
            raise ValueError(f"not a rule id or rule glob: {self.rule!r}")
        if not self.resource:
            raise ValueError("resource pattern is empty (use '*' for every resource)")
        if not self.reason.strip() or not self.author.strip():
            raise ValueError("a suppression needs a reason and an author")

    def matches(self, finding: Finding) -> bool:
        return bool(glob_pattern(self.rule).fullmatch(finding.rule.id)) and bool(
            glob_pattern(self.resource).fullmatch(finding.resource)
        )

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def to_json(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "resource": self.resource,
            "reason": self.reason,
            "author": self.author,
            "expires": self.expires.isoformat() if self.expires else None,
        }

    @classmethod
    def from_json(cls, data: JSONValue) -> Suppression:
        """The suppression `to_json` wrote; ValueError if `data` is not that shape."""
        fields = _record(data, "suppression")
        expires = fields.get("expires")
        if expires is not None and not isinstance(expires, str):
            raise ValueError("suppression: expires is not a date")
        return cls(
            rule=_text(fields, "rule"),
            reason=_text(fields, "reason"),
            author=_text(fields, "author"),
            resource=_text(fields, "resource"),
            expires=None if expires is None else dt.date.fromisoformat(expires),
        )


TRIAGE_STATES = ("open", "acknowledged", "investigating", "false-positive", "risk-accepted", "resolved")
"""DESIGN.md section 5's statuses. `risk-accepted` is a suppression (lambdascope.toml, with its
expiry), and a suppressed finding's status reads so; the others are kept in the triage file."""
OPEN_STATUSES = frozenset({"open", "acknowledged", "investigating"})


@dataclass(frozen=True, slots=True)
class Triage:
    """Someone's verdict on one finding: `state` (one of TRIAGE_STATES but risk-accepted), who set
    it, when (UTC) and why. `reopened`: it was marked resolved before the snapshot was collected,
    yet the snapshot still has it, so the finding is open again."""

    state: str
    author: str
    at: dt.datetime
    note: str = ""
    reopened: bool = False

    def __post_init__(self) -> None:
        if self.state not in TRIAGE_STATES or self.state == "risk-accepted":
            raise ValueError(f"not a triage state: {self.state!r}")
        if self.at.tzinfo is None:
            raise ValueError("a triage time must carry its time zone")

    @property
    def status(self) -> str:
        """The finding's status under this triage: a re-opened finding is `open`."""
        return "open" if self.reopened else self.state

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "state": self.state,
            "author": self.author,
            "at": self.at.isoformat(),
            "note": self.note,
            "reopened": self.reopened,
        }

    @classmethod
    def from_json(cls, data: JSONValue) -> Triage:
        fields = _record(data, "triage")
        reopened = fields.get("reopened")
        if not isinstance(reopened, bool):
            raise ValueError("triage: reopened is not a boolean")
        try:
            at = dt.datetime.fromisoformat(_text(fields, "at"))
        except ValueError:
            raise ValueError("triage: at is not a date-time") from None
        return cls(_text(fields, "state"), _text(fields, "author"), at, _text(fields, "note"), reopened)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    resource: str
    title: str
    severity: Severity
    path: tuple[str, ...] = ()
    # A tuple, but for a finding read back from an analysis cache entry, whose evidence is parsed
    # from its text on first read (tui/cache/entry.py `DeferredEvidence`): a sequence either way.
    evidence: Sequence[Evidence] = ()
    region: str = ""
    id: str = field(default="")
    suppression: Suppression | None = None  # set by apply_suppressions; the finding stays listed
    triage: Triage | None = None  # set by apply_triage (analyzers/findings/triage.py)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", finding_id(self.rule.id, self.resource, self.path))

    @property
    def analyzer(self) -> str:
        return self.rule.analyzer

    @property
    def compliance(self) -> tuple[str, ...]:
        return self.rule.compliance

    @property
    def status(self) -> str:
        """`risk-accepted` (a suppression in lambdascope.toml) wins over a triage state; else the
        triage state, else `open`."""
        if self.suppression is not None:
            return "risk-accepted"
        return "open" if self.triage is None else self.triage.status

    @property
    def is_open(self) -> bool:
        """Still to act on: open, acknowledged or investigating (a re-opened one too); not
        risk-accepted (suppressed), a false positive or resolved. The one rule every count of
        "open" follows (`Analysis.open_findings`, the tables, the home view, the Posture pane,
        the reports) and what `--fail-on` sees."""
        return self.status in OPEN_STATUSES

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "id": self.id,
            "rule": self.rule.id,
            "analyzer": self.rule.analyzer,
            "severity": self.severity.value,
            "resource": self.resource,
            "region": self.region,
            "title": self.title,
            "path": list(self.path),
            "evidence": [e.to_json() for e in self.evidence],
            "compliance": list(self.rule.compliance),
            "status": self.status,
            "suppressed": None if self.suppression is None else self.suppression.to_json(),
            "triage": None if self.triage is None else self.triage.to_json(),
        }

    @classmethod
    def from_json(cls, data: JSONValue, rules: Mapping[str, Rule]) -> Finding:
        """The finding `to_json` wrote, its rule looked up by id in `rules` (the JSON carries only
        the rule's id, analyzer and compliance ids, which must agree with the rule found).

        Raises ValueError if `data` is not that shape, names a rule not in `rules`, or disagrees
        with itself (a status that is not its suppression's): JSON read back from a file is
        checked, never trusted. The id is kept as written (it is a hash of rule, resource, path).
        """
        fields = _record(data, "finding")
        rule = rules.get(_text(fields, "rule"))
        if rule is None:
            raise ValueError(f"finding: unknown rule {fields['rule']!r}")
        if fields.get("analyzer") != rule.analyzer or _texts(fields, "compliance") != rule.compliance:
            raise ValueError(f"finding: analyzer or compliance disagree with rule {rule.id}")
        evidence = fields.get("evidence")
        if not isinstance(evidence, list):
            raise ValueError("finding: evidence is not a list")
        suppressed = fields.get("suppressed")
        suppression = None if suppressed is None else Suppression.from_json(suppressed)
        marked = fields.get("triage")  # absent in files written before triage states
        triage = None if marked is None else Triage.from_json(marked)
        status = "risk-accepted" if suppression else (triage.status if triage else "open")
        if fields.get("status") != status:
            raise ValueError("finding: status disagrees with its suppression or triage")
        fid = _text(fields, "id")
        if not fid:
            raise ValueError("finding: empty id")
        return cls(
            rule=rule,
            resource=_text(fields, "resource"),
            title=_text(fields, "title"),
            severity=_severity(fields),
            path=_texts(fields, "path"),
            evidence=tuple(Evidence.from_json(e) for e in evidence),
            region=_text(fields, "region"),
            id=fid,
            suppression=suppression,
            triage=triage,
        )


def _record(data: JSONValue, what: str) -> Mapping[str, JSONValue]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what}: not an object")
    return data


def _text(fields: Mapping[str, JSONValue], key: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key}: not a string")
    return value


def _texts(fields: Mapping[str, JSONValue], key: str) -> tuple[str, ...]:
    value = fields.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key}: not a list of strings")
    return tuple(value)


def _severity(fields: Mapping[str, JSONValue]) -> Severity:
    value = fields.get("severity")
    if not isinstance(value, str) or value not in _BY_VALUE:
        raise ValueError(f"severity: not one of {', '.join(_BY_VALUE)}")
    return _BY_VALUE[value]


def finding_id(rule_id: str, resource: str, path: Iterable[str] = ()) -> str:
    """Stable across runs and versions: a hash of rule, resource and path only, as
    `json.dumps([rule_id, resource, list(path)], separators=(",", ":"))` spells them. Strings
    that JSON writes as they are (printable ASCII, no quote or backslash: every id and ARN
    AWS makes) are joined here, in half the time: one call per finding, 570,000 at 100,000
    functions."""
    steps = tuple(path)
    joined = "".join((rule_id, resource, *steps))
    if joined.isascii() and joined.isprintable() and '"' not in joined and "\\" not in joined:
        material = '["' + rule_id + '","' + resource + '",[' + ",".join(['"' + s + '"' for s in steps]) + "]]"
    else:
        material = json.dumps([rule_id, resource, list(steps)], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()[:16]


class SettledFindings:
    """What every holder of settled findings (an `Analysis`, a findings report) counts alike."""

    findings: Sequence[Finding]

    @property
    def open_findings(self) -> list[Finding]:
        """Findings still to act on (`Finding.is_open`): what the counts and `--fail-on` see."""
        return [f for f in self.findings if f.is_open]

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppression is not None)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first, then by rule, resource and id, so every output is stable.

    The key is total up to the id (a hash of rule, resource and path), so the order does not depend
    on the order the rules ran in; only findings with the same id keep their emission order.
    """
    return sorted(findings, key=lambda f: (-f.severity.rank, f.rule.id, f.resource, f.id))


def count_by_severity(findings: Iterable[Finding]) -> Mapping[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts
