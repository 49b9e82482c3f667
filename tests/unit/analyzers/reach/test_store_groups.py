"""`StoreGroups`: a public-to-sensitive finding's stores grouped by how each is reached (access,
conditional, hops, severity), the groups where their first store ranks, each group's stores in
rank order; checked on an example and, on random doors, against a plain grouping."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from analyzers.findings.model import Severity
from analyzers.reach.door_stores import DoorReach, StoreColumns, StoreGroups
from tests.unit.analyzers.reach.test_reach_access import ROLE, TABLE

ACCESS = ("read", "write", "permissions-management")


def _columns(count: int) -> tuple[list[str], StoreColumns]:
    names = [ROLE, *(f"{TABLE}-{i}" for i in range(count))]
    columns = StoreColumns(
        names,
        {n: i for i, n in enumerate(names)},
        {n: "pci" for n in names[1:]},
        [{"access": level} for level in ACCESS],
    )
    return names, columns


def test_store_groups_follow_the_rank_order_one_per_way_of_reaching() -> None:
    """Five stores in rank order: write at 2 hops, read at 2, write at 2 (conditional), read at 2,
    write at 3. Groups are listed where their first store ranks, each with its stores in order, and
    hold plain values (never numpy's)."""
    names, columns = _columns(5)
    rows = np.array([1, 0, 1, 0, 1])
    reached = DoorReach(
        np.arange(1, 6),
        rows,
        np.zeros(5, dtype=np.int64),
        np.zeros(5, dtype=np.int64),
        columns.access_codes(rows),
        np.array([False, False, True, False, False]),
        np.array([2, 2, 2, 2, 3]),
        [[]],
    )
    grade = np.array([0, 1, 2, 1, 0])  # critical, high, high (conditional), high, critical
    groups = StoreGroups(columns).groups(
        reached, np.arange(5), grade, [Severity.CRITICAL, Severity.HIGH, Severity.HIGH]
    )
    assert [(g["access"], g["conditional"], g["hops"], g["severity"], g["stores"]) for g in groups] == [
        ("write", False, 2, "critical", [names[1]]),
        ("read", False, 2, "high", [names[2], names[4]]),
        ("write", True, 2, "high", [names[3]]),
        ("write", False, 3, "critical", [names[5]]),
    ]
    assert [g["count"] for g in groups] == [1, 2, 1, 1]
    for group in groups:
        assert type(group["hops"]) is int and type(group["conditional"]) is bool
        assert type(group["severity"]) is str and type(group["count"]) is int
    reordered = StoreGroups(columns).groups(
        reached, np.array([4, 3, 2, 1, 0]), grade, [Severity.CRITICAL, Severity.HIGH, Severity.HIGH]
    )
    assert [g["stores"] for g in reordered] == [[names[5]], [names[4], names[2]], [names[3]], [names[1]]]


door = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, len(ACCESS) - 1), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.integers(1, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.permutations(range(n)),
    )
)


@given(door)
def test_groups_are_the_plain_grouping_of_the_stores_in_rank_order(
    drawn: tuple[list[int], list[bool], list[int], list[int], list[int]],
) -> None:
    rows, conditional, hops, grade, order = drawn
    count = len(rows)
    names, columns = _columns(count)
    rows_array = np.array(rows, dtype=np.int64)
    reached = DoorReach(
        np.arange(1, count + 1),
        rows_array,
        np.zeros(count, dtype=np.int64),
        np.zeros(count, dtype=np.int64),
        columns.access_codes(rows_array),
        np.array(conditional, dtype=bool),
        np.array(hops, dtype=np.int64),
        [[]],
    )
    severities = [Severity.CRITICAL, Severity.HIGH, Severity.LOW]
    found = StoreGroups(columns).groups(
        reached, np.array(order, dtype=np.int64), np.array(grade, dtype=np.int64), severities
    )
    expected: dict[tuple[str, bool, int, str], list[str]] = {}  # insertion order: first store's rank
    for i in order:
        how = (ACCESS[rows[i]], conditional[i], hops[i], severities[grade[i]].value)
        expected.setdefault(how, []).append(names[i + 1])
    assert [
        ((g["access"], g["conditional"], g["hops"], g["severity"]), g["stores"], g["count"]) for g in found
    ] == [(how, stores, len(stores)) for how, stores in expected.items()]
