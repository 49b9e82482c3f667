"""Escalation fan-outs above ROLE_FANOUT go through one shared `role-set` node in the graph.

Ninety developers who may each update every function's code would be one edge per developer
per function role; the graph draws one edge per developer into a set node that stands for all
of them, and one edge from the set to each role. Reach queries walk through it without counting
the hop out of it; the IAM findings (computed from the escalation edges themselves) are the same
either way.
"""

from __future__ import annotations

import networkx as nx
import pytest

from analyzers.analysis import Analysis
from analyzers.iam.escalation import graph_edges
from analyzers.reach.query import backward, forward
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow, role_arn, user_arn

ROLES = 5


def developers_estate() -> IamEstate:
    e = IamEstate()
    e.admin_role()
    e.function("janitor", "admin")
    for i in range(ROLES):
        e.role(f"fn-role-{i}", allow("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs"))
        e.function(f"fn-{i}", f"fn-role-{i}")
    e.group("developers", allow("lambda:UpdateFunctionCode", "*"))
    for name in ("dev-a", "dev-b"):  # the same grant (their group's): one set serves both
        e.user(name, groups=("developers",))
    e.user(
        "dev-narrow",
        allow("lambda:UpdateFunctionCode", "arn:aws:lambda:eu-west-1:123456789012:function:fn-0"),
    )
    return e


def analysed(monkeypatch: pytest.MonkeyPatch, fanout: int) -> Analysis:
    monkeypatch.setattr(graph_edges, "ROLE_FANOUT", fanout)
    return developers_estate().analyze()


def test_a_large_fan_out_is_drawn_through_one_shared_set(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = analysed(monkeypatch, 3).graph
    sets = [n for n, kind in graph.nodes(data="kind") if kind == "role-set"]
    assert len(sets) == 1  # dev-a and dev-b may do the same: one set for both
    hub = sets[0]
    for dev in ("dev-a", "dev-b"):
        out = {v for _u, v, d in graph.out_edges(user_arn(dev), data=True) if d["kind"] == "escalates-to"}
        assert out == {hub}
        assert (
            graph.edges[user_arn(dev), hub, "escalates-to:lambda-update-function-code"]["target_count"] == 6
        )
    members = {v for _u, v, d in graph.out_edges(hub, data=True) if d["kind"] == "escalates-to"}
    assert members == {role_arn("admin"), *(role_arn(f"fn-role-{i}") for i in range(ROLES))}
    into_admin = graph.edges[hub, role_arn("admin"), "escalates-to:lambda-update-function-code"]
    assert into_admin["via"].endswith(":function:janitor") and into_admin["evidence"]["from"] == hub
    narrow = {
        v for _u, v, d in graph.out_edges(user_arn("dev-narrow"), data=True) if d["kind"] == "escalates-to"
    }
    assert narrow == {role_arn("fn-role-0")}  # a small fan-out keeps its direct edge


def test_findings_and_reach_are_the_same_with_or_without_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    direct, drawn = analysed(monkeypatch, 1_000), analysed(monkeypatch, 3)
    assert not [n for n, kind in direct.graph.nodes(data="kind") if kind == "role-set"]
    assert [(f.rule.id, f.resource, f.path) for f in direct.findings] == [
        (f.rule.id, f.resource, f.path) for f in drawn.findings
    ]
    start = user_arn("dev-a")
    plain = {r.node: r.hops for r in forward(direct.graph, start).reached}
    through = {
        r.node: r.hops for r in forward(drawn.graph, start).reached if not r.node.startswith("role-set:")
    }
    assert through == plain  # a hop out of a set is free: the same nodes at the same hop counts
    who = {r.node for r in backward(drawn.graph, role_arn("admin")).reached}
    assert {user_arn("dev-a"), user_arn("dev-b")} <= who


def retrusting_estate() -> IamEstate:
    """Five deployers that may each rewrite the trust policy of every role (but are no target of
    their own), and six other roles: every deployer's fan is the six and the four other deployers."""
    e = IamEstate()
    e.admin_role()
    for i in range(5):
        e.role(f"deployer-{i}", allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]))
    for i in range(5):
        e.role(f"app-{i}", allow("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs"))
    return e


def _escalations(graph: nx.MultiDiGraph, source: str) -> dict[str, set[str]]:
    """Where `source`'s escalates-to edges lead, by edge key, read through role-set nodes."""
    found: dict[str, set[str]] = {}
    for _u, v, key, data in graph.out_edges(source, keys=True, data=True):
        if data["kind"] != "escalates-to":
            continue
        if graph.nodes[v].get("kind") == "role-set":
            found.setdefault(key, set()).update(w for _v, w, k in graph.out_edges(v, keys=True) if k == key)
        else:
            found.setdefault(key, set()).add(v)
    return found


def test_fans_that_differ_by_a_few_targets_share_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph_edges, "ROLE_FANOUT", 3)
    drawn = retrusting_estate().analyze()
    graph = drawn.graph
    key = "escalates-to:iam-update-assume-role-policy"
    sets = [n for n, kind in graph.nodes(data="kind") if kind == "role-set"]
    cores = [n for n in sets if n.startswith("role-set:iam-update-assume-role-policy")]
    assert len(cores) == 1  # one core for the five deployers, not a set each
    core_members = {w for _v, w, k in graph.out_edges(cores[0], keys=True) if k == key}
    assert core_members == {role_arn("admin"), *(role_arn(f"app-{i}") for i in range(5))}
    deployers = {role_arn(f"deployer-{i}") for i in range(5)}
    for deployer in deployers:
        direct = {v for _u, v, k in graph.out_edges(deployer, keys=True) if k == key and v != cores[0]}
        assert direct == deployers - {deployer}  # its others, drawn directly
    monkeypatch.setattr(graph_edges, "ROLE_FANOUT", 1_000)
    plain = retrusting_estate().analyze()
    for deployer in deployers:
        assert _escalations(graph, deployer) == _escalations(plain.graph, deployer)
    assert [(f.rule.id, f.resource, f.path) for f in drawn.findings] == [
        (f.rule.id, f.resource, f.path) for f in plain.findings
    ]
