"""The estate graph (DESIGN.md section 3): one builder, and the API analyses add derived edges through."""

from estate.graph.builder import build_graph, invokers_of
from estate.graph.derived import (
    DERIVED_EDGE_KINDS,
    SET_NODE_KINDS,
    DerivedEdge,
    add_derived_edges,
    add_set_node,
)

__all__ = [
    "DERIVED_EDGE_KINDS",
    "SET_NODE_KINDS",
    "DerivedEdge",
    "add_derived_edges",
    "add_set_node",
    "build_graph",
    "invokers_of",
]
