"""The reviewed compliance table: complete for every rule, well-formed, and merged into every rule."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

import analyzers.analysis  # noqa: F401  (registers every rule)
from analyzers.findings.compliance import (
    compliance_for,
    frameworks,
    parse_table,
    requirement_sort_key,
    requirement_summaries,
    requirement_title,
    table,
)
from analyzers.findings.context import RuleContext
from analyzers.findings.model import Finding, Rule, Severity, Suppression
from analyzers.findings.registry import RULES, RuleRegistry

# DESIGN.md section 5: the stable rule ids users script and suppress by (plus two the code adds)
DESIGN_RULE_IDS = {
    *("reach.public-invoke", "reach.cross-account-invoke", "reach.public-to-sensitive"),
    *("iam.admin", "iam.wildcard", "iam.privesc", "iam.passrole-wildcard", "iam.unparseable-policy"),
    *("config.env-secret", "config.env-no-cmk", "config.runtime-deprecated", "config.no-vpc"),
    *("config.single-az", "config.public-subnet", "config.no-dlq", "config.no-tracing"),
    *("config.no-code-signing", "config.unencrypted-store", "config.tls-below-1.2", "config.log-retention"),
    *("config.no-trail-data-events", "config.no-alarms", "config.region-not-allowed"),
    "config.unclassified-store",
    # added with the config posture rules (proposed for DESIGN.md section 5)
    *("config.kms-no-rotation", "config.url-cors-wildcard", "config.cross-account-layer"),
    "config.no-reserved-concurrency",
    "config.no-vpc-endpoint",  # added with the network rules
    # added with the recovery posture rules (issue 18; proposed for DESIGN.md section 5)
    *("config.no-point-in-time-recovery", "config.not-infrastructure-as-code"),
    *(
        "anomaly.throttles",
        "anomaly.errors",
        "anomaly.invocations",
        "anomaly.duration",
        "anomaly.concurrency",
    ),
}
ID = re.compile(
    r"^(PCI-DSS-4\.0:\d+(\.\d+)+|AWS-FSBP:[A-Za-z0-9]+\.\d+|SOX:ITGC-[A-Z]{2}-\d{2}|CIS-AWS-3\.0:[\d.]+)$"
)


def test_the_json_is_well_formed_and_parses() -> None:
    raw = json.loads(resources.files("analyzers").joinpath("data/compliance.json").read_text())
    parsed = parse_table(raw)
    assert parsed.rules and parsed.requirements
    assert {f.id for f in frameworks()} == {"PCI-DSS-4.0", "AWS-FSBP", "SOX", "CIS-AWS-3.0"}


def test_every_registered_rule_has_an_entry() -> None:
    assert len(RULES) >= 3
    assert [r.id for r in RULES if not compliance_for(r.id)] == []


def test_every_design_rule_has_an_entry() -> None:
    assert sorted(DESIGN_RULE_IDS - set(table().rules)) == []
    assert sorted(set(table().rules) - DESIGN_RULE_IDS) == []  # a new rule id belongs in DESIGN.md too


def test_every_id_is_well_formed_titled_and_of_a_known_framework() -> None:
    known = {f.id for f in frameworks()}
    referenced = {cid for ids in table().rules.values() for cid in ids} | {
        cid for rule in RULES for cid in rule.compliance
    }
    assert [c for c in referenced if not ID.match(c)] == []
    assert [c for c in referenced if not requirement_title(c)] == []
    assert {c.partition(":")[0] for c in referenced} <= known
    assert set(table().requirements) == {cid for ids in table().rules.values() for cid in ids}


def test_registered_rules_carry_the_table_ids() -> None:
    for rule in RULES:
        assert set(compliance_for(rule.id)) <= set(rule.compliance), rule.id


def _no_findings(ctx: RuleContext) -> list[Finding]:
    return []


def test_registration_merges_table_first_and_keeps_declared_extras() -> None:
    registry = RuleRegistry()
    bare = registry.register(Rule("config.no-vpc", "config", Severity.LOW, "t", "r", "m"), _no_findings)
    assert bare.compliance == compliance_for("config.no-vpc")
    assert "AWS-FSBP:Lambda.3" in bare.compliance
    extra = registry.register(
        Rule("config.no-dlq", "config", Severity.LOW, "t", "r", "m", compliance=("PCI-DSS-4.0:1.3.1",)),
        _no_findings,
    )
    assert extra.compliance == (*compliance_for("config.no-dlq"), "PCI-DSS-4.0:1.3.1")
    unknown = registry.register(
        Rule("config.not-in-table", "config", Severity.LOW, "t", "r", "m"), _no_findings
    )
    assert unknown.compliance == ()


def test_malformed_table_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_table({"schema": "other"})
    with pytest.raises(ValueError):
        parse_table(
            {
                "schema": "lambdascope.compliance/1",
                "frameworks": {},
                "requirements": {},
                "rules": {"x": {"ids": 1}},
            }
        )


def test_requirements_sort_naturally_within_framework_order() -> None:
    ids = [
        "PCI-DSS-4.0:10.2.1",
        "SOX:ITGC-AC-01",
        "PCI-DSS-4.0:7.2.1",
        "AWS-FSBP:Lambda.1",
        "PCI-DSS-4.0:7.2.5.1",
    ]
    assert sorted(ids, key=requirement_sort_key) == [
        "PCI-DSS-4.0:7.2.1",
        "PCI-DSS-4.0:7.2.5.1",
        "PCI-DSS-4.0:10.2.1",
        "AWS-FSBP:Lambda.1",
        "SOX:ITGC-AC-01",
    ]


def test_requirement_summary_counts_open_by_severity_and_suppressed_apart() -> None:
    admin = RULES.get("iam.admin")
    public = RULES.get("reach.public-invoke")
    findings = [
        Finding(admin, "arn:role/a", "a", Severity.CRITICAL),
        Finding(admin, "arn:role/b", "b", Severity.HIGH),
        Finding(
            public,
            "arn:fn/x",
            "x",
            Severity.CRITICAL,
            suppression=Suppression("reach.*", "accepted", "alice"),
        ),
    ]
    by_id = {s.id: s for s in requirement_summaries(findings, [admin, public])}
    shared = by_id["PCI-DSS-4.0:7.2.1"]  # both rules map to it
    assert shared.open_by_severity["critical"] == 1 and shared.open_by_severity["high"] == 1
    assert shared.suppressed == 1 and shared.open == 2
    assert shared.rules == {"iam.admin": 2, "reach.public-invoke": 0}
    assert shared.title == requirement_title("PCI-DSS-4.0:7.2.1")
    lambda1 = by_id["AWS-FSBP:Lambda.1"]
    assert lambda1.open == 0 and lambda1.suppressed == 1
    assert "SOX:ITGC-OP-01" not in by_id  # neither rule maps to it


def test_requirement_summary_leaves_false_positive_and_resolved_out_of_open() -> None:
    """`Finding.is_open` is the one rule: a false positive or resolved finding is triaged, not open;
    an acknowledged one is still open (the Markdown compliance table's `Triaged` column)."""
    import datetime as dt

    from analyzers.findings.model import Triage

    admin = RULES.get("iam.admin")
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    findings = [
        Finding(admin, "arn:role/a", "a", Severity.CRITICAL, triage=Triage("false-positive", "al", at)),
        Finding(admin, "arn:role/b", "b", Severity.CRITICAL, triage=Triage("resolved", "bo", at)),
        Finding(admin, "arn:role/c", "c", Severity.HIGH, triage=Triage("acknowledged", "cy", at)),
    ]
    summary = next(s for s in requirement_summaries(findings, [admin]) if s.id == "PCI-DSS-4.0:7.2.1")
    assert summary.open_by_severity["critical"] == 0 and summary.open_by_severity["high"] == 1
    assert (summary.open, summary.triaged, summary.suppressed) == (1, 2, 0)
    assert summary.rules == {"iam.admin": 1}
