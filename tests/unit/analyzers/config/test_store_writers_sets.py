"""config.no-point-in-time-recovery's writers read per store set (store_writers.py) against the
answer read store by store through `grants_onto` (every set expanded for every store, as the
rule read it before), on random graphs of roles, store sets and direct edges, with function
names shared across roles."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.config.rules_recovery import functions_by_role
from analyzers.config.store_writers import StoreWriters, store_writers, writes
from analyzers.reach.grants import grants_onto
from tests.unit.analyzers.config.test_unclassified_reach_sets import (
    ESTATE,
    ROLES,
    SETS,
    STORES,
    _can,
    base_graph,
    every_store_in,
    graphs,
)

FUNCTIONS_OF = functions_by_role(ESTATE)  # r0 runs alpha and shared, r1 shared, r2 gamma and delta


def reference(
    graph: nx.MultiDiGraph, stores: Collection[str], functions_of: Mapping[str, list[str]], limit: int
) -> dict[str, tuple[int, list[tuple[str, str]]]]:
    """Store by store through `grants_onto`: the first grant that writes names a function."""
    out = {}
    for store in stores:
        writers: dict[str, str] = {}
        for role, data in grants_onto(graph, store):
            names = functions_of.get(role)
            if not names or not writes(data):
                continue
            how = f"role {role.rsplit('/', 1)[-1]} can write" + (
                " (conditionally)" if data.get("conditional") else ""
            )
            for name in names:
                writers.setdefault(name, how)
        if writers:
            names = sorted(writers)
            out[store] = (len(names), [(n, writers[n]) for n in names[:limit]])
    return out


def mine(found: dict[str, StoreWriters]) -> dict[str, tuple[int, list[tuple[str, str]]]]:
    return {store: (w.count, w.listed) for store, w in found.items()}


def test_a_direct_edge_that_only_reads_stands_for_the_roles_set_grant() -> None:
    g = every_store_in(SETS[0])
    _can(g, ROLES[2], SETS[0], "write")
    _can(g, ROLES[0], SETS[0], "write", conditional=True)
    _can(g, ROLES[0], STORES[1], "read")  # direct: r0 may only read t1, whatever its set says
    found = mine(store_writers(g, STORES, FUNCTIONS_OF, 50))
    assert found == reference(g, STORES, FUNCTIONS_OF, 50)
    assert found[STORES[1]] == (2, [("delta", "role r2 can write"), ("gamma", "role r2 can write")])
    assert found[STORES[0]] == (
        4,
        [
            ("alpha", "role r0 can write (conditionally)"),
            ("delta", "role r2 can write"),
            ("gamma", "role r2 can write"),
            ("shared", "role r0 can write (conditionally)"),
        ],
    )


def test_a_direct_write_is_named_before_the_sets_and_the_first_names_are_listed() -> None:
    g = every_store_in(SETS[1])
    for role in ROLES:
        _can(g, role, SETS[1], "write")
    _can(g, ROLES[1], STORES[2], "write", conditional=True)  # r1's direct edge names `shared` first
    found = mine(store_writers(g, STORES, FUNCTIONS_OF, 2))
    assert found == reference(g, STORES, FUNCTIONS_OF, 2)
    assert found[STORES[0]] == (4, [("alpha", "role r0 can write"), ("delta", "role r2 can write")])
    three = mine(store_writers(g, STORES, FUNCTIONS_OF, 4))[STORES[2]]
    assert three[1][3] == ("shared", "role r1 can write (conditionally)")


def test_read_and_list_grants_write_nothing() -> None:
    g = every_store_in(SETS[0])
    _can(g, ROLES[0], SETS[0], "read")
    _can(g, ROLES[2], STORES[3], "list")
    assert store_writers(g, STORES, FUNCTIONS_OF, 5) == {}
    assert store_writers(base_graph(), STORES, FUNCTIONS_OF, 5) == {}  # no edges at all


def test_a_name_falls_to_the_next_role_in_set_order_when_its_first_role_has_a_direct_edge() -> None:
    g = base_graph()
    g.add_edge(SETS[0], STORES[0], key="contains", kind="contains")
    g.add_edge(SETS[1], STORES[0], key="contains", kind="contains")
    _can(g, ROLES[0], SETS[0], "write")
    _can(g, ROLES[3], SETS[0], "write", conditional=True)
    _can(g, ROLES[1], SETS[1], "write")
    _can(g, ROLES[0], STORES[0], "list")  # r0 may only list t0: `x` falls to r3, the next in order
    functions_of = {ROLES[0]: ["x"], ROLES[1]: ["x"], ROLES[3]: ["x", "y"]}
    found = mine(store_writers(g, [STORES[0]], functions_of, 5))
    assert found == reference(g, [STORES[0]], functions_of, 5)
    conditionally = "role r3 can write (conditionally)"
    assert found[STORES[0]] == (2, [("x", conditionally), ("y", conditionally)])


NAMES = ("alpha", "beta", "gamma")


@st.composite
def runs(draw: st.DrawFn) -> dict[str, list[str]]:
    """Which roles run functions of which names: a name may run under several roles (accounts,
    regions), a role may run several, and some roles (and the user) run none."""
    out: dict[str, list[str]] = {}
    for role in ROLES:
        names = draw(st.lists(st.sampled_from(NAMES), max_size=3))
        if names:
            out[role] = names
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), runs(), st.integers(1, 4))
def test_sets_read_once_answer_as_every_store_read_alone(
    g: nx.MultiDiGraph, functions_of: dict[str, list[str]], limit: int
) -> None:
    assert mine(store_writers(g, STORES, functions_of, limit)) == reference(g, STORES, functions_of, limit)
    assert mine(store_writers(g, STORES, FUNCTIONS_OF, limit)) == reference(g, STORES, FUNCTIONS_OF, limit)
