"""SVG snapshots of the home view (and while it waits for the analysis) and of the triage form.

Regenerate after an intended change with `pytest tests/tui/test_snapshots_home.py --snapshot-update`
and look at the SVGs under __snapshots__/ before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tests.tui.helpers import wait_loaded
from tui.app import create_app
from tui.screens.home import HomeScreen

pytestmark = pytest.mark.tui

SnapCompare = Callable[..., bool]


async def home_filled(pilot: Pilot[object]) -> None:
    await wait_loaded(pilot)
    app = pilot.app
    await until(
        pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.board is not None, "the panels"
    )
    await pilot.pause()


def test_home_view(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="home")
    assert snap_compare(app, terminal_size=SIZE, run_before=home_filled)


def test_home_view_while_analysing(
    snap_compare: SnapCompare, snapshot_path: Path, held_analysis: HeldAnalysis
) -> None:
    app = create_app(snapshot_path, today=TODAY, first_view="home")

    async def analysing(pilot: Pilot[object]) -> None:
        await until(pilot, lambda: held_at(pilot.app, held_analysis), "the analysis held")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=analysing)


def test_triage_form(
    snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two findings marked with `space`, then `t`: the form names them and offers every state."""
    monkeypatch.setenv("USER", "oncall")  # the form's default author
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="findings")
    press = ["space", "space", "t", "down"]
    assert snap_compare(app, press=press, terminal_size=SIZE, run_before=wait_loaded)
