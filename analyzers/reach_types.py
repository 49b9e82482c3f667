"""The records reachability queries return: hops, paths, reached nodes and the whole answer.

Frozen and JSON-ready (`to_json`), so the CLI's `lambdascope.reach/1` schema, the pane and
library callers all read the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Edge kinds that mean "can reach": who triggers, runs as, may act on, may assume or may become.
FORWARD_KINDS = frozenset({"invokes", "executes-as", "can", "can-assume", "escalates-to"})
# Node kinds a blast radius reports (data stores and the keys that decrypt them).
STORE_KINDS = frozenset({"data-store", "kms-key"})


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of a path, in edge direction (`source` -> `target`), explained in one line.

    `key` is the edge's key in the MultiDiGraph, so the full evidence stays one lookup away:
    `graph.edges[source, target, key]["evidence"]`.
    """

    source: str
    target: str
    kind: str
    key: str
    access: str | None = None  # `can` edges: the strongest access level granted
    conditional: bool = False
    public: bool = False  # `invokes` edges: anyone, unscoped
    evidence: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
            "key": self.key,
            "access": self.access,
            "conditional": self.conditional,
            "public": self.public,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class ReachPath:
    """Hops in edge order, from the path's origin to its end; never a node twice."""

    hops: tuple[Hop, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        if not self.hops:
            return ()
        return (self.hops[0].source, *(h.target for h in self.hops))

    @property
    def conditional(self) -> bool:
        return any(h.conditional for h in self.hops)

    @property
    def access(self) -> str | None:
        """The access level the path ends with (its last hop's, for a `can` hop)."""
        return self.hops[-1].access if self.hops else None

    def __len__(self) -> int:
        return len(self.hops)

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": list(self.nodes),
            "conditional": self.conditional,
            "access": self.access,
            "hops": [h.to_json() for h in self.hops],
        }


@dataclass(frozen=True, slots=True)
class ReachedNode:
    """A node a query reached: what it is, how near, with which access, and whether only
    conditional paths reach it."""

    node: str
    kind: str
    label: str
    classification: str | None
    subkind: str | None
    hops: int  # the shortest path's length
    access: str | None  # the strongest access level a path ending here gives
    conditional: bool  # every path here has a conditional hop

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "kind": self.kind,
            "subkind": self.subkind,
            "label": self.label,
            "classification": self.classification,
            "hops": self.hops,
            "access": self.access,
            "conditional": self.conditional,
        }


@dataclass(frozen=True, slots=True)
class ReachResult:
    start: str
    direction: str  # forward | backward
    max_hops: int
    to: str | None
    classification: str | None
    reached: tuple[ReachedNode, ...]
    paths: tuple[ReachPath, ...]
    truncated: bool  # more paths exist than the limit let through
    _by_node: dict[str, ReachedNode] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_node", {r.node: r for r in self.reached})

    def node(self, node: str) -> ReachedNode | None:
        return self._by_node.get(node)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "direction": self.direction,
            "max_hops": self.max_hops,
            "to": self.to,
            "classification": self.classification,
            "reached": [r.to_json() for r in self.reached],
            "paths": [p.to_json() for p in self.paths],
            "truncated": self.truncated,
        }
