"""The coverage-gaps pane and `lambdascope live`'s in-TUI collection progress, driven by keys."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from analyzers.analysis import Analysis
from estate.snapshot import CoverageEntry, Snapshot, load_snapshot
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, wait_loaded
from tui.app import create_app
from tui.screens.coverage import CoverageScreen
from tui.screens.functions import FunctionsScreen
from tui.widgets.collect_progress import CollectProgress
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui


async def test_c_lists_every_coverage_gap_and_t_shows_all(snapshot_path: Path, analysis: Analysis) -> None:
    gaps = analysis.estate.gaps
    assert gaps, "the demo snapshot records coverage gaps (moto lacks some APIs)"
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert f"{len(gaps)} coverage gaps" in str(app.sub_title)
        await pilot.press("c")
        assert isinstance(app.screen, CoverageScreen)
        table = app.screen.query_one(ResourceTable)
        assert table.row_count == len(gaps)
        shown = {(table.cell_text(r, 4), table.cell_text(r, 0)) for r in range(table.row_count)}
        assert shown == {(g.operation, g.status) for g in gaps}
        assert "ok" not in {table.cell_text(r, 0) for r in range(table.row_count)}
        await pilot.press("t")
        assert table.row_count == len(analysis.estate.manifest.coverage)
        await pilot.press("t", "escape")
        assert table.row_count == len(gaps)
        await pilot.press("escape")
        assert isinstance(app.screen, FunctionsScreen)


async def test_coverage_filter_finds_one_operation(snapshot_path: Path, analysis: Analysis) -> None:
    target = analysis.estate.gaps[0]
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("c", "slash")
        await pilot.press(*list(target.operation.lower()))
        table = app.screen.query_one(ResourceTable)
        expected = [g for g in analysis.estate.gaps if target.operation.lower() in g.operation.lower()]
        assert table.row_count == len(expected)
        assert target.operation in screen_text(app)


async def test_live_shows_a_bar_per_account_region_then_the_estate(snapshot_path: Path) -> None:
    demo = load_snapshot(snapshot_path)
    release = threading.Event()
    seen_bars: list[tuple[str, tuple[int, int]]] = []

    def collection(progress: object, cancelled: threading.Event) -> Snapshot:
        assert callable(progress)
        progress("123456789012/eu-west-1", 0, 10)
        progress("123456789012/eu-west-1", 4, 0)
        progress("123456789012/us-east-1", 2, 5)
        release.wait(timeout=10)
        return demo

    app = create_app(collection=collection, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            bars = app.query(CollectProgress)
            if bars and len(bars.first().labels) == 2:
                break
        widget = app.query_one(CollectProgress)
        for label in widget.labels:
            seen_bars.append((label, widget.progress_of(label)))
        assert "Collecting" in screen_text(app)
        release.set()
        await wait_loaded(pilot)
        assert isinstance(app.screen, FunctionsScreen)
        assert app.analysis is not None
        assert len(app.analysis.estate.functions) == len(
            {
                fn["FunctionArn"]
                for r in demo.responses("lambda", "ListFunctions")
                for fn in r.response["Functions"]
            }
        )
    assert seen_bars == [("123456789012/eu-west-1", (4, 10)), ("123456789012/us-east-1", (2, 5))]


async def test_live_collection_error_ends_with_one_line() -> None:
    from estate.errors import LambdascopeError

    def collection(progress: object, cancelled: threading.Event) -> Snapshot:
        raise LambdascopeError("no credentials found for profile [bold]x[/bold]")

    app = create_app(collection=collection, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        with contextlib.suppress(WorkerFailed):  # Textual re-raises a failed worker to its waiter
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2


def test_coverage_row_keeps_hostile_text_literal() -> None:
    from tui.screens.coverage import coverage_row

    entry = CoverageEntry("123456789012", "eu-west-1", "lambda", "GetPolicy", "denied", "[red]x\x1b[2J")
    row = coverage_row(0, entry)
    assert "[red]x" in row.cells[5].plain
    assert "\x1b" not in row.cells[5].plain


async def test_number_keys_switch_between_the_top_level_views(
    snapshot_path: Path, analysis: Analysis
) -> None:
    from tui.app import VIEWS

    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for number, view in enumerate(VIEWS, start=1):
            await pilot.press(str(number))
            await pilot.app.workers.wait_for_complete()
            assert app.current_mode == view
