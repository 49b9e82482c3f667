"""Reachability: the `can` edges derived over the graph, the compiled reach index, its queries, reach.*.

Exported: the query API (who reaches what, by which hops). The derived edges (`access_edges`) and
the rules (`rules_*`) are not imported here, so a query does not pay for the policy engine.
"""

from analyzers.reach.labels import ACCESS_LEVELS, access_rank, node_label, resolve_node
from analyzers.reach.query import (
    backward,
    blast_radius,
    classifications,
    forward,
    internet_invocable_functions,
    iter_paths,
    next_hops,
    relevant_nodes,
)
from analyzers.reach.types import FORWARD_KINDS, STORE_KINDS, Hop, ReachedNode, ReachPath, ReachResult
from analyzers.reach.walks import edges_of

__all__ = [
    "ACCESS_LEVELS",
    "FORWARD_KINDS",
    "STORE_KINDS",
    "Hop",
    "ReachPath",
    "ReachResult",
    "ReachedNode",
    "access_rank",
    "backward",
    "blast_radius",
    "classifications",
    "edges_of",
    "forward",
    "internet_invocable_functions",
    "iter_paths",
    "next_hops",
    "node_label",
    "relevant_nodes",
    "resolve_node",
]
