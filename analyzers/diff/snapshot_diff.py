"""The diff of two analysed snapshots (`lambdascope.diff/1`): findings, estate, exposure.

Pure: it reads two `Analysis` values and returns a `SnapshotDiff`. Whether two snapshots may be
compared at all (same accounts) is `comparison_problem`, asked before anything is analysed.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.analysis import Analysis
from analyzers.diff.exposure import ExposureDrift, diff_exposure, exposure_of
from analyzers.diff.findings_delta import FindingsDelta, diff_findings
from analyzers.diff.function_changes import FunctionsDelta, diff_functions
from analyzers.diff.principal_changes import PrincipalsDelta, diff_principals
from analyzers.findings.model import Finding, JSONValue, Severity
from estate.snapshot import Manifest

DIFF_SCHEMA = "lambdascope.diff/1"


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    old: Manifest
    new: Manifest
    findings: FindingsDelta
    functions: FunctionsDelta
    principals: PrincipalsDelta
    exposure: ExposureDrift

    @property
    def new_finding_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.findings.new)

    def new_at_or_above(self, severity: Severity) -> list[Finding]:
        """New findings still open at or above `severity` (`--fail-on-new`)."""
        return [f for f in self.findings.new if f.severity.rank >= severity.rank and f.status == "open"]

    @property
    def empty(self) -> bool:
        f, fn, p, e = self.findings, self.functions, self.principals, self.exposure
        return not (
            f.new
            or f.resolved
            or f.changed
            or fn.added
            or fn.removed
            or fn.changed
            or p.added
            or p.removed
            or p.changed
            or e.invokers
            or e.sensitive_opened
            or e.sensitive_closed
            or e.escalation_opened
            or e.escalation_closed
        )

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "schema": DIFF_SCHEMA,
            "old": self.old.summary(),
            "new": self.new.summary(),
            "findings": self.findings.to_json(),
            "estate": {
                "functions": self.functions.to_json(),
                "principals": self.principals.to_json(),
            },
            "exposure": self.exposure.to_json(),
        }


def comparison_problem(old: Manifest, new: Manifest) -> str | None:
    """Why two snapshots cannot be compared (one line), or None: a diff of different accounts
    would report every resource of each as added and removed, which says nothing."""
    if set(old.accounts) != set(new.accounts):
        before = ", ".join(sorted(old.accounts)) or "none"
        after = ", ".join(sorted(new.accounts)) or "none"
        return f"the snapshots cover different accounts ({before} vs {after}): nothing to compare"
    return None


def diff_analyses(old: Analysis, new: Analysis) -> SnapshotDiff:
    return SnapshotDiff(
        old=old.estate.manifest,
        new=new.estate.manifest,
        findings=diff_findings(old.findings, new.findings),
        functions=diff_functions(old.estate.functions, new.estate.functions),
        principals=diff_principals(
            old.estate.principals, new.estate.principals, old.estate.policies, new.estate.policies
        ),
        exposure=diff_exposure(exposure_of(old.graph, old.findings), exposure_of(new.graph, new.findings)),
    )
