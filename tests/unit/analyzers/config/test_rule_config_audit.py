"""config.log-retention, config.no-trail-data-events and config.no-alarms, on snapshots in the
collector's raw shapes, plus the demo estate (its planted gaps: plants.py)."""

from __future__ import annotations

from typing import Any

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Finding, Severity
from analyzers.findings.settings import Settings
from tests.builders import ACCOUNT, REGION, fn_arn, function, rule_case, statement
from tests.paths import DEMO_SNAPSHOT
from tests.unit.analyzers.config.config_estates import (
    alarm,
    alarms,
    coverage,
    lambda_data_selectors,
    log_groups,
    names,
    rec,
    run,
    snap,
    trail,
)

DEMO = DEMO_SNAPSHOT
US = "us-east-1"
RETENTION = "config.log-retention"
TRAIL = "config.no-trail-data-events"
ALARMS = "config.no-alarms"


def evidence(finding: Finding, label: str) -> Any:
    return next(e.value for e in finding.evidence if e.label == label)


# --- config.log-retention ----------------------------------------------------------------


@rule_case("config.log-retention", "positive")
def test_short_never_expiring_and_missing_log_groups_are_flagged() -> None:
    custom = function("custom")
    custom["LoggingConfig"] = {"LogGroup": "/platform/custom", "LogFormat": "JSON"}
    groups = log_groups(("/aws/lambda/short", 30), ("/aws/lambda/forever", None), ("/platform/custom", 7))
    found = run(
        snap([function("short"), function("forever"), function("missing"), custom], groups), RETENTION
    )
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"short", "forever", "missing", "custom"}
    assert by_name["short"].severity is Severity.MEDIUM and "30 days" in by_name["short"].title
    assert by_name["forever"].severity is Severity.LOW and "never expires" in by_name["forever"].title
    assert "no log group" in by_name["missing"].title and by_name["missing"].severity is Severity.LOW
    assert "/platform/custom" in by_name["custom"].title


@rule_case("config.log-retention", "negative")
def test_long_enough_retention_or_logs_not_collected_pass() -> None:
    assert run(snap([function("kept")], log_groups(("/aws/lambda/kept", 400))), RETENTION) == []
    assert run(snap([function("unread")]), RETENTION) == []  # DescribeLogGroups never ran
    denied = snap(
        [function("denied")],
        log_groups(),
        coverage=(coverage("logs", "DescribeLogGroups", "denied"),),
    )
    assert run(denied, RETENTION) == []  # a failure recorded: unknown


def test_minimum_retention_comes_from_settings() -> None:
    snapshot = snap([function("a"), function("b")], log_groups(("/aws/lambda/a", 60), ("/aws/lambda/b", 120)))
    assert names(run(snapshot, RETENTION)) == {"a", "b"}  # default: 365 days
    found = run(snapshot, RETENTION, Settings(min_log_retention_days=90))
    assert names(found) == {"a"} and evidence(found[0], "min_log_retention_days") == 90


# --- config.no-trail-data-events ---------------------------------------------------------


@rule_case("config.no-trail-data-events", "positive")
def test_region_without_any_trail_is_flagged_per_account_and_region() -> None:
    us_listing = rec("lambda", "ListFunctions", {"Functions": [function("us-fn", region=US)]}, US)
    empty = [
        rec("cloudtrail", "DescribeTrails", {"trailList": []}, includeShadowTrails=True),
        rec("cloudtrail", "DescribeTrails", {"trailList": []}, US, includeShadowTrails=True),
    ]
    found = run(snap([function("eu-fn")], us_listing, empty), TRAIL)
    assert {f.region for f in found} == {REGION, US}
    assert {f.resource for f in found} == {f"account:{ACCOUNT}"}
    assert len({f.id for f in found}) == 2  # one stable id per region
    assert all(f.severity is Severity.MEDIUM for f in found)


@rule_case("config.no-trail-data-events", "positive")
def test_trails_that_skip_lambda_or_do_not_log_are_flagged() -> None:
    no_data = trail("management-only", selectors={"EventSelectors": [{"ReadWriteType": "All"}]})
    stopped = trail("stopped", logging=False, selectors=lambda_data_selectors("arn:aws:lambda"))
    foreign = trail("theirs", owner="111111111111", selectors=lambda_data_selectors("arn:aws:lambda"))
    other_region = trail(
        "us-only", multi_region=False, home=US, selectors=lambda_data_selectors("arn:aws:lambda")
    )
    for records in (no_data, stopped, other_region, foreign):
        found = run(snap([function("api")], records), TRAIL)
        assert len(found) == 1, records[0].response
        assert evidence(found[0], "functions not recorded") == ["api"]


@rule_case("config.no-trail-data-events", "positive")
def test_a_trail_scoped_to_some_functions_leaves_the_others_unrecorded() -> None:
    scoped = trail("payments-only", selectors=lambda_data_selectors(fn_arn("payments-api")))
    found = run(snap([function("payments-api"), function("ledger")], scoped), TRAIL)
    assert len(found) == 1 and "1 of 2 functions" in found[0].title
    assert evidence(found[0], "functions not recorded") == ["ledger"]


@rule_case("config.no-trail-data-events", "negative")
def test_logging_trail_with_lambda_data_events_passes() -> None:
    basic = trail("org", selectors=lambda_data_selectors("arn:aws:lambda"))
    advanced = trail(
        "advanced",
        selectors={
            "AdvancedEventSelectors": [
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                    ]
                }
            ]
        },
    )
    prefix = trail("prefix", selectors=lambda_data_selectors(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"))
    org = trail(
        "org-trail",
        owner="111111111111",
        organization=True,
        selectors=lambda_data_selectors("arn:aws:lambda"),
    )
    for records in (basic, advanced, prefix, org):
        assert run(snap([function("api"), function("ledger")], records), TRAIL) == []
    assert run(snap([function("api")]), TRAIL) == []  # CloudTrail not collected: no finding


def test_unread_selectors_say_unknown_at_info() -> None:
    found = run(snap([function("api")], trail("org", selectors=None)), TRAIL)
    assert len(found) == 1 and found[0].severity is Severity.INFO and "unknown" in found[0].title


# --- config.no-alarms --------------------------------------------------------------------


PUBLIC = {"open": [statement("*", Sid="public")]}


@rule_case("config.no-alarms", "positive")
def test_missing_alarms_are_flagged_worse_when_internet_facing() -> None:
    records = alarms(alarm("half-errors", "Errors", "half"))
    found = run(snap([function("half"), function("open")], records, policies=PUBLIC), ALARMS)
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"half", "open"}
    assert evidence(by_name["half"], "missing alarms") == ["AWS/Lambda Throttles"]
    assert by_name["half"].severity is Severity.LOW
    assert by_name["open"].severity is Severity.MEDIUM and "internet-facing" in by_name["open"].title


@rule_case("config.no-alarms", "negative")
def test_function_and_account_wide_alarms_or_uncollected_alarms_pass() -> None:
    own = alarms(alarm("e", "Errors", "api"), alarm("t", "Throttles", "api"))
    assert run(snap([function("api")], own), ALARMS) == []
    account_wide = alarms(alarm("all-e", "Errors", None), alarm("all-t", "Throttles", None))
    assert run(snap([function("api"), function("other")], account_wide), ALARMS) == []
    assert run(snap([function("api")]), ALARMS) == []  # DescribeAlarms never ran
    elsewhere = alarms(alarm("e", "Errors", "other"), alarm("t", "Throttles", "other"))
    assert names(run(snap([function("api")], elsewhere), ALARMS)) == {"api"}  # another function's


# --- the demo estate ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_findings(demo_analysis: Analysis) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in demo_analysis.findings:
        out.setdefault(f.rule.id, []).append(f)
    return out


@rule_case("config.log-retention", "positive")
@rule_case("config.log-retention", "negative")
def test_demo_log_retention_is_exactly_the_planted_groups(demo_findings: dict[str, list[Finding]]) -> None:
    from tests.ground_truth.plants import LOG_RETENTION_PLANTS

    retention = {f.title.split(":", 1)[0]: f for f in demo_findings[RETENTION]}
    # every other function's /aws/lambda/<name> group is kept 400 days (>= 365): no finding
    assert set(retention) == set(LOG_RETENTION_PLANTS) and len(demo_findings[RETENTION]) == 2
    for name, days in LOG_RETENTION_PLANTS.items():
        assert evidence(retention[name], "retentionInDays") == days
        assert evidence(retention[name], "log group").endswith(f"/aws/lambda/{name}")
    assert retention["card-detokenize"].severity is Severity.LOW  # never expires
    assert retention["ops-runbook-executor"].severity is Severity.MEDIUM  # 7 days


@rule_case("config.no-trail-data-events", "positive")
@rule_case("config.no-trail-data-events", "negative")
def test_demo_trail_gap_is_the_uncovered_region_only(demo_findings: dict[str, list[Finding]]) -> None:
    from tests.ground_truth.plants import FUNCTIONS_BY_REGION, TRAIL_GAP_REGIONS

    trails = demo_findings[TRAIL]
    # fintech-audit logs data events for every eu-west-1 function but is single-region
    assert {f.region for f in trails} == set(TRAIL_GAP_REGIONS) == {US} and len(trails) == 1
    (gap,) = trails
    assert gap.resource == f"account:{ACCOUNT}" and "no CloudTrail trail covers" in gap.title
    assert evidence(gap, "functions not recorded") == sorted(FUNCTIONS_BY_REGION[US])


@rule_case("config.no-alarms", "positive")
@rule_case("config.no-alarms", "negative")
def test_demo_unalarmed_functions_are_exactly_the_planted_ones(
    demo_findings: dict[str, list[Finding]],
) -> None:
    from tests.ground_truth.plants import NO_ALARM_FUNCTIONS, PUBLIC_FUNCTIONS

    found = {f.title.split(":", 1)[0]: f for f in demo_findings[ALARMS]}
    # every other function has its own Errors and Throttles alarms (FunctionName dimension)
    assert set(found) == set(NO_ALARM_FUNCTIONS) and len(demo_findings[ALARMS]) == 2
    assert all(evidence(f, "alarms found") == {} for f in found.values())
    exposed = {n for n, f in found.items() if f.severity is Severity.MEDIUM}
    assert exposed == set(NO_ALARM_FUNCTIONS) & set(PUBLIC_FUNCTIONS) == {"fx-rates-public"}
    assert "internet-facing" in found["fx-rates-public"].title
