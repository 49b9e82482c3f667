"""Findings of two snapshots matched by their stable id: new, resolved, changed, unchanged.

A finding's id is a hash of rule, resource and path qualifier (DESIGN.md section 5), so the same
problem on the same resource keeps its id from one collection to the next; a finding whose
severity or status moved is "changed", never a resolved one plus a new one. Among the unchanged,
those whose title moved are also listed as `retitled`: the title carries what the finding covers
(a role's wildcard finding naming `s3:*` beside `NotAction iam:*`), which a reviewer wants to see;
anomaly findings are left out of it, their titles carry measurements that move with every window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analyzers.findings.model import Finding, JSONValue


@dataclass(frozen=True, slots=True)
class FindingChange:
    """One finding present in both snapshots whose severity or status differs."""

    old: Finding
    new: Finding

    @property
    def fields(self) -> tuple[str, ...]:
        moved = []
        if self.old.severity != self.new.severity:
            moved.append("severity")
        if self.old.status != self.new.status:
            moved.append("status")
        return tuple(moved)

    def to_json(self) -> dict[str, JSONValue]:
        return {
            **_brief(self.new),
            "changed": list(self.fields),
            "before": {"severity": self.old.severity.value, "status": self.old.status},
            "after": {"severity": self.new.severity.value, "status": self.new.status},
        }


@dataclass(frozen=True, slots=True)
class FindingsDelta:
    new: tuple[Finding, ...] = ()
    resolved: tuple[Finding, ...] = ()  # in the old snapshot only
    changed: tuple[FindingChange, ...] = ()
    unchanged: tuple[Finding, ...] = ()
    retitled: tuple[FindingChange, ...] = ()  # unchanged, but the title (what it covers) moved

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "counts": {
                "new": len(self.new),
                "resolved": len(self.resolved),
                "changed": len(self.changed),
                "unchanged": len(self.unchanged),
                "retitled": len(self.retitled),
            },
            "new": [_brief(f) for f in self.new],
            "resolved": [_brief(f) for f in self.resolved],
            "changed": [c.to_json() for c in self.changed],
            "unchanged": [f.id for f in self.unchanged],
            "retitled": [{**_brief(c.new), "title_before": c.old.title} for c in self.retitled],
        }


def _brief(finding: Finding) -> dict[str, JSONValue]:
    """What a reader of the diff needs of a finding; its whole evidence is in `lambdascope findings`."""
    return {
        "id": finding.id,
        "rule": finding.rule.id,
        "severity": finding.severity.value,
        "status": finding.status,
        "resource": finding.resource,
        "title": finding.title,
    }


def diff_findings(old: Iterable[Finding], new: Iterable[Finding]) -> FindingsDelta:
    """Match by id. Each list keeps the order it is given in (an analysis' findings are already
    worst first): re-sorting 30,000 findings cost seconds at 10,000 functions."""
    before = {f.id: f for f in old}
    after = {f.id: f for f in new}
    changed: list[FindingChange] = []
    unchanged: list[Finding] = []
    retitled: list[FindingChange] = []
    for fid, finding in after.items():
        previous = before.get(fid)
        if previous is None:
            continue
        change = FindingChange(previous, finding)
        if change.fields:
            changed.append(change)
        else:
            unchanged.append(finding)
            if previous.title != finding.title and finding.analyzer != "anomaly":
                retitled.append(change)
    return FindingsDelta(
        new=tuple(f for fid, f in after.items() if fid not in before),
        resolved=tuple(f for fid, f in before.items() if fid not in after),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        retitled=tuple(retitled),
    )
