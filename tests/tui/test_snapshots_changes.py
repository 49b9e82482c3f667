"""SVG snapshot of the Changes view: the later demo opened with the demo as its baseline
(`lambdascope demo --later`).

Regenerate after an intended change with
`pytest tests/tui/test_snapshots_changes.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from analyzers.analysis import analyze_snapshot
from estate.snapshot import load_snapshot
from tests.paths import DEMO_SNAPSHOT
from tests.tui.conftest import SIZE, TODAY
from tests.tui.test_changes_view import LATER, compared
from tui.app import create_app

pytestmark = pytest.mark.tui

SnapCompare = Callable[..., bool]


async def open_changes(pilot: Pilot[Any]) -> None:
    await compared(pilot)
    pilot.app.clear_notifications()
    await pilot.press("d")
    await pilot.pause()


def test_changes_view(snap_compare: SnapCompare) -> None:
    if not (DEMO_SNAPSHOT.exists() and LATER.exists()):
        pytest.skip("the bundled demo snapshots are absent")
    analysis = analyze_snapshot(load_snapshot(LATER), TODAY)
    app = create_app(LATER, analysis=analysis, today=TODAY, baseline=DEMO_SNAPSHOT)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_changes)
