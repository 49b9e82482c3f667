"""Issue 15 point 5: in `lambdascope live` the app's metrics refresh runs whatever view is on show
(the timer is the app's, not a screen's); the view on show takes the refreshed analysis at once
and the others when next shown. The Anomalies pane keeps its own timer (and status line), so
while it is on show the app's timer stands aside: one read a period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.worker import get_current_worker

from analyzers.analysis import Analysis
from estate.model import Estate, MetricsUpdate, merge_metrics
from tests.tui.conftest import SIZE
from tests.tui.helpers import wait_loaded
from tests.tui.live_refresh import CALM, live_app, storm, until
from tui.screens.functions import FunctionsScreen

pytestmark = pytest.mark.tui


class StormRefresh:
    """A re-read that brings a throttling storm to a calm function; notes which worker asked."""

    def __init__(self) -> None:
        self.groups: list[str] = []

    def __call__(self, estate: Estate) -> MetricsUpdate:
        self.groups.append(get_current_worker().group)
        record, end = storm(estate, CALM)
        return merge_metrics(estate, [record], end)


def _calm_findings(app: Any) -> int:
    analysis = app.analysis
    calm = next(f for f in analysis.estate.functions if f.name == CALM)
    return sum(1 for f in analysis.findings if f.resource == calm.arn and f.analyzer == "anomaly")


@pytest.mark.parametrize("view", ["functions", "iam", "posture"])
async def test_the_refresh_runs_on_every_view_and_the_views_follow(
    snapshot_path: Path, analysis: Analysis, view: str
) -> None:
    refresh = StormRefresh()
    calm = next(f for f in analysis.estate.functions if f.name == CALM)
    assert not any(f.resource == calm.arn and f.analyzer == "anomaly" for f in analysis.findings)
    app = live_app(snapshot_path, refresh, seconds=0.2)
    app.first_view = view
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        shown = app.screen
        await until(pilot, lambda: bool(refresh.groups) and _calm_findings(app) > 0, "a refresh on " + view)
        assert set(refresh.groups) == {"metrics-refresh"}  # the app's timer
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is shown and shown.analysis is app.analysis  # type: ignore[attr-defined]
        await pilot.press("f" if view != "functions" else "F")  # another view, built from it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.analysis is app.analysis  # type: ignore[attr-defined]
        if isinstance(app.screen, FunctionsScreen):
            row = next(i for i, r in enumerate(app.screen.table.visible_rows) if r.key == calm.arn)
            counts = [app.screen.table.cell_text(row, c).strip() for c in range(5, 9)]
            assert counts != ["·"] * 4  # the storm's anomaly finding counts on the calm function's row


async def test_on_the_anomalies_pane_the_app_timer_stands_aside(snapshot_path: Path) -> None:
    refresh = StormRefresh()
    app = live_app(snapshot_path, refresh, seconds=0.2)
    app.first_view = "anomalies"
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await until(pilot, lambda: len(refresh.groups) >= 3, "three refreshes")
        assert set(refresh.groups) == {"anomaly-refresh"}  # the pane's own, never both
        await pilot.press("f")
        await until(pilot, lambda: "metrics-refresh" in refresh.groups, "the app's timer off the pane")


async def test_refresh_seconds_zero_reads_nothing_on_any_view(snapshot_path: Path) -> None:
    refresh = StormRefresh()
    app = live_app(snapshot_path, refresh, seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for key in ("h", "f", "i"):
            await pilot.press(key)
            await pilot.pause(0.3)
        assert refresh.groups == []
