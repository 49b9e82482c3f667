"""`CachedFindings`: the analysis the app shows first on a re-open through the analysis cache,
while the graph is rebuilt behind it (`with_graph`, tui/viewmodels/cached_open.py).

`findings_first` makes it from the entry alone: the findings (their evidence parsed when first
read) and who invokes each function, as the entry kept them, with an empty graph. The views that
need the graph wait (`GRAPH_VIEWS`), the functions table takes its Invokers column from
`invokers` (`function_invokers`), and a function's detail says its invokers' grants come with the
graph. Drawing the graph again first took 0.8 s of the 1 s a re-open may take at 10,000
functions, and this module loads none of the analyzers (0.3 s more): only the findings model
and `Analysis` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from analyzers.analysis_result import Analysis
from analyzers.findings.settings import Settings
from estate.model import Estate
from tui.cache.entry import CachedAnalysis
from tui.cache.invoker_count import NO_INVOKERS, InvokerCount, count_invokers


@dataclass(frozen=True)
class CachedFindings(Analysis):
    """An analysis from a cache entry, before its graph is built (`graph` is empty)."""

    invokers: Mapping[str, InvokerCount] = field(default_factory=dict, repr=False)

    def with_settings(self, settings: Settings) -> CachedFindings:
        settled = super().with_settings(settings)
        assert isinstance(settled, CachedFindings)  # `replace` keeps the class and its invokers
        return settled


def function_invokers(analysis: Analysis, function_arn: str) -> InvokerCount:
    """Who can invoke the function: from the graph, or from the cache entry while it is built."""
    if isinstance(analysis, CachedFindings):
        return analysis.invokers.get(function_arn, NO_INVOKERS)
    return count_invokers(analysis.graph, function_arn)


def findings_first(
    estate: Estate, entry: CachedAnalysis, today: dt.date, settings: Settings | None
) -> CachedFindings:
    """The analysis of `estate` from its cache entry alone, its graph empty: enough for every
    view that reads findings and invoker counts, not for invoker grants, reachability or IAM
    paths (`with_graph`)."""
    settings = Settings() if settings is None else settings
    settings.check_rules(rule.id for rule in entry.rules)  # the error `analyze` would raise
    first = CachedFindings(estate, _EMPTY, today, entry.raw_findings, invokers=entry.invokers)
    return first.with_settings(settings)


_EMPTY = nx.freeze(nx.MultiDiGraph())
