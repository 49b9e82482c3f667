"""Run every analyzer over one estate; the TUI and the CLI both call this, nothing else."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from analyzers.config import env_no_cmk_findings, runtime_deprecated_findings
from analyzers.findings import Finding, Severity, sort_findings
from analyzers.iam_paths import IamAnalysis, analyze_iam, unparseable_policy_findings
from analyzers.reachability import public_invoke_findings
from estate.graph import build_graph
from estate.load import load_estate
from estate.model import Estate
from estate.snapshot import Snapshot


@dataclass
class Analysis:
    estate: Estate
    graph: nx.MultiDiGraph
    findings: list[Finding]
    today: dt.date
    by_resource: Mapping[str, list[Finding]] = field(default_factory=dict)
    iam: IamAnalysis | None = field(default=None, repr=False)  # model, escalation edges, paths

    def findings_for(self, arn: str) -> list[Finding]:
        return list(self.by_resource.get(arn, ()))

    def severity_counts(self, arn: str) -> dict[Severity, int]:
        counts = dict.fromkeys(Severity, 0)
        for finding in self.by_resource.get(arn, ()):
            counts[finding.severity] += 1
        return counts


def analyze(estate: Estate, today: dt.date | None = None) -> Analysis:
    day = today or dt.datetime.now(dt.UTC).date()
    graph = build_graph(estate)
    iam = analyze_iam(estate, graph)  # adds the can-assume / escalates-to edges to the graph
    findings = sort_findings(
        [
            *public_invoke_findings(estate, graph),
            *env_no_cmk_findings(estate),
            *runtime_deprecated_findings(estate, day),
            *unparseable_policy_findings(estate, graph),
            *iam.findings,
        ]
    )
    by_resource: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_resource[finding.resource].append(finding)
    return Analysis(estate, graph, findings, day, dict(by_resource), iam)


def analyze_snapshot(snapshot: Snapshot, today: dt.date | None = None) -> Analysis:
    return analyze(load_estate(snapshot), today)
