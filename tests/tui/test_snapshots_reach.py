"""SVG snapshot of the Reachability pane on the demo, from internet, first hop expanded.

Regenerate after an intended change with
`pytest tests/tui/test_snapshots_reach.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import wait_loaded
from tui.app import create_app

pytestmark = pytest.mark.tui

SnapCompare = Callable[..., bool]


async def open_reach(pilot: Pilot[object]) -> None:
    await wait_loaded(pilot)
    await pilot.press("e")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("down", "space")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_reach_pane(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_reach)
