"""Who can invoke one function, as the functions table shows it (`InvokerCount`): counted from
the graph's `invokes` edges, and kept in an analysis cache entry so a re-open fills the table's
Invokers column before the graph is built again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True, slots=True)
class InvokerCount:
    """How many distinct sources can trigger the function (`estate.graph.builder.invokers_of`),
    and whether the internet is one of them."""

    count: int
    public: bool


NO_INVOKERS = InvokerCount(0, False)


def count_invokers(graph: nx.MultiDiGraph, function_arn: str) -> InvokerCount:
    from estate.graph.builder import invokers_of  # loaded with the analysis, not before the first paint

    invokers = invokers_of(graph, function_arn)
    if not invokers:
        return NO_INVOKERS
    public = any(bool(data.get("public")) for _source, data in invokers)
    return InvokerCount(len({source for source, _data in invokers}), public)
