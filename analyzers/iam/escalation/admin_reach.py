"""Which administrators a state reaches within k hops, for every core state at once.

Why: a start that certainly reaches an administrator is reported with the administrators of its
first such hop layer only, unless some administrator is reachable from it *only* under
conditions (that one is reported too). Deciding it needs "every administrator within five hops,
certainly or at all" per start; computed per start by search it would walk the whole state graph
again. Here it is one bitset per (core state, hops left), by the recurrence
within(u, k) = sinks of u's arcs | within(v, k - 1) for each arc into the core (k for the arcs
that weigh no hop: a service assuming its role, a controlling state stepping back), memoised:
a few thousand integer ORs for a whole estate.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from analyzers.iam.escalation.state_graph import HOP, Arcs


class AdminReach:
    """Administrators (as principal positions, see `StateSpace.fold`) each core state reaches."""

    def __init__(
        self,
        arcs: Arcs,
        admin_sinks: int,
        admin_extras: Collection[int],
        fold: Callable[[int], int],
        principal_of: Callable[[int], int],
    ) -> None:
        self._arcs = arcs
        self._memo: dict[tuple[int, int], int] = {}
        # per core state, (weighs a hop?, administrators among its sinks) once
        self._sinks: dict[int, tuple[int, int]] = {}
        for state, pairs in arcs.sink_out.items():
            zero = hop = 0
            for weight, mask in pairs:
                found = fold(mask & admin_sinks)
                if weight < HOP:
                    zero |= found
                else:
                    hop |= found
            self._sinks[state] = (zero, hop)
        self._extras = {state: 1 << principal_of(state) for state in admin_extras}

    def within(self, state: int, hops: int) -> int:
        """The administrators reachable from `state` in at most `hops` hops."""
        key = (state, hops)
        held = self._memo.get(key)
        if held is not None:
            return held
        zero, hop = self._sinks.get(state, (0, 0))
        found = zero | (hop if hops else 0)
        for target, weight in self._arcs.core_out.get(state, ()):
            left = hops if weight < HOP else hops - 1
            if left < 0:
                continue
            found |= self._extras.get(target, 0) | self.within(target, left)
        self._memo[key] = found
        return found
