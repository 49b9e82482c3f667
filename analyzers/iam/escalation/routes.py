"""One start's escalation answer kept compact, its paths made only when read.

Why: on a 100,000-function estate two thousand principals each reach some seven hundred
administrators: 1.3 million paths. Kept as objects (with their routes) they were half a gigabyte
held for the whole analysis, although the rules read them once, one start at a time, and the IAM
pane one start at all. A start's answer is a few groups of targets reached the same way (the
route to the state before them, the methods and certainty of that route) and the few paths the
full search made; `EscalationPaths` gives each start's paths as a list when asked, and keeps none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from analyzers.iam.escalation.hops import EscalationPath
from analyzers.iam.escalation.state_graph import Arcs
from analyzers.iam.escalation.types import EscalationMethod

Shape = tuple[tuple[EscalationMethod, ...], bool]  # a route's methods hop by hop, and whether conditional
Group = tuple[tuple[int, ...], Shape, tuple[int, ...]]  # route to the state before, its shape, the states


@dataclass(frozen=True, slots=True)
class Routes:
    """What `start` reaches: groups of states reached the same way over `arcs`, and paths made."""

    start: str
    arcs: Arcs
    groups: tuple[Group, ...] = ()
    made: tuple[EscalationPath, ...] = ()

    def __len__(self) -> int:
        return sum(len(states) for _, _, states in self.groups) + len(self.made)


class EscalationPaths(Mapping[str, list[EscalationPath]]):
    """Start principal -> its paths, best first, made on each reading from its `Routes`."""

    def __init__(self, routes: dict[str, Routes], make: Callable[[Routes], list[EscalationPath]]) -> None:
        self._routes = routes
        self._make = make

    def __getitem__(self, start: str) -> list[EscalationPath]:
        return self._make(self._routes[start])

    def __iter__(self) -> Iterator[str]:
        return iter(self._routes)

    def __len__(self) -> int:
        return len(self._routes)

    def routes(self, start: str) -> Routes:
        """A start's answer as kept (read by the rules without making every path)."""
        return self._routes[start]

    def count(self) -> int:
        """How many paths, every start's together (without making them)."""
        return sum(len(r) for r in self._routes.values())
