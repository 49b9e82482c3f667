"""config.no-vpc: functions outside a VPC whose role reaches sensitive stores (FSBP Lambda.3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from analyzers.analysis import analyze
from analyzers.findings.model import Severity
from estate.model import VpcConfig
from tests.builders import rule_case
from tests.ground_truth import plants
from tests.unit.analyzers.reach.test_reach_access import TABLE, allow, estate, store
from tests.unit.analyzers.reach.test_rule_public_to_sensitive import demo

RULE = "config.no-vpc"


def found(e: Any) -> list[Any]:
    return [f for f in analyze(e, dt.date(2026, 11, 1)).findings if f.rule.id == RULE]


def with_class(classification: str) -> Any:
    e = estate(allow("Read", "dynamodb:GetItem", TABLE), stores=(store(TABLE, "table"),))
    e.data_stores[TABLE] = dataclasses.replace(e.data_stores[TABLE], classification=classification)
    return e


@rule_case(RULE, "positive")
def test_function_outside_vpc_reading_pci() -> None:
    hits = found(with_class("pci"))
    assert len(hits) == 1 and hits[0].severity is Severity.MEDIUM
    assert "payments (pci)" in hits[0].title
    assert hits[0].evidence[2].value["statement_ids"] == ["app-policy#Read"]


@rule_case(RULE, "negative")
def test_no_finding_when_nothing_sensitive_or_inside_a_vpc() -> None:
    assert found(with_class("internal")) == []
    e = with_class("pci")
    e.functions = (dataclasses.replace(e.functions[0], vpc=VpcConfig(("subnet-1",), ("sg-1",), "vpc-1")),)
    assert found(e) == []


@rule_case(RULE, "positive")
def test_demo_planted_no_vpc_function_is_found() -> None:
    hits = {f.resource.rsplit(":", 1)[-1]: f for f in demo().findings if f.rule.id == RULE}
    for name in plants.NO_VPC_SENSITIVE_FUNCTIONS:
        assert name in hits
    assert "kyc-documents" in hits["kyc-document-check"].title.replace(
        "fintech-kyc-documents-eu", "kyc-documents"
    )
    assert not set(hits) & plants.VPC_FUNCTIONS  # functions in a VPC never
    for quiet in ("fx-rates-public", "shared-currency-format", "fx-rates-refresh", "card-bin-lookup"):
        assert quiet not in hits  # their roles reach nothing sensitive


@rule_case(RULE, "positive")
def test_a_role_reaching_many_stores_lists_the_first_and_counts_the_rest() -> None:
    """Through a store set too (a grant on `*` covering 30 tables alike): one finding, 25 stores
    by name, the other 5 counted."""
    tables = [f"{TABLE}-{i:02}" for i in range(30)]
    e = estate(allow("Read", "dynamodb:GetItem", "*"), stores=tuple(store(t, "table") for t in tables))
    (hit,) = found(e)
    listed = [ev for ev in hit.evidence if ev.label.startswith("can read")]
    assert len(listed) == 25
    assert hit.evidence[-1].label == "and 5 more sensitive stores"
    assert hit.evidence[-1].value == {"pci": 5}
    assert "and 25 more" in hit.title
