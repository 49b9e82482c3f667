"""Run every analyzer over one estate; the TUI and the CLI both call this, nothing else.

`analyze` builds the graph (with the IAM escalation and access edges), freezes it, then runs the
check of every registered rule (`analyzers.findings.registry.RULES`) over one `RuleContext`.
An `Analysis` is immutable: `with_settings` and `with_metrics` return new ones, so the app holds
one value and every view is rebuilt from it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from types import ModuleType

import networkx as nx

from analyzers.anomaly import rules as anomaly_rules
from analyzers.anomaly.rules import AnomalyScoring, anomaly_scoring
from analyzers.config import (
    rules_audit,
    rules_deployment,
    rules_env_runtime,
    rules_function,
    rules_network,
    rules_recovery,
    rules_stores,
    rules_unclassified,
)
from analyzers.findings.context import RuleContext
from analyzers.findings.model import Finding, Severity, Suppression, sort_findings
from analyzers.findings.registry import RULES, RuleEntry
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import settle
from analyzers.findings.triage import collected_at
from analyzers.gc_pause import cyclic_gc_paused
from analyzers.iam import rules_paths, rules_permissions
from analyzers.iam.analysis import IamAnalysis, analyze_iam, iam_pass
from analyzers.reach import rules_invoke, rules_sensitive
from analyzers.reach.access_edges import add_access_edges
from analyzers.rule_workers import run_rules
from estate.graph.builder import build_graph
from estate.model import Estate, MetricsUpdate
from estate.model.load import load_estate
from estate.snapshot import Snapshot

RULE_MODULES: tuple[ModuleType, ...] = (
    rules_invoke,
    rules_sensitive,
    rules_permissions,
    rules_paths,
    rules_audit,
    rules_deployment,
    rules_env_runtime,
    rules_function,
    rules_network,
    rules_recovery,
    rules_stores,
    rules_unclassified,
    anomaly_rules,
)
"""The modules whose import registers every rule, with its check, in RULES (a registry test
checks none is missing): a rule added to one of them needs nothing else."""


@dataclass(frozen=True)
class Analysis:
    """One estate's graph and findings. `raw_findings` are what the rules emitted; `findings` are
    the same under `settings` (severity overrides applied, suppressions marked), indexed by resource."""

    estate: Estate
    graph: nx.MultiDiGraph
    today: dt.date
    raw_findings: tuple[Finding, ...] = field(default=(), repr=False)
    settings: Settings = field(default_factory=Settings)
    iam: IamAnalysis | None = field(default=None, repr=False)  # model, escalation edges, paths
    anomalies: AnomalyScoring | None = field(default=None, repr=False)  # windows behind anomaly.*
    findings: tuple[Finding, ...] = ()
    by_resource: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict, repr=False)
    expired_suppressions: tuple[Suppression, ...] = ()  # past their date: their findings are open
    unused_suppressions: tuple[Suppression, ...] = ()  # in force but matching nothing

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

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.is_open]

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppression is not None)

    def with_settings(self, settings: Settings) -> Analysis:
        """The same analysis under other settings' overrides and suppressions (rules are not re-run)."""
        return _settled(replace(self, settings=settings))

    def with_metrics(self, update: MetricsUpdate) -> Analysis:
        """The analysis over re-read metrics: the anomaly rules re-run as of `update.data_end`, every
        other finding kept (nothing else reads metrics), these settings re-applied."""
        ctx = RuleContext(update.estate, self.graph, self.today, self.settings, metrics_end=update.data_end)
        fresh = _run(ctx, (entry for entry in RULES.entries() if entry.rule.analyzer == "anomaly"))
        kept = (f for f in self.raw_findings if f.analyzer != "anomaly")
        raw = tuple(sort_findings([*kept, *fresh]))
        return _settled(
            replace(self, estate=update.estate, raw_findings=raw, anomalies=ctx.once(anomaly_scoring))
        )


STAGES: tuple[str, ...] = ("graph", "IAM escalation", "access", "rules")
"""The stages `analyze` reports through its `progress` callback, in the order they run."""

Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total) when a stage starts (done == 0) and as rules complete. It may
raise (e.g. when the worker running the analysis was cancelled): the exception ends the analysis
at once and reaches the caller; nothing half-built is kept."""


def analyze(
    estate: Estate,
    today: dt.date | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    *,
    workers: int = 1,
) -> Analysis:
    """Every analyzer over one estate: the graph, IAM, access edges, anomalies and all findings.
    `workers` > 1 lets the access stage fork that many processes, and the rules one (headless
    commands only: a process running other threads, like the TUI, must not fork)."""
    with cyclic_gc_paused():
        return _analyze(estate, today, settings, progress or _quiet, workers)


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


def _analyze(
    estate: Estate, today: dt.date | None, settings: Settings | None, progress: Progress, workers: int
) -> Analysis:
    day = today or dt.datetime.now(dt.UTC).date()
    settings = Settings() if settings is None else settings
    settings.check_rules(rule.id for rule in RULES)
    progress("graph", 0, 1)
    graph = build_graph(estate, classification_tag=settings.classification_tag_key)  # every node
    progress("IAM escalation", 0, 1)
    # time-bound conditions at the snapshot's time unless the caller moved the day (--as-of)
    iam = analyze_iam(estate, graph, today)  # adds the can-assume / escalates-to edges to the graph
    progress("access", 0, 1)
    add_access_edges(estate, graph, iam.model, workers=workers)  # the `can` edges
    nx.freeze(graph)  # complete: the reach index built on it can never go stale
    ctx = RuleContext(estate, graph, day, settings)
    ctx.given(iam_pass, iam)  # the rules share the IAM analysis that drew the escalation edges
    raw = tuple(sort_findings(run_rules(ctx, RULES.entries(), workers, partial(progress, "rules"))))
    return _settled(Analysis(estate, graph, day, raw, settings, iam, ctx.once(anomaly_scoring)))


def _run(ctx: RuleContext, entries: Iterable[RuleEntry]) -> tuple[Finding, ...]:
    """The entries' checks over one context, sorted (the order they ran in does not matter)."""
    return tuple(sort_findings(finding for entry in entries for finding in entry.check(ctx)))


def _settled(analysis: Analysis) -> Analysis:
    """The analysis with its settings applied to the rules' findings: severity overrides, then
    suppressions; the result indexed by resource."""
    collected = collected_at(analysis.estate.manifest.created_at)
    outcome = settle(analysis.raw_findings, analysis.settings, analysis.today, collected)
    by_resource: dict[str, list[Finding]] = defaultdict(list)
    for finding in outcome.findings:
        by_resource[finding.resource].append(finding)
    return replace(
        analysis,
        findings=tuple(outcome.findings),
        by_resource={arn: tuple(found) for arn, found in by_resource.items()},
        expired_suppressions=outcome.expired,
        unused_suppressions=outcome.unused,
    )


def analyze_snapshot(
    snapshot: Snapshot,
    today: dt.date | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    *,
    workers: int = 1,
) -> Analysis:
    estate = load_estate(snapshot)
    del snapshot  # the raw responses (gigabytes at 100,000 functions) are not needed past the model
    return analyze(estate, today, settings, progress, workers=workers)
