"""The Anomalies pane under `lambdascope live` with a metrics refresh: the timer re-reads in a thread
worker (a fake refresh here), a failure shows in the status line and is retried on the next tick,
the UI answers keys while a refresh blocks, and a refreshed storm re-ranks the table."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from estate.errors import LambdascopeError
from estate.model import Estate, MetricsUpdate, merge_metrics
from estate.snapshot import load_snapshot
from tests.tui.conftest import SIZE
from tests.tui.helpers import screen_text, wait_loaded
from tests.tui.live_refresh import CALM, live_app, storm, until
from tui.app import create_app
from tui.screens.anomalies import AnomaliesScreen
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui


class FakeRefresh:
    """Fails once, then blocks until `gate` is set, then returns the estate with a storm merged."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = threading.Event()
        self.first: MetricsUpdate | None = None

    def __call__(self, estate: Estate) -> MetricsUpdate:
        self.calls += 1
        if self.calls == 1:
            raise LambdascopeError("AccessDenied: injected [bold]denial[/bold]")
        assert self.gate.wait(timeout=30), "the test never opened the gate"
        record, end = storm(estate, CALM)
        update = merge_metrics(estate, [record], end)
        self.first = self.first or update
        return update


def row_of(screen: AnomaliesScreen, name: str) -> list[str]:
    table = screen.query_one("#anomaly-table", ResourceTable)
    return next([c.plain for c in r.cells] for r in table.visible_rows if r.cells[0].plain == name)


async def test_refresh_fails_then_retries_stays_responsive_and_updates(snapshot_path: Path) -> None:
    fake = FakeRefresh()
    app = live_app(snapshot_path, fake, 0.1)
    # Opened on the pane: on any other view the app's own timer would take the first (failing) call.
    app.first_view = "anomalies"
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AnomaliesScreen)
        await until(pilot, lambda: screen.board is not None and screen.refresh_error is not None, "a failure")
        assert row_of(screen, CALM)[1] == "calm"
        text = screen_text(pilot.app)
        assert "refresh failed: AccessDenied: injected [bold]denial[/bold]" in text  # literal, not markup
        assert "retrying in 0.1 s" in text
        await until(pilot, lambda: fake.calls >= 2, "the retry")  # now blocked inside the worker
        await pilot.press("t")  # the UI still answers while the refresh waits on "AWS"
        await until(pilot, lambda: "Range 14 d" in screen_text(pilot.app), "the range to change")
        assert "refreshing…" in screen_text(pilot.app)
        assert screen.last_update is None and row_of(screen, CALM)[1] == "calm"
        fake.gate.set()
        await until(pilot, lambda: screen.last_update is not None, "the refresh")
        await until(pilot, lambda: row_of(screen, CALM)[1] != "calm", "the table to re-rank")
        assert fake.first is not None
        assert row_of(screen, CALM)[1].startswith("throttling storm")
        text = screen_text(pilot.app)
        assert f"metrics refreshed at {fake.first.data_end:%H:%M:%S} (data time)" in text
        assert "refresh failed" not in text
        assert screen.analysis is app.analysis
        fn = next(f for f in screen.analysis.estate.functions if f.name == CALM)
        assert any(f.rule.id == "anomaly.throttles" for f in screen.analysis.findings_for(fn.arn))


async def test_refresh_seconds_zero_turns_the_timer_off(snapshot_path: Path) -> None:
    fake = FakeRefresh()
    fake.gate.set()
    app = live_app(snapshot_path, fake, 0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("a")
        screen = pilot.app.screen
        assert isinstance(screen, AnomaliesScreen)
        await until(pilot, lambda: screen.board is not None, "the first scoring")
        await pilot.pause(0.3)
        assert fake.calls == 0 and screen.refreshes == 0
        assert "metrics refresh off (--refresh-seconds 0)" in screen_text(pilot.app)


def test_only_a_live_app_takes_a_refresh(snapshot_path: Path) -> None:
    fake = FakeRefresh()
    assert create_app(snapshot_path, refresh_metrics=fake).refresh_metrics is None
    assert create_app(
        collection=lambda p, c: load_snapshot(snapshot_path), refresh_metrics=fake
    ).refresh_metrics
