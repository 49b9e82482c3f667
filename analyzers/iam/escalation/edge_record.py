"""What an escalation method found: `source` can become (or empower) `target`, on these grants.

Apart from the search that finds them (edges.py) because candidate targets (targets.py) carry the
edge by which a caller already holds a principal, and the search imports the targets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from analyzers.iam.escalation.types import EscalationMethod, Yields
from analyzers.iam.grant import Grant
from policy.decision import Hinge


class LazyEvidence(Mapping[str, Any]):
    """Evidence built on first read (`_build`): estates with many escalation edges (a principal
    that may pass every role) would otherwise spend their time writing evidence nobody opens."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[str, Any] | None = None

    def _build(self) -> dict[str, Any]:
        raise NotImplementedError

    def _read(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._build()
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._read()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


class EdgeEvidence(LazyEvidence):
    """An edge's evidence, built on first read (LazyEvidence). The edge itself may be made on
    first read too (`edge` a function of nothing)."""

    __slots__ = ("_edge",)

    def __init__(self, edge: EscalationEdge | Callable[[], EscalationEdge]) -> None:
        super().__init__()
        self._edge = edge

    def _build(self) -> dict[str, Any]:
        edge = self._edge if isinstance(self._edge, EscalationEdge) else self._edge()
        return edge.evidence()


@dataclass(frozen=True, slots=True)
class EscalationEdge:
    """`source` can become (or empower) `target` by `method`, on these grants."""

    source: str
    target: str  # a principal; for Yields.MEMBERSHIP the group joined
    method: EscalationMethod
    grants: tuple[Grant, ...]
    via: str | None = None
    prior: EscalationEdge | None = None  # how the caller already becomes the target (HELD)
    # Derived once (read ~a million times on large estates): not compared, not shown.
    conditional: bool = field(init=False, compare=False, repr=False)
    hinges: tuple[Hinge, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        prior, grants = self.prior, self.grants
        conditional = self.method.unknown is not None or (prior is not None and prior.conditional)
        hinges: tuple[Hinge, ...] = ()
        for grant in grants:
            if grant.outcome == "conditional":
                conditional = True
            if grant.conditions:
                hinges += grant.conditions
        if prior is not None and prior.hinges:
            hinges += prior.hinges
        object.__setattr__(self, "conditional", conditional)
        object.__setattr__(self, "hinges", hinges)

    @property
    def yields(self) -> Yields:
        return self.method.yields

    @property
    def key(self) -> str:
        return f"escalates-to:{self.method.id}"

    def evidence(self) -> dict[str, Any]:
        return {
            "method": self.method.id,
            "title": self.method.title,
            "pathfinding": list(self.method.pathfinding),
            "from": self.source,
            "to": self.target,
            "via": self.via,
            "yields": self.yields.value,
            "conditional": self.conditional,
            "condition_keys": list(dict.fromkeys(h.key for h in self.hinges)),
            "needs_unlisted": self.method.unknown,
            "permissions": [g.to_json() for g in self.grants],
            "after": self.prior.evidence() if self.prior is not None else None,
            "notes": self.method.notes,
        }
