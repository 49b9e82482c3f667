"""Shortest escalation routes from one start: networkx's Dijkstra step for step, sinks in bulk.

The core of the state graph (`state_graph`) is searched one state at a time exactly as
networkx's single-source Dijkstra would (same heap order, same tie-breaks, so the same routes).
Sinks (states with no arc out: administrators, and principals that can do nothing more) are
never pushed: each core state popped adds one *entry* per distinct arc weight, (distance, its
pop order, itself, the weight, a bitset of sinks). A sink's distance and predecessor are those of
the first entry that reaches it in (distance, pop order): exactly what networkx would record,
since a sink pushes nothing and so changes the order of nothing else. A start that reaches five
thousand roles costs a few bitset entries, not five thousand heap operations.

Paths end at administrators, and the rules keep, per start, only the administrators reached in the
fewest hops when there is a certain one (`paths`): so a search may stop at the end of the hop
layer where it first meets an administrator (`stop_at_admin`). Weights are a hop (10,000) plus a
rank below 100 plus 100 for a conditional edge, so a distance's hop count is `distance // HOP`.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass, field

from analyzers.iam.escalation.state_graph import CUTOFF, HOP, Arcs

Entry = tuple[int, int, int, int, int]  # distance, pop order of the state before, that state, weight, sinks


@dataclass(slots=True)
class Search:
    """One start's search: the core states popped and the entries into sinks."""

    origin: int
    dist: dict[int, int] = field(default_factory=dict)  # core state -> distance (the origin: 0)
    pred: dict[int, int] = field(default_factory=dict)  # core state -> the state before it
    popped: dict[int, int] = field(default_factory=dict)  # core state -> pop order (the origin: 0)
    entries: list[Entry] = field(default_factory=list)  # in pop order
    limit: int = CUTOFF  # every state within this distance is settled
    admin_seen: bool = False
    extras: list[int] = field(default_factory=list)  # the `admin_extras` popped, in pop order

    def route_to(self, state: int) -> list[int]:
        """The core route from the origin to a popped state, both included."""
        route = [state]
        while state != self.origin:
            state = self.pred[state]
            route.append(state)
        route.reverse()
        return route

    def reached(self, wanted: int) -> list[Entry]:
        """Per group of sinks in `wanted` reached alike: (distance, pop order of the state before,
        that state, weight, the sinks), nearest first; each sink once, by its first entry."""
        assigned = 0
        groups: list[Entry] = []
        limit = self.limit
        for entry in sorted(self.entries, key=lambda e: e[0]):  # stable: pop order within a distance
            distance, _, _, _, mask = entry
            if distance > limit:
                break
            new = mask & wanted & ~assigned
            if new:
                groups.append((*entry[:4], new))
                assigned |= new
        return groups


def layer_end(distance: int) -> int:
    """The last distance of the hop layer `distance` is in."""
    return (distance // HOP + 1) * HOP - 1


def search(
    arcs: Arcs,
    origin: int,
    admin: int = 0,
    admin_extras: Collection[int] = (),
    stop_at_admin: bool = False,
) -> Search:
    """Every state within reach of `origin` (within MAX_HOPS); with `stop_at_admin`, only those
    of the hop layers up to the first where a sink in `admin` (or a core state in
    `admin_extras`) is reached."""
    found = Search(origin)
    dist, pred, popped, entries = found.dist, found.pred, found.popped, found.entries
    core_out, sink_out, lightest = arcs.core_out, arcs.sink_out, arcs.lightest
    seen: dict[int, int] = {origin: 0}
    fringe: list[tuple[int, int, int]] = [(0, 0, origin)]
    counter = 1
    limit = CUTOFF
    push, pop, nothing = heapq.heappush, heapq.heappop, ()
    while fringe:
        dist_v, _, v = pop(fringe)
        if v in dist:
            continue
        if dist_v > limit:
            break
        dist[v] = dist_v
        rank = popped[v] = len(popped)
        if v in admin_extras:
            found.admin_seen = True
            found.extras.append(v)
            if stop_at_admin:
                limit = min(limit, layer_end(dist_v))
        for weight, mask in sink_out.get(v, nothing):
            distance = dist_v + weight
            if distance > limit:
                break  # sorted by weight
            entries.append((distance, rank, v, weight, mask))
            if admin and mask & admin:
                found.admin_seen = True
                if stop_at_admin:
                    limit = min(limit, layer_end(distance))
        if dist_v + lightest.get(v, 0) > limit:
            continue  # its arcs lead past the last layer searched (one hop at least)
        for u, cost in core_out.get(v, nothing):
            vu_dist = dist_v + cost
            if vu_dist > limit or u in dist:
                continue
            held = seen.get(u)
            if held is None or vu_dist < held:
                seen[u] = vu_dist
                push(fringe, (vu_dist, counter, u))
                counter += 1
                pred[u] = v
    found.limit = limit
    return found
