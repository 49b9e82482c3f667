"""Triage from the findings table (issue 15 point 4): `space` marks rows, `t` sets their state
with a small form, `v` filters by state; states are written to the triage file (merged with what
another writer put there meanwhile), risk accepted becomes a suppression, a resolved finding that
is still there reads `re-opened`, and an unreadable file is one line with nothing overwritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from analyzers.findings.settings import Settings, load_settings
from analyzers.findings.triage import TriageBook, load_triage, mark, record
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import until
from tests.tui.helpers import screen_text, type_text, wait_loaded
from tui.app import LambdascopeApp, create_app
from tui.screens.findings import STATE_FILTERS, FindingsScreen
from tui.screens.triage import TriageScreen

pytestmark = pytest.mark.tui


@pytest.fixture(autouse=True)
def _author(monkeypatch: pytest.MonkeyPatch) -> None:
    """The form's default author (`$USER`), fixed."""
    monkeypatch.setenv("USER", "oncall")


def _app(snapshot_path: Path, analysis: Analysis, tmp_path: Path) -> LambdascopeApp:
    settings = Settings(
        source=tmp_path / "lambdascope.toml", triage=TriageBook(source=tmp_path / "triage.toml")
    )
    return create_app(
        snapshot_path,
        analysis=analysis.with_settings(settings),
        today=TODAY,
        settings=settings,
        first_view="findings",
    )


async def _choose(pilot: Pilot[object], state: str, note: str, expires: str = "") -> None:
    """In the open form: pick `state`, type the note (and expiry), save."""
    screen = pilot.app.screen
    assert isinstance(screen, TriageScreen)
    screen.query_one(f"#state-{state}").value = True  # type: ignore[attr-defined]
    await pilot.pause()
    screen.query_one("#triage-note").focus()
    await pilot.pause()
    await type_text(pilot, note)
    if expires:
        screen.query_one("#triage-expires").focus()
        await pilot.pause()
        await type_text(pilot, expires)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _shown(app: LambdascopeApp) -> FindingsScreen:
    screen = app.screen
    assert isinstance(screen, FindingsScreen)
    return screen


async def test_marked_rows_get_a_state_and_the_filter_shows_them(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    app = _app(snapshot_path, analysis, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = _shown(app).table
        first, second = table.visible_rows[0].key, table.visible_rows[1].key
        untouched = table.visible_rows[2]
        await pilot.press("space", "space")
        assert _shown(app).marked == {first, second}
        assert "2 marked" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TriageScreen) and {f.id for f in form.findings} == {first, second}
        await _choose(pilot, "investigating", "paging payments")
        await until(
            pilot, lambda: app.analysis is not None and app.analysis.settings.triage.entries != {}, "saved"
        )
        book = load_triage(tmp_path / "triage.toml")
        assert set(book.entries) == {first, second}
        assert {e.triage.state for e in book.entries.values()} == {"investigating"}
        assert {e.triage.author for e in book.entries.values()} == {"oncall"}
        findings = _shown(app)
        assert findings.marked == set()
        # only the triaged rows were rebuilt (at 10,000 functions every row takes seconds)
        assert next(r for r in findings.table.visible_rows if r.key == untouched.key) is untouched
        assert {f.status for f in app.analysis.findings if f.id in (first, second)} == {"investigating"}  # type: ignore[union-attr]
        for _ in range(STATE_FILTERS.index("investigating")):  # v: open, acknowledged, investigating
            await pilot.press("v")
        assert findings.state_filter == "investigating"
        assert {r.key for r in findings.table.visible_rows} == {first, second}
        assert "only investigating (v)" in screen_text(app)


async def test_the_current_row_without_marks_and_a_second_writer(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    app = _app(snapshot_path, analysis, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = _shown(app).table
        current, other = table.visible_rows[0].key, table.visible_rows[5].key
        by_id = {f.id: f for f in analysis.findings}
        # someone else writes the file while this app has it open
        record(
            tmp_path / "triage.toml", [mark(by_id[other], "acknowledged", "bob", "", dt.datetime.now(dt.UTC))]
        )
        await pilot.press("t")
        await pilot.pause()
        await _choose(pilot, "false-positive", "test fixture, not deployed")
        await until(pilot, lambda: len(load_triage(tmp_path / "triage.toml")) == 2, "both entries")
        book = load_triage(tmp_path / "triage.toml")
        assert book.get(current).state == "false-positive"  # type: ignore[union-attr]
        assert book.get(other).author == "bob"  # type: ignore[union-attr]  # not lost
        assert app.analysis is not None
        statuses = {f.id: f.status for f in app.analysis.findings}
        assert statuses[current] == "false-positive" and statuses[other] == "acknowledged"


async def test_a_false_positive_needs_a_note(snapshot_path: Path, analysis: Analysis, tmp_path: Path) -> None:
    app = _app(snapshot_path, analysis, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TriageScreen)
        form.query_one("#state-false-positive").value = True  # type: ignore[attr-defined]
        form.query_one("#triage-note").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and "needs a note" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not (tmp_path / "triage.toml").exists()


async def test_risk_accepted_is_a_suppression_with_its_expiry(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    app = _app(snapshot_path, analysis, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        key = _shown(app).table.visible_rows[0].key
        await pilot.press("t")
        await pilot.pause()
        await _choose(pilot, "risk-accepted", "partner webhook, signed", expires="2027-01-31")
        await until(pilot, lambda: (tmp_path / "lambdascope.toml").exists(), "the suppression")
        (saved,) = load_settings(tmp_path / "lambdascope.toml").suppressions
        finding = next(f for f in analysis.findings if f.id == key)
        assert saved.rule == finding.rule.id and saved.expires == dt.date(2027, 1, 31)
        assert saved.matches(finding) and saved.reason == "partner webhook, signed"
        await until(pilot, lambda: app.analysis is not None and app.analysis.suppressed == 1, "applied")
        assert not (tmp_path / "triage.toml").exists()
        # the TUI says DESIGN section 5's state (the status read `suppressed` before), and `v` finds it
        await pilot.pause()
        table = _shown(app).table
        row = next(i for i, r in enumerate(table.visible_rows) if r.key == key)
        assert "risk-accepted" in table.visible_rows[row].cells[1].plain
        for _ in range(STATE_FILTERS.index("risk-accepted")):
            await pilot.press("v")
        await pilot.pause()
        assert [r.key for r in _shown(app).table.visible_rows] == [key]


async def test_a_resolved_finding_still_there_reads_reopened(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    worst = analysis.findings[0]
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # before the snapshot was collected
    book = record(tmp_path / "triage.toml", [mark(worst, "resolved", "alice", "fixed", long_ago)])
    settings = Settings(triage=book)
    app = create_app(
        snapshot_path, analysis=analysis.with_settings(settings), today=TODAY, first_view="findings"
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "re-opened" in screen_text(app)
        reopened = next(f for f in app.analysis.findings if f.id == worst.id)  # type: ignore[union-attr]
        assert reopened.status == "open" and reopened.triage is not None and reopened.triage.reopened


async def test_an_unreadable_triage_file_is_one_line_and_not_overwritten(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    app = _app(snapshot_path, analysis, tmp_path)
    broken = '[findings.abc]\nstate = "done"\nauthor = "x"\nat = 2026-01-01T00:00:00Z\n'
    (tmp_path / "triage.toml").write_text(broken)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        before = app.analysis
        await pilot.press("t")
        await pilot.pause()
        await _choose(pilot, "acknowledged", "")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("triage.toml: findings.abc.state: expected one of" in m for m in notes), notes
        assert (tmp_path / "triage.toml").read_text() == broken
        assert app.analysis is before
