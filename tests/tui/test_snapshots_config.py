"""SVG snapshot of the posture pane at 160x48 on the demo snapshot (pytest-textual-snapshot).

Grouped by compliance requirement, so the snapshot shows requirement titles and counts. It
changes whenever a rule is added or changed; regenerate with
`pytest tests/tui/test_snapshots_config.py --snapshot-update` and look at the SVG first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import wait_loaded
from tui.app import create_app

pytestmark = pytest.mark.tui


def test_posture_by_requirement(
    snap_compare: Callable[..., bool], snapshot_path: Path, analysis: Analysis
) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    assert snap_compare(app, press=["o", "b", "b"], terminal_size=SIZE, run_before=wait_loaded)
