"""Function changes from CloudTrail LookupEvents: the parser on AWS-shaped pages (CloudTrailEvent is
a JSON string), the page-capped fetcher, and what the Anomalies pane's posture card says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from estate.model.audit import base_event_name, parse_function_changes, summarise
from estate.model.load import load_estate
from estate.snapshot import CoverageEntry, Manifest, Record, RecordKey, Snapshot, SnapshotStore
from estate.sources.live import cloudtrail
from tests.unit.estate.test_collector_fetchers import Stub, context, error, pages
from tui.severity import SeverityPalette
from tui.viewmodels.anomaly_posture import CHANGES_NOT_COLLECTED, FunctionPosture, function_changes
from tui.widgets.posture_card import posture_text

ACCT, EU = "111122223333", "eu-west-1"
START = dt.datetime(2026, 10, 18, tzinfo=dt.UTC)
PARAMS = {
    "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": "lambda.amazonaws.com"}],
    "StartTime": START.isoformat(),
    "EndTime": "2026-11-01T00:00:00+00:00",
    "MaxResults": 50,
}
DEPLOYER = f"arn:aws:sts::{ACCT}:assumed-role/deploy/ci"


def event(
    name: str,
    when: str,
    params: dict[str, Any],
    *,
    event_id: str,
    error_code: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One LookupEvents event as AWS returns it: summary fields plus the full record as JSON text."""
    detail: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {"type": "AssumedRole", "arn": DEPLOYER, "accountId": ACCT},
        "eventTime": when.replace("+00:00", "Z"),
        "eventSource": "lambda.amazonaws.com",
        "eventName": name,
        "awsRegion": EU,
        "sourceIPAddress": "203.0.113.9",
        "requestParameters": params,
        "responseElements": None,
        "eventID": event_id,
        "readOnly": False,
        "recipientAccountId": ACCT,
        **extra,
    }
    if error_code:
        detail["errorCode"] = error_code
    return {
        "EventId": event_id,
        "EventName": name,
        "ReadOnly": "false",
        "EventTime": when,
        "EventSource": "lambda.amazonaws.com",
        "Username": "ci",
        "Resources": [],
        "CloudTrailEvent": json.dumps(detail),
    }


EVENTS = [
    event(
        "UpdateFunctionCode20150331v2",
        "2026-10-31T10:00:00+00:00",
        {"functionName": "pay", "s3Bucket": "builds", "s3Key": "pay.zip", "publish": True},
        event_id="e1",
    ),
    event(
        "UpdateFunctionConfiguration20150331v2",
        "2026-10-30T09:00:00+00:00",
        {
            "functionName": f"arn:aws:lambda:{EU}:{ACCT}:function:pay",
            "timeout": 30,
            "environment": {"variables": {"DB_PASSWORD": "hunter2"}},
        },
        event_id="e2",
    ),
    event(
        "AddPermission20150331v2",
        "2026-10-29T08:00:00+00:00",
        {
            "functionName": f"{ACCT}:function:pay:live",
            "action": "lambda:InvokeFunction",
            "principal": "*",
            "functionUrlAuthType": "NONE",
            "statementId": "open",
        },
        event_id="e3",
    ),
    event(
        "PutFunctionConcurrency20171031",
        "2026-10-28T07:00:00+00:00",
        {"functionName": "ledger", "reservedConcurrentExecutions": 0},
        event_id="e4",
    ),
    event(  # a read: Lambda management events include them, they are not changes
        "GetFunction20150331v2", "2026-10-31T11:00:00+00:00", {"functionName": "pay"}, event_id="r1"
    ),
    event(  # refused: an attempt, kept with its error
        "AddPermission20150331v2",
        "2026-10-31T12:00:00+00:00",
        {"functionName": "ledger", "action": "lambda:InvokeFunction", "principal": "210987654321"},
        event_id="e5",
        error_code="AccessDenied",
    ),
]


def lookup(response: dict[str, Any], **params: Any) -> Record:
    return Record(RecordKey(ACCT, EU, "cloudtrail", "LookupEvents", {**PARAMS, **params}), response)


def snap(*records: Record, coverage: tuple[CoverageEntry, ...] = ()) -> Snapshot:
    manifest = Manifest(created_at="2026-11-01T00:00:00+00:00", source="test", coverage=coverage)
    return Snapshot(manifest, list(records))


def test_the_four_change_events_are_kept_per_function_newest_first() -> None:
    history = parse_function_changes(snap(lookup({"Events": EVENTS})))
    pay = history.changes(ACCT, EU, "pay")
    assert [c.event_name for c in pay] == [
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
        "AddPermission",
    ]
    assert pay[0].raw_event_name == "UpdateFunctionCode20150331v2"
    assert {c.function_arn for c in pay} == {f"arn:aws:lambda:{EU}:{ACCT}:function:pay"}  # qualifier dropped
    assert pay[0].actor == DEPLOYER and pay[0].source_ip == "203.0.113.9"
    assert pay[0].time == dt.datetime(2026, 10, 31, 10, tzinfo=dt.UTC)
    assert pay[0].summary == "code from s3://builds/pay.zip (published)"
    assert pay[2].summary == "lambda:InvokeFunction to *, url auth NONE, sid open"
    ledger = history.changes(ACCT, EU, "ledger")
    assert [(c.event_name, c.error_code) for c in ledger] == [
        ("AddPermission", "AccessDenied"),
        ("PutFunctionConcurrency", None),
    ]
    assert ledger[1].summary == "reserved concurrency 0"
    assert history.read_since[(ACCT, EU)] == START  # the pages were read to the end


def test_reads_and_other_functions_are_not_changes() -> None:
    history = parse_function_changes(snap(lookup({"Events": [EVENTS[4]]})))
    assert history.by_function == {}
    assert history.changes(ACCT, EU, "pay") == ()


def test_environment_values_are_never_in_the_summary() -> None:
    summary = parse_function_changes(snap(lookup({"Events": EVENTS}))).changes(ACCT, EU, "pay")[1].summary
    assert "hunter2" not in summary and "DB_PASSWORD" not in summary
    assert summary == "environment, timeout=30"


def test_versioned_names_map_to_their_base() -> None:
    assert base_event_name("UpdateFunctionCode20150331v2") == "UpdateFunctionCode"
    assert base_event_name("PutFunctionConcurrency20171031") == "PutFunctionConcurrency"
    assert base_event_name("AddPermission") == "AddPermission"
    assert summarise("UpdateFunctionCode", {"functionName": "f", "zipFile": "..."}) == "zip upload"


def test_function_found_from_resources_when_parameters_are_missing() -> None:
    raw = event("UpdateFunctionCode20150331v2", "2026-10-31T10:00:00+00:00", {}, event_id="x")
    raw["Resources"] = [{"ResourceType": "AWS::Lambda::Function", "ResourceName": "orphan"}]
    history = parse_function_changes(snap(lookup({"Events": [raw]})))
    assert [c.event_id for c in history.changes(ACCT, EU, "orphan")] == ["x"]


def test_a_capped_read_is_known_only_from_its_oldest_event() -> None:
    first = lookup({"Events": EVENTS[:2], "NextToken": "t1"})
    second = lookup({"Events": EVENTS[2:4], "NextToken": "t2"}, NextToken="t1")  # t2 never followed
    history = parse_function_changes(snap(first, second))
    assert history.read_since[(ACCT, EU)] == dt.datetime(2026, 10, 28, 7, tzinfo=dt.UTC)
    duplicate = parse_function_changes(snap(first, lookup({"Events": EVENTS[:1]}, NextToken="t1")))
    assert len(duplicate.changes(ACCT, EU, "pay")) == 2  # the same EventId is one change
    assert duplicate.read_since[(ACCT, EU)] == START


def test_malformed_events_are_skipped() -> None:
    broken = dict(EVENTS[0], CloudTrailEvent="{not json", EventTime=None)
    assert parse_function_changes(snap(lookup({"Events": [broken]}))).by_function == {}


# The fetcher ---------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> Any:
    with SnapshotStore(tmp_path / "store") as opened:
        yield opened


def test_fetch_pages_until_the_cap_first_page_best_effort(store: SnapshotStore) -> None:
    many = [{"Events": [EVENTS[0]]} for _ in range(cloudtrail.MAX_CHANGE_PAGES + 5)]
    stub = Stub({"lookup_events": pages("NextToken", "NextToken", many)})
    first = Stub({"lookup_events": pages("NextToken", "NextToken", many)})
    ctx = context(store, stub, best_effort_clients=lambda _service: first)
    cloudtrail.fetch_function_changes(ctx, START, START + dt.timedelta(days=14))
    assert len(first.calls) == 1 and first.calls[0][1].get("NextToken") is None
    assert len(stub.calls) == cloudtrail.MAX_CHANGE_PAGES - 1
    params = first.calls[0][1]
    assert (
        params["StartTime"] == START
        and params["LookupAttributes"][0]["AttributeValue"] == "lambda.amazonaws.com"
    )
    [ok] = [c for c in ctx.coverage if c.operation == "LookupEvents"]
    assert ok.status == "ok" and "capped" in ok.detail


def test_fetch_a_short_history_is_not_capped(store: SnapshotStore) -> None:
    stub = Stub({"lookup_events": pages("NextToken", "NextToken", [{"Events": EVENTS[:3]}, {"Events": []}])})
    ctx = context(store, stub)
    cloudtrail.fetch_function_changes(ctx, START, START + dt.timedelta(days=1))
    [ok] = [c for c in ctx.coverage if c.operation == "LookupEvents"]
    assert ok.status == "ok" and "capped" not in ok.detail and "3 Lambda events in 2 pages" in ok.detail


def test_fetch_refused_is_a_gap_not_a_crash(store: SnapshotStore) -> None:
    stub = Stub({"lookup_events": error("AccessDeniedException")})
    ctx = context(store, stub)
    cloudtrail.fetch_function_changes(ctx, START, START + dt.timedelta(days=1))
    assert [(c.operation, c.status) for c in ctx.coverage] == [("LookupEvents", "denied")]
    assert list(store.records()) == []


# The posture card ----------------------------------------------------------------------------
def functions_record() -> Record:
    fns = [
        {"FunctionName": n, "FunctionArn": f"arn:aws:lambda:{EU}:{ACCT}:function:{n}", "Role": "r"}
        for n in ("pay", "ledger", "calm")
    ]
    return Record(RecordKey(ACCT, EU, "lambda", "ListFunctions", {}), {"Functions": fns})


def test_posture_changes_in_range_collected_and_not() -> None:
    estate = load_estate(snap(functions_record(), lookup({"Events": EVENTS})))
    pay, ledger, calm = (next(f for f in estate.functions if f.name == n) for n in ("pay", "ledger", "calm"))
    changes, note = function_changes(estate, pay, dt.datetime(2026, 10, 30, tzinfo=dt.UTC))
    assert changes is not None and [c.event_name for c in changes] == [
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
    ]
    assert note == ""
    changes, note = function_changes(estate, calm, START)
    assert changes == () and note.startswith("no code, configuration, permission or concurrency change")
    changes, _ = function_changes(estate, ledger)
    assert changes is not None and len(changes) == 2
    missing = load_estate(snap(functions_record()))
    assert function_changes(missing, pay, START) == (None, CHANGES_NOT_COLLECTED)
    gap = CoverageEntry(
        ACCT, EU, "cloudtrail", "LookupEvents", "error", "HTTP 500 without an AWS error document"
    )
    failed = load_estate(snap(functions_record(), coverage=(gap,)))
    changes, note = function_changes(failed, pay, START)
    assert changes is None and note == "change history not collected (CloudTrail LookupEvents: error)"


def test_card_renders_changes_literally() -> None:
    hostile = event(
        "AddPermission20150331v2",
        "2026-10-31T10:00:00+00:00",
        {"functionName": "pay", "action": "[bold red]lambda:*", "principal": "\x1b[31m*"},
        event_id="h",
    )
    estate = load_estate(snap(functions_record(), lookup({"Events": [hostile]})))
    pay = next(f for f in estate.functions if f.name == "pay")
    changes, note = function_changes(estate, pay, START)
    posture = FunctionPosture(None, True, False, (), (), 0, None, None, changes, note)
    text = posture_text(posture, SeverityPalette({}), "role").plain
    assert "10-31 10:00 AddPermission" in text and DEPLOYER in text and "from 203.0.113.9" in text
    assert "[bold red]lambda:*" in text and "\x1b" not in text


@pytest.mark.parametrize("when", [2**62, -(2**62), float("nan"), float("inf"), True])
def test_an_event_time_out_of_any_calendar_is_no_time_not_a_crash(when: Any) -> None:
    """A wrong-shaped snapshot's EventTime: the event's own CloudTrail record dates it instead."""
    history = parse_function_changes(snap(lookup({"Events": [{**EVENTS[0], "EventTime": when}]})))
    dated = [c.time for c in history.changes(ACCT, EU, "pay")]
    assert dated == [dt.datetime(2026, 10, 31, 10, tzinfo=dt.UTC)]
