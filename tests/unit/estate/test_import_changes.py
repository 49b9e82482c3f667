"""`lambdascope import` of CloudTrail's recent Lambda management events (LookupEvents): the
request file (the window) beside the CLI's joined output, stored under the collector's key and
read by the model as a collection is; files that do not fit are gaps naming the file and field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from estate.errors import LambdascopeError
from estate.model.audit import parse_function_changes
from estate.model.load import load_estate
from estate.snapshot import Snapshot, SnapshotStore
from estate.sources.dumps import ImportOptions, import_dump
from estate.sources.dumps.accepted_changes import LOOKUP_ATTRIBUTES, MAX_EVENTS
from estate.sources.live import cloudtrail
from tests.paths import ROOT
from tests.unit.estate.fuzz_mutations import HOSTILE, applied, described, json_paths
from tests.unit.estate.test_collector_fetchers import Stub, context, pages
from tests.unit.estate.test_function_changes import ACCT, EU, EVENTS, START

END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
REQUEST = {
    "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": "lambda.amazonaws.com"}],
    "StartTime": "2026-10-18T00:00:00Z",
    "EndTime": "2026-11-01T00:00:00Z",
}
FUNCTIONS = {
    "Functions": [
        {"FunctionName": n, "FunctionArn": f"arn:aws:lambda:{EU}:{ACCT}:function:{n}", "Role": "r"}
        for n in ("pay", "ledger")
    ]
}
OUTPUT = f"{EU}/cloudtrail-lookup-events.json"
REQUEST_FILE = f"{EU}/cloudtrail-lookup-events-request.json"


def _import(root: Path, files: dict[str, Any], **options: Any) -> Snapshot:
    for name, content in {f"{EU}/lambda-list-functions.json": FUNCTIONS, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return import_dump(ImportOptions(root, **options))


def _coverage(snapshot: Snapshot) -> list[tuple[str, str]]:
    return [(c.status, c.detail) for c in snapshot.manifest.coverage if c.operation == "LookupEvents"]


def _collected_key(tmp_path: Path) -> dict[str, Any]:
    """The request parameters the collector stores its first LookupEvents page under."""
    stub = Stub({"lookup_events": pages("NextToken", "NextToken", [{"Events": EVENTS}])})
    with SnapshotStore(tmp_path / "store") as store:
        cloudtrail.fetch_function_changes(context(store, stub), START, END)
        [record] = list(store.records())
    return dict(record.key.params)


def test_the_output_is_stored_under_the_collectors_first_page_key(tmp_path: Path) -> None:
    snapshot = _import(tmp_path / "dump", {REQUEST_FILE: REQUEST, OUTPUT: {"Events": EVENTS}})
    [record] = snapshot.responses("cloudtrail", "LookupEvents")
    assert (record.key.account, record.key.region) == (ACCT, EU)
    assert record.key.params == _collected_key(tmp_path)
    assert record.response == {"Events": EVENTS}
    assert _coverage(snapshot) == [("ok", f"6 Events from {OUTPUT}")]
    history = parse_function_changes(snapshot)
    assert history.read_since == {(ACCT, EU): START}  # the whole window was read
    assert [c.event_name for c in history.changes(ACCT, EU, "pay")] == [
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
        "AddPermission",
    ]
    assert [(c.event_name, c.error_code) for c in history.changes(ACCT, EU, "ledger")] == [
        ("AddPermission", "AccessDenied"),
        ("PutFunctionConcurrency", None),
    ]


def test_a_history_cut_by_max_items_is_known_from_its_oldest_event(tmp_path: Path) -> None:
    cut = {"Events": EVENTS[:2], "NextToken": "eyJOZXh0VG9rZW4iOiAiMiJ9"}  # what --max-items leaves
    snapshot = _import(tmp_path, {REQUEST_FILE: REQUEST, OUTPUT: cut})
    [(status, detail)] = _coverage(snapshot)
    assert status == "ok" and detail.endswith("cut short by --max-items (NextToken), the rest not read")
    oldest = dt.datetime(2026, 10, 30, 9, tzinfo=dt.UTC)  # EVENTS[1]
    assert parse_function_changes(snapshot).read_since == {(ACCT, EU): oldest}


def test_cli_v1_epoch_event_times_are_stored_as_the_collector_stores_times(tmp_path: Path) -> None:
    epoch = [{**e, "EventTime": dt.datetime.fromisoformat(e["EventTime"]).timestamp()} for e in EVENTS]
    snapshot = _import(tmp_path, {REQUEST_FILE: REQUEST, OUTPUT: {"Events": epoch}})
    [record] = snapshot.responses("cloudtrail", "LookupEvents")
    assert record.response == {"Events": EVENTS}


def test_the_flat_layout_and_a_request_with_an_offset_window(tmp_path: Path) -> None:
    request = {**REQUEST, "StartTime": "2026-10-18T02:00:00+02:00", "EndTime": "2026-11-01T01:00:00+01:00"}
    files = {"lambda-list-functions.json": FUNCTIONS, "cloudtrail-lookup-events-request.json": request}
    files["cloudtrail-lookup-events.json"] = {"Events": []}
    root = tmp_path / "flat"
    for name, content in files.items():
        root.mkdir(exist_ok=True)
        (root / name).write_text(json.dumps(content))
    snapshot = import_dump(ImportOptions(root))
    [record] = snapshot.responses("cloudtrail", "LookupEvents")
    assert record.key.region == EU and record.key.params == _collected_key(tmp_path)
    assert _coverage(snapshot) == [("ok", "0 Events from cloudtrail-lookup-events.json")]


def test_no_output_is_a_gap_not_in_the_dump(tmp_path: Path) -> None:
    snapshot = _import(tmp_path, {REQUEST_FILE: REQUEST})
    assert _coverage(snapshot) == [("missing", "not in the dump")]
    assert snapshot.responses("cloudtrail", "LookupEvents") == []


def test_a_refusal_saved_by_the_script_is_a_gap_with_its_reason(tmp_path: Path) -> None:
    denied = (
        "\nAn error occurred (AccessDeniedException) when calling the LookupEvents operation: "
        "User: arn:aws:sts::111122223333:assumed-role/audit/x is not authorized\n"
    )
    snapshot = _import(tmp_path, {REQUEST_FILE: REQUEST, OUTPUT: denied})
    [(status, detail)] = _coverage(snapshot)
    assert status == "denied" and detail.startswith("AccessDeniedException: User:")
    assert snapshot.responses("cloudtrail", "LookupEvents") == []


def test_an_output_without_its_request_is_one_line_naming_both(tmp_path: Path) -> None:
    with pytest.raises(LambdascopeError) as raised:
        _import(tmp_path, {OUTPUT: {"Events": EVENTS}})
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{OUTPUT}: needs cloudtrail-lookup-events-request.json in the same directory")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": "sns.amazonaws.com"}]},
            "$.LookupAttributes: expected [{AttributeKey: EventSource, AttributeValue: "
            "lambda.amazonaws.com}], the collector's filter",
        ),
        ({"LookupAttributes": []}, "$.LookupAttributes: expected [{AttributeKey: EventSource"),
        ({"StartTime": "2026-10-18T00:00:00"}, "$.StartTime: expected datetime with a timezone component"),
        ({"EndTime": 1793491200}, "$.EndTime: expected datetime, got int"),
        ({"EndTime": "2026-10-18T00:00:00Z"}, "$.EndTime: expected a time after StartTime"),
        ({"NextToken": "abc"}, "object contains unknown field NextToken"),
        ({"EventCategory": "insight"}, "object contains unknown field EventCategory"),
        (
            {"LookupAttributes": [{"AttributeKey": "EventSource"}]},
            "object missing required field AttributeValue",
        ),
    ],
)
def test_a_request_that_is_not_the_collectors_is_a_gap_naming_the_file_and_field(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    snapshot = _import(tmp_path, {REQUEST_FILE: {**REQUEST, **change}, OUTPUT: {"Events": EVENTS}})
    [(status, detail)] = _coverage(snapshot)
    assert status == "error"
    assert detail.startswith(f"{REQUEST_FILE}: malformed request: ") and problem in detail, detail
    assert snapshot.responses("cloudtrail", "LookupEvents") == []  # never stored under a wrong key


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        (
            {"Events": [{**EVENTS[0], "EventTime": ["2026"]}]},
            "$.Events[0].EventTime: expected float | str | null, got array",
        ),
        (
            {"Events": [{**EVENTS[0], "CloudTrailEvent": 7}]},
            "$.Events[0].CloudTrailEvent: expected str | object",
        ),
        ({"Events": "none"}, "$.Events: expected array | null, got str"),
        ({"Events": [], "NextToken": 5}, "$.NextToken: expected str | null, got int"),
        (
            {"Events": [{**EVENTS[0], "EventTime": 2**62}]},
            "$.Events[0].EventTime: expected epoch seconds of a date (years 1970-9999), "
            "got 4611686018427387904",
        ),
        ({"Events": [{**EVENTS[0], "EventTime": -1}]}, "$.Events[0].EventTime: expected epoch seconds"),
    ],
)
def test_a_wrong_shaped_output_is_a_gap_naming_the_file_and_field(
    tmp_path: Path, output: dict[str, Any], problem: str
) -> None:
    snapshot = _import(tmp_path, {REQUEST_FILE: REQUEST, OUTPUT: output})
    [(status, detail)] = _coverage(snapshot)
    assert status == "error" and detail.startswith(f"{OUTPUT}: malformed response: {problem}"), detail
    assert snapshot.responses("cloudtrail", "LookupEvents") == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            OUTPUT,
            {"Trails": []},
            "does not look like the output of `aws cloudtrail lookup-events` (no Events",
        ),
        (OUTPUT, [], "expected a JSON object from `aws cloudtrail lookup-events`, got a list"),
        (REQUEST_FILE, "not json", "neither JSON nor an AWS CLI error message"),
    ],
)
def test_a_file_that_is_not_that_commands_at_all_is_one_line(
    tmp_path: Path, name: str, content: Any, message: str
) -> None:
    files = {REQUEST_FILE: REQUEST, OUTPUT: {"Events": []}, name: content}
    with pytest.raises(LambdascopeError) as raised:
        _import(tmp_path, files)
    assert str(raised.value).startswith(name) and message in str(raised.value), str(raised.value)


def test_hostile_event_text_is_kept_as_data(tmp_path: Path) -> None:
    """Event fields are untrusted: markup and escapes are stored verbatim (the views render them
    literally), never interpreted or dropped by the import."""
    hostile = "[bold red]x[/]\x1b[2J"
    event = {**EVENTS[0], "Username": hostile}
    snapshot = _import(tmp_path, {REQUEST_FILE: REQUEST, OUTPUT: {"Events": [event]}})
    [record] = snapshot.responses("cloudtrail", "LookupEvents")
    assert record.response["Events"][0]["Username"] == hostile


def _mutations() -> list[tuple[str, tuple[str | int, ...], Any]]:
    """Every position of the request and of a one-event output, with every hostile value."""
    output = {"Events": [EVENTS[1]], "NextToken": "t"}
    return [
        (name, path, value)
        for name, content in ((REQUEST_FILE, REQUEST), (OUTPUT, output))
        for path in json_paths(content)
        for value in HOSTILE
    ]


def test_a_hostile_value_anywhere_is_refused_in_one_line_or_a_gap_naming_the_file(tmp_path: Path) -> None:
    """Exhaustive over both files' positions: never a traceback, never a wrong-keyed record."""
    base = {REQUEST_FILE: REQUEST, OUTPUT: {"Events": [EVENTS[1]], "NextToken": "t"}}
    collected = _collected_key(tmp_path)
    for n, (name, path, value) in enumerate(_mutations()):
        label = f"{name} {described(path, value)}"
        files = {**base, name: applied(base[name], path, value)}
        try:
            snapshot = _import(tmp_path / str(n), files)
        except LambdascopeError as exc:  # not that command's output at all: one line naming it
            assert "\n" not in str(exc) and str(exc).startswith(name), (label, str(exc))
            continue
        [(status, detail)] = _coverage(snapshot)
        records = snapshot.responses("cloudtrail", "LookupEvents")
        if status == "ok":
            [record] = records
            assert record.key.params == collected, label
            assert load_estate(snapshot).function_changes is not None, label  # the model reads it
        else:
            assert status == "error" and detail.startswith(f"{name}: malformed "), (label, detail)
            assert records == [], label


def test_the_dump_script_asks_for_the_collectors_pages_and_filter() -> None:
    """The script's read is the collector's (tests/integration/test_dump_script.py runs it)."""
    script = (ROOT / "scripts" / "dump-estate.sh").read_text()
    assert f"--page-size {cloudtrail.EVENTS_PER_PAGE} --max-items {MAX_EVENTS}" in script
    assert MAX_EVENTS == cloudtrail.MAX_CHANGE_PAGES * cloudtrail.EVENTS_PER_PAGE
    wanted = LOOKUP_ATTRIBUTES[0]
    assert f'AttributeKey: "{wanted["AttributeKey"]}", AttributeValue: "{wanted["AttributeValue"]}"' in script
