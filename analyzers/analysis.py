"""Run every analyzer over one estate; the TUI and the CLI both call this, nothing else.

`analyze` builds the graph (with the IAM escalation and access edges), freezes it, then runs the
check of every registered rule (`analyzers.findings.registry.RULES`) over one `RuleContext`. When
it may fork, the access stage's workers start on the functions' execution roles before the graph
is built (they need only the IAM model), so the second core works while this process builds the
graph and runs the escalation analysis; and when the estate has more principals than functions,
the IAM rules (which read no `can` edge) are checked during the access stage, in this process
while its forked workers draw edges (`rule_workers.early_rules`).
The result, `Analysis`, is defined in analyzers/analysis_result.py (light to import: the app
settles a cached one before loading the rules) and re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from types import ModuleType

import networkx as nx

from analyzers.analysis_result import Analysis, settled
from analyzers.anomaly import rules as anomaly_rules
from analyzers.anomaly.rules import anomaly_scoring
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
from analyzers.findings.model import Finding, sort_findings
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from analyzers.gc_pause import cyclic_gc_paused
from analyzers.iam import rules_paths, rules_permissions
from analyzers.iam.analysis import analyze_iam, draw_escalation, iam_pass
from analyzers.iam.principal_policies import IamModel
from analyzers.reach import rules_invoke, rules_sensitive
from analyzers.reach.access_edges import add_access_edges, begin_access
from analyzers.rule_workers import BegunRules, early_rules, run_rules
from estate.graph.builder import build_graph
from estate.graph.stores import store_classification
from estate.model import Estate
from estate.model.invoke_grants import ResourcePolicies
from estate.model.load import load_estate
from estate.snapshot import Snapshot

__all__ = ["RULE_MODULES", "STAGES", "Analysis", "Progress", "analyze", "analyze_snapshot"]

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
    tag = settings.classification_tag_key
    # time-bound conditions at the snapshot's time unless the caller moved the day (--as-of)
    model = IamModel(estate, as_of=today)
    # forked workers start on the execution roles' `can` edges (every principal's where
    # principals outnumber functions), each making its own access analysis first, while this
    # process builds the graph and runs the escalation analysis (the second core was idle
    # through both); this process makes its access analysis when the access stage begins
    classification = {arn: store_classification(s, tag) for arn, s in estate.data_stores.items()}
    documents = ResourcePolicies()  # every function's policy, parsed once here for both
    begun = begin_access(estate, model, classification, workers, documents)
    graph = build_graph(estate, classification_tag=tag, policies=documents)  # every node
    del documents
    progress("IAM escalation", 0, 1)
    iam = analyze_iam(estate, None, today, model=model)  # the escalation fans; drawn below
    ctx = RuleContext(estate, graph, day, settings)
    ctx.given(iam_pass, iam)  # the rules share the IAM analysis that drew the escalation edges
    entries = RULES.entries()
    early = early_rules(entries, workers, estate)
    # forked before the drawing: the escalation search and the other IAM rules read only the
    # model and the fans, and the drawing and the access stage go on here meanwhile
    searching = BegunRules(ctx, early) if early else None
    draw_escalation(graph, iam)  # the can-assume / escalates-to edges
    found: list[Finding] = []
    progress("access", 0, 1)
    add_access_edges(estate, graph, model, begun=begun)  # the `can` edges
    del begun  # its access analysis (targets, parsed policies, caches): 0.26 GiB at 100,000 functions
    nx.freeze(graph)  # complete: the reach index built on it can never go stale
    rest = [e for e in entries if e not in early]
    found += run_rules(ctx, rest, workers, partial(_rules_done, progress, len(early)))
    if searching is not None:
        found += searching.finish()
        progress("rules", len(entries), len(entries))
    raw = tuple(sort_findings(found))
    return settled(Analysis(estate, graph, day, raw, settings, iam, ctx.once(anomaly_scoring)))


def _rules_done(progress: Progress, pending: int, done: int, total: int) -> None:
    """The rules stage's progress, the `pending` rules begun in a child (`early_rules`) counted
    when their findings are in."""
    progress("rules", done, total + pending)


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
