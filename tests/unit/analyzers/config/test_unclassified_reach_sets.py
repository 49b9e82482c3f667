"""config.unclassified-store's reach read per store set (unclassified_reach.py) against the answer
read store by store through `grants_onto` (every set expanded for every store), on random graphs
of roles, store sets and direct edges, with function names shared across regions."""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.config.unclassified_reach import StoreReach, can_edges_reach
from analyzers.reach.grants import grants_onto
from estate.model import Estate
from estate.model.load import load_estate
from tests.builders import ACCOUNT, REGION, function
from tests.unit.analyzers.config.config_estates import snap

OTHER = "us-east-1"
ROLES = [f"arn:aws:iam::{ACCOUNT}:role/r{i}" for i in range(4)]
STORES = [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t{i}" for i in range(5)]
SETS = [f"store-set:{ACCOUNT}:{REGION}:table:unclassified:{p}" for p in ("*", "t*")]
LEVELS = ("read", "write", "list")


def _estate() -> Estate:
    """Five functions on four roles; `shared` runs in two regions, on r1 (here) and r0 (there)."""
    functions = [
        function("alpha", role="r0"),
        function("shared", role="r1"),
        function("shared", region=OTHER, role="r0"),
        function("gamma", role="r2"),
        function("delta", role="r2"),
    ]
    return load_estate(snap(functions))


ESTATE = _estate()


def reference(estate: Estate, graph: nx.MultiDiGraph, stores: Collection[str], limit: int) -> dict:
    """Store by store through `grants_onto`, as the rule read it before the sets were indexed: a
    shared name takes the first function (estate order) whose role reaches the store, with that
    role's last grant `grants_onto` yields."""
    out = {}
    for store in stores:
        named: dict[str, tuple[int, str]] = {}  # name -> (function index, how)
        for role, data in grants_onto(graph, store):
            for index, fn in enumerate(estate.functions):
                if fn.role_arn != role or named.get(fn.name, (index, ""))[0] < index:
                    continue
                level = data.get("access") or "access"
                how = f"role {role.rsplit('/', 1)[-1]} can {level}"
                named[fn.name] = (index, how + (" (conditionally)" if data.get("conditional") else ""))
        if named:
            names = sorted(named)
            out[store] = (len(names), [(n, named[n][1]) for n in names[:limit]])
    return out


def mine(found: dict[str, StoreReach]) -> dict:
    return {store: (reach.count, reach.listed) for store, reach in found.items()}


def _can(g: nx.MultiDiGraph, holder: str, target: str, access: str, conditional: bool = False) -> None:
    g.add_edge(holder, target, key="can", kind="can", access=access, conditional=conditional, evidence={})


def base_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for role in ROLES:
        g.add_node(role, kind="role")
    for store in STORES:
        g.add_node(store, kind="data-store")
    for node in SETS:
        g.add_node(node, kind="store-set")
    return g


def every_store_in(node: str) -> nx.MultiDiGraph:
    """The base graph with the set `node` containing every store."""
    g = base_graph()
    for store in STORES:
        g.add_edge(node, store, key="contains", kind="contains")
    return g


def test_a_direct_edge_gives_the_access_over_the_set_and_every_set_holder_counts() -> None:
    g = every_store_in(SETS[0])
    _can(g, ROLES[2], SETS[0], "read")
    _can(g, ROLES[0], SETS[0], "list")
    _can(g, ROLES[0], STORES[1], "write", conditional=True)  # direct: wins over its set edge
    found = mine(can_edges_reach(ESTATE, g, STORES, 50))
    assert found == reference(ESTATE, g, STORES, 50)
    assert found[STORES[1]] == (
        4,
        [
            ("alpha", "role r0 can write (conditionally)"),
            ("delta", "role r2 can read"),
            ("gamma", "role r2 can read"),
            ("shared", "role r0 can write (conditionally)"),  # r1 holds nothing: the other region's
        ],
    )
    assert found[STORES[0]][1][0] == ("alpha", "role r0 can list")


def test_the_first_names_are_listed_and_all_counted() -> None:
    g = every_store_in(SETS[1])
    for role in ROLES:
        _can(g, role, SETS[1], "read")
    found = mine(can_edges_reach(ESTATE, g, STORES, 2))
    assert found == reference(ESTATE, g, STORES, 2)
    assert found[STORES[0]] == (4, [("alpha", "role r0 can read"), ("delta", "role r2 can read")])
    assert mine(can_edges_reach(ESTATE, base_graph(), STORES, 2)) == {}  # no edges: nothing reached


@st.composite
def graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    g = base_graph()
    for node in SETS:
        for store in draw(st.lists(st.sampled_from(STORES), unique=True)):
            g.add_edge(node, store, key="contains", kind="contains")
    holders = [*ROLES, f"arn:aws:iam::{ACCOUNT}:user/ops"]  # a user: no function runs as it
    for _ in range(draw(st.integers(0, 14))):
        holder = draw(st.sampled_from(holders))
        target = draw(st.sampled_from([*STORES, *SETS]))
        _can(g, holder, target, draw(st.sampled_from(LEVELS)), draw(st.booleans()))
    return g


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 6))
def test_sets_read_once_answer_as_every_store_read_alone(g: nx.MultiDiGraph, limit: int) -> None:
    assert mine(can_edges_reach(ESTATE, g, STORES, limit)) == reference(ESTATE, g, STORES, limit)
