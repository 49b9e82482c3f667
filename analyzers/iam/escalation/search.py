"""Shortest routes over the escalation state graph, one Dijkstra search shared by alike starts.

`RouteSearches.routes(origin)` gives every state within reach of a start, nearest first, with the
first state of its route, exactly as networkx's single-source Dijkstra orders and breaks ties.
On a large estate many starts search the same graph the same way (a hundred users allowed to
update every function; deployers that may pass every role): a start with the same arcs out as
one searched already reuses that search when it provably gives the same states and routes.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

State = tuple[str, ...]
Adjacency = dict[State, list[tuple[State, int]]]  # state -> (next state, weight), in graph order
# a search: (state, first state of its route) nearest first, the state before each, the start
# the routes read back from `pred` end at, and routes given whole
Routes = tuple[list[tuple[State, State]], dict[State, State], State, dict[State, list[State]]]


@dataclass(frozen=True, slots=True)
class _Search:
    """One start's search, kept for starts with the same arcs out."""

    origin: State
    settled: dict[State, int]  # every state the search reached (the start included): its distance
    pred: dict[State, State]  # the state before each on its route
    order: list[tuple[State, State]]  # each state reached but the start, and its route's first state


class RouteSearches:
    """The searches over one graph (its adjacency), within `cutoff`; `principal_of` names the
    principal a state stands for (routes to states of one principal compete for it)."""

    def __init__(self, adjacency: Adjacency, cutoff: int, principal_of: Callable[[State], str]) -> None:
        self._adjacency = adjacency
        self._cutoff = cutoff
        self._principal_of = principal_of
        self._searches: dict[tuple[tuple[State, int], ...], _Search] = {}
        self._incoming: dict[State, dict[State, int]] | None = None

    def routes(self, origin: State) -> Routes | None:
        """Every state within reach of `origin` (None: no arc out of it).

        A start with the same arcs out (same states, same weights: so the same methods) as one
        searched already gets the same search, unless either start lies on the other's way (an
        arc into it from a state that search settled; see `_swapped` for the one case kept)."""
        out = self._adjacency.get(origin)
        if out is None:
            return None
        key = tuple(out)
        held = self._searches.get(key)
        if held is not None:
            into = self._into()
            ways_in = (*into.get(origin, ()), *into.get(held.origin, ()))
            if not any(state in held.settled for state in ways_in):
                return held.order, held.pred, held.origin, {}
            swapped = self._swapped(held, origin)
            if swapped is not None:
                return swapped
        settled: dict[State, int] = {}
        pred: dict[State, State] = {}
        order = list(shortest_routes(self._adjacency, origin, self._cutoff, settled, pred))
        if held is None:
            self._searches[key] = _Search(origin, settled, pred, order)
        return order, pred, origin, {}

    def _swapped(self, held: _Search, origin: State) -> Routes | None:
        """The search from `origin` read off `held`'s (same arcs out) when the states with an arc
        into either start that `held` settled are the same, with arcs of equal weight into both
        (roles any deployer reaches): each search is then the other with the two starts swapped,
        a start's own step leads nowhere new (its arcs out were relaxed from the origin already,
        nearer), and the order of the states matters only between states of one principal
        (None: it would, or the starts differ otherwise)."""
        into, other, settled = self._into(), held.origin, held.settled
        into_origin, into_other = into.get(origin, {}), into.get(other, {})
        ways = [state for state in into_origin if state in settled]
        if ways != [state for state in into_other if state in settled] or other in ways:
            return None
        if any(into_origin[way] != into_other[way] for way in ways):
            return None
        principal = self._principal_of(other)
        if any(self._principal_of(state) == principal for state, _ in held.order):
            return None
        order = [(state, first) for state, first in held.order if state != origin]
        if origin not in settled:  # out of reach from `other`, as `other` is from it
            return order, held.pred, other, {}
        route = [held.pred[origin]]  # back from the state before it to the start
        while (step := held.pred[route[-1]]) != other:
            route.append(step)
        order.append((other, route[-1]))
        return order, held.pred, other, {other: [*reversed(route), other]}

    def _into(self) -> dict[State, dict[State, int]]:
        """State -> the states with an arc into it, and its weight (built once, when a search is
        first reused)."""
        if self._incoming is None:
            incoming: dict[State, dict[State, int]] = {}
            for u, nexts in self._adjacency.items():
                for v, weight in nexts:
                    ways = incoming.get(v)
                    if ways is None:
                        incoming[v] = {u: weight}
                    else:
                        ways[u] = weight
            self._incoming = incoming
        return self._incoming


def shortest_routes(
    adjacency: Adjacency, origin: State, cutoff: int, dist: dict[State, int], pred: dict[State, State]
) -> Iterator[tuple[State, State]]:
    """Every state within `cutoff` of `origin` but itself, nearest first, with the first state
    of its shortest route; `dist` gets each state reached (with its distance), `pred` the state
    before it on that route (final once it is yielded: routes are read back from it).

    networkx's single-source Dijkstra step for step (same heap order, same tie-breaks, so the
    same routes), minus its per-edge overhead.
    """
    seen: dict[State, int] = {origin: 0}
    first: dict[State, State] = {}
    counter = itertools.count()
    fringe: list[tuple[int, int, State]] = [(0, next(counter), origin)]
    push, pop, nothing = heapq.heappush, heapq.heappop, ()
    while fringe:
        dist_v, _, v = pop(fringe)
        if v in dist:
            continue
        dist[v] = dist_v
        if v != origin:
            yield v, first[v]
        step = None if v == origin else first[v]
        for u, cost in adjacency.get(v, nothing):
            vu_dist = dist_v + cost
            if vu_dist > cutoff or u in dist:
                continue
            held = seen.get(u)
            if held is None or vu_dist < held:
                seen[u] = vu_dist
                push(fringe, (vu_dist, next(counter), u))
                pred[u] = v
                first[u] = u if step is None else step
