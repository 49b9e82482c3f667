"""Escalation fan-outs above ROLE_FANOUT go through `role-set` nodes, one per class of targets.

Ninety developers who may each update every function's code would be one edge per developer
per function role; the graph splits the wide fans' targets into the classes no fan tells apart,
draws one role-set node per class with an edge to each member, and one edge per developer into
each class it reaches. Reach queries walk through a set without counting the hop out of it; the
IAM findings (computed from the fans themselves) are the same either way, and what differs pair
by pair (the function used, the grants) is in the set edge's evidence.
"""

from __future__ import annotations

import networkx as nx
import pytest

from analyzers.analysis import Analysis
from analyzers.iam.escalation import graph_edges
from analyzers.iam.escalation.graph_edges import MEMBER_KEY, SetEdgeEvidence
from analyzers.iam.escalation.target_sets import TargetPartition
from analyzers.reach.query import backward, forward
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow, role_arn, user_arn

ROLES = 5
UPDATE_CODE = "escalates-to:lambda-update-function-code"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


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


def analysed(monkeypatch: pytest.MonkeyPatch, fanout: int, estate: IamEstate | None = None) -> Analysis:
    monkeypatch.setattr(graph_edges, "ROLE_FANOUT", fanout)
    return (estate or developers_estate()).analyze()


def _sets(graph: nx.MultiDiGraph) -> list[str]:
    return [n for n, kind in graph.nodes(data="kind") if kind == "role-set"]


def _members(graph: nx.MultiDiGraph, node: str) -> set[str]:
    return {w for _v, w, k in graph.out_edges(node, keys=True) if k == MEMBER_KEY}


def test_a_large_fan_out_is_drawn_through_one_shared_set(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = analysed(monkeypatch, 3).graph
    sets = _sets(graph)
    assert len(sets) == 1  # dev-a and dev-b may do the same: one set for both
    hub = sets[0]
    assert _members(graph, hub) == {role_arn("admin"), *(role_arn(f"fn-role-{i}") for i in range(ROLES))}
    assert {k for _v, _w, k in graph.out_edges(hub, keys=True)} == {MEMBER_KEY}  # nothing but members
    for dev in ("dev-a", "dev-b"):
        out = {v for _u, v, d in graph.out_edges(user_arn(dev), data=True) if d["kind"] == "escalates-to"}
        assert out == {hub}
        into = graph.edges[user_arn(dev), hub, UPDATE_CODE]
        assert into["target_count"] == 6 and not into["conditional"]
        evidence = into["evidence"]
        assert isinstance(evidence, SetEdgeEvidence)
        assert evidence["from"] == user_arn(dev) and evidence["to"] == hub and evidence["targets"] == 6
        # the pair-level detail, on demand: the admin role is reached through the janitor function
        by_target = {target: via for target, via, _c, _k in evidence.drawn()}
        assert (by_target[role_arn("admin")] or "").endswith(":function:janitor")
        edges = list(evidence.edges())
        assert [e.target for e in edges] == list(by_target)
        assert all(e.source == user_arn(dev) and e.method.id == "lambda-update-function-code" for e in edges)
    narrow = {
        v for _u, v, d in graph.out_edges(user_arn("dev-narrow"), data=True) if d["kind"] == "escalates-to"
    }
    assert narrow == {role_arn("fn-role-0")}  # a small fan-out keeps its direct edge


def test_findings_and_reach_are_the_same_with_or_without_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    direct, drawn = analysed(monkeypatch, 1_000), analysed(monkeypatch, 3)
    assert not _sets(direct.graph)
    assert [(f.rule.id, f.resource, f.path) for f in direct.findings] == [
        (f.rule.id, f.resource, f.path) for f in drawn.findings
    ]
    start = user_arn("dev-a")
    plain = {r.node: (r.hops, r.conditional) for r in forward(direct.graph, start).reached}
    through = {
        r.node: (r.hops, r.conditional)
        for r in forward(drawn.graph, start).reached
        if not r.node.startswith("role-set:")
    }
    assert through == plain  # a hop out of a set is free: the same nodes at the same hop counts
    who = {r.node for r in backward(drawn.graph, role_arn("admin")).reached}
    assert {user_arn("dev-a"), user_arn("dev-b")} <= who
    assert user_arn("dev-narrow") not in who


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


def test_fans_that_differ_by_a_few_targets_share_their_common_class(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = analysed(monkeypatch, 3, retrusting_estate()).graph
    key = "escalates-to:iam-update-assume-role-policy"
    deployers = {role_arn(f"deployer-{i}") for i in range(5)}
    common = {role_arn("admin"), *(role_arn(f"app-{i}") for i in range(5))}
    classes = [frozenset(_members(graph, node)) for node in _sets(graph)]
    # the six every deployer reaches are one class; each deployer (reached by the other four) its own
    assert len(classes) == 6
    assert set(classes) == {*(frozenset({d}) for d in deployers), frozenset(common)}
    for deployer in deployers:
        reached = [v for _u, v, k in graph.out_edges(deployer, keys=True) if k == key]
        assert len(reached) == 5  # the common class and four single deployers, not ten edges
        assert set().union(*(_members(graph, v) for v in reached)) == common | (deployers - {deployer})


def test_a_class_is_wholly_certain_or_wholly_conditional(monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller whose grant holds only with MFA on some roles: those and the others are apart."""
    e = IamEstate()
    e.admin_role()
    for i in range(4):
        e.role(f"team-a-{i}", tags={"team": "a"})
        e.role(f"team-b-{i}", tags={"team": "b"})
    mfa_on_b = {"StringEquals": {"aws:ResourceTag/team": "b"}, **MFA}
    e.user(
        "ops",
        allow("iam:UpdateAssumeRolePolicy", Condition={"StringEquals": {"aws:ResourceTag/team": "a"}}),
        allow("iam:UpdateAssumeRolePolicy", Condition=mfa_on_b),
    )
    graph = analysed(monkeypatch, 3, e).graph
    key = "escalates-to:iam-update-assume-role-policy"
    into = {v: d for _u, v, k, d in graph.out_edges(user_arn("ops"), keys=True, data=True) if k == key}
    certain = {m for v, d in into.items() if not d["conditional"] for m in _members(graph, v)}
    conditional = {m for v, d in into.items() if d["conditional"] for m in _members(graph, v)}
    assert certain == {role_arn(f"team-a-{i}") for i in range(4)}
    assert conditional >= {role_arn(f"team-b-{i}") for i in range(4)}  # (and what has no tag read)
    for v, d in into.items():  # each pair's own flag and keys, read from the evidence
        drawn = list(d["evidence"].drawn())
        assert {t for t, *_ in drawn} == _members(graph, v)
        assert {c for _t, _v, c, _k in drawn} == {d["conditional"]}
        assert all(("aws:MultiFactorAuthPresent" in k) == c for _t, _v, c, k in drawn)


def test_partition_classes_are_the_atoms_of_the_sets() -> None:
    partition = TargetPartition([0b1111_0000, 0b0011_1100, 0, 0b0011_1100])
    assert partition.classes == [0b0000_1100, 0b0011_0000, 0b1100_0000]
    assert partition.covering(0b1111_0000) == [1, 2]
    assert partition.covering(0b0011_1100) == [0, 1]
    assert partition.covering(0b1111_1100) == [0, 1, 2]
    with pytest.raises(ValueError, match="splits a class"):
        partition.covering(0b0001_0000)  # half a class: no union of classes is it
    with pytest.raises(ValueError, match="no class"):
        partition.covering(0b1_0000_0000)  # a target no set held
    assert TargetPartition([]).classes == [] and TargetPartition([]).covering(0) == []
