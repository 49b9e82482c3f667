"""Every findings format carries the triage state; triage never forces a re-analysis."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from analyzers.analysis import analyze_snapshot
from analyzers.findings.model import Finding
from analyzers.findings.triage import load_triage, mark, record
from estate.snapshot import export_snapshot, load_snapshot
from tests.builders import fn_arn, function, snapshot_of, statement
from tui.cli.lambdascope import main

AS_OF = "2026-06-01"
BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # before any snapshot: a resolved mark re-opens
AFTER = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)  # after the snapshot: resolved stays resolved


@pytest.fixture
def snap_file(tmp_path: Path) -> Path:
    snap = snapshot_of(
        [function("web"), function("api", runtime="python3.7"), function("old", runtime="python3.7")],
        policies={"web": [statement("*")]},
    )
    return export_snapshot(snap, tmp_path / "s.lsnap")


@pytest.fixture
def findings(snap_file: Path) -> dict[tuple[str, str], Finding]:
    analysis = analyze_snapshot(load_snapshot(snap_file), dt.date.fromisoformat(AS_OF))
    return {(f.rule.id, f.resource): f for f in analysis.findings}


@pytest.fixture
def _id(findings: dict[tuple[str, str], Finding]) -> Any:
    return lambda rule, name: findings[(rule, fn_arn(name))]


@pytest.fixture
def triage_file(tmp_path: Path, _id: Any) -> Path:
    path = tmp_path / "states.toml"
    record(
        path,
        [
            mark(_id("reach.public-invoke", "web"), "investigating", "alice", "paging payments", BEFORE),
            mark(_id("config.runtime-deprecated", "api"), "false-positive", "bob", "=HYPERLINK(x)", BEFORE),
            mark(_id("config.runtime-deprecated", "old"), "resolved", "carol", "upgraded", BEFORE),
        ],
    )
    return path


def _run(capsys: pytest.CaptureFixture[str], snap: Path, fmt: str, *extra: str) -> str:
    code = main(["findings", str(snap), "--format", fmt, "--as-of", AS_OF, *extra])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return out


def _by(out: list[dict[str, Any]], rule: str, name: str) -> dict[str, Any]:
    return next(f for f in out if f["rule"] == rule and f["resource"] == fn_arn(name))


def test_json_status_and_triage(
    snap_file: Path, triage_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(_run(capsys, snap_file, "json", "--triage", str(triage_file)))
    found = doc["findings"]
    web = _by(found, "reach.public-invoke", "web")
    assert web["status"] == "investigating" and web["triage"]["note"] == "paging payments"
    assert _by(found, "config.runtime-deprecated", "api")["status"] == "false-positive"
    old = _by(found, "config.runtime-deprecated", "old")
    assert old["status"] == "open" and old["triage"]["reopened"] is True  # resolved, yet still there
    assert doc["triage"]["file"] == str(triage_file)
    assert (
        doc["triage"]["statuses"]["investigating"] == 1 and doc["triage"]["statuses"]["false-positive"] == 1
    )


def test_without_a_triage_file_everything_is_open(
    snap_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = json.loads(_run(capsys, snap_file, "json"))
    assert {f["status"] for f in doc["findings"]} == {"open"} and doc["triage"]["file"] is None
    assert all(f["triage"] is None for f in doc["findings"])


def test_the_default_file_is_found_in_the_working_directory(
    snap_file: Path,
    triage_file: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "lambdascope-triage.toml").write_text(triage_file.read_text())
    monkeypatch.chdir(tmp_path)
    doc = json.loads(_run(capsys, snap_file, "json"))
    assert _by(doc["findings"], "reach.public-invoke", "web")["status"] == "investigating"


def test_csv_markdown_sarif_carry_the_state(
    snap_file: Path, triage_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(capsys, snap_file, "csv", "--triage", str(triage_file)))))
    api = next(r for r in rows if r["rule"] == "config.runtime-deprecated" and r["resource"] == fn_arn("api"))
    assert api["status"] == "false-positive" and api["triage"].startswith("false-positive by bob at ")
    assert api["triage"].endswith(": =HYPERLINK(x)")  # not at the cell's start: no formula
    old = next(r for r in rows if r["rule"] == "config.runtime-deprecated" and r["resource"] == fn_arn("old"))
    assert old["status"] == "open" and old["triage"].startswith("re-opened, was resolved by carol")

    md = _run(capsys, snap_file, "markdown", "--triage", str(triage_file)).replace("\\", "")
    assert "Status: open " in md and "investigating 1" in md and "false-positive 1" in md
    assert "1 marked resolved but found again, re-opened" in md
    assert "(investigating by alice at 2020-01-01T00:00:00+00:00: paging payments)" in md

    run = json.loads(_run(capsys, snap_file, "sarif", "--triage", str(triage_file)))["runs"][0]
    results = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]): r
        for r in run["results"]
    }
    (review,) = results[("reach.public-invoke", fn_arn("web"))]["suppressions"]
    assert review["status"] == "underReview" and review["justification"] == "investigating: paging payments"
    (fp,) = results[("config.runtime-deprecated", fn_arn("api"))]["suppressions"]
    assert fp["status"] == "accepted"
    reopened = results[("config.runtime-deprecated", fn_arn("old"))]
    assert reopened["suppressions"] == [] and reopened["properties"]["status"] == "open"


def test_ocsf_and_asff_map_the_states(
    snap_file: Path, triage_file: Path, capsys: pytest.CaptureFixture[str], _id: Any
) -> None:
    ocsf = json.loads(_run(capsys, snap_file, "ocsf", "--triage", str(triage_file)))
    by_uid = {f["finding_info"]["uid"]: f for f in ocsf}
    web = by_uid[_id("reach.public-invoke", "web").id]
    assert web["status"] == "InProgress" and web["status_detail"] == "investigating by alice: paging payments"
    assert by_uid[_id("config.runtime-deprecated", "api").id]["status"] == "Suppressed"
    assert by_uid[_id("config.runtime-deprecated", "old").id]["status"] == "New"
    asff = json.loads(_run(capsys, snap_file, "asff", "--triage", str(triage_file)))
    by_id = {f["Id"]: f for f in asff}
    web_asff = by_id[_id("reach.public-invoke", "web").id]
    assert web_asff["Workflow"]["Status"] == "NOTIFIED" and web_asff["Note"]["UpdatedBy"] == "alice"
    assert by_id[_id("config.runtime-deprecated", "api").id]["Workflow"]["Status"] == "SUPPRESSED"
    assert by_id[_id("config.runtime-deprecated", "old").id]["Workflow"]["Status"] == "NEW"


def test_false_positive_and_resolved_do_not_fail_the_build(
    snap_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], _id: Any
) -> None:
    argv = ["findings", str(snap_file), "--as-of", AS_OF, "--fail-on", "critical"]
    assert main(argv) == 1  # the public function URL is critical
    path = tmp_path / "t.toml"
    record(path, [mark(_id("reach.public-invoke", "web"), "false-positive", "a", "", BEFORE)])
    assert main([*argv, "--triage", str(path)]) == 0
    record(path, [mark(_id("reach.public-invoke", "web"), "investigating", "a", "", AFTER)])
    assert main([*argv, "--triage", str(path)]) == 1  # the later state wins; investigating is open
    record(path, [mark(_id("reach.public-invoke", "web"), "resolved", "a", "", AFTER + dt.timedelta(days=1))])
    assert main([*argv, "--triage", str(path)]) == 0  # resolved after this snapshot was taken
    capsys.readouterr()


def test_triage_applies_to_a_cache_hit_without_analysing(
    snap_file: Path, triage_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {
        fmt: _run(capsys, snap_file, fmt, "--no-cache", "--triage", str(triage_file))
        for fmt in ("json", "csv")
    }
    _run(capsys, snap_file, "json")  # analysed and cached without triage

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("triage forced a re-analysis")

    monkeypatch.setattr("analyzers.analysis.analyze_snapshot", refuse)
    for fmt, text in expected.items():
        assert _run(capsys, snap_file, fmt, "--triage", str(triage_file)) == text, fmt


def test_an_unreadable_triage_file_is_one_line_and_exit_2(
    snap_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[findings.abc]\nstate = "fixed"\n')
    assert main(["findings", str(snap_file), "--triage", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith(f"lambdascope: error: {path}: findings.abc.state: expected one of") and "\n" not in err
    )
    assert path.read_text() == '[findings.abc]\nstate = "fixed"\n'
    assert load_triage(tmp_path / "absent.toml").entries == {}
