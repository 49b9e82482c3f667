"""Run every analyzer over one estate; the TUI and the CLI both call this, nothing else."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import networkx as nx

from analyzers.anomaly.rules import AnomalyScoring, anomaly_findings, score_estate
from analyzers.config.rules_audit import (
    log_retention_findings,
    no_alarms_findings,
    no_trail_data_events_findings,
)
from analyzers.config.rules_deployment import (
    cross_account_layer_findings,
    no_code_signing_findings,
    no_dlq_findings,
    no_reserved_concurrency_findings,
    region_not_allowed_findings,
    url_cors_wildcard_findings,
)
from analyzers.config.rules_env_runtime import env_no_cmk_findings, runtime_deprecated_findings
from analyzers.config.rules_function import env_secret_findings, no_tracing_findings
from analyzers.config.rules_network import network_findings
from analyzers.config.rules_stores import kms_no_rotation_findings, tls_findings, unencrypted_store_findings
from analyzers.config.rules_unclassified import unclassified_store_findings
from analyzers.findings.model import RULES, Finding, Severity, sort_findings
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import Suppression, apply_severity_overrides, apply_suppressions
from analyzers.gc_pause import cyclic_gc_paused
from analyzers.iam.rules_paths import IamAnalysis, analyze_iam, unparseable_policy_findings
from analyzers.reach.access_edges import add_access_edges
from analyzers.reach.rules_invoke import cross_account_findings, public_invoke_findings
from analyzers.reach.rules_sensitive import no_vpc_findings, public_to_sensitive_findings
from estate.graph.builder import build_graph
from estate.model.functions import Estate
from estate.model.load import load_estate
from estate.snapshot import Snapshot


@dataclass
class Analysis:
    estate: Estate
    graph: nx.MultiDiGraph
    findings: list[Finding]
    today: dt.date
    by_resource: Mapping[str, list[Finding]] = field(default_factory=dict)
    iam: IamAnalysis | None = field(default=None, repr=False)  # model, escalation edges, paths
    anomalies: AnomalyScoring | None = field(default=None, repr=False)  # windows behind anomaly.*
    settings: Settings = field(default_factory=Settings)
    raw_findings: list[Finding] = field(default_factory=list, repr=False)  # as the rules emitted them
    expired_suppressions: tuple[Suppression, ...] = ()  # past their date: their findings are open
    unused_suppressions: tuple[Suppression, ...] = ()  # in force but matching nothing

    def findings_for(self, arn: str) -> list[Finding]:
        return list(self.by_resource.get(arn, ()))

    def severity_counts(self, arn: str) -> dict[Severity, int]:
        """Open findings only: a suppressed finding is an accepted risk, not posture."""
        counts = dict.fromkeys(Severity, 0)
        for finding in self.by_resource.get(arn, ()):
            if finding.suppression is None:
                counts[finding.severity] += 1
        return counts

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppression is not None)

    def with_settings(self, settings: Settings) -> Analysis:
        """The same analysis under other settings' overrides and suppressions (rules are not re-run)."""
        return _settle(replace(self, settings=settings), settings)


def analyze(estate: Estate, today: dt.date | None = None, settings: Settings | None = None) -> Analysis:
    """Every analyzer over one estate: the graph, IAM, access edges, anomalies and all findings."""
    with cyclic_gc_paused():
        return _analyze(estate, today, settings)


def _analyze(estate: Estate, today: dt.date | None, settings: Settings | None) -> Analysis:
    day = today or dt.datetime.now(dt.UTC).date()
    settings = Settings() if settings is None else settings
    settings.check_rules(rule.id for rule in RULES)
    graph = build_graph(estate)
    iam = analyze_iam(estate, graph)  # adds the can-assume / escalates-to edges to the graph
    tag_key = settings.classification_tag_key
    add_access_edges(estate, graph, iam.model, classification_tag=tag_key)  # store nodes, `can` edges
    nx.freeze(graph)  # complete: the reach index built on it can never go stale
    anomalies = score_estate(estate)
    findings = sort_findings(
        [
            *public_invoke_findings(estate, graph),
            *cross_account_findings(estate, graph),
            *network_findings(estate, iam.model),
            *env_no_cmk_findings(estate),
            *runtime_deprecated_findings(estate, day),
            *env_secret_findings(estate),
            *no_tracing_findings(estate),
            *unencrypted_store_findings(estate, settings),
            *kms_no_rotation_findings(estate),
            *tls_findings(estate, settings),
            *unclassified_store_findings(estate, graph, settings),
            *no_code_signing_findings(estate),
            *cross_account_layer_findings(estate),
            *no_dlq_findings(estate),
            *no_reserved_concurrency_findings(estate, graph),
            *url_cors_wildcard_findings(estate),
            *region_not_allowed_findings(estate, settings),
            *log_retention_findings(estate, settings),
            *no_trail_data_events_findings(estate),
            *no_alarms_findings(estate, graph),
            *unparseable_policy_findings(estate, graph),
            *iam.findings,
            *anomaly_findings(estate, scoring=anomalies),
            *public_to_sensitive_findings(estate, graph, tag_key=tag_key),
            *no_vpc_findings(estate, graph, tag_key=tag_key),
        ]
    )
    analysis = Analysis(estate, graph, findings, day, {}, iam, anomalies, settings, raw_findings=findings)
    return _settle(analysis, settings)


def _settle(analysis: Analysis, settings: Settings) -> Analysis:
    """Apply severity overrides, then suppressions, to the rules' findings; index them by resource."""
    rated = apply_severity_overrides(analysis.raw_findings, settings.severity_overrides)
    outcome = apply_suppressions(sort_findings(rated), settings.suppressions, analysis.today)
    by_resource: dict[str, list[Finding]] = defaultdict(list)
    for finding in outcome.findings:
        by_resource[finding.resource].append(finding)
    analysis.findings = outcome.findings
    analysis.by_resource = dict(by_resource)
    analysis.expired_suppressions = outcome.expired
    analysis.unused_suppressions = outcome.unused
    return analysis


def analyze_snapshot(
    snapshot: Snapshot, today: dt.date | None = None, settings: Settings | None = None
) -> Analysis:
    return analyze(load_estate(snapshot), today, settings)
