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


def public_estate(
    *statements: dict[str, Any], classification: str = "pci", more: dict[str, str] | None = None
) -> Any:
    """One internet-invocable function whose role acts on TABLE (and on `more`: ARN -> class)."""
    classes = {TABLE: classification, **(more or {})}
    e = estate(*statements, stores=tuple(store(arn, "table") for arn in classes))
    for arn, label in classes.items():
        e.data_stores[arn] = __import__("dataclasses").replace(e.data_stores[arn], classification=label)
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


TABLES = [TABLE.replace("table/payments", f"table/{name}") for name in ("cards", "ledger", "kyc", "audit")]


@rule_case(RULE, "positive")
def test_one_finding_per_function_and_classification_with_every_store_listed() -> None:
    """Four stores of two classifications: two findings, not four; the worst store leads."""
    more = {TABLES[0]: "pci", TABLES[1]: "confidential", TABLES[2]: "confidential", TABLES[3]: "internal"}
    statements = (
        allow("Pci", ["dynamodb:PutItem"], [TABLE, TABLES[0]]),
        allow("ConfRead", "dynamodb:GetItem", TABLES[1]),
        allow("ConfWrite", "dynamodb:PutItem", [TABLES[2], TABLES[3]]),
    )
    hits = found(public_estate(*statements, more=more))
    assert len(hits) == 2
    pci = next(f for f in hits if "pci" in f.title)
    conf = next(f for f in hits if "confidential" in f.title)
    assert pci.severity is Severity.CRITICAL and conf.severity is Severity.HIGH
    assert "1 other pci store" in pci.title and "1 other confidential store" in conf.title
    listed = {e.label: e.value for e in conf.evidence}["stores reached"]
    # one group per way of reaching (the write first: it leads), the internal store not listed
    assert [(g["access"], g["stores"], g["count"]) for g in listed] == [
        ("write", [TABLES[2]], 1),
        ("read", [TABLES[1]], 1),
    ]
    assert {e.label: e.value for e in pci.evidence}["store"]["classification"] == "pci"
    assert pci.path[-1] in {TABLE, TABLES[0]}
    assert conf.path[-1] == TABLES[2]  # equal severity: the stronger access (write) leads


@rule_case(RULE, "positive")
def test_grouped_id_is_stable_when_another_store_of_the_class_appears() -> None:
    one = found(public_estate(allow("W", "dynamodb:PutItem", TABLE)))
    two = found(public_estate(allow("W", "dynamodb:PutItem", [TABLE, TABLES[0]]), more={TABLES[0]: "pci"}))
    assert len(one) == len(two) == 1
    assert one[0].id == two[0].id


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
