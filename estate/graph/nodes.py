"""How every graph builder adds a node, and which node kind a grant's source becomes.

One definition for estate/graph/builder.py and the builders it calls (invokers, network), so a node met
twice keeps the attributes it was first given and only gains the ones it lacked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

AddNode = Callable[..., None]

# InvokeGrant.source_kind -> the graph node kind of its source
SOURCE_NODE_KINDS = {
    "internet": "internet",
    "account": "account",
    "any-account": "account",
    "org": "account",
    "service": "service",
    "principal": "principal",
    "invoker": "invoker",
    "scoped": "invoker",
}


def add_node(graph: nx.MultiDiGraph, node: str, **attrs: Any) -> None:
    """Add `node`, or give an existing one the attributes it lacks. Reads the node table directly
    (`graph._node`, networkx's own dict): `node in graph` then `graph.nodes[node]` cost three
    calls per node, about 0.1 s of the build at 10,000 functions (76,000 calls)."""
    held = graph._node.get(node)
    if held is None:
        graph.add_node(node, **attrs)
    else:
        for key, value in attrs.items():
            held.setdefault(key, value)
