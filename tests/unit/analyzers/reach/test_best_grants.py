"""The grant `reach.public-to-sensitive` reports per store, with groups shared across doors, against
the answer computed door by door (every reached holder's store sets expanded for that door).

Groups (best_grants.py) are kept across doors and count their members at the group's distance;
the answer must be the same pair whatever the grouping: on random graphs with role sets, store
sets, conditional edges and hop limits, and on the two cases the memo could get wrong (doors that
share holders, and a door that reaches one of a group's members nearer than the group).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.reach import best_grants
from analyzers.reach.best_grants import TOP_RANK, BestGrants, SensitiveGrants, expanded, sensitive_grants
from analyzers.reach.index import Layers, ReachIndex, index_for

WALK = frozenset({"executes-as", "can-assume", "escalates-to", "can"})
LEVELS = ("list", "read", "write", "permissions-management")


def reference(grants: SensitiveGrants, full: Layers, strict: Layers) -> dict[int, tuple[int, bool]]:
    """Door by door: every reached holder's rows expanded, the best pair per store."""
    rows, stores, position = expanded(grants, grants.by_holder.neighbours(full.reached_ids))
    if not rows.size:
        return {}
    holders = grants.holders[rows]
    hops, sure_hops = full.dist[holders], strict.dist[holders]
    sure = (sure_hops >= 0) & ~grants.conditional[rows]
    length = np.where(sure, sure_hops, hops).astype(np.int64) + 1
    order = np.lexsort((position, rows, length, TOP_RANK - grants.ranks[rows], ~sure, stores))
    first = order[np.r_[True, stores[order][1:] != stores[order][:-1]]]
    return {
        int(s): (int(r), bool(ok))
        for s, r, ok in zip(stores[first].tolist(), rows[first].tolist(), sure[first].tolist(), strict=True)
    }


def answer(best: BestGrants, full: Layers, strict: Layers) -> dict[int, tuple[int, bool]]:
    """`best.best` in the reference's form: store id -> (row, sure)."""
    found = best.best(full, strict)
    assert [store for store, _row, _sure in found] == sorted({store for store, _row, _sure in found})
    return {store: (row, sure) for store, row, sure in found}


def searches(index: ReachIndex, start: str, hops: int = 8) -> tuple[Layers, Layers]:
    return (
        index.search(start, "forward", hops, strict=False),
        index.search(start, "forward", hops, strict=True),
    )


def can(g: nx.MultiDiGraph, holder: str, target: str, access: str, conditional: bool = False) -> None:
    g.add_edge(holder, target, key="can", kind="can", access=access, conditional=conditional, evidence={})


def hop(g: nx.MultiDiGraph, source: str, target: str, kind: str, conditional: bool = False) -> None:
    g.add_edge(source, target, key=kind, kind=kind, conditional=conditional, evidence={})


def role_set_estate() -> nx.MultiDiGraph:
    """Two functions whose roles escalate to one role set of five roles, each acting on the
    tables; table t0 is read by m1 and m2 alike (m1's edge first in graph order)."""
    g = nx.MultiDiGraph()
    for node, kind in [("f1", "function"), ("f2", "function"), ("rs", "role-set")]:
        g.add_node(node, kind=kind)
    for i in range(1, 6):
        g.add_node(f"m{i}", kind="role")
    for i in range(3):
        g.add_node(f"t{i}", kind="data-store")
    for role in ("r1", "r2"):
        g.add_node(role, kind="role")
    hop(g, "f1", "r1", "executes-as")
    hop(g, "f2", "r2", "executes-as")
    for role in ("r1", "r2"):
        hop(g, role, "rs", "escalates-to")
    for i in range(1, 6):
        hop(g, "rs", f"m{i}", "escalates-to")
    can(g, "m2", "t0", "read")
    can(g, "m1", "t0", "read")
    for i in range(1, 6):
        can(g, f"m{i}", "t1", "list")
        can(g, f"m{i}", "t2", "read", conditional=i != 3)
    return g


def answer_names(index: ReachIndex, grants: SensitiveGrants, found: dict[int, tuple[int, bool]]) -> dict:
    return {index.names[s]: (index.names[int(grants.holders[row])], sure) for s, (row, sure) in found.items()}


def test_doors_that_share_holders_share_one_group_and_answer_as_each_alone() -> None:
    g = role_set_estate()
    index = index_for(g, WALK)
    grants = sensitive_grants(index, {f"t{i}": "pci" for i in range(3)})
    best = BestGrants(grants, index, group_min=0)
    answers = [answer(best, *searches(index, door)) for door in ("f1", "f2")]
    assert best.groups_kept == 1  # the second door took the first's group
    for door, found in zip(("f1", "f2"), answers, strict=True):
        assert found == reference(grants, *searches(index, door))
        assert found == answer(BestGrants(grants, index, group_min=0), *searches(index, door))
    assert answer_names(index, grants, answers[0]) == {
        "t0": ("m1", True),  # a tie on access and hops: the grant first in graph order
        "t1": ("m1", True),
        "t2": ("m3", True),  # the one unconditional grant beats the stronger-ordered others
    }


def test_a_door_reaching_a_member_nearer_than_its_group_is_not_counted_at_the_group_s_distance() -> None:
    g = role_set_estate()
    g.add_node("f3", kind="function")
    hop(g, "f3", "m2", "executes-as")  # f3 runs as m2: one hop, then the set at two
    hop(g, "m2", "rs", "escalates-to")
    index = index_for(g, WALK)
    grants = sensitive_grants(index, {f"t{i}": "pci" for i in range(3)})
    best = BestGrants(grants, index, group_min=0)
    far = answer(best, *searches(index, "f1"))
    near = answer(best, *searches(index, "f3"))
    assert near == reference(grants, *searches(index, "f3"))
    assert far == reference(grants, *searches(index, "f1"))
    assert answer_names(index, grants, far)["t0"] == ("m1", True)
    assert answer_names(index, grants, near)["t0"] == ("m2", True)  # nearer wins over graph order


def test_a_member_only_reached_by_conditional_edges_is_not_counted_as_sure() -> None:
    g = role_set_estate()
    g.remove_edge("rs", "m3", key="escalates-to")
    hop(g, "rs", "m3", "escalates-to", conditional=True)  # m3's unconditional t2 grant: unsure now
    index = index_for(g, WALK)
    grants = sensitive_grants(index, {f"t{i}": "pci" for i in range(3)})
    found = answer(BestGrants(grants, index, group_min=0), *searches(index, "f1"))
    assert found == reference(grants, *searches(index, "f1"))
    assert answer_names(index, grants, found)["t2"] == ("m1", False)


def test_a_group_beyond_the_hop_limit_is_not_counted() -> None:
    g = role_set_estate()
    index = index_for(g, WALK)
    grants = sensitive_grants(index, {f"t{i}": "pci" for i in range(3)})
    best = BestGrants(grants, index, group_min=0)
    assert answer(best, *searches(index, "f1", hops=1)) == {}  # r1 holds nothing; the set is at 2
    assert answer(best, *searches(index, "f1", hops=2)) == reference(grants, *searches(index, "f1", hops=2))


SIZE = 10
KINDS = ("function", "role", "role", "role", "role-set", "data-store", "data-store", "store-set")


@st.composite
def estates(draw: st.DrawFn) -> tuple[nx.MultiDiGraph, dict[str, str]]:
    """Small graphs of functions, roles, role sets, stores and store sets, any edge conditional."""
    g = nx.MultiDiGraph()
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(SIZE)]
    for i, kind in enumerate(kinds):
        g.add_node(f"n{i}", kind=kind)
    by_kind = {k: [f"n{i}" for i, kind in enumerate(kinds) if kind == k] for k in set(kinds)}
    stores, store_sets = by_kind.get("data-store", []), by_kind.get("store-set", [])
    for node in store_sets:
        for member in draw(st.lists(st.sampled_from(stores), unique=True)) if stores else []:
            g.add_edge(node, member, key="contains", kind="contains", evidence={})
    for _ in range(draw(st.integers(0, 30))):
        u, v = draw(st.sampled_from(list(g))), draw(st.sampled_from(list(g)))
        source, target = kinds[int(u[1:])], kinds[int(v[1:])]
        conditional = draw(st.booleans())
        if (
            source in ("role", "role-set")
            and target in ("role", "role-set")
            and not (source == target == "role-set")
        ):
            hop(g, u, v, draw(st.sampled_from(("escalates-to", "can-assume"))), conditional)
        elif source == "function" and target == "role":
            hop(g, u, v, "executes-as")
        elif source == "role" and target in ("data-store", "store-set", "function"):
            can(g, u, v, draw(st.sampled_from(LEVELS)), conditional)
    sensitive = {s: "pci" for s in stores if draw(st.booleans())}
    return g, sensitive


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.integers(1, 5))
def test_groups_answer_as_the_door_by_door_expansion(
    case: tuple[nx.MultiDiGraph, dict[str, str]], hops: int
) -> None:
    g, sensitive = case
    index = index_for(g, WALK)
    grants = sensitive_grants(index, sensitive)
    shared = BestGrants(grants, index, group_min=0)  # kept across every start, as the rule does
    for start in g:
        full, strict = searches(index, start, hops)
        assert answer(shared, full, strict) == reference(grants, full, strict)


def test_pairs_expanded_a_few_holders_at_a_time_answer_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    g = role_set_estate()
    index = index_for(g, WALK)
    grants = sensitive_grants(index, {f"t{i}": "pci" for i in range(3)})
    whole = BestGrants(grants, index, group_min=0)
    monkeypatch.setattr(best_grants, "CHUNK", 2)  # a chunk per holder or two
    chunked = BestGrants(grants, index, group_min=0)
    for door in ("f1", "f2"):
        assert answer(chunked, *searches(index, door)) == answer(whole, *searches(index, door))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.integers(1, 5), st.integers(1, 4))
def test_folding_in_runs_and_the_unpacked_fallback_answer_the_same(
    case: tuple[nx.MultiDiGraph, dict[str, str]], hops: int, run: int
) -> None:
    """A door's pairs and a group's answer folded a few holders at a time, or (keys too wide to
    pack) sorted together, give the answer of one fold over all of them, and leave no key
    behind for the next door."""
    g, sensitive = case
    index = index_for(g, WALK)
    grants = sensitive_grants(index, sensitive)
    # one instance per way, so each computes its own group answers (kept across doors) that way
    default, in_runs, unpacked = (BestGrants(grants, index, group_min=0) for _way in range(3))
    for start in g:
        full, strict = searches(index, start, hops)
        expected = answer(default, full, strict)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(best_grants, "RUN", run)
            assert answer(in_runs, full, strict) == expected
            patch.setattr(best_grants.math, "prod", lambda _bounds: 1 << 62)  # too wide: sorted
            assert answer(unpacked, full, strict) == expected
        for best in (default, in_runs, unpacked):
            assert (best._smallest == best_grants.EMPTY).all()
        assert expected == reference(grants, full, strict)


def test_the_packed_key_finds_each_store_s_smallest_as_a_lexsort_and_falls_back_when_too_wide() -> None:
    rng = np.random.default_rng(7)
    stores = rng.integers(0, 9, 300) * 3  # some ids absent
    columns = [(rng.integers(0, 3, 300), 3), (rng.integers(0, 50, 300), 50), (np.arange(300), 300)]
    order = np.lexsort((*(values for values, _bound in reversed(columns)), stores))
    first = order[np.r_[True, stores[order][1:] != stores[order][:-1]]]
    for bounds in ((3, 50, 300), (1 << 40, 1 << 40, 1 << 40)):  # the second exceeds 64 bits
        found, values = best_grants._smallest_per_store(
            stores, [(v, bound) for (v, _b), bound in zip(columns, bounds, strict=True)]
        )
        assert found.tolist() == stores[first].tolist()
        for got, (column, _bound) in zip(values, columns, strict=True):
            assert got.tolist() == column[first].tolist()


_INTS = st.lists(st.integers(-(2**40), 2**40), max_size=60)


@given(_INTS, _INTS, st.integers(0, 3))
def test_membership_by_binary_search_answers_as_isin(values: list[int], pool: list[int], shared: int) -> None:
    """`expanded` drops a set's members its holder reaches directly with `_among` (np.isin's answer)."""
    pool = pool + values[:shared]  # some values present, duplicates and all
    got = best_grants._among(np.array(values, dtype=np.int64), np.array(pool, dtype=np.int64))
    assert got.tolist() == np.isin(values, pool).tolist()
