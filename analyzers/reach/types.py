"""The records reachability queries return: hops, paths, reached nodes and the whole answer.

Frozen and JSON-ready (`to_json`), so the CLI's `lambdascope.reach/1` schema, the pane and
library callers all read the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from analyzers.reach.labels import evidence_summary

T = TypeVar("T")

# Edge kinds that mean "can reach": who triggers, runs as, may act on, may assume or may become;
# and `contains`, from a store set (one grant on many stores alike) to each of its stores.
FORWARD_KINDS = frozenset({"invokes", "executes-as", "can", "can-assume", "escalates-to", "contains"})
# Node kinds a blast radius reports (data stores and the keys that decrypt them).
STORE_KINDS = frozenset({"data-store", "kms-key"})


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of a path, in edge direction (`source` -> `target`), explained in one line.

    `key` is the edge's key in the MultiDiGraph, so the full evidence stays one lookup away:
    `graph.edges[source, target, key]["evidence"]`. The one-line `evidence` is worked out from
    the edge's attributes on first read: a blast radius has thousands of paths nobody opens.
    """

    source: str
    target: str
    kind: str
    key: str
    access: str | None = None  # `can` edges: the strongest access level granted
    conditional: bool = False
    public: bool = False  # `invokes` edges: anyone, unscoped
    edge: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    _evidence: str | None = field(default=None, compare=False, repr=False)

    @property
    def evidence(self) -> str:
        if self._evidence is None:
            object.__setattr__(self, "_evidence", evidence_summary(self.edge))
        return self._evidence or ""

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
    hops: int  # the shortest path's length (a hop out of a role-set node is free)
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


class LazyRows(Sequence[T]):
    """A read-only sequence whose rows are built on first read and kept: a query may reach
    thousands of nodes while the pane shows a count and a screenful. Equal to any sequence
    with equal items, as the tuples it stands in for are."""

    __slots__ = ("_build", "_count", "_rows")

    def __init__(self, count: int, build: Callable[[int], T]) -> None:
        self._count = count
        self._build = build
        self._rows: dict[int, T] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, item: int) -> T: ...

    @overload
    def __getitem__(self, item: slice) -> tuple[T, ...]: ...

    def __getitem__(self, item: int | slice) -> T | tuple[T, ...]:
        if isinstance(item, slice):
            return tuple(self[i] for i in range(*item.indices(self._count)))
        i = item + self._count if item < 0 else item
        if not 0 <= i < self._count:
            raise IndexError(item)
        row = self._rows.get(i)
        if row is None:
            row = self._rows[i] = self._build(i)
        return row

    def __iter__(self) -> Iterator[T]:
        return (self[i] for i in range(self._count))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyRows({self._count} rows, {len(self._rows)} built)"


@dataclass(frozen=True, slots=True)
class ReachResult:
    """A query's answer: the reached nodes (shortest first, then by kind and name) and the paths
    (best first), both built row by row as they are read; `node` finds one reached node."""

    start: str
    direction: str  # forward | backward
    max_hops: int
    to: str | None
    classification: str | None
    reached: Sequence[ReachedNode]
    paths: Sequence[ReachPath]
    truncated: bool  # more paths exist than the limit let through
    locate: Callable[[str], int | None] | None = field(default=None, repr=False, compare=False)

    def node(self, node: str) -> ReachedNode | None:
        if self.locate is not None:
            row = self.locate(node)
            return None if row is None else self.reached[row]
        return next((r for r in self.reached if r.node == node), None)

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
