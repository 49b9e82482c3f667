"""Reachability queries on hand-built graphs: forward, backward, blast radius, hops, names."""

from __future__ import annotations

import networkx as nx
import pytest

from analyzers.reach.labels import resolve_node
from analyzers.reach.query import backward, blast_radius, forward, next_hops, relevant_nodes
from estate.errors import LambdascopeError

ACCOUNT = "123456789012"
FN_A = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:public-api"
FN_B = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:worker"
ROLE_A = f"arn:aws:iam::{ACCOUNT}:role/public-api-role"
ROLE_B = f"arn:aws:iam::{ACCOUNT}:role/worker-role"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/admin"
TABLE = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/cards"
BUCKET = "arn:aws:s3:::reports"


def estate_graph() -> nx.MultiDiGraph:
    """internet -> public-api -> its role -(read)-> cards; its role -(assume, MFA)-> admin;
    admin -(write)-> cards and reports; worker (queue-triggered) -> worker-role -(list)-> reports."""
    g = nx.MultiDiGraph()
    g.add_node("internet", kind="internet", label="internet")
    g.add_node(f"account:{ACCOUNT}", kind="account", label=f"account:{ACCOUNT}")
    g.add_node(FN_A, kind="function", label="public-api")
    g.add_node(FN_B, kind="function", label="worker")
    for role in (ROLE_A, ROLE_B, ADMIN):
        g.add_node(role, kind="role", label=role.rsplit("/", 1)[-1])
    g.add_node(TABLE, kind="data-store", subkind="table", label="cards", classification="pci")
    g.add_node(BUCKET, kind="data-store", subkind="bucket", label="reports", classification="internal")
    g.add_node(f"arn:aws:iam::{ACCOUNT}:policy/p", kind="policy", label="p")
    g.add_edge(
        "internet", FN_A, key="invokes:url", kind="invokes", public=True, conditional=False, evidence={}
    )
    g.add_edge(
        f"account:{ACCOUNT}",
        FN_B,
        key="invokes:rp",
        kind="invokes",
        conditional=False,
        evidence={"sid": "Acct"},
    )
    g.add_edge(FN_A, ROLE_A, key="executes-as", kind="executes-as", evidence={"Role": ROLE_A})
    g.add_edge(FN_B, ROLE_B, key="executes-as", kind="executes-as", evidence={"Role": ROLE_B})
    g.add_edge(
        ROLE_A, TABLE, key="can", kind="can", access="read", conditional=False, evidence={"sid": "Read"}
    )
    g.add_edge(
        ROLE_A, ADMIN, key="can-assume", kind="can-assume", conditional=True, condition_keys=["aws:Mfa"]
    )
    g.add_edge(ADMIN, TABLE, key="can", kind="can", access=["read", "write"], conditional=False, evidence={})
    g.add_edge(ADMIN, BUCKET, key="can", kind="can", access="write", conditional=False, evidence={})
    g.add_edge(ROLE_B, BUCKET, key="can", kind="can", access="list", conditional=False, evidence={})
    g.add_edge(ROLE_A, f"arn:aws:iam::{ACCOUNT}:policy/p", key="has-policy", kind="has-policy", evidence={})
    return g


def test_forward_from_internet_reaches_stores_with_access_and_conditions() -> None:
    result = forward(estate_graph(), "internet")
    reached = {r.node: r for r in result.reached}
    assert set(reached) == {FN_A, ROLE_A, ADMIN, TABLE, BUCKET}
    assert reached[FN_A].hops == 1 and not reached[FN_A].conditional
    # cards: read unconditionally in 3 hops, write only through the MFA-conditional assume
    assert reached[TABLE].hops == 3 and reached[TABLE].access == "write"
    assert not reached[TABLE].conditional  # the read path needs no condition
    assert reached[BUCKET].conditional and reached[BUCKET].access == "write"
    assert reached[ADMIN].conditional
    by_end = {p.nodes[-1]: p for p in result.paths}
    assert by_end[TABLE].nodes == ("internet", FN_A, ROLE_A, ADMIN, TABLE)
    assert by_end[TABLE].conditional and by_end[TABLE].access == "write"
    assert [h.kind for h in by_end[TABLE].hops] == ["invokes", "executes-as", "can-assume", "can"]
    assert by_end[FN_A].hops[0].public and not by_end[FN_A].conditional
    assert not result.truncated


def test_configuration_edges_are_not_reach() -> None:
    result = forward(estate_graph(), ROLE_A)
    assert f"arn:aws:iam::{ACCOUNT}:policy/p" not in {r.node for r in result.reached}
    custom = forward(estate_graph(), ROLE_A, kinds=frozenset({"has-policy"}))
    assert {r.node for r in custom.reached} == {f"arn:aws:iam::{ACCOUNT}:policy/p"}


def test_max_hops_bounds_every_path() -> None:
    result = forward(estate_graph(), "internet", max_hops=2)
    assert {r.node for r in result.reached} == {FN_A, ROLE_A}
    assert all(len(p) <= 2 for p in result.paths)
    three = forward(estate_graph(), "internet", max_hops=3)
    cards = three.node(TABLE)
    assert cards is not None and cards.access == "read"  # the write path needs 4 hops
    assert ADMIN in {r.node for r in three.reached} and BUCKET not in {r.node for r in three.reached}


def test_no_path_revisits_a_node_even_in_cycles() -> None:
    g = estate_graph()
    g.add_edge(ADMIN, ROLE_A, key="can-assume", kind="can-assume", conditional=False)
    g.add_edge(TABLE, FN_A, key="invokes:stream", kind="invokes", conditional=False)
    result = forward(g, "internet", to=TABLE, limit=None)
    assert len(result.paths) == 2  # direct read, and through admin
    for path in result.paths:
        assert len(set(path.nodes)) == len(path.nodes)
    assert [len(p) for p in result.paths] == sorted(len(p) for p in result.paths)
    hops = next_hops(g, ADMIN, "forward", exclude=frozenset({ROLE_A}))
    assert ROLE_A not in {h.target for h in hops}


def test_to_and_limit_truncate() -> None:
    result = forward(estate_graph(), "internet", to=TABLE, limit=1)
    assert len(result.paths) == 1 and result.truncated
    assert result.paths[0].nodes == ("internet", FN_A, ROLE_A, TABLE)  # shortest first
    none = forward(estate_graph(), "internet", to=ROLE_B)
    assert none.reached == () and none.paths == () and not none.truncated


def test_classification_filter() -> None:
    result = forward(estate_graph(), "internet", classification="PCI")
    assert [r.node for r in result.reached] == [TABLE]
    assert all(p.nodes[-1] == TABLE for p in result.paths)
    assert forward(estate_graph(), f"account:{ACCOUNT}", classification="pci").reached == ()
    keep = relevant_nodes(estate_graph(), "pci")
    assert {"internet", FN_A, ROLE_A, ADMIN, TABLE} <= keep and FN_B not in keep and BUCKET not in keep


def test_backward_finds_every_starting_point() -> None:
    result = backward(estate_graph(), BUCKET)
    origins = {r.node for r in result.reached}
    assert origins == {ADMIN, ROLE_A, FN_A, "internet", ROLE_B, FN_B, f"account:{ACCOUNT}"}
    by_origin = {p.nodes[0]: p for p in result.paths}
    assert by_origin["internet"].nodes[-1] == BUCKET  # origin first, in edge order
    assert by_origin["internet"].conditional
    assert not by_origin[f"account:{ACCOUNT}"].conditional
    assert result.node(ADMIN).access == "write"  # type: ignore[union-attr]
    assert result.node(ROLE_B).access == "list"  # type: ignore[union-attr]
    every = backward(estate_graph(), TABLE, to="internet", limit=None)
    assert {p.nodes for p in every.paths} == {
        ("internet", FN_A, ROLE_A, TABLE),
        ("internet", FN_A, ROLE_A, ADMIN, TABLE),
    }


def test_blast_radius_strongest_access_and_shortest_path() -> None:
    result = blast_radius(estate_graph(), FN_A)
    assert {r.node: r.access for r in result.reached} == {TABLE: "write", BUCKET: "write"}
    by_end = {p.nodes[-1]: p for p in result.paths}
    assert by_end[TABLE].nodes == (FN_A, ROLE_A, ADMIN, TABLE)
    assert blast_radius(estate_graph(), FN_B).node(BUCKET).access == "list"  # type: ignore[union-attr]
    assert blast_radius(estate_graph(), TABLE).reached == ()


def test_next_hops_both_ways() -> None:
    g = estate_graph()
    out = next_hops(g, ROLE_A, "forward")
    assert [(h.target, h.conditional) for h in out] == [(TABLE, False), (ADMIN, True)]
    assert out[0].access == "read" and "Read" in out[0].evidence
    into = next_hops(g, TABLE, "backward")
    assert {h.source for h in into} == {ROLE_A, ADMIN}
    assert into[0].source == ADMIN and into[0].access == "write"  # strongest first


def test_resolve_node_names_ids_and_ambiguity() -> None:
    g = estate_graph()
    assert resolve_node(g, "internet") == "internet"
    assert resolve_node(g, ACCOUNT) == f"account:{ACCOUNT}"
    assert resolve_node(g, TABLE) == TABLE
    assert resolve_node(g, "public-api") == FN_A
    assert resolve_node(g, "CARDS") == TABLE
    g.add_node(f"arn:aws:iam::{ACCOUNT}:role/worker", kind="role", label="worker")
    with pytest.raises(LambdascopeError, match="ambiguous") as err:
        resolve_node(g, "worker")
    assert FN_B in str(err.value) and "role/worker" in str(err.value)
    assert resolve_node(g, "role:worker") == f"arn:aws:iam::{ACCOUNT}:role/worker"
    assert resolve_node(g, "function:worker") == FN_B
    with pytest.raises(LambdascopeError, match=r"unknown node 'workr'.*worker"):
        resolve_node(g, "workr")


def test_backward_access_follows_the_unconditional_path_when_the_short_one_is_conditional() -> None:
    g = nx.MultiDiGraph()
    for node, kind in (("fn", "function"), ("role", "role"), ("queue", "data-store")):
        g.add_node(node, kind=kind, label=node)
    g.add_edge("fn", "queue", key="invokes", kind="invokes", conditional=True)  # 1 hop, conditional
    g.add_edge("fn", "role", key="can", kind="can", access="tagging", conditional=False)
    g.add_edge("role", "queue", key="can", kind="can", access="write", conditional=False)
    result = backward(g, "queue")
    fn = result.node("fn")
    assert fn is not None and fn.hops == 1 and not fn.conditional  # unconditionally, in 2 hops
    path = next(p for p in result.paths if p.nodes[0] == "fn")
    assert path.nodes == ("fn", "role", "queue") and fn.access == path.hops[0].access == "tagging"
