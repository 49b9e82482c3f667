"""Excepted stores answered once per group (excepted_alike.py): the graph is the one drawn with
every excepted store evaluated on its own, edge for edge and attribute for attribute, and the
shortcut does answer most of an administrator's team without the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import networkx as nx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyzers.reach import access_edges, excepted_alike
from estate.model import Estate
from tests.unit.analyzers.reach.test_store_sets import ACCOUNT, REGION, ROLES, TEAM_A, estate, graph_of, table

TABLES = [table(f"team-a-{i:02}") for i in range(14)] + [table(f"team-b-{i:02}") for i in range(12)]
OWN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-a-03"


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


ADMIN = allow("*", "*")
TEAM_READ = allow("dynamodb:GetItem", TEAM_A)


@contextmanager
def one_by_one() -> Iterator[None]:
    """The reference: every excepted store evaluated on its own."""
    with mock.patch.object(excepted_alike, "MIN_EXCEPTED", 10**9):
        yield


@contextmanager
def counted() -> Iterator[list[str]]:
    """The stores `AccessAnalysis.edge` (the engine's path) is asked about."""
    asked: list[str] = []
    real = access_edges.AccessAnalysis.edge

    def edge(self: Any, arn: str, target: Any, items: Any) -> Any:
        asked.append(target.arn)
        return real(self, arn, target, items)

    with mock.patch.object(access_edges.AccessAnalysis, "edge", edge):
        yield asked


def drawn(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, str]]:
    return [
        (u, v, k, json.dumps(d, sort_keys=True, default=str))
        for u, v, k, d in graph.edges(keys=True, data=True)
    ]


def same_graph(e: Estate) -> tuple[nx.MultiDiGraph, list[str], list[str]]:
    """The graph, and the stores the engine's path was asked about with and without groups."""
    with mock.patch.object(excepted_alike, "MIN_EXCEPTED", 0), counted() as asked:
        graph = graph_of(e)
    with one_by_one(), counted() as reference_asked:
        reference = graph_of(e)
    assert drawn(graph) == drawn(reference)
    return graph, asked, reference_asked


def test_an_administrator_s_team_is_answered_once_and_drawn_as_one_by_one() -> None:
    graph, asked, reference_asked = same_graph(estate(TABLES, [ADMIN, TEAM_READ]))
    team = [t.arn for t in TABLES if "team-a" in t.arn]
    direct = [v for _u, v, k in graph.out_edges(ROLES[0], keys=True) if k == "can" and v in team]
    assert sorted(direct) == sorted(team)  # every team table keeps its own edge (both statements)
    assert sum(1 for a in reference_asked if a in team) >= len(team)
    assert sum(1 for a in asked if a in team) <= 2  # the planner's sample and the group's first


def test_a_table_a_literal_statement_names_is_evaluated_alone() -> None:
    e = estate(TABLES, [ADMIN, TEAM_READ, allow("dynamodb:GetItem", OWN, Sid="Own")])
    graph, _asked, _reference = same_graph(e)
    own = graph.edges[ROLES[0], OWN, "can"]
    other = graph.edges[ROLES[0], OWN.replace("team-a-03", "team-a-05"), "can"]
    assert any(s.endswith("#Own") for s in own["statement_ids"])
    assert not any(s.endswith("#Own") for s in other["statement_ids"])


def test_a_narrower_pattern_a_condition_or_a_deny_keeps_stores_apart_where_they_differ() -> None:
    narrower = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-a-0*"
    secure = {"Bool": {"aws:SecureTransport": "true"}}
    variants = {
        "a pattern naming part of the team": [ADMIN, TEAM_READ, allow("dynamodb:PutItem", narrower)],
        "a condition": [ADMIN, allow("dynamodb:GetItem", TEAM_A, Condition=secure)],
        "a deny on one table": [ADMIN, TEAM_READ, {**allow("dynamodb:GetItem", OWN), "Effect": "Deny"}],
        "a deny on part of the team": [
            ADMIN,
            TEAM_READ,
            {**allow("dynamodb:Query", narrower), "Effect": "Deny"},
        ],
    }
    for why, statements in variants.items():
        try:
            same_graph(estate(TABLES, statements))
        except AssertionError as error:
            raise AssertionError(why) from error


_RESOURCES = st.sampled_from(
    [
        "*",
        TEAM_A,
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-a-0*",
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-?-1*",
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-b-*",
        OWN,
        OWN.upper().replace(
            "TABLE/TEAM-A-03", "table/team-a-03"
        ),  # the engine ignores case up to the resource
        [TEAM_A, OWN],
    ]
)


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow"] * 4 + ["Deny"])),
        "Action": draw(st.sampled_from(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:*"])),
        ("NotResource" if draw(st.integers(0, 19)) == 0 else "Resource"): draw(_RESOURCES),
    }
    if draw(st.integers(0, 9)) == 0:
        statement["Condition"] = draw(
            st.sampled_from(
                [{"StringEquals": {"aws:ResourceTag/team": "a"}}, {"Bool": {"aws:SecureTransport": "true"}}]
            )
        )
    return statement


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statements(), min_size=1, max_size=4), st.sampled_from([True, True, True, False]))
def test_any_grants_beside_an_administrator_s_draw_the_graph_one_by_one_would(
    extra: list[dict[str, Any]], admin: bool
) -> None:
    _graph, asked, reference_asked = same_graph(estate(TABLES, [ADMIN, *extra] if admin else extra))
    event(f"answered per group: {len(asked) < len(reference_asked)}")
