"""Suppressions and severity overrides: what they match, when they lapse, what they leave behind."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from analyzers.analysis import analyze
from analyzers.findings.model import Evidence, Finding, Severity, Suppression, sort_findings
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import apply_severity_overrides, apply_suppressions, settle
from estate.errors import LambdascopeError
from estate.model import Estate
from estate.model.load import load_estate
from tests.builders import fn_arn, function, snapshot_of, statement

TODAY = dt.date(2026, 2, 1)


def _finding(rule_id: str = "reach.public-invoke", resource: str = fn_arn("web")) -> Finding:
    return Finding(RULES.get(rule_id), resource, "t", Severity.HIGH, evidence=(Evidence("k", "v"),))


def test_rule_and_resource_globs_must_both_match() -> None:
    s = Suppression("reach.*", "r", "a", resource="arn:aws:lambda:*:function:web*")
    assert s.matches(_finding())
    assert not s.matches(_finding(resource=fn_arn("api")))
    assert not s.matches(_finding("iam.admin"))


def test_matching_is_case_sensitive_on_every_os() -> None:
    upper = Suppression("reach.public-invoke", "r", "a", resource=fn_arn("WEB"))
    assert not upper.matches(_finding())


def test_suppressed_findings_stay_listed_with_their_suppression() -> None:
    s = Suppression("reach.public-invoke", "partner webhook", "alice", expires=TODAY)
    outcome = apply_suppressions([_finding(), _finding("iam.admin", "arn:aws:iam::1:role/x")], [s], TODAY)
    suppressed, other = outcome.findings
    # a suppression is DESIGN section 5's risk-accepted state; its details stay under "suppressed"
    assert suppressed.suppression is s and suppressed.status == "risk-accepted"
    assert (
        suppressed.to_json()["suppressed"] == s.to_json()
        and suppressed.to_json()["status"] == "risk-accepted"
    )
    assert other.suppression is None and other.to_json()["suppressed"] is None
    assert outcome.suppressed == 1 and outcome.expired == () and outcome.unused == ()
    assert suppressed.id == _finding().id  # suppression never changes the stable id


def test_an_expired_suppression_reopens_its_finding_and_says_so() -> None:
    s = Suppression("reach.public-invoke", "until the fix ships", "bob", expires=TODAY - dt.timedelta(days=1))
    outcome = apply_suppressions([_finding()], [s], TODAY)
    (finding,) = outcome.findings
    assert finding.suppression is None and finding.status == "open"
    assert finding.evidence[-1] == Evidence("suppression expired", s.to_json())
    assert outcome.expired == (s,) and outcome.unused == ()


def test_first_matching_suppression_in_force_wins_and_unused_ones_are_reported() -> None:
    lapsed = Suppression("reach.*", "old", "a", expires=dt.date(2020, 1, 1))
    first = Suppression("reach.public-invoke", "first", "a")
    second = Suppression("*", "second", "a")
    stale = Suppression("iam.*", "no iam findings here", "a")
    outcome = apply_suppressions([_finding()], [lapsed, first, second, stale], TODAY)
    assert outcome.findings[0].suppression is first
    assert outcome.findings[0].evidence == _finding().evidence  # in force: no 'expired' note
    assert outcome.unused == (second, stale) and outcome.expired == (lapsed,)


def test_severity_override_keeps_the_original_in_evidence() -> None:
    (rated, same) = apply_severity_overrides(
        [_finding(), _finding("iam.admin", "arn:aws:iam::1:role/x")], {"reach.public-invoke": Severity.LOW}
    )
    assert rated.severity is Severity.LOW
    assert rated.evidence[-1] == Evidence("severity overridden from", "high")
    assert same.severity is Severity.HIGH and same.evidence == (Evidence("k", "v"),)
    (unchanged,) = apply_severity_overrides([_finding()], {"reach.public-invoke": Severity.HIGH})
    assert unchanged.evidence == (Evidence("k", "v"),)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rule": "", "reason": "r", "author": "a"},
        {"rule": "iam admin", "reason": "r", "author": "a"},
        {"rule": "iam.admin", "reason": " ", "author": "a"},
        {"rule": "iam.admin", "reason": "r", "author": ""},
        {"rule": "iam.admin", "reason": "r", "author": "a", "resource": ""},
    ],
)
def test_a_suppression_needs_a_rule_a_reason_and_an_author(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Suppression(**kwargs)


def _public_estate() -> Estate:
    snap = snapshot_of([function("web"), function("api")], policies={"web": [statement("*")]})
    return load_estate(snap)


def test_analyze_applies_overrides_then_suppressions_and_counts_open_only() -> None:
    plain = analyze(_public_estate(), TODAY)
    web = fn_arn("web")
    assert plain.suppressed == 0 and plain.severity_counts(web)[Severity.CRITICAL] == 1
    settings = Settings(
        severity_overrides={"reach.public-invoke": Severity.MEDIUM},
        suppressions=(Suppression("reach.public-invoke", "partner", "alice", resource=web),),
    )
    tuned = analyze(_public_estate(), TODAY, settings)
    (public,) = [f for f in tuned.findings if f.rule.id == "reach.public-invoke"]
    assert public.severity is Severity.MEDIUM and public.suppression is not None
    assert tuned.suppressed == 1 and public not in tuned.open_findings
    assert sum(tuned.severity_counts(web).values()) == 0  # an accepted risk is not posture
    assert tuned.findings_for(web) == [public]  # but it stays listed
    assert tuned.settings is settings
    back = tuned.with_settings(Settings())  # re-applied from the rules' own findings
    assert back.suppressed == 0 and back.findings == plain.findings


def test_analyze_rejects_settings_naming_no_rule() -> None:
    bad = Settings(severity_overrides={"reach.publik-invoke": Severity.LOW})
    with pytest.raises(LambdascopeError, match="no such rule"):
        analyze(_public_estate(), TODAY, bad)


def _in_report_order() -> list[Finding]:
    found = [
        Finding(RULES.get("iam.admin"), "arn:aws:iam::1:role/a", "t", Severity.CRITICAL),
        Finding(RULES.get("reach.public-invoke"), fn_arn("web"), "t", Severity.HIGH),
        Finding(RULES.get("config.no-dlq"), fn_arn("web"), "t", Severity.LOW),
    ]
    assert sort_findings(found) == found
    return found


def test_findings_in_report_order_come_out_as_they_went_in_when_no_override_moves_one() -> None:
    raw = _in_report_order()
    settings = Settings(severity_overrides={"iam.admin": Severity.CRITICAL})  # re-rates nothing
    out = settle(raw, settings, TODAY, in_order=True).findings
    assert out == raw and all(a is b for a, b in zip(out, raw, strict=True))


def test_a_re_rated_finding_moves_to_its_new_place_even_from_report_order() -> None:
    raw = _in_report_order()
    settings = Settings(severity_overrides={"config.no-dlq": Severity.CRITICAL})
    out = settle(raw, settings, TODAY, in_order=True).findings
    assert [f.rule.id for f in out] == ["config.no-dlq", "iam.admin", "reach.public-invoke"]
    assert out == sort_findings(out)


def test_findings_not_said_to_be_in_order_are_sorted() -> None:
    raw = _in_report_order()[::-1]
    assert settle(raw, Settings(), TODAY).findings == _in_report_order()


def test_without_suppressions_a_finding_that_carried_one_comes_out_open() -> None:
    s = Suppression("reach.public-invoke", "partner", "alice")
    (carried,) = apply_suppressions([_finding()], [s], TODAY).findings
    plain = _finding("iam.admin", "arn:aws:iam::1:role/x")
    outcome = apply_suppressions([carried, plain], [], TODAY)
    cleared, same = outcome.findings
    assert cleared.suppression is None and cleared.status == "open" and cleared.id == carried.id
    assert same is plain  # untouched findings are passed on as themselves (cached texts rely on it)
    assert outcome.expired == () and outcome.unused == () and outcome.suppressed == 0


def test_an_analysis_indexes_its_settled_findings_by_resource_on_first_reading() -> None:
    partner = Suppression("reach.public-invoke", "partner", "alice", resource=fn_arn("web"))
    tuned = analyze(_public_estate(), TODAY, Settings(suppressions=(partner,)))
    assert tuned.resource_index is None  # not made by the analysis: the headless commands never read it
    expected: dict[str, list[Finding]] = {}
    for finding in tuned.findings:
        expected.setdefault(finding.resource, []).append(finding)
    assert {arn: list(found) for arn, found in tuned.by_resource.items()} == expected
    assert tuned.indexed() is tuned and tuned.resource_index is tuned.by_resource
    assert dataclasses.replace(tuned, resource_index=None) == tuned  # indexed or not, the same analysis
    back = tuned.with_settings(Settings())  # re-settled: indexed afresh, from its own findings
    assert back.resource_index is None and back.findings_for(fn_arn("web"))[0].suppression is None
