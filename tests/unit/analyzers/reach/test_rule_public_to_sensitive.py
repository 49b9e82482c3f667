"""reach.public-to-sensitive: internet -> function -> role -> sensitive store, every hop explained."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from analyzers.analysis import Analysis, analyze
from analyzers.findings.model import Severity
from tests.builders import rule_case
from tests.ground_truth import plants
from tests.paths import analysed_demo
from tests.unit.analyzers.reach.test_reach_access import ROLE, TABLE, allow, estate, store

RULE = "reach.public-to-sensitive"
DEMO = "estate/sources/demo/demo.lsnap"


def public_estate(*statements: dict[str, Any], classification: str = "pci") -> Any:
    e = estate(*statements, stores=(store(TABLE, "table"),))
    e.data_stores[TABLE] = __import__("dataclasses").replace(
        e.data_stores[TABLE], classification=classification
    )
    fn = e.functions[0]
    statement = {"Sid": "pub", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Resource": fn.arn}]})
    from estate.model import ResourcePolicy

    e.functions = (
        __import__("dataclasses").replace(fn, policy=ResourcePolicy(policy), policy_state="present"),
    )
    return e


def found(e: Any) -> list[Any]:
    return [f for f in analyze(e, dt.date(2026, 11, 1)).findings if f.rule.id == RULE]


@rule_case(RULE, "positive")
def test_public_function_writing_pci_is_critical_with_every_hop() -> None:
    hits = found(public_estate(allow("Write", ["dynamodb:GetItem", "dynamodb:PutItem"], TABLE)))
    assert len(hits) == 1
    finding = hits[0]
    assert finding.severity is Severity.CRITICAL
    assert finding.path == ("internet", finding.resource, ROLE, TABLE)
    labels = [e.label for e in finding.evidence]
    assert labels[:3] == ["hop 1: invokes app", "hop 2: executes-as app-role", "hop 3: can payments"]
    assert finding.evidence[2].value["statement_ids"] == ["app-policy#Write"]


@rule_case(RULE, "positive")
def test_read_access_or_confidential_is_high() -> None:
    assert found(public_estate(allow("Read", "dynamodb:GetItem", TABLE)))[0].severity is Severity.HIGH
    conf = found(public_estate(allow("W", "dynamodb:PutItem", TABLE), classification="confidential"))
    assert conf[0].severity is Severity.HIGH


@rule_case(RULE, "negative")
def test_public_function_reaching_only_non_sensitive_stores_is_quiet() -> None:
    assert found(public_estate(allow("W", "dynamodb:PutItem", TABLE), classification="internal")) == []
    assert found(public_estate(allow("Logs", "logs:PutLogEvents", "*"))) == []


@rule_case(RULE, "negative")
def test_private_function_reaching_pci_is_quiet() -> None:
    e = estate(allow("W", "dynamodb:PutItem", TABLE), stores=(store(TABLE, "table"),))
    assert found(e) == []


def demo() -> Analysis:
    return analysed_demo(dt.date(2026, 11, 1))  # one analysis per process, shared


@rule_case(RULE, "positive")
def test_demo_planted_public_to_pci_path_is_found_hop_by_hop() -> None:
    analysis = demo()
    graph = analysis.graph
    hits = [f for f in analysis.findings if f.rule.id == RULE]
    planted = [p for p in plants.PLANTS if p.rule == RULE]
    for plant in planted:
        mine = [f for f in hits if f.resource.endswith(f":function:{plant.resource}")]
        pci = [f for f in mine if f.path[-1].endswith("table/payments-transactions")]
        if not pci:
            pytest.fail(f"planted path not found for {plant.resource}: {[f.title for f in mine]}")
        finding = pci[0]
        assert finding.severity is Severity.CRITICAL
        assert finding.path[0] == "internet"
        assert finding.path[-2].endswith("role/payments-core-role")
        hops = [e for e in finding.evidence if e.label.startswith("hop ")]
        assert len(hops) == len(finding.path) - 1
        for hop, (src, dst) in zip(hops, zip(finding.path, finding.path[1:], strict=False), strict=True):
            assert hop.value["from"] == src and hop.value["to"] == dst
            assert graph.has_edge(src, dst) and hop.value["evidence"]
        assert "payments-core-role-policy#Transactions" in hops[-1].value["statement_ids"]
    public = set(plants.PUBLIC_FUNCTIONS) | set(plants.PUBLIC_API_ROUTE_FUNCTIONS)
    flagged = {f.resource.rsplit(":", 1)[-1] for f in hits}
    assert flagged <= public  # never a function that is not internet-invocable
    assert "fx-rates-public" not in flagged  # public, but its role only touches public data
