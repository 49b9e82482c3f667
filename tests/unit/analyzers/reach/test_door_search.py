"""The public-to-sensitive rule's searches without dead ends, against the index's own searches:
the same hop counts and paths for every node with an edge out, nothing else reached."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.reach import index as reach_index
from analyzers.reach.door_search import DoorSearch
from analyzers.reach.index import index_for
from tests.unit.analyzers.reach.test_reach_index_properties import graphs

WALK = frozenset({"executes-as", "can-assume", "escalates-to", "can"})


def onward(g: nx.MultiDiGraph) -> set[str]:
    """Nodes with a walk edge to another node."""
    return {u for u, v, data in g.edges(data=True) if data["kind"] in WALK and u != v}


def check(g: nx.MultiDiGraph, hops: int) -> None:
    index = index_for(g, WALK)
    searches = DoorSearch(index)
    relays = onward(g)
    for start in g:
        for strict in (False, True):
            mine = searches.search(start, hops, strict=strict)
            theirs = index.search(start, "forward", hops, strict=strict)
            for node in g:
                i = index.ids[node]
                if node in relays or node == start:
                    assert mine.dist[i] == theirs.dist[i], (start, node, strict)
                    if mine.dist[i] >= 0:
                        assert mine.steps_to(node) == theirs.steps_to(node)
                else:
                    assert mine.dist[i] == -1  # a dead end: on no path, not searched
            assert np.array_equal(mine.reached_ids, np.flatnonzero(mine.dist >= 0))


def test_stores_are_not_searched_and_roles_keep_their_hops() -> None:
    g = nx.MultiDiGraph()
    for node, kind in [("f", "function"), ("r", "role"), ("s", "data-store"), ("a", "role")]:
        g.add_node(node, kind=kind)
    g.add_edge("f", "r", key="executes-as", kind="executes-as", evidence={})
    g.add_edge("r", "s", key="can", kind="can", access="read", evidence={})
    g.add_edge("r", "a", key="escalates-to", kind="escalates-to", conditional=True, evidence={})
    g.add_edge("a", "s", key="can", kind="can", access="write", evidence={})
    index = index_for(g, WALK)
    full = DoorSearch(index).search("f", 8, strict=False)
    strict = DoorSearch(index).search("f", 8, strict=True)
    assert [int(full.dist[index.ids[n]]) for n in ("f", "r", "a", "s")] == [0, 1, 2, -1]
    assert [int(strict.dist[index.ids[n]]) for n in ("f", "r", "a")] == [0, 1, -1]
    check(g, 8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 6))
def test_every_node_on_a_path_keeps_its_hops_and_parents(g: nx.MultiDiGraph, hops: int) -> None:
    check(g, hops)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 6), st.integers(1, 3))
def test_a_layer_gathered_a_few_edges_at_a_time_is_the_same_layer(
    g: nx.MultiDiGraph, hops: int, run: int
) -> None:
    """Searches gather a layer's edges in runs (`GATHER`, a million at a time): any run length
    gives the same hop counts and reached nodes, both ways, over every edge or certain ones."""
    index = index_for(g, WALK)
    for start in g:
        for direction in ("forward", "backward"):
            for strict in (False, True):
                whole = index.search(start, direction, hops, strict=strict)
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr(reach_index, "GATHER", run)
                    runs = index.search(start, direction, hops, strict=strict)
                assert np.array_equal(runs.dist, whole.dist), (start, direction, strict)
                assert np.array_equal(runs.reached_ids, whole.reached_ids)
