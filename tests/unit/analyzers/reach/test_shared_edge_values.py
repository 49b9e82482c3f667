"""Values shared between edges and between findings (memory at 100,000 functions): equal content
is made once and shared, different content never is, and nothing the rules run writes to them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx
import pytest

from analyzers import rule_workers
from analyzers.analysis import analyze
from analyzers.forking import Pickled, unpickled
from analyzers.iam.analysis import analyze_iam
from analyzers.iam.principal_policies import IamModel
from analyzers.reach.access_edges import add_access_edges
from estate.graph.builder import build_graph
from estate.model import Estate, IamPrincipal, ResourcePolicy
from estate.model.iam import ManagedPolicy
from tests.paths import DEMO_TODAY, analysed_demo
from tests.unit.analyzers.reach.test_reach_access import ROLE, TABLE, allow, doc, estate, store

OTHER_ROLE = ROLE.replace("app-role", "batch-role")
POLICY = ROLE.replace(":role/app-role", ":policy/team")
OTHER_POLICY = ROLE.replace(":role/app-role", ":policy/zz-batch")
PCI_TABLES = (TABLE, TABLE.replace("payments", "cards"))


def two_roles(first: dict[str, Any], second: dict[str, Any]) -> Estate:
    """Two functions, each with its own role; each role's managed policy holds one statement (both
    roles attach the same policy when the statements are the same)."""
    e = estate(stores=tuple(store(arn, "table") for arn in PCI_TABLES))
    fn = e.functions[0]
    other_fn = dataclasses.replace(
        fn, arn=fn.arn.replace(":app", ":batch"), name="batch", role_arn=OTHER_ROLE
    )
    policies = {POLICY: ManagedPolicy(POLICY, "team", False, "v1", doc(first))}
    if second != first:
        policies[OTHER_POLICY] = ManagedPolicy(OTHER_POLICY, "batch", False, "v1", doc(second))
    principals = {
        ROLE: IamPrincipal(ROLE, "app-role", "role", attached_policy_arns=(POLICY,)),
        OTHER_ROLE: IamPrincipal(OTHER_ROLE, "batch-role", "role", attached_policy_arns=(max(policies),)),
    }
    return dataclasses.replace(e, functions=(fn, other_fn), principals=principals, policies=policies)


def can_graph(e: Estate) -> nx.MultiDiGraph:
    graph = build_graph(e)
    add_access_edges(e, graph, IamModel(e))
    return graph


def test_equal_grants_share_one_read_only_attribute_dict() -> None:
    grant = allow("Read", "dynamodb:GetItem", TABLE)
    graph = can_graph(two_roles(grant, grant))
    mine, theirs = graph[ROLE][TABLE]["can"], graph[OTHER_ROLE][TABLE]["can"]
    assert mine == theirs
    assert mine is theirs  # the graph holds the one dict (estate/graph/derived.py adopts it)
    assert mine["actions"] is theirs["actions"] and mine["statement_ids"] is theirs["statement_ids"]
    with pytest.raises(TypeError, match="read-only"):
        graph.edges[ROLE, TABLE, "can"]["access"] = "write"
    assert theirs["access"] == "read"


def test_different_grants_share_nothing_that_differs() -> None:
    graph = can_graph(
        two_roles(allow("Read", "dynamodb:GetItem", TABLE), allow("Write", "dynamodb:PutItem", TABLE))
    )
    mine, theirs = graph[ROLE][TABLE]["can"], graph[OTHER_ROLE][TABLE]["can"]
    assert mine["access"] == "read" and theirs["access"] == "write"
    assert mine["evidence"] is not theirs["evidence"]
    assert mine["evidence"]["statements"][0]["sid"] == "Read"
    assert theirs["evidence"]["statements"][0]["sid"] == "Write"
    assert mine["actions"] == {"read": ["dynamodb:GetItem"]}
    assert theirs["actions"] == {"write": ["dynamodb:PutItem"]}


def _plain(value: object) -> object:
    return dict(value) if isinstance(value, Mapping) else repr(value)  # lazy evidence read out


def _edge_rows(graph: nx.MultiDiGraph) -> list[str]:
    return [
        json.dumps((u, v, k, d), default=_plain, sort_keys=True)
        for u, v, k, d in graph.edges(keys=True, data=True)
    ]


def test_running_every_rule_writes_to_no_edge_value() -> None:
    """The demo's graph after every rule ran equals the same graph drawn without running any."""
    analysis = analysed_demo(DEMO_TODAY)
    graph = build_graph(analysis.estate)
    iam = analyze_iam(analysis.estate, graph, DEMO_TODAY)
    add_access_edges(analysis.estate, graph, iam.model)
    assert any(d.get("kind") == "can" for _u, _v, d in graph.edges(data=True))
    drawn, after_rules = _edge_rows(graph), _edge_rows(analysis.graph)
    assert len(drawn) == len(after_rules)
    changed = [row for row, other in zip(drawn, after_rules, strict=True) if row != other]
    assert changed == []


def _public(e: Estate) -> Estate:
    """Every function of `e` invocable by anyone."""
    functions = []
    for fn in e.functions:
        statement = {"Sid": "pub", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Resource": fn.arn}]})
        functions.append(dataclasses.replace(fn, policy=ResourcePolicy(policy), policy_state="present"))
    stores = {arn: dataclasses.replace(s, classification="pci") for arn, s in e.data_stores.items()}
    return dataclasses.replace(e, functions=tuple(functions), data_stores=stores)


def _listed(finding: Any) -> list[dict[str, Any]]:
    return {ev.label: ev.value for ev in finding.evidence}["stores reached"]


def test_findings_listing_stores_alike_list_them_in_the_same_group_of_shared_arns() -> None:
    grant = allow("Write", "dynamodb:PutItem", list(PCI_TABLES))
    e = _public(two_roles(grant, grant))
    hits = [f for f in analyze(e, dt.date(2026, 11, 1)).findings if f.rule.id == "reach.public-to-sensitive"]
    assert len(hits) == 2
    first, second = (_listed(f) for f in hits)
    assert (
        first
        == second
        == [
            {
                "access": "write",
                "conditional": False,
                "hops": 2,
                "severity": "critical",
                "count": 2,
                "stores": sorted(PCI_TABLES),
            }
        ]
    )
    assert all(a is b for a, b in zip(first[0]["stores"], second[0]["stores"], strict=True))  # one string


def test_findings_listing_stores_differently_list_them_in_their_own_groups() -> None:
    e = _public(
        two_roles(
            allow("Write", "dynamodb:PutItem", list(PCI_TABLES)),
            allow("Read", "dynamodb:GetItem", list(PCI_TABLES)),
        )
    )
    hits = [f for f in analyze(e, dt.date(2026, 11, 1)).findings if f.rule.id == "reach.public-to-sensitive"]
    by_fn = {f.resource.rsplit(":", 1)[-1]: _listed(f) for f in hits}
    assert [(g["access"], g["severity"], g["stores"]) for g in by_fn["app"]] == [
        ("write", "critical", sorted(PCI_TABLES))
    ]
    assert [(g["access"], g["severity"], g["stores"]) for g in by_fn["batch"]] == [
        ("read", "high", sorted(PCI_TABLES))
    ]


def test_shared_arns_stay_shared_and_equal_through_the_rules_childs_pipe() -> None:
    """What the rules' child sends back (rule_workers' pickling) arrives equal, with each shared
    ARN sent once and shared again on arrival, and the findings' rules the registry's own."""
    grant = allow("Write", "dynamodb:PutItem", list(PCI_TABLES))
    e = _public(two_roles(grant, grant))
    hits = [f for f in analyze(e, dt.date(2026, 11, 1)).findings if f.rule.id == "reach.public-to-sensitive"]
    sent = Pickled(rule_workers._pickler)  # as the child sends a rule's findings
    sent.put(0, list(hits))
    back = unpickled(sent.payload())[0]
    assert back == hits
    assert back[0].rule is hits[0].rule
    first, second = (_listed(f)[0]["stores"] for f in back)
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert _listed(back[0]) is not _listed(hits[0])  # a copy, not the same
