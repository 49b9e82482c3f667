"""Triage states: the file's shape, its errors, merging by time, two writers, re-opening."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest

from analyzers.analysis import analyze
from analyzers.findings.model import Finding, Severity, Suppression, Triage
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import settle
from analyzers.findings.triage import (
    TriageBook,
    TriageEntry,
    apply_triage,
    collected_at,
    count_by_status,
    default_path,
    load_triage,
    mark,
    parse_triage,
    record,
    triage_toml,
)
from estate.errors import LambdascopeError
from estate.model.load import load_estate
from tests.builders import fn_arn, function, snapshot_of, statement

T0 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
TODAY = T0.date()


def _finding(resource: str = fn_arn("web"), rule_id: str = "reach.public-invoke") -> Finding:
    return Finding(RULES.get(rule_id), resource, "t", Severity.HIGH)


def _entry(
    finding: Finding, state: str, at: dt.datetime, author: str = "alice", note: str = ""
) -> TriageEntry:
    return mark(finding, state, author, note, at)


def test_a_book_round_trips_through_its_file(tmp_path: Path) -> None:
    path = tmp_path / "lambdascope-triage.toml"
    f = _finding()
    hostile = _finding(fn_arn("x"), "iam.admin")
    note = 'paging "payments"\n[red]not markup[/red] \x1b[31m \x7f'
    book = record(
        path, [_entry(f, "investigating", T0, note="on it"), _entry(hostile, "false-positive", T0, note=note)]
    )
    again = load_triage(path)
    assert again.entries == book.entries and again.found and again.read_from == path
    assert again.get(f.id) == Triage("investigating", "alice", T0, "on it")
    assert again.get(hostile.id) is not None and again.get(hostile.id).note == note  # type: ignore[union-attr]
    text = path.read_text()
    assert f"[findings.{f.id}]" in text and 'rule = "reach.public-invoke"' in text and "\x1b" not in text


def test_a_missing_file_is_an_empty_book_to_write_to(tmp_path: Path) -> None:
    book = load_triage(tmp_path / "none.toml")
    assert not book.entries and book.source == tmp_path / "none.toml" and book.read_from is None
    assert (
        default_path(tmp_path / "cfg" / "lambdascope.toml", tmp_path)
        == tmp_path / "cfg" / "lambdascope-triage.toml"
    )
    assert default_path(None, tmp_path) == tmp_path / "lambdascope-triage.toml"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("not toml = = 1", "not valid TOML"),
        ("[other]\nx = 1", "other: unknown key"),
        ("findings = 3", "findings: expected tables"),
        (
            '[findings.a]\nstate = "done"\nauthor = "a"\nat = 2026-12-07T09:00:00Z',
            "findings.a.state: expected one of",
        ),
        (
            '[findings.a]\nstate = "risk-accepted"\nauthor = "a"\nat = 2026-12-07T09:00:00Z',
            "lambdascope.toml",
        ),
        (
            '[findings.a]\nstate = "resolved"\nauthor = ""\nat = 2026-12-07T09:00:00Z',
            "findings.a.author: required",
        ),
        (
            '[findings.a]\nstate = "resolved"\nauthor = "a"\nat = 2026-12-07T09:00:00',
            "findings.a.at: expected",
        ),
        ('[findings.a]\nstate = "resolved"\nauthor = "a"\nat = "yesterday"', "findings.a.at: expected"),
        (
            '[findings.a]\nstate = "resolved"\nauthor = "a"\nat = 2026-12-07T09:00:00Z\nnote = 3',
            "findings.a.note",
        ),
        (
            '[findings.a]\nstate = "resolved"\nauthor = "a"\nat = 2026-12-07T09:00:00Z\nwho = "b"',
            "findings.a.who",
        ),
    ],
)
def test_a_bad_file_is_one_line_naming_it_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "t.toml"
    with pytest.raises(LambdascopeError) as err:
        parse_triage(text, path)
    assert str(err.value).startswith(f"{path}: ") and key in str(err.value) and "\n" not in str(err.value)


def test_an_unreadable_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text("[findings.a]\nstate = 'nope'\n")
    with pytest.raises(LambdascopeError, match=r"findings\.a\.state"):
        record(path, [_entry(_finding(), "acknowledged", T0)])
    assert path.read_text() == "[findings.a]\nstate = 'nope'\n"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(LambdascopeError, match="cannot read triage file"):
        load_triage(path)


def test_merge_keeps_the_later_state_per_finding() -> None:
    a, b = _finding(fn_arn("a")), _finding(fn_arn("b"))
    book = TriageBook().merged([_entry(a, "investigating", T0), _entry(b, "acknowledged", T0)])
    older = _entry(a, "resolved", T0 - dt.timedelta(hours=1), author="bob")
    newer = _entry(b, "false-positive", T0 + dt.timedelta(hours=1), author="bob")
    merged = book.merged([older, newer])
    assert merged.get(a.id) == book.get(a.id)  # bob's older verdict loses
    assert merged.get(b.id) == newer.triage


def _writer(path: str, name: str, count: int, start: str) -> None:
    """A second person (a process of its own) writing states one at a time."""
    at = dt.datetime.fromisoformat(start)
    for i in range(count):
        finding = _finding(fn_arn(f"{name}-{i}"))
        record(Path(path), [mark(finding, "acknowledged", name, f"{name} {i}", at + dt.timedelta(seconds=i))])


def test_two_writers_lose_none_of_each_others_entries(tmp_path: Path) -> None:
    path = tmp_path / "lambdascope-triage.toml"
    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=_writer, args=(str(path), name, 25, T0.isoformat()))
        for name in ("alice", "bob")
    ]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    book = load_triage(path)
    assert len(book) == 50
    assert {e.triage.author for e in book.entries.values()} == {"alice", "bob"}
    assert not list(tmp_path.glob(".lambdascope-triage.toml.*[!k]"))  # no temporary file left


def test_a_resolved_finding_that_is_still_there_reopens() -> None:
    f = _finding()
    book = TriageBook().merged([_entry(f, "resolved", T0, note="fixed in prod")])
    same_snapshot = apply_triage([f], book, T0 - dt.timedelta(hours=2))[0]
    assert same_snapshot.status == "resolved" and not same_snapshot.triage.reopened  # type: ignore[union-attr]
    later = apply_triage([f], book, T0 + dt.timedelta(days=1))[0]
    assert later.status == "open" and later.triage is not None and later.triage.reopened
    assert later.to_json()["triage"]["reopened"] is True
    investigating = TriageBook().merged([_entry(f, "investigating", T0)])
    assert apply_triage([f], investigating, T0 + dt.timedelta(days=1))[0].status == "investigating"


def test_untriaged_findings_are_returned_as_they_were() -> None:
    f, g = _finding(fn_arn("a")), _finding(fn_arn("b"))
    out = apply_triage([f, g], TriageBook().merged([_entry(g, "acknowledged", T0)]), None)
    assert out[0] is f and out[1].status == "acknowledged"
    stale = replace(f, triage=Triage("acknowledged", "a", T0))
    assert apply_triage([stale], TriageBook(), None)[0].triage is None
    assert apply_triage([f], TriageBook(), None)[0] is f  # an empty book passes each one on as itself


def test_a_suppression_wins_over_a_triage_state() -> None:
    f = _finding()
    settings = Settings(
        suppressions=(Suppression("reach.*", "partner", "carol"),),
        triage=TriageBook().merged([_entry(f, "investigating", T0)]),
    )
    settled = settle([f], settings, TODAY, T0).findings[0]
    # a suppression is DESIGN section 5's risk-accepted state (the status read `suppressed` before)
    assert settled.status == "risk-accepted" and settled.triage is not None
    assert count_by_status([settled, _finding(fn_arn("z"))]) == {"open": 1, "risk-accepted": 1}


def test_mark_refuses_what_the_file_cannot_hold() -> None:
    with pytest.raises(ValueError, match="risk-accepted"):
        mark(_finding(), "risk-accepted", "a", "", T0)
    with pytest.raises(ValueError, match="author"):
        mark(_finding(), "resolved", " ", "", T0)
    with pytest.raises(ValueError, match="time zone"):
        Triage("resolved", "a", T0.replace(tzinfo=None))


def test_findings_json_round_trips_with_triage() -> None:
    f = replace(_finding(), triage=Triage("resolved", "a", T0, "n", reopened=True))
    back = Finding.from_json(f.to_json(), {r.id: r for r in RULES})
    assert back == f and back.status == "open"
    bad = {**f.to_json(), "status": "resolved"}  # a re-opened finding is open
    with pytest.raises(ValueError, match="status disagrees"):
        Finding.from_json(bad, {r.id: r for r in RULES})


def test_collected_at_reads_manifest_times() -> None:
    assert collected_at("2026-12-07T09:00:00Z") == T0
    assert collected_at("2026-12-07T09:00:00") == T0
    assert collected_at("nonsense") is None and collected_at(None) is None


def test_an_analysis_carries_states_across_settings_changes() -> None:
    estate = load_estate(snapshot_of([function("web")], policies={"web": [statement("*")]}))
    analysis = analyze(estate, TODAY)
    public = next(f for f in analysis.findings if f.rule.id == "reach.public-invoke")
    book = TriageBook().merged([_entry(public, "investigating", T0)])
    triaged = analysis.with_settings(replace(analysis.settings, triage=book))
    assert next(f for f in triaged.findings if f.id == public.id).status == "investigating"
    assert triaged.raw_findings is analysis.raw_findings  # no rule re-ran
    assert triage_toml(book).count("[findings.") == 1
