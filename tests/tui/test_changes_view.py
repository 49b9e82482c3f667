"""The Changes view and `--baseline`, by real keys: `d` shows what changed since the baseline,
`enter` opens a change's resource, every table marks rows new since the baseline, the palette
picks a baseline, and a baseline that cannot be compared says so in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis, analyze_snapshot
from estate.snapshot import Manifest, Snapshot, export_snapshot, load_snapshot
from tests.paths import DEMO_SNAPSHOT
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, type_text
from tui.app import LambdascopeApp, create_app
from tui.screens.changes import NO_BASELINE, ChangesScreen
from tui.screens.detail import FunctionDetailScreen
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui

LATER = DEMO_SNAPSHOT.with_name("demo-later.lsnap")
PUBLIC = "arn:aws:lambda:eu-west-1:123456789012:function:ledger-balance-api"


@pytest.fixture(scope="module")
def later_analysis() -> Analysis:
    if not (DEMO_SNAPSHOT.exists() and LATER.exists()):
        pytest.skip("the bundled demo snapshots are absent")
    return analyze_snapshot(load_snapshot(LATER), TODAY)


def later_app(analysis: Analysis, baseline: Path | None = DEMO_SNAPSHOT) -> LambdascopeApp:
    return create_app(LATER, analysis=analysis, today=TODAY, baseline=baseline)


async def compared(pilot: Pilot[Any]) -> None:
    """Wait for the load and the baseline's comparison (done or failed: a failed worker is the
    app's to report, so this waits on the app's baseline, not on the worker)."""
    await pilot.pause()  # the app is given its analysis: only the comparison runs in a worker
    app = pilot.app
    assert isinstance(app, LambdascopeApp)
    for _ in range(1200):
        baseline = app.baseline
        if baseline is None or baseline.diff is not None or baseline.error is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def test_d_shows_what_changed_since_the_baseline(later_analysis: Analysis) -> None:
    app = later_app(later_analysis)
    async with app.run_test(size=SIZE) as pilot:
        await compared(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ChangesScreen)
        text = screen_text(app)
        assert "baseline demo.lsnap · demo snapshot of 2026-11-01T00:00:00+00:00" in text
        assert "19 of 19 changes" in text
        first = next(line for line in text.splitlines() if line.lstrip().startswith("new"))
        assert "critical" in first and "reach.public-invoke: ledger-balance-api" in first
        assert "runtime: python3.8 -> python3.12" in text
        assert "resolved" in text


async def test_enter_opens_the_changed_function(later_analysis: Analysis) -> None:
    app = later_app(later_analysis)
    async with app.run_test(size=SIZE) as pilot:
        await compared(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        assert (
            app.screen.selected_arn == PUBLIC
            or PUBLIC in screen_text(app)
            or "ledger-balance-api" in screen_text(app)
        )


async def test_findings_new_since_the_baseline_are_marked(later_analysis: Analysis) -> None:
    new_ids = {f.id for f in later_analysis.findings if f.resource == PUBLIC}
    app = later_app(later_analysis)
    async with app.run_test(size=SIZE) as pilot:
        await compared(pilot)
        await pilot.press("F")
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        marked = {row.key for row in table.visible_rows if table.is_new(row.key)}
        assert marked and marked <= new_ids  # the three new findings, nothing else
        assert len(marked) == 3
        lines = [line for line in screen_text(app).splitlines() if line.startswith("+")]
        assert lines and all("ledger-balance-api" in line for line in lines)  # those on screen


async def test_without_a_baseline_nothing_is_marked_and_the_view_says_how(later_analysis: Analysis) -> None:
    app = later_app(later_analysis, baseline=None)
    async with app.run_test(size=SIZE) as pilot:
        await compared(pilot)
        await pilot.press("F")
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        assert not any(table.is_new(row.key) for row in table.visible_rows)
        assert not any(line.startswith("+") for line in screen_text(app).splitlines())
        await pilot.press("d")
        await pilot.pause()
        assert "No baseline: open with `lambdascope open NEW --baseline OLD`" in screen_text(app)
        assert NO_BASELINE.startswith("No baseline")


async def test_the_palette_picks_a_baseline(later_analysis: Analysis) -> None:
    app = later_app(later_analysis, baseline=None)
    async with app.run_test(size=SIZE) as pilot:
        await compared(pilot)
        await pilot.press("colon")
        await pilot.pause()
        await type_text(pilot, "baseline: compare with demo.lsnap")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await compared(pilot)
        assert app.baseline is not None and app.baseline.path.name == "demo.lsnap"
        assert app.baseline.diff is not None
        await pilot.press("d")
        await pilot.pause()
        assert "reach.public-invoke: ledger-balance-api" in screen_text(app)


async def test_a_baseline_of_other_accounts_is_one_line(later_analysis: Analysis, tmp_path: Path) -> None:
    snap = load_snapshot(DEMO_SNAPSHOT)
    other = Snapshot(
        Manifest(created_at=snap.manifest.created_at, source="demo", accounts=("999999999999",)),
        snap.records,
    )
    path = export_snapshot(other, tmp_path / "other.lsnap")
    app = later_app(later_analysis, baseline=path)
    async with app.run_test(size=SIZE) as pilot:
        await compared(pilot)
        await pilot.press("d")
        await pilot.pause()
        text = screen_text(app)
        assert "the snapshots cover different accounts (999999999999 vs 123456789012)" in text
        assert app.baseline is not None and app.baseline.diff is None
        assert app.return_code is None  # the app stays open on the snapshot it has
