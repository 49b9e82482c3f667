"""Store sets: a grant that covers many stores alike is one edge, and answers stay those of the
expanded graph (one `can` edge per principal and store), checked case by case and on generated
estates (hypothesis), with the engine's plain-case shortcut (access_fast.py) off in the reference."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import networkx as nx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyzers.iam.principal_policies import IamModel
from analyzers.reach import access_edges, access_store_sets, excepted_alike, store_sets
from analyzers.reach.access_edges import add_access_edges
from analyzers.reach.access_fast import UNSURE
from analyzers.reach.grants import can_grants
from analyzers.reach.query import backward, blast_radius
from analyzers.reach.sensitive_reach import SensitiveIndex
from estate.graph.builder import build_graph
from estate.model import Estate, IamPrincipal, InlinePolicy, LambdaFunction
from estate.model.store_records import DataStore, Encryption
from estate.snapshot import Manifest

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ROLES = tuple(f"arn:aws:iam::{ACCOUNT}:role/role-{i}" for i in range(2))
TEAM_A = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-a-*"


def table(name: str, classification: str | None = "pci", policy: dict[str, Any] | None = None) -> DataStore:
    return DataStore(
        arn=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
        kind="table",
        name=name,
        account=ACCOUNT,
        region=REGION,
        encryption=Encryption("aws-owned", encrypted=True),
        classification=classification,
        tags={"team": name.split("-")[1]} if "-" in name else {},
        resource_policy=json.dumps(policy) if policy else None,
        policy_state="present" if policy else "absent",
    )


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def estate(tables: list[DataStore], *policies: list[dict[str, Any]]) -> Estate:
    functions = []
    principals = {}
    for i, statements in enumerate(policies):
        role = ROLES[i]
        functions.append(
            LambdaFunction(
                arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{i}",
                name=f"fn-{i}",
                account=ACCOUNT,
                region=REGION,
                runtime="python3.12",
                handler="app.handler",
                role_arn=role,
            )
        )
        principals[role] = IamPrincipal(
            arn=role, name=role.rsplit("/", 1)[-1], kind="role",
            inline_policies=(InlinePolicy(f"policy-{i}", doc(*statements)),),
        )  # fmt: skip
    return Estate(
        manifest=Manifest(
            created_at="2026-11-01T00:00:00+00:00", source="test", accounts=(ACCOUNT,), regions=(REGION,)
        ),
        functions=tuple(functions),
        principals=principals,
        data_stores={s.arn: s for s in tables},
    )


@contextmanager
def expanded() -> Iterator[None]:
    """No store sets and no shortcut: the reference the summaries must equal."""
    with (
        mock.patch.object(store_sets, "STORE_FANOUT", 10**9),
        mock.patch.object(access_store_sets, "STORE_FANOUT", 10**9),
        mock.patch.object(access_edges, "plain_decision", lambda *a, **k: UNSURE),
    ):
        yield


@contextmanager
def eager_sets(fanout: int = 2) -> Iterator[None]:
    """Sets of a few stores, and excepted stores answered per group alike however few."""
    with (
        mock.patch.object(store_sets, "STORE_FANOUT", fanout),
        mock.patch.object(access_store_sets, "STORE_FANOUT", fanout),
        mock.patch.object(excepted_alike, "MIN_EXCEPTED", 0),
    ):
        yield


def graph_of(e: Estate) -> nx.MultiDiGraph:
    graph = build_graph(e)
    add_access_edges(e, graph, IamModel(e))
    return graph


def summarised_and_expanded(e: Estate) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """The graph drawn with eager sets, and the expanded reference it must answer as."""
    with eager_sets():
        summarised = graph_of(e)
    with expanded():
        reference = graph_of(e)
    return summarised, reference


def _plain(data: Any) -> str:
    kept = dict(data)
    kept.pop("member_count", None)
    evidence = dict(kept.get("evidence") or {})
    if str(evidence.get("set", "")).startswith("store-set:"):
        evidence.pop("set")
        evidence.pop("note", None)
    kept["evidence"] = evidence
    return json.dumps(kept, sort_keys=True, default=str)


def grants(graph: nx.MultiDiGraph, e: Estate) -> dict[tuple[str, str], str]:
    return {(role, target): _plain(data) for role in e.principals for target, data in can_grants(graph, role)}


def can_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str]]:
    return [(u, v) for u, v, k in graph.edges(keys=True) if k == "can"]


def sets_in(graph: nx.MultiDiGraph) -> list[str]:
    return [n for n, kind in graph.nodes(data="kind") if kind == "store-set"]


TABLES = [table(f"team-a-{i:02}") for i in range(14)] + [table(f"team-b-{i:02}") for i in range(4)]


def read_all(resource: Any = "*") -> dict[str, Any]:
    return {"Sid": "ReadAll", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": resource}


# -- cases ------------------------------------------------------------------------------------
def test_a_grant_on_star_is_one_edge_into_a_set_that_contains_every_store() -> None:
    e = estate(TABLES, [read_all()])
    graph = graph_of(e)
    (node,) = sets_in(graph)
    assert node == f"store-set:{ACCOUNT}:{REGION}:table:pci:*"
    assert can_edges(graph) == [(ROLES[0], node)]
    assert sorted(v for _u, v, k in graph.out_edges(node, keys=True) if k == "contains") == sorted(
        t.arn for t in TABLES
    )
    assert graph.edges[ROLES[0], node, "can"]["member_count"] == len(TABLES)
    with expanded():
        reference = graph_of(e)
    assert grants(graph, e) == grants(reference, e)
    assert len(grants(reference, e)) == len(TABLES)


def test_reach_queries_walk_through_the_set_with_the_grant_s_access() -> None:
    e = estate(TABLES, [read_all()])
    graph = graph_of(e)
    radius = blast_radius(graph, e.functions[0].arn)
    reached = {r.node: r for r in radius.reached}
    assert set(reached) == {t.arn for t in TABLES}
    assert {r.access for r in reached.values()} == {"read"}
    assert {r.hops for r in reached.values()} == {2}  # function -> role -> (set, free) -> table
    path = next(p for p in radius.paths if p.hops[-1].target == TABLES[3].arn)
    assert [h.source for h in path.hops] == [e.functions[0].arn, ROLES[0]]
    assert path.hops[-1].access == "read"
    who = backward(graph, TABLES[3].arn)
    assert who.node(ROLES[0]) is not None and who.node(e.functions[0].arn) is not None
    with expanded():
        reference = blast_radius(graph_of(e), e.functions[0].arn)
    assert sorted((r.node, r.access, r.hops, r.conditional) for r in radius.reached) == sorted(
        (r.node, r.access, r.hops, r.conditional) for r in reference.reached
    )


def test_a_store_another_allow_names_keeps_its_own_edge_with_the_wider_access() -> None:
    named = TABLES[2].arn
    write = {"Sid": "WriteOne", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": named}
    e = estate(TABLES, [read_all(), write])
    graph = graph_of(e)
    assert (ROLES[0], named) in can_edges(graph)
    assert graph.edges[ROLES[0], named, "can"]["access"] == "write"
    node = sets_in(graph)[0]
    assert graph.edges[ROLES[0], node, "can"]["member_count"] == len(TABLES) - 1
    assert dict(can_grants(graph, ROLES[0]))[named]["access"] == "write"  # the direct edge wins
    with expanded():
        reference = graph_of(e)
    assert grants(graph, e) == grants(reference, e)


def test_a_deny_on_some_stores_keeps_per_store_edges() -> None:
    deny = {"Sid": "NotThese", "Effect": "Deny", "Action": "dynamodb:GetItem", "Resource": TEAM_A}
    e = estate(TABLES, [read_all(), deny])
    graph = graph_of(e)
    assert sets_in(graph) == []
    assert sorted(v for _u, v in can_edges(graph)) == sorted(t.arn for t in TABLES[14:])


def test_not_resource_and_resource_tag_conditions_keep_per_store_edges() -> None:
    not_resource = {"Sid": "N", "Effect": "Allow", "Action": "dynamodb:GetItem", "NotResource": TABLES[0].arn}
    tagged = read_all() | {"Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}}
    for statements in ([not_resource], [tagged]):
        e = estate(TABLES, statements)
        graph = graph_of(e)
        assert sets_in(graph) == []
        with expanded():
            assert grants(graph, e) == grants(graph_of(e), e)


def test_a_wide_pattern_is_a_set_of_the_stores_it_names_shared_by_principals() -> None:
    e = estate(TABLES, [read_all(TEAM_A)], [read_all(TEAM_A)])
    graph = graph_of(e)
    (node,) = sets_in(graph)
    assert node.endswith(":" + TEAM_A)
    assert sorted(can_edges(graph)) == sorted((r, node) for r in ROLES)
    assert graph.nodes[node]["member_count"] == 14
    assert "matching" in graph.nodes[node]["label"]


def test_stores_with_their_own_policy_or_another_classification_are_not_in_the_set() -> None:
    deny_policy = doc(
        {"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": "*"}
    )
    own = table("team-a-guarded", policy=deny_policy)
    other = table("team-a-plain", classification="internal")
    e = estate([*TABLES, own, other], [read_all()])
    graph = graph_of(e)
    members = {v for node in sets_in(graph) for _u, v in graph.out_edges(node)}
    assert own.arn not in members and other.arn not in members
    assert own.arn not in dict(can_grants(graph, ROLES[0]))  # its policy denies
    assert dict(can_grants(graph, ROLES[0]))[other.arn]["access"] == "read"


def _own_policy(name: str, resource: str = "SELF", **extra: Any) -> dict[str, Any]:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    statement = {
        "Sid": "Own",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "dynamodb:*",
        "Resource": arn if resource == "SELF" else resource,
        **extra,
    }
    return doc(statement)


def test_stores_whose_policies_read_alike_but_for_their_own_arn_share_a_set() -> None:
    tables = [table(f"team-a-{i:02}", policy=_own_policy(f"team-a-{i:02}")) for i in range(14)]
    e = estate(tables, [read_all()])
    graph = graph_of(e)
    (node,) = sets_in(graph)
    assert ":policy-like:" in node and graph.nodes[node]["member_count"] == 14
    assert can_edges(graph) == [(ROLES[0], node)]
    granted = dict(can_grants(graph, ROLES[0]))
    fifth = granted[tables[5].arn]  # cites its own policy, not the one the set was evaluated on
    assert "team-a-05 table policy#Own" in fifth["statement_ids"]
    assert fifth["evidence"]["resource_policy"] == "team-a-05 table policy"
    assert {s["policy_arn"] for s in fifth["evidence"]["statements"] if s["kind"] == "resource"} == {
        tables[5].arn
    }
    with expanded():
        reference = graph_of(e)
    assert grants(graph, e) == grants(reference, e)


def test_policies_that_may_answer_differently_per_store_keep_per_store_edges() -> None:
    other = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-a-00"
    variants = {
        "another store": {"resource": other},
        "a pattern": {"resource": TEAM_A},
        "the store's tags": {"Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}},
    }
    for why, change in variants.items():
        resource = change.pop("resource", "SELF")
        tables = [
            table(f"team-a-{i:02}", policy=_own_policy(f"team-a-{i:02}", resource, **change))
            for i in range(14)
        ]
        e = estate(tables, [read_all()])
        graph = graph_of(e)
        assert sets_in(graph) == [], why
        with expanded():
            assert grants(graph, e) == grants(graph_of(e), e), why


def test_a_shaped_policy_naming_the_principal_gives_it_direct_edges() -> None:
    named = {"AWS": ROLES[0]}
    tables = [
        table(f"team-a-{i:02}", policy=_own_policy(f"team-a-{i:02}", Principal=named)) for i in range(14)
    ]
    e = estate(tables, [read_all()], [read_all()])
    graph = graph_of(e)
    assert all(v in {t.arn for t in tables} for u, v in can_edges(graph) if u == ROLES[0])
    assert [v for u, v in can_edges(graph) if u == ROLES[1]] == sets_in(graph)
    with expanded():
        reference = graph_of(e)
    assert grants(graph, e) == grants(reference, e)


def test_few_stores_keep_their_own_edges() -> None:
    e = estate(TABLES[:5], [read_all()])
    graph = graph_of(e)
    assert sets_in(graph) == []
    assert len(can_edges(graph)) == 5


# -- generated estates ------------------------------------------------------------------------
_ACTIONS = st.sampled_from(
    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:*", ["dynamodb:GetItem", "dynamodb:Query"]]
)
_RESOURCES = st.sampled_from(
    ["*", TEAM_A, f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-b-*", "LITERAL", [TEAM_A, "LITERAL"]]
)
_CONDITIONS = st.sampled_from(
    [None] * 6 + [{"StringEquals": {"aws:ResourceTag/team": "a"}}, {"Bool": {"aws:SecureTransport": "true"}}]
)


_POLICY_CONDITIONS = st.sampled_from(
    [
        None,
        {"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
        {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        {"StringEquals": {"aws:PrincipalAccount": "999999999999"}},
        {"StringEquals": {"aws:ResourceTag/team": "a"}},
    ]
)


@st.composite
def _statement(draw: st.DrawFn, names: list[str]) -> dict[str, Any]:
    resource = draw(_RESOURCES)
    literal = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{draw(st.sampled_from(names))}"
    resource = (
        [literal if r == "LITERAL" else r for r in resource] if isinstance(resource, list) else resource
    )
    resource = literal if resource == "LITERAL" else resource
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow"] * 5 + ["Deny"])),
        "Action": draw(_ACTIONS),
        ("NotResource" if draw(st.integers(0, 14)) == 0 else "Resource"): resource,
    }
    condition = draw(_CONDITIONS)
    if condition:
        statement["Condition"] = condition
    return statement


@st.composite
def _estates(draw: st.DrawFn) -> Estate:
    count_a, count_b = draw(st.integers(0, 8)), draw(st.integers(0, 5))
    tables = [
        table(f"team-a-{i:02}", draw(st.sampled_from(["pci", "pci", "confidential"]))) for i in range(count_a)
    ]
    tables += [table(f"team-b-{i:02}") for i in range(count_b)]
    if draw(st.booleans()) and tables:  # stores with policies of their own, from one template
        effect = draw(st.sampled_from(["Allow", "Deny"]))
        principal = {"AWS": draw(st.sampled_from([ROLES[0], ACCOUNT, "*"]))}
        resource = draw(st.sampled_from(["*", "SELF", "SELF", "SELF", TEAM_A, "OTHER"]))
        condition = draw(_POLICY_CONDITIONS)
        policed = draw(st.sampled_from([len(tables), len(tables), *range(1, len(tables) + 1)]))
        for i in range(policed):
            arn = tables[i].arn
            named = {"SELF": arn, "OTHER": tables[-1].arn}.get(resource, resource)
            statement = {"Effect": effect, "Principal": principal, "Action": "dynamodb:*", "Resource": named}
            if condition:
                statement["Condition"] = condition
            if draw(st.integers(0, 9)) == 0:  # one that departs from the template
                statement["Action"] = "dynamodb:GetItem"
            tables[i] = table(tables[i].name, tables[i].classification, doc(statement))
    names = [t.name for t in tables] or ["team-a-00"]
    roles = [
        draw(st.lists(_statement(names), min_size=1, max_size=4)) for _ in range(draw(st.integers(1, 2)))
    ]
    return estate(tables, *roles)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_estates())
def test_summaries_and_the_shortcut_answer_as_the_expanded_graph_does(e: Estate) -> None:
    summarised, reference = summarised_and_expanded(e)
    drawn = sets_in(summarised)
    event(f"store sets drawn: {len(drawn)}")
    event(f"sets of stores with policies alike: {sum(':policy-like:' in n for n in drawn)}")
    event(f"direct edges beside a set: {bool(drawn) and len(can_edges(summarised)) > len(drawn)}")
    assert grants(summarised, e) == grants(reference, e)
    assert_sensitive_reach_as_expanded(summarised, reference, e)
    assert_blast_radius_as_expanded(summarised, reference, e)


@st.composite
def _policed_estates(draw: st.DrawFn) -> Estate:
    """Every team-a table carries a policy from one template (its own ARN, `*`, a pattern, another
    store), perhaps with one table departing from it: the sets of stores with policies alike."""
    tables = [table(f"team-a-{i:02}") for i in range(draw(st.integers(3, 8)))]
    effect = draw(st.sampled_from(["Allow", "Allow", "Deny"]))
    principal = {"AWS": draw(st.sampled_from([ROLES[0], ACCOUNT, "*", f"arn:aws:iam::{ACCOUNT}:root"]))}
    resource = draw(st.sampled_from(["*", "SELF", "SELF", "SELF/x", TEAM_A, "OTHER"]))
    action = draw(st.sampled_from(["dynamodb:*", "dynamodb:GetItem", "dynamodb:PutItem"]))
    condition = draw(_POLICY_CONDITIONS)
    departs = draw(st.sampled_from([None, None, *range(len(tables))]))
    for i, t in enumerate(tables):
        named = resource.replace("SELF", t.arn).replace("OTHER", tables[0].arn)
        statement: dict[str, Any] = {
            "Effect": effect,
            "Principal": principal,
            "Action": "dynamodb:Query" if i == departs else action,
            "Resource": named,
        }
        if condition:
            statement["Condition"] = condition
        tables[i] = table(t.name, t.classification, doc(statement))
    names = [t.name for t in tables]
    roles = [
        draw(st.lists(_statement(names), min_size=1, max_size=3)) for _ in range(draw(st.integers(1, 2)))
    ]
    return estate(tables, *roles)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_policed_estates())
def test_sets_of_stores_with_policies_alike_answer_as_the_expanded_graph_does(e: Estate) -> None:
    summarised, reference = summarised_and_expanded(e)
    event(f"sets of stores with policies alike: {sum(':policy-like:' in n for n in sets_in(summarised))}")
    assert grants(summarised, e) == grants(reference, e)
    assert_sensitive_reach_as_expanded(summarised, reference, e)


def assert_blast_radius_as_expanded(
    summarised: nx.MultiDiGraph, reference: nx.MultiDiGraph, e: Estate
) -> None:
    """Every function's blast radius (store, access, hops, certainty) is the expanded graph's."""
    for fn in e.functions:
        with eager_sets():
            got = blast_radius(summarised, fn.arn)
        want = blast_radius(reference, fn.arn)
        assert sorted((r.node, r.access, r.hops, r.conditional) for r in got.reached) == sorted(
            (r.node, r.access, r.hops, r.conditional) for r in want.reached
        )


def assert_sensitive_reach_as_expanded(
    summarised: nx.MultiDiGraph, reference: nx.MultiDiGraph, e: Estate
) -> None:
    """SensitiveIndex (config.no-vpc's listing) lists, totals and counts what expanding says."""
    sensitive = {
        arn: s.classification
        for arn, s in e.data_stores.items()
        if s.classification in ("pci", "confidential")
    }
    index = SensitiveIndex(summarised, sensitive)
    for role in e.principals:
        want = sorted((s, _plain(d)) for s, d in can_grants(reference, role) if s in sensitive)
        got = index.reach(role, 3) if role in summarised else None
        if got is None:
            assert not want
            continue
        assert [(s, _plain(d)) for s, d in got.listed] == want[:3]
        assert got.total == len(want)
        assert dict(got.counts) == dict(Counter(sensitive[s] for s, _ in want))
