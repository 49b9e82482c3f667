"""Opening a snapshot in the app through the analysis cache (issue 13 point 4): the findings of
a snapshot analysed before come from its cache entry at once, and the graph is built behind them.

The app's load worker looks the snapshot up (`CacheSlot`, tui/cache/slot.py: the same key as
`lambdascope findings`, so either fills the entry the other reads). On a hit, `findings_first`
(tui/viewmodels/cached_findings.py, which loads none of the analyzers) makes a `CachedFindings`
from the entry alone: the findings (evidence parsed when read) and who
invokes each function, as the entry kept them, with an empty graph: enough for the functions
table, the findings, Posture and the home panels. `with_graph` then makes the complete analysis
(the graph, IAM escalation and access edges, for invoker grants, reachability, IAM paths and the
Anomalies pane's reach); the analyzers' rules do not run. On a miss, the app analyses as before
and `CacheSlot.store` keeps the entry for next time.

`with_graph` repeats `analyzers.analysis.analyze`'s graph stages (graph, IAM escalation, access,
anomaly scoring) without its rules; tests/unit/tui/test_cached_open.py checks the two graphs and
IAM analyses agree, so the stages cannot drift apart unnoticed.

An entry is trusted only as far as tui/cache/store.py says (HMAC under the local key, exact key
match); on top of that, an entry whose manifest is not this estate's (the file was replaced
between the read and the look-up) is not used (`CacheSlot.load`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import networkx as nx

from analyzers.analysis import Analysis
from analyzers.anomaly.rules import anomaly_scoring
from analyzers.findings.context import RuleContext
from analyzers.iam.analysis import analyze_iam, iam_pass
from analyzers.reach.access_edges import add_access_edges
from estate.graph.builder import build_graph
from tui.cache.slot import CacheSlot

__all__ = ["CacheSlot", "with_graph"]

Progress = Callable[[str, int, int], None]


def with_graph(first: Analysis, as_of: dt.date | None, progress: Progress) -> Analysis:
    """`first` (from `findings_first`) with the complete graph, IAM analysis and anomaly scoring
    that `analyze` would have made, its findings and settings kept. Built on a graph of its own:
    the app shows `first`'s meanwhile."""
    estate, settings = first.estate, first.settings
    progress("graph", 0, 1)
    graph = build_graph(estate, classification_tag=settings.classification_tag_key)
    progress("IAM escalation", 0, 1)
    iam = analyze_iam(estate, graph, as_of)
    progress("access", 0, 1)
    add_access_edges(estate, graph, iam.model)
    iam.search()  # here in the worker: the IAM and principal panes read the paths on the UI thread
    nx.freeze(graph)
    ctx = RuleContext(estate, graph, first.today, settings)
    ctx.given(iam_pass, iam)
    analysis = Analysis(
        estate, graph, first.today, first.raw_findings, settings, iam, ctx.once(anomaly_scoring)
    )
    return analysis.with_settings(settings)
