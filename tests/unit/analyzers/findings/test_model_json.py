"""Findings, rules, evidence and suppressions read back from their JSON: equal to what was
written, and anything else a ValueError (JSON read from disk is checked, never trusted)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from analyzers.analysis import RULES  # importing the analysis registers every rule
from analyzers.findings.model import Evidence, Finding, Rule, Severity, Suppression
from tests.builders import fn_arn
from tests.paths import analysed_demo

BY_ID = {rule.id: rule for rule in RULES}


def _finding(**changes: Any) -> Finding:
    base = Finding(
        RULES.get("reach.public-invoke"),
        fn_arn("web"),
        "web: anyone can invoke it",
        Severity.CRITICAL,
        path=("internet", fn_arn("web")),
        evidence=(Evidence("statement", {"Sid": "s1", "n": [1, 2.5, None, True]}), Evidence("who", "*")),
        region="eu-west-1",
    )
    return replace(base, **changes)


def test_every_demo_finding_reads_back_equal() -> None:
    analysis = analysed_demo()
    assert analysis.findings
    for finding in analysis.findings:
        assert Finding.from_json(finding.to_json(), BY_ID) == finding


def test_a_suppressed_finding_keeps_its_suppression() -> None:
    until = Suppression("reach.*", "partner webhook", "alice", fn_arn("w*"), dt.date(2026, 12, 31))
    forever = Suppression("reach.public-invoke", "accepted", "bob")
    for suppression in (until, forever):
        finding = _finding(suppression=suppression)
        back = Finding.from_json(finding.to_json(), BY_ID)
        # DESIGN section 5: a suppression is the triage state risk-accepted (no longer `suppressed`)
        assert back == finding and back.status == "risk-accepted"
        assert Suppression.from_json(suppression.to_json()) == suppression


def test_every_rule_reads_back_equal() -> None:
    assert len(RULES) > 30
    for rule in RULES:
        assert Rule.from_json(rule.to_json()) == rule


def test_the_id_is_kept_as_written() -> None:
    data = _finding().to_json() | {"id": "0123456789abcdef"}
    assert Finding.from_json(data, BY_ID).id == "0123456789abcdef"


@pytest.mark.parametrize(
    "change",
    [
        {"rule": "reach.no-such-rule"},
        {"rule": None},
        {"severity": "urgent"},
        {"severity": 3},
        {"analyzer": "config"},  # not the rule's
        {"compliance": ["PCI-DSS-4.0:1.1"]},  # not the rule's
        {"path": ["internet", 7]},
        {"path": "internet"},
        {"evidence": {"label": "x", "value": 1}},
        {"evidence": [{"label": "x"}]},
        {"evidence": [{"label": 1, "value": 1}]},
        {"evidence": ["x"]},
        {"title": None},
        {"resource": ["arn"]},
        {"region": None},
        {"id": ""},
        {"status": "risk-accepted"},  # but no suppression
        {"status": "open", "suppressed": {"rule": "reach.*", "resource": "*", "reason": "r", "author": "a"}},
        # the status before DESIGN section 5's states: a suppression reads risk-accepted now
        {
            "status": "suppressed",
            "suppressed": {"rule": "reach.*", "resource": "*", "reason": "r", "author": "a"},
        },
        {"status": "risk-accepted", "suppressed": {"rule": "reach.*", "reason": "r", "author": "a"}},
        {
            "status": "risk-accepted",
            "suppressed": {"rule": "Bad Rule", "resource": "*", "reason": "r", "author": "a"},
        },
        {
            "status": "risk-accepted",
            "suppressed": {
                "rule": "r.*",
                "resource": "*",
                "reason": "r",
                "author": "a",
                "expires": "next year",
            },
        },
    ],
)
def test_a_finding_of_another_shape_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Finding.from_json(_finding().to_json() | change, BY_ID)


@pytest.mark.parametrize("data", [None, [], "finding", 7])
def test_not_an_object_is_refused(data: Any) -> None:
    with pytest.raises(ValueError):
        Finding.from_json(data, BY_ID)


@pytest.mark.parametrize(
    "change",
    [{"analyzer": "network"}, {"severity": "urgent"}, {"compliance": "PCI"}, {"title": None}, {"id": 1}],
)
def test_a_rule_of_another_shape_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Rule.from_json(RULES.get("iam.admin").to_json() | change)


def test_evidence_reads_back_any_json_value() -> None:
    for value in ("x", 1, 2.5, None, True, [1, "a"], {"k": {"n": []}}):
        assert Evidence.from_json(Evidence("label", value).to_json()) == Evidence("label", value)
