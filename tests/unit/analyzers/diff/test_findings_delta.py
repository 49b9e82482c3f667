"""Findings matched by stable id: new, resolved, changed (severity or status), unchanged."""

from __future__ import annotations

import dataclasses

from analyzers.diff import diff_findings
from analyzers.findings.model import Finding, Rule, Severity, Suppression

RULE = Rule("config.no-dlq", "config", Severity.LOW, "t", "r", "m")
OTHER = Rule("config.no-tracing", "config", Severity.LOW, "t", "r", "m")


def finding(resource: str, rule: Rule = RULE, severity: Severity = Severity.LOW) -> Finding:
    return Finding(rule, resource, f"{resource} title", severity)


def test_new_resolved_and_unchanged_by_id() -> None:
    kept, gone, fresh = finding("arn:a"), finding("arn:b"), finding("arn:c")
    delta = diff_findings([kept, gone], [dataclasses.replace(kept, title="reworded"), fresh])
    assert [f.id for f in delta.new] == [fresh.id]
    assert [f.id for f in delta.resolved] == [gone.id]
    assert [f.id for f in delta.unchanged] == [kept.id]  # a new title is not a change of the finding
    assert [c.new.title for c in delta.retitled] == ["reworded"]
    assert delta.changed == ()


def test_a_severity_change_is_changed_not_resolved_and_new() -> None:
    old = finding("arn:a")
    new = dataclasses.replace(old, severity=Severity.HIGH)
    delta = diff_findings([old], [new])
    assert delta.new == () and delta.resolved == ()
    (change,) = delta.changed
    assert change.fields == ("severity",)
    assert change.to_json()["before"] == {"severity": "low", "status": "open"}
    assert change.to_json()["after"] == {"severity": "high", "status": "open"}


def test_a_status_change_is_changed() -> None:
    old = finding("arn:a")
    accepted = Suppression("config.no-dlq", "known", "sec-team")
    (change,) = diff_findings([old], [dataclasses.replace(old, suppression=accepted)]).changed
    assert change.fields == ("status",)


def test_the_same_rule_on_another_resource_is_another_finding() -> None:
    delta = diff_findings([finding("arn:a")], [finding("arn:a", OTHER)])
    assert len(delta.new) == 1 and len(delta.resolved) == 1


def test_each_list_keeps_the_analysis_order() -> None:
    critical, low = finding("arn:b", OTHER, Severity.CRITICAL), finding("arn:a")
    assert [f.resource for f in diff_findings([], [critical, low]).new] == ["arn:b", "arn:a"]
    assert [f.resource for f in diff_findings([critical, low], []).resolved] == ["arn:b", "arn:a"]


def test_anomaly_titles_carry_measurements_and_are_not_retitled() -> None:
    rule = Rule("anomaly.errors", "anomaly", Severity.MEDIUM, "t", "r", "m")
    old = Finding(rule, "arn:a", "Errors 30 vs 1.6 expected", Severity.MEDIUM)
    delta = diff_findings([old], [dataclasses.replace(old, title="Errors 30 vs 1.9 expected")])
    assert delta.retitled == () and len(delta.unchanged) == 1
