"""Each role's and user's risk, as the IAM pane ranks them (headless: the screenshots script and
tests read it too). Computing it takes seconds at thousands of roles, so the pane runs it in a
worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.viewmodels.summary import TABLE_SEVERITIES

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from analyzers.iam.principal_summary import PrincipalSummary


@dataclass(frozen=True, slots=True)
class PrincipalRisk:
    """One principal's row: its summary, wildcard statement count and findings by severity."""

    summary: PrincipalSummary
    wildcards: int
    counts: tuple[int, ...]  # findings per TABLE_SEVERITIES

    @property
    def certain_paths(self) -> int:
        return sum(not p.conditional for p in self.summary.escalations)

    @property
    def risk(self) -> tuple[int, ...]:
        s = self.summary
        admin_paths = sum(p.admin and not p.conditional for p in s.escalations)
        return (s.admin, admin_paths, self.certain_paths, len(s.escalations), self.wildcards, *self.counts)

    @property
    def risk_label(self) -> str:
        s = self.summary
        if s.admin:
            return "admin"
        if any(p.admin and not p.conditional for p in s.escalations):
            return "escalates to admin"
        if s.can_escalate:
            return "escalates"
        if s.escalations:
            return "conditional escalation"
        if self.wildcards:
            return "wildcard"
        return "–"


def principal_risks(analysis: Analysis) -> list[PrincipalRisk]:
    """Every role and user of the estate with what makes it risky."""
    from analyzers.iam.principal_summary import iam_analysis, principal_summary
    from analyzers.iam.rules_permissions import wildcard_statements

    model = iam_analysis(analysis).model
    out = []
    for arn in model.actors:
        summary = principal_summary(analysis, arn)
        wildcards = sum(1 for w in wildcard_statements(model, arn) if w.surviving)
        severities = analysis.severity_counts(arn)
        out.append(PrincipalRisk(summary, wildcards, tuple(severities[s] for s in TABLE_SEVERITIES)))
    return out
