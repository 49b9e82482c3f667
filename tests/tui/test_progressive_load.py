"""The app paints the functions table from the model, then fills in the analysis (issue 13.5).

Each test holds the analysis at its `access` stage (`held_analysis`), so what the app shows
before the analysis is done is on screen for as long as the test needs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.worker import Worker, WorkerFailed, WorkerState

from analyzers.analysis import Analysis
from estate.errors import LambdascopeError
from estate.snapshot import Snapshot, load_snapshot
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tests.tui.helpers import screen_text, type_text
from tui.app import create_app
from tui.screens.analysis_pending import AnalysisPendingScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.screens.help import HelpScreen
from tui.viewmodels.loading import PENDING_MARK, Pending
from tui.viewmodels.summary import summarise_functions
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui

COUNTS = slice(5, 9)  # the C H M L columns of the functions table


def _cells(table: ResourceTable, columns: slice) -> dict[str, tuple[str, ...]]:
    return {row.key: tuple(cell.plain for cell in row.cells[columns]) for row in table.visible_rows}


def _expected_counts(analysis: Analysis) -> dict[str, tuple[str, ...]]:
    return {
        s.function.arn: tuple(str(n) if n else "·" for n in s.counts) for s in summarise_functions(analysis)
    }


async def test_functions_table_paints_before_the_analysis_and_fills_in(
    snapshot_path: Path, analysis: Analysis, held_analysis: HeldAnalysis
) -> None:
    functions = analysis.estate.functions
    app = create_app(snapshot_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the model painted, the analysis held")
        screen = app.screen
        assert isinstance(screen, FunctionsScreen)
        assert app.analysis is None
        table = screen.table
        assert table.row_count == len(functions)
        assert sorted(r.key for r in table.visible_rows) == sorted(f.arn for f in functions)
        assert [table.cell_text(r, 0) for r in range(table.row_count)] == sorted(
            (f.name for f in functions), key=str.lower
        )
        assert set(_cells(table, COUNTS).values()) == {(PENDING_MARK,) * 4}
        assert {table.cell_text(r, 3) for r in range(table.row_count)} == {PENDING_MARK}  # invokers
        text = screen_text(app)
        assert "analysing: access" in text
        assert "stage 3 of 4" in text

        # keys work while it is analysed: filter, move, sort, help
        await pilot.press("slash")
        await type_text(pilot, functions[0].name)
        await pilot.press("enter")
        assert 0 < table.row_count < len(functions)
        await pilot.press("escape")  # clears the filter
        assert table.row_count == len(functions)
        await pilot.press("g", "j", "j", "k")
        chosen = table.highlighted_key
        assert chosen == table.visible_rows[1].key
        await pilot.press("s")  # by region
        assert "Region ▲" in screen_text(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Filter" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is screen
        assert table.highlighted_key == chosen
        assert not held_analysis.released and isinstance(app.state, Pending)

        held_analysis.release()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.analysis is not None
        assert app.screen is screen  # filled in place: sort and cursor kept
        assert table.sort_index == 1
        assert table.highlighted_key == chosen
        assert _cells(table, COUNTS) == _expected_counts(analysis)
        assert PENDING_MARK not in {table.cell_text(r, 3) for r in range(table.row_count)}
        text = screen_text(app)
        assert "analysing" not in text
        assert f"{len(analysis.findings)} findings" in text
    assert not held_analysis.timed_out


async def test_views_that_need_the_analysis_name_the_stage_then_open(
    snapshot_path: Path, analysis: Analysis, held_analysis: HeldAnalysis
) -> None:
    app = create_app(snapshot_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
        for key, label in (("i", "IAM"), ("o", "Posture"), ("e", "Reachability"), ("a", "Anomalies")):
            await pilot.press(key)
            assert isinstance(app.screen, AnalysisPendingScreen), label
            text = screen_text(app)
            assert label in text and "analysing: access" in text
        await pilot.press("c")  # coverage draws from the model alone
        assert app.screen.query_one(ResourceTable).row_count == len(analysis.estate.gaps)
        await pilot.press("f")  # back to the functions, the table as it was
        assert isinstance(app.screen, FunctionsScreen)
        await pilot.press("F")  # the findings wait...
        assert isinstance(app.screen, AnalysisPendingScreen)
        assert app.current_mode == "findings"
        held_analysis.release()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)  # ...and open when it is done
        assert app.screen.query_one(ResourceTable).row_count == len(analysis.findings)
        await pilot.press("f")
        assert isinstance(app.screen, FunctionsScreen)
        assert _cells(app.screen.table, COUNTS) == _expected_counts(analysis)


async def test_function_detail_shows_the_model_and_waits_for_the_rest(
    snapshot_path: Path, analysis: Analysis, held_analysis: HeldAnalysis
) -> None:
    fn = next(f for f in analysis.estate.functions if analysis.findings_for(f.arn))
    app = create_app(snapshot_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
        await pilot.press("ctrl+p")  # the palette finds functions from the model
        await type_text(pilot, f"open: function {fn.name}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FunctionDetailScreen), "the detail")
        text = screen_text(app)
        assert fn.name in text and "Configuration" in text and "Execution role" in text
        assert "Who can invoke it and why" in text
        assert text.count("analysing: access") >= 2  # invokers and findings wait
        held_analysis.release()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        assert "analysing" not in screen_text(app)
        findings = app.screen.query_one("#findings")
        assert findings.border_title == f"Findings ({len(analysis.findings_for(fn.arn))})"


def test_quit_while_analysing_exits_at_once_and_stops_the_analysis(
    snapshot_path: Path, held_analysis: HeldAnalysis, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(snapshot_path, today=TODAY)
    workers: list[Worker[Any]] = []

    async def quit_while_analysing() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
            workers.extend(w for w in app.workers if w.group == "load")
            await pilot.press("q")
            await pilot.pause()

    # asyncio.run returns once the loop's worker threads have ended (as `lambdascope open` does
    # before the process exits): it returned while the analysis was still held, so quitting did
    # not wait for the analysis
    asyncio.run(quit_while_analysing())
    assert not held_analysis.released
    assert not app.is_running
    assert app.return_code == 0
    assert [w.state for w in workers] == [WorkerState.CANCELLED]
    loads = [t for t in threading.enumerate() if t.name == "lambdascope-load"]
    held_analysis.release()  # the analysis goes on to its next stage, where it stops
    for thread in loads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert not held_analysis.timed_out
    assert "Traceback" not in capsys.readouterr().err


async def test_an_analysis_failure_is_reported_once_and_ends_the_app(
    snapshot_path: Path, held_analysis: HeldAnalysis
) -> None:
    held_analysis.fail_with = LambdascopeError("policy [bold]p[/bold] unreadable\nsecond line")
    notices: list[tuple[str, str]] = []
    app = create_app(snapshot_path, today=TODAY)

    def notify(message: str, *, title: str = "", **_kwargs: Any) -> None:
        notices.append((title, message))

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
        assert isinstance(app.screen, FunctionsScreen)
        held_analysis.release()
        with contextlib.suppress(WorkerFailed):  # Textual re-raises a failed worker to its waiter
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert notices == [("Cannot analyse the estate", "lambdascope: policy [bold]p[/bold] unreadable")]


async def test_live_paints_the_collected_model_before_the_analysis(
    snapshot_path: Path, analysis: Analysis, held_analysis: HeldAnalysis
) -> None:
    demo = load_snapshot(snapshot_path)

    def collection(progress: object, cancelled: threading.Event) -> Snapshot:
        return demo

    app = create_app(collection=collection, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the collected model painted")
        assert isinstance(app.screen, FunctionsScreen)
        assert app.screen.table.row_count == len(analysis.estate.functions)
        assert "analysing: access" in screen_text(app)
        held_analysis.release()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.analysis is not None
        assert len(app.analysis.findings) == len(analysis.findings)
