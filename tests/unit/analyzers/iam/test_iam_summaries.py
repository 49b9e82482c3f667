"""The IAM analysis on summaries gives the answers of the expanded one, on random small estates.

The escalation edges are kept as fans (bitsets of targets shared by callers alike), the engine
decides once per class of targets, the search reaches sinks in bulk and stops at the first layer
of administrators, and wide fans are drawn through role-set nodes, one per class of targets.
Each is checked against the plain way on random estates: paths against a networkx Dijkstra over
every edge listed (`escalation_reference`), the drawn graph against drawing every edge directly
(each pair, and what reach answers from every principal), and the engine's classes against
deciding every target.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.iam.analysis import analyze_iam
from analyzers.iam.escalation import graph_edges
from analyzers.iam.escalation.fans import keys_of
from analyzers.iam.escalation.graph_edges import MEMBER_KEY, SetEdgeEvidence
from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.target_classes import TargetClasses
from analyzers.iam.grant import retarget
from analyzers.iam.principal_policies import IamModel
from analyzers.reach.query import forward
from tests.unit.analyzers.iam.escalation_reference import ReferenceSearch
from tests.unit.analyzers.iam.iam_estates import (
    ADMIN_POLICY,
    IAM,
    LAMBDA,
    IamEstate,
    allow,
    deny,
    role_arn,
    trusts,
)

MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
ROOT = {"AWS": "arn:aws:iam::123456789012:root"}
FUNCTIONS = "arn:aws:lambda:*:123456789012:function:*"
LAMBDA_CALLS = ["lambda:CreateFunction", "lambda:InvokeFunction"]

# What a principal may be granted: the escalation grants of real accounts, wide and narrow.
GRANTS: tuple[dict[str, Any], ...] = (
    allow("sts:AssumeRole"),
    allow("sts:AssumeRole", role_arn("r1")),
    allow(["iam:PassRole", *LAMBDA_CALLS]),
    allow("iam:PassRole", f"{IAM}:role/r*"),
    allow(LAMBDA_CALLS),
    allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
    allow("iam:AttachRolePolicy"),
    allow("iam:AttachRolePolicy", f"{IAM}:role/r2*"),
    allow("iam:PutRolePolicy", Condition=MFA),
    allow("iam:UpdateAssumeRolePolicy"),
    allow("iam:UpdateAssumeRolePolicy", f"{IAM}:role/r3*"),
    allow("lambda:UpdateFunctionCode"),
    allow("lambda:UpdateFunctionCode", "arn:aws:lambda:eu-west-1:123456789012:function:f1*"),
    allow("iam:CreatePolicyVersion"),
    allow("iam:CreateAccessKey"),
    allow("iam:AddUserToGroup"),
    deny("iam:AttachRolePolicy", role_arn("r0")),
    allow("iam:AttachRolePolicy", Condition={"StringEquals": {"aws:ResourceTag/team": "a"}}),
    allow("iam:CreatePolicyVersion", f"{IAM}:policy/team-*", Condition=MFA),
    allow("s3:GetObject"),
)
TRUSTS: tuple[dict[str, Any], ...] = (
    trusts(LAMBDA),
    trusts(ROOT),
    trusts(ROOT, condition=MFA),
    trusts({"AWS": role_arn("r0")}),
    trusts({"Service": "ec2.amazonaws.com"}),
    trusts(LAMBDA, {"AWS": role_arn("r4")}),
)


@st.composite
def estates(draw: st.DrawFn) -> IamEstate:
    e = IamEstate()
    shared = e.policy("team-access", *draw(st.lists(st.sampled_from(GRANTS), max_size=2)))
    other = e.policy("team-tools", *draw(st.lists(st.sampled_from(GRANTS), max_size=1)))
    roles = draw(st.integers(2, 7))
    for i in range(roles):
        grants = draw(st.lists(st.sampled_from(GRANTS), max_size=3))
        managed = tuple(
            draw(st.lists(st.sampled_from((ADMIN_POLICY, shared, other)), max_size=2, unique=True))
            if i
            else (ADMIN_POLICY,)
        )
        tags = {"team": draw(st.sampled_from("ab"))} if draw(st.booleans()) else None
        e.role(f"r{i}", *grants, trust=draw(st.sampled_from(TRUSTS)), managed=managed, tags=tags)
        if draw(st.booleans()):
            e.function(f"f{i}", f"r{i}")
    e.group("team", *draw(st.lists(st.sampled_from(GRANTS), max_size=2)))
    for i in range(draw(st.integers(0, 3))):
        grants = draw(st.lists(st.sampled_from(GRANTS), max_size=3))
        e.user(f"u{i}", *grants, groups=("team",) if draw(st.booleans()) else ())
    return e


def _paths(found: Any) -> list[tuple[object, ...]]:
    return [
        (
            p.target,
            p.conditional,
            p.privilege.admin,
            p.nodes,
            tuple((h.edge.method.id, h.alternatives, h.edge.via, h.edge.conditional) for h in p.hops),
        )
        for p in found
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_paths_are_those_of_the_expanded_search(e: IamEstate) -> None:
    iam = analyze_iam(e.estate())
    reference = ReferenceSearch(iam.model, iam.edges)
    for arn in iam.model.actors:
        assert _paths(iam.paths.get(arn, [])) == _paths(reference.paths_from(arn)), arn


def _expanded(graph: nx.MultiDiGraph) -> set[tuple[object, ...]]:
    """Escalation edges with what the graph shows of them; a role-set node's read through it: the
    edge into the set stands for one edge to each member, whose via and condition keys its
    evidence gives (checked here to agree with the graph: the members, and the certainty)."""
    kinds = {"escalates-to", "can-assume"}

    def shown(data: dict[str, Any]) -> tuple[object, ...]:
        return (data["kind"], data["conditional"], data.get("via"), tuple(data["condition_keys"]))

    found = set()
    for u, v, key, data in graph.edges(keys=True, data=True):
        if data["kind"] not in kinds or graph.nodes[u].get("kind") == "role-set":
            continue
        if graph.nodes[v].get("kind") != "role-set":
            found.add((u, v, key, *shown(data)))
            continue
        evidence = data["evidence"]
        assert isinstance(evidence, SetEdgeEvidence)
        members = {w for _, w, inner in graph.out_edges(v, keys=True) if inner == MEMBER_KEY}
        assert set(evidence.targets()) == members and data["target_count"] == len(members)
        for w, via, conditional, keys in evidence.drawn():
            assert conditional == data["conditional"], (u, v, w, key)  # a class is wholly one or the other
            found.add((u, w, key, data["kind"], conditional, via, keys))
    return found


def _reach(graph: nx.MultiDiGraph, starts: list[str]) -> dict[str, set[tuple[str, int, bool]]]:
    """What each start reaches (node, hops, only conditionally), role-set nodes left out."""
    return {
        start: {
            (r.node, r.hops, r.conditional)
            for r in forward(graph, start, limit=None).reached
            if not r.node.startswith("role-set:")
        }
        for start in starts
        if start in graph
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.integers(0, 3))
def test_role_sets_draw_the_same_edges_and_reach(e: IamEstate, fanout: int) -> None:
    estate = e.estate()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(graph_edges, "ROLE_FANOUT", fanout)
        drawn = nx.MultiDiGraph()
        iam = analyze_iam(estate, drawn)
        patch.setattr(graph_edges, "ROLE_FANOUT", 10_000)
        direct = nx.MultiDiGraph()
        analyze_iam(estate, direct)
    assert not [n for n, kind in direct.nodes(data="kind") if kind == "role-set"]
    assert _expanded(drawn) == _expanded(direct)
    starts = sorted(iam.model.actors)
    assert _reach(drawn, starts) == _reach(direct, starts)  # the same nodes, hops and certainty
    listed = {(e.source, e.target, f"escalates-to:{e.method.id}") for e in iam.edges}
    assert {edge[:3] for edge in _expanded(direct) if edge[2] != "can-assume"} == listed
    for u, v, key, data in direct.edges(keys=True, data=True):  # evidence made when read
        if data["kind"] == "escalates-to":
            assert data["evidence"]["from"] == u and data["evidence"]["to"] == v, key
    for fan in iam.edges.fans:  # type: ignore[attr-defined]  # what is drawn of a fan (from its bitsets) is what its members say
        members = list(fan.members())
        assert list(fan.drawn()) == [(m[0], m[1], m[3], keys_of(m[4])) for m in members]
        assert fan.target_order() == [m[0] for m in members]
        assert [fan.member(m[0]) for m in members] == members


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.sampled_from(("iam:AttachRolePolicy", "iam:PassRole", "iam:UpdateAssumeRolePolicy")))
def test_classes_decide_as_the_engine_does_per_target(e: IamEstate, action: str) -> None:
    estate = e.estate()
    model = IamModel(estate)
    principals = PrincipalIndex(estate.principals)
    classes = TargetClasses(model, principals)
    roles = [a for a, p in model.actors.items() if p.kind == "role"]
    for caller in model.actors:
        found = classes.classes(caller, action, principals.mask(roles))
        assert found is not None  # no policy variable in these policies
        of_role = {arn: grant for mask, grant in found for arn in principals.members(mask)}
        fresh = IamModel(estate)  # no cache shared with the classes
        for role in roles:
            expected = fresh.decide(caller, action, role)
            grant = of_role.get(role)
            assert (grant and retarget(grant, grant.resource, role)) == expected, (caller, role)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_trust_policies_read_alike_answer_as_each_role_s_own(e: IamEstate) -> None:
    """Roles with equal trust documents are asked once (`trust_shape`); every answer, with the
    statements of the role's own trust policy, is the one a fresh model gives for that role."""
    estate = e.estate()
    model = IamModel(estate)
    roles = [a for a, p in model.actors.items() if p.kind == "role"]
    for service in ("lambda.amazonaws.com", "ec2.amazonaws.com"):
        for role in roles:
            alone = IamModel(estate).service_may_assume(role, service)
            assert model.service_may_assume(role, service) == alone, (role, service)
    for caller in model.actors:
        for role in roles:
            alone = IamModel(estate).decide(caller, "sts:AssumeRole", role, trust="actual")
            assert model.decide(caller, "sts:AssumeRole", role, trust="actual") == alone, (caller, role)
