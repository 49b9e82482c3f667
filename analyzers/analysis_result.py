"""`Analysis`: one estate's graph and findings, what `analyzers.analysis.analyze` returns.

Kept apart from `analyze`, which imports every rule module (the policy engine, networkx, numpy),
so that a result can be held and settled without them: the app shows an analysis read from the
analysis cache before it loads the analyzers (tui/viewmodels/cached_findings.py). An `Analysis`
is immutable: `with_settings` and `with_metrics` return new ones, so the app holds one value and
every view is rebuilt from it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Self

from analyzers.findings.model import Finding, SettledFindings, Severity, Suppression, sort_findings
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import settle
from analyzers.findings.triage import collected_at
from estate.model import Estate, MetricsUpdate

if TYPE_CHECKING:
    import networkx as nx

    from analyzers.anomaly.rules import AnomalyScoring
    from analyzers.iam.analysis import IamAnalysis


@dataclass(frozen=True)
class Analysis(SettledFindings):
    """One estate's graph and findings. `raw_findings` are what the rules emitted; `findings` are
    the same under `settings` (severity overrides applied, suppressions marked), indexed by resource."""

    estate: Estate
    graph: nx.MultiDiGraph
    today: dt.date
    raw_findings: tuple[Finding, ...] = field(default=(), repr=False)  # in report order (sort_findings)
    settings: Settings = field(default_factory=Settings)
    iam: IamAnalysis | None = field(default=None, repr=False)  # model, escalation edges, paths
    anomalies: AnomalyScoring | None = field(default=None, repr=False)  # windows behind anomaly.*
    findings: tuple[Finding, ...] = ()
    # None: indexed from `findings` when first read (`by_resource`); the headless commands never do
    resource_index: Mapping[str, tuple[Finding, ...]] | None = field(default=None, repr=False, compare=False)
    expired_suppressions: tuple[Suppression, ...] = ()  # past their date: their findings are open
    unused_suppressions: tuple[Suppression, ...] = ()  # in force but matching nothing

    @property
    def by_resource(self) -> Mapping[str, tuple[Finding, ...]]:
        """`findings` by resource, in report order (made on the first reading: 0.5 s at 100,000
        functions, which no headless command spends)."""
        index = self.resource_index
        if index is None:
            grouped: dict[str, list[Finding]] = defaultdict(list)
            for finding in self.findings:
                grouped[finding.resource].append(finding)
            index = {arn: tuple(found) for arn, found in grouped.items()}
            object.__setattr__(self, "resource_index", index)  # (the same for every reader)
        return index

    def indexed(self) -> Self:
        """This analysis, its `by_resource` made now: a worker thread calls it before handing
        the analysis to the panes, which read the index on the UI thread."""
        self.by_resource  # noqa: B018  (the property makes it)
        return self

    def findings_for(self, arn: str) -> list[Finding]:
        return list(self.by_resource.get(arn, ()))

    def severity_counts(self, arn: str) -> dict[Severity, int]:
        """Open findings only (`Finding.is_open`): a suppressed finding is an accepted risk, a
        false positive or a resolved one is not posture."""
        counts = dict.fromkeys(Severity, 0)
        for finding in self.by_resource.get(arn, ()):
            if finding.is_open:
                counts[finding.severity] += 1
        return counts

    def with_settings(self, settings: Settings) -> Analysis:
        """The same analysis under other settings' overrides and suppressions (rules are not re-run)."""
        return settled(replace(self, settings=settings))

    def with_metrics(self, update: MetricsUpdate) -> Analysis:
        """The analysis over re-read metrics: the anomaly rules re-run as of `update.data_end`, every
        other finding kept (nothing else reads metrics), these settings re-applied."""
        from analyzers.anomaly.rules import anomaly_scoring  # registers the anomaly rules in RULES
        from analyzers.findings.context import RuleContext
        from analyzers.findings.registry import RULES

        ctx = RuleContext(update.estate, self.graph, self.today, self.settings, metrics_end=update.data_end)
        anomaly = (entry for entry in RULES.entries() if entry.rule.analyzer == "anomaly")
        fresh = (finding for entry in anomaly for finding in entry.check(ctx))
        kept = (f for f in self.raw_findings if f.analyzer != "anomaly")
        raw = tuple(sort_findings([*kept, *fresh]))
        scoring = ctx.once(anomaly_scoring)
        return settled(replace(self, estate=update.estate, raw_findings=raw, anomalies=scoring))


def settled(analysis: Analysis) -> Analysis:
    """The analysis with its settings applied to the rules' findings: severity overrides, then
    suppressions, then triage states (indexed by resource when first read: `by_resource`)."""
    collected = collected_at(analysis.estate.manifest.created_at)
    outcome = settle(analysis.raw_findings, analysis.settings, analysis.today, collected, in_order=True)
    return replace(
        analysis,
        findings=tuple(outcome.findings),
        resource_index=None,
        expired_suppressions=outcome.expired,
        unused_suppressions=outcome.unused,
    )
