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
        self._arcs_of: dict[int, tuple[list[int], list[int], int, int]] = {}  # see _split

    def within(self, state: int, hops: int) -> int:
        """The administrators reachable from `state` in at most `hops` hops."""
        key = (state, hops)
        memo = self._memo
        held = memo.get(key)
        if held is not None:
            return held
        zero_targets, hop_targets, zero, hop = self._split(state)
        found = zero
        for target in zero_targets:  # arcs that weigh no hop: as many hops left after them
            below = memo.get((target, hops))  # (looked up here: most are, and a call costs more)
            found |= below if below is not None else self.within(target, hops)
        if hops:
            found |= hop
            left = hops - 1
            for target in hop_targets:
                below = memo.get((target, left))
                found |= below if below is not None else self.within(target, left)
        memo[key] = found
        return found

    def _split(self, state: int) -> tuple[list[int], list[int], int, int]:
        """The state's core arcs split by whether they weigh a hop, and what is reached at once
        either way (administrators among its sinks, and the administrators the arcs lead into)."""
        held = self._arcs_of.get(state)
        if held is None:
            zero, hop = self._sinks.get(state, (0, 0))
            zero_targets: list[int] = []
            hop_targets: list[int] = []
            extras = self._extras
            for target, weight in self._arcs.core_out.get(state, ()):
                if weight < HOP:
                    zero_targets.append(target)
                    zero |= extras.get(target, 0)
                else:
                    hop_targets.append(target)
                    hop |= extras.get(target, 0)
            held = self._arcs_of[state] = (zero_targets, hop_targets, zero, hop)
        return held
