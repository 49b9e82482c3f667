"""The findings contract (DESIGN.md section 5): Finding, Severity and the rule registry.

Rule ids are stable because users suppress and script by them; every rule is declared once, as
data, and every finding carries the evidence that explains it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from analyzers.findings.compliance import compliance_for

if TYPE_CHECKING:
    from analyzers.findings.suppressions import Suppression
    from estate.model.functions import LambdaFunction

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

ANALYZERS = ("reachability", "iam", "config", "anomaly")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's metadata: what it means, why it matters and how to fix it."""

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


@dataclass(frozen=True, slots=True)
class Evidence:
    """One line of 'why': a label ('statement', 'Runtime', 'deprecated on') and its value."""

    label: str
    value: JSONValue

    def to_json(self) -> dict[str, JSONValue]:
        return {"label": self.label, "value": self.value}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    resource: str
    title: str
    severity: Severity
    path: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    region: str = ""
    id: str = field(default="")
    suppression: Suppression | None = None  # set by analyzers.findings.suppressions; the finding stays listed

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
        return "open" if self.suppression is None else "suppressed"

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
        }


def function_finding(
    rule: Rule, fn: LambdaFunction, title: str, severity: Severity, *evidence: Evidence
) -> Finding:
    """A finding about one function, titled with its name and placed in its region."""
    return Finding(
        rule=rule,
        resource=fn.arn,
        title=f"{fn.name}: {title}",
        severity=severity,
        evidence=evidence,
        region=fn.region,
    )


def finding_id(rule_id: str, resource: str, path: Iterable[str] = ()) -> str:
    """Stable across runs and versions: a hash of rule, resource and path only."""
    material = json.dumps([rule_id, resource, list(path)], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()[:16]


class RuleRegistry:
    """Every rule lambdascope can emit, by id. Declaring a rule twice is a programming error."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, rule: Rule) -> Rule:
        """Add a rule, its compliance ids completed from the reviewed table (data/compliance.json)."""
        if rule.id in self._rules:
            raise ValueError(f"rule {rule.id} declared twice")
        merged = tuple(dict.fromkeys((*compliance_for(rule.id), *rule.compliance)))
        if merged != rule.compliance:
            rule = replace(rule, compliance=merged)
        self._rules[rule.id] = rule
        return rule

    def get(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __iter__(self) -> Any:
        return iter(sorted(self._rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self._rules)


RULES = RuleRegistry()


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first, then by rule and resource, so every output is stable."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.rule.id, f.resource, f.id))


def count_by_severity(findings: Iterable[Finding]) -> Mapping[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts
