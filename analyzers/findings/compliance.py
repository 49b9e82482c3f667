"""The rule -> compliance mapping, kept as reviewed data in data/compliance.json.

Ids read `<framework>:<requirement>` (`PCI-DSS-4.0:7.2.1`, `AWS-FSBP:Lambda.1`, `SOX:ITGC-AC-01`).
The table is loaded once; the rule registry merges it into every rule it registers, so every
finding carries the ids without each rule repeating them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from analyzers.findings.model import Finding, Rule, Severity

SCHEMA = "lambdascope.compliance/1"


@dataclass(frozen=True, slots=True)
class Framework:
    id: str  # the prefix before ':' in a compliance id
    title: str
    note: str


@dataclass(frozen=True, slots=True)
class ComplianceTable:
    frameworks: tuple[Framework, ...]
    requirements: dict[str, str]  # compliance id -> short title
    rules: dict[str, tuple[str, ...]]  # rule id -> compliance ids
    notes: dict[str, str]  # rule id -> why a mapping is loose or uncertain


def parse_table(data: Any) -> ComplianceTable:
    """Validate the JSON shape; a malformed table is a programming error, so it raises ValueError."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"compliance table: expected schema {SCHEMA}")
    frameworks = tuple(
        Framework(fid, str(f["title"]), str(f.get("note", ""))) for fid, f in data["frameworks"].items()
    )
    requirements = {str(k): str(v) for k, v in data["requirements"].items()}
    rules: dict[str, tuple[str, ...]] = {}
    notes: dict[str, str] = {}
    for rule_id, entry in data["rules"].items():
        ids = entry["ids"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"compliance table: {rule_id}: ids must be a list of strings")
        rules[rule_id] = tuple(dict.fromkeys(ids))
        if entry.get("notes"):
            notes[rule_id] = str(entry["notes"])
    return ComplianceTable(frameworks, requirements, rules, notes)


@functools.cache
def table() -> ComplianceTable:
    text = resources.files("analyzers").joinpath("data/compliance.json").read_text(encoding="utf-8")
    return parse_table(json.loads(text))


def compliance_for(rule_id: str) -> tuple[str, ...]:
    """The reviewed compliance ids of a rule; () for a rule the table does not know."""
    return table().rules.get(rule_id, ())


def compliance_note(rule_id: str) -> str:
    return table().notes.get(rule_id, "")


def requirement_title(compliance_id: str) -> str | None:
    return table().requirements.get(compliance_id)


def frameworks() -> tuple[Framework, ...]:
    return table().frameworks


def framework_of(compliance_id: str) -> str:
    """`PCI-DSS-4.0:7.2.1` -> `PCI-DSS-4.0`."""
    return compliance_id.partition(":")[0]


def requirement_sort_key(compliance_id: str) -> tuple[int, tuple[tuple[int, str | int], ...]]:
    """Framework in table order, then requirements in natural order (7.2.1 before 10.2.1)."""
    order = {f.id: i for i, f in enumerate(frameworks())}
    framework, _, requirement = compliance_id.partition(":")
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", requirement) if p != "")
    return order.get(framework, len(order)), parts


@dataclass(frozen=True, slots=True)
class RequirementSummary:
    """One requirement's standing: open findings (`Finding.is_open`) by severity, the triaged ones
    (risk-accepted, false positive, resolved; `suppressed` of them risk-accepted), and the rules
    checking it."""

    id: str
    title: str
    open_by_severity: dict[str, int]  # severity value -> open findings, worst first
    suppressed: int
    rules: dict[str, int]  # rule id -> open findings (0: the rule checked and found nothing)
    triaged: int = 0  # not open: risk-accepted (the suppressed), false positive or resolved

    @property
    def framework(self) -> str:
        return framework_of(self.id)

    @property
    def open(self) -> int:
        return sum(self.open_by_severity.values())


def requirement_summaries(findings: Iterable[Finding], rules: Iterable[Rule]) -> list[RequirementSummary]:
    """Every requirement the given rules map to, in framework and natural order, with its findings."""
    checked: dict[str, dict[str, int]] = {}
    for rule in rules:
        for cid in rule.compliance:
            checked.setdefault(cid, {})[rule.id] = 0
    by_severity = {cid: {s.value: 0 for s in Severity} for cid in checked}
    suppressed = dict.fromkeys(checked, 0)
    triaged = dict.fromkeys(checked, 0)
    for finding in findings:
        for cid in finding.compliance:
            if cid not in checked:
                continue
            if not finding.is_open:
                triaged[cid] += 1
                suppressed[cid] += finding.suppression is not None
                continue
            by_severity[cid][finding.severity.value] += 1
            checked[cid][finding.rule.id] = checked[cid].get(finding.rule.id, 0) + 1
    return [
        RequirementSummary(
            cid, requirement_title(cid) or "", by_severity[cid], suppressed[cid], checked[cid], triaged[cid]
        )
        for cid in sorted(checked, key=requirement_sort_key)
    ]
