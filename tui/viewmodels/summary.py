"""What the tables show per function and per finding, derived once from an Analysis.

Pure data (no Textual): the screens turn these into cells. Kept apart so the same summaries
feed the functions table, the palette and the tests. What the model alone tells (a function's
name, region, runtime, role) takes the `Estate`, so the functions table can show it while the
analysis is pending; what needs the graph or the findings takes the `Analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzers.findings.model import Finding, Severity
from estate.model import Estate, IamPrincipal, LambdaFunction

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

TABLE_SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


@dataclass(frozen=True, slots=True)
class FunctionSummary:
    """One row of the functions table."""

    function: LambdaFunction
    invoker_count: int
    public: bool
    role_name: str
    counts: tuple[int, ...]  # by TABLE_SEVERITIES

    @property
    def invokers_label(self) -> str:
        if self.public:
            return f"internet, {self.invoker_count}"
        return str(self.invoker_count) if self.invoker_count else "–"

    @property
    def search_text(self) -> str:
        return function_search_text(self.function, self.role_name)


@dataclass(frozen=True, slots=True)
class FunctionFacts:
    """One row of the functions table from the model alone, while the analysis is pending."""

    function: LambdaFunction
    role_name: str

    @property
    def search_text(self) -> str:
        return function_search_text(self.function, self.role_name)


def function_search_text(fn: LambdaFunction, role: str) -> str:
    """What the functions table's filter matches: the same before and after the analysis."""
    return " ".join((fn.name, fn.region, fn.runtime or "image", role, fn.arn)).lower()


def role_name(estate: Estate, role_arn: str) -> str:
    """The role's name from IAM if it was collected, else the ARN's last path segment."""
    principal = estate.principals.get(role_arn)
    if principal is not None:
        return principal.name
    return role_arn.split(":role/", 1)[-1].rsplit("/", 1)[-1] if role_arn else ""


def role_of(estate: Estate, fn: LambdaFunction) -> IamPrincipal | None:
    return estate.principals.get(fn.role_arn)


def function_facts(estate: Estate) -> list[FunctionFacts]:
    return [FunctionFacts(fn, role_name(estate, fn.role_arn)) for fn in estate.functions]


def summarise_function(analysis: Analysis, fn: LambdaFunction) -> FunctionSummary:
    from tui.viewmodels.cached_findings import function_invokers  # loaded with the analysis

    invokers = function_invokers(analysis, fn.arn)
    counts = analysis.severity_counts(fn.arn)
    return FunctionSummary(
        function=fn,
        invoker_count=invokers.count,
        public=invokers.public,
        role_name=role_name(analysis.estate, fn.role_arn),
        counts=tuple(counts[s] for s in TABLE_SEVERITIES),
    )


def summarise_functions(analysis: Analysis) -> list[FunctionSummary]:
    return [summarise_function(analysis, fn) for fn in analysis.estate.functions]


def resource_name(analysis: Analysis, arn: str) -> str:
    """A short display name for a finding's resource (function name, role name, ARN tail)."""
    fn = analysis.estate.function(arn)
    if fn is not None:
        return fn.name
    principal = analysis.estate.principals.get(arn)
    if principal is not None:
        return principal.name
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or arn


def finding_search_text(analysis: Analysis, finding: Finding) -> str:
    return " ".join(
        (
            finding.severity.value,
            finding.rule.id,
            resource_name(analysis, finding.resource),
            finding.resource,
            finding.region,
            finding.title,
        )
    ).lower()


def totals(analysis: Analysis) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for finding in analysis.findings:
        counts[finding.severity] += 1
    return counts


def most_exposed_function(analysis: Analysis) -> LambdaFunction | None:
    """The function with the most to worry about: public first, then invokers, then findings."""
    from estate.graph.builder import invokers_of

    def exposure(fn: LambdaFunction) -> tuple[bool, int, int, int, bool]:
        invokers = invokers_of(analysis.graph, fn.arn)
        public = any(bool(data.get("public")) for _s, data in invokers)
        worst = max((f.severity.rank for f in analysis.findings_for(fn.arn)), default=-1)
        has_metrics = analysis.estate.series(fn, "Invocations") is not None
        return (public, worst, len(invokers), len(analysis.findings_for(fn.arn)), has_metrics)

    functions = sorted(analysis.estate.functions, key=lambda f: f.name)
    return max(functions, key=exposure, default=None)
