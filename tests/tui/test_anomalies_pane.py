"""The Anomalies pane on the demo: planted incidents ranked first, calm functions calm, range and
metric switching, posture beside the metrics, drill-in, and the live re-scoring timer."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from analyzers.anomaly.detect import AnomalyWindow
from analyzers.anomaly.windows import Thresholds
from analyzers.findings.model import Severity
from estate.snapshot import Snapshot, load_snapshot
from tests.ground_truth.plants import (
    ERROR_BURST_FUNCTIONS,
    ERROR_BURST_WINDOW,
    THROTTLE_STORM_FUNCTIONS,
    THROTTLE_STORM_WINDOW,
)
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, wait_loaded
from tui.app import LambdascopeApp, create_app
from tui.screens.anomalies import AnomaliesScreen
from tui.screens.detail import FunctionDetailScreen
from tui.viewmodels.anomaly_board import LOOKBACK, band, data_basis, score_board
from tui.viewmodels.anomaly_posture import alarm_coverage
from tui.widgets.anomaly_chart import AnomalyChart
from tui.widgets.posture_card import PostureCard
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui
PLANTED = {n: THROTTLE_STORM_WINDOW[0] for n in THROTTLE_STORM_FUNCTIONS} | {
    n: ERROR_BURST_WINDOW[0] for n in ERROR_BURST_FUNCTIONS
}


async def open_pane(pilot: Pilot[object]) -> AnomaliesScreen:
    await wait_loaded(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AnomaliesScreen)
    return screen


async def settle(pilot: Pilot[object]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def select(pilot: Pilot[object], screen: AnomaliesScreen, name: str) -> None:
    table = screen.query_one("#anomaly-table", ResourceTable)
    names = [row.cells[0].plain for row in table.visible_rows]
    table.cursor_row = names.index(name)
    await settle(pilot)


def rows(screen: AnomaliesScreen) -> list[list[str]]:
    table = screen.query_one("#anomaly-table", ResourceTable)
    return [[cell.plain for cell in row.cells] for row in table.visible_rows]


async def test_incidents_rank_first_with_planted_start_times_and_calm_stays_calm(
    snapshot_path: Path, analysis: Analysis
) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        table = rows(screen)
        top = table[: len(PLANTED)]
        assert {r[0] for r in top} == set(PLANTED)
        for name, worst, since, *_ in top:
            assert since == PLANTED[name].strftime("%m-%d %H:%M"), name
            assert worst.startswith("throttling storm" if name in THROTTLE_STORM_FUNCTIONS else "error burst")
        assert all(r[1] == "calm" and r[2] == "–" for r in table[len(PLANTED) :])
        assert "4 of 62 functions anomalous" in screen_text(app)


def test_pane_windows_match_the_findings(analysis: Analysis) -> None:
    board = score_board(analysis)
    for finding in (f for f in analysis.findings if f.analyzer == "anomaly" and f.resource in board.windows):
        start = next(e.value for e in finding.evidence if e.label == "window start")
        assert any(
            w.window.start.isoformat() == start and w.rule == finding.rule.id
            for w in board.windows[finding.resource]
        )
    calm = [fn for fn in analysis.estate.functions if fn.name not in PLANTED]
    assert calm and not any(board.windows.get(fn.arn) for fn in calm)


async def test_range_and_metric_switching_change_the_chart(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        chart = screen.query_one("#anomaly-chart", AnomalyChart)
        first = chart.buckets()
        assert first is not None and any(first.marked)  # the storm is inside the 7 d range
        assert "Throttles" in str(chart.border_title)
        await pilot.press("t")  # 14 d
        await settle(pilot)
        await pilot.press("t")  # 1 h
        await settle(pilot)
        assert "Range 1 h" in screen_text(app)
        assert all(r[1] == "calm" for r in rows(screen))  # nothing happened in the last hour
        await pilot.press("t")  # 24 h: the burst (22 h ago) is in, the storm (36 h ago) is not
        await settle(pilot)
        top = rows(screen)[0]
        assert top[0] == ERROR_BURST_FUNCTIONS[0]
        assert rows(screen)[1][1] == "calm"
        await select(pilot, screen, THROTTLE_STORM_FUNCTIONS[0])
        day = chart.buckets()
        assert day is not None and not any(day.marked) and day.start != first.start
        await pilot.press("m")
        await settle(pilot)
        assert "Throttles" not in str(chart.border_title)
        assert "(m)" in screen_text(app)


async def test_posture_panel_shows_public_stores_findings_alarms_changes(
    snapshot_path: Path, analysis: Analysis
) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        card = screen.query_one("#anomaly-posture-card", PostureCard)
        await select(pilot, screen, "payments-status")
        text = str(card.render())
        assert "Internet-invocable   yes  via api-gateway" in text
        assert "payments-transactions" in text and "pci" in text
        assert "config.env-no-cmk" in text
        assert "no AWS/Lambda alarm watches this function" not in text  # the demo alarms it
        assert "change history not collected (CloudTrail LookupEvents" in text  # moto: "error"
        await select(pilot, screen, "fx-rates-public")  # planted: public and without alarms
        assert "no AWS/Lambda alarm watches this function" in str(card.render())
        await select(pilot, screen, "payments-authorize")
        text = str(card.render())
        assert "Internet-invocable  no" in text
        assert "payments-status" not in text


async def test_enter_opens_the_function_and_escape_returns(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        first = rows(screen)[0][0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        assert app.screen.function is not None and app.screen.function.name == first
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_live_app_rescoring_on_a_timer(snapshot_path: Path) -> None:
    demo = load_snapshot(snapshot_path)

    def collection(progress: object, cancelled: threading.Event) -> Snapshot:
        return demo

    app = create_app(collection=collection, today=TODAY)
    assert isinstance(app, LambdascopeApp) and app.is_live
    app.anomaly_refresh_seconds = 0.5
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AnomaliesScreen)
        for _ in range(200):
            await pilot.pause(0.05)
            if screen.refreshes:
                break
        await pilot.pause()
        assert screen.refreshes >= 1
        assert "metrics are not re-collected" in screen_text(app)
        assert rows(screen)[0][0] in PLANTED


async def test_snapshot_app_does_not_refresh(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    assert not app.is_live
    app.anomaly_refresh_seconds = 0.05
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        await pilot.pause(0.3)
        assert screen.refreshes == 0
        assert "re-scored" not in screen_text(app)


def test_band_contains_the_expectation_and_excludes_alerting_counts() -> None:
    th = Thresholds()
    expected = np.array([0.0, 2.0, 100.0])
    lower, upper = band("Throttles", expected, th)
    assert (upper >= th.min_count).all() and (lower == 0).all()
    assert upper[2] > 100.0 and upper[2] < 200.0
    lower, upper = band("Duration", expected, th)
    assert (lower <= expected).all() and (upper >= expected).all()
    assert upper[2] == pytest.approx(201.0)


def test_alarm_coverage_states() -> None:
    from estate.model.audit import Alarm

    errors = Alarm("e", "arn:e", "1", "r", "AWS/Lambda", "Errors", (("FunctionName", "f"),), "OK", True)
    assert alarm_coverage(None, "Errors") == "unknown"
    assert alarm_coverage((), "Errors") == "no"
    assert alarm_coverage((errors,), "Errors") == "yes"
    assert alarm_coverage((errors,), "Throttles") == "other"
    assert dt.timedelta(hours=36) > dt.timedelta(hours=24)  # the storm lies outside the 24 h range


async def test_chart_says_what_the_shown_window_rests_on(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pane(pilot)
        chart = screen.query_one("#anomaly-chart", AnomalyChart)
        assert chart.data is not None
        assert chart.data.basis == (
            "rests on: data from 10-18 00:00, warm-up to 10-19 00:00",
            "3,312 pts judged before · data since look-back start",
        )
        assert "warm-up to 10-19 00:00" in screen_text(app)
        await pilot.press("t", "t")  # 1 h: no window in range, nothing to rest on
        await settle(pilot)
        assert chart.data is not None and chart.data.basis == ()


def _window(first: dt.datetime | None, scored: dt.datetime | None, points: int) -> AnomalyWindow:
    at = dt.datetime(2026, 10, 30, 12, tzinfo=dt.UTC)
    return AnomalyWindow(
        "fn", "Invocations", "spike", at, at, at, 9.0, 1.0, 9.0, Severity.MEDIUM, 1, first, scored, points
    )


def test_data_basis_tells_a_new_function_from_one_with_history() -> None:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    old = _window(now - LOOKBACK, now - LOOKBACK + dt.timedelta(days=1), 2880)
    assert data_basis(old, now)[1] == "2,880 pts judged before · data since look-back start"
    new = _window(now - dt.timedelta(days=3), now - dt.timedelta(days=2), 300)
    assert data_basis(new, now) == (
        "rests on: data from 10-29 00:00, warm-up to 10-30 00:00",
        "300 pts judged before · new: data begins in look-back",
    )
    assert data_basis(_window(None, None, 0), now)[0] == "rests on: data from none, warm-up to never"
