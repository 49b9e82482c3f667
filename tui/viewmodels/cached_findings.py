"""`CachedFindings`: the analysis the app shows first on a re-open through the analysis cache,
while the graph is rebuilt behind it (tui/viewmodels/cached_open.py).

It has the findings (their evidence parsed when first read) and who invokes each function, as
the entry kept them, but an empty graph: the views that need the graph wait (`GRAPH_VIEWS`), the
functions table takes its Invokers column from `invokers` (`function_invokers`), and a function's
detail says its invokers' grants come with the graph. Drawing the graph again first took 0.8 s
of the 1 s a re-open may take at 10,000 functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analyzers.analysis import Analysis
from analyzers.findings.settings import Settings
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
