"""SVG snapshots of every screen at 160x48 on a fixed date (pytest-textual-snapshot).

Regenerate after an intended change with `pytest tests/tui --snapshot-update`, and look at the
SVGs under __snapshots__/ (or at snapshot_report.html when a comparison fails) before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tests.tui.helpers import showcase_function, wait_loaded
from tui.app import create_app

pytestmark = pytest.mark.tui

SnapCompare = Callable[..., bool]


def keys_for(text: str) -> list[str]:
    names = {" ": "space", "-": "minus", ".": "full_stop", "_": "underscore", ":": "colon"}
    return [names.get(c, c) for c in text]


def test_functions_table(snap_compare: SnapCompare, snapshot_path: Path) -> None:
    app = create_app(snapshot_path, today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=wait_loaded)


def test_functions_table_while_analysing(
    snap_compare: SnapCompare, snapshot_path: Path, held_analysis: HeldAnalysis
) -> None:
    """The first paint: the model's rows, the columns that need the analysis pending, the stage."""
    app = create_app(snapshot_path, today=TODAY)

    async def analysing(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=analysing)


def test_functions_table_filtered_and_sorted(
    snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis
) -> None:
    word = showcase_function(analysis).name.split("-")[0]
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    press = ["slash", *keys_for(word), "enter", "s", "s", "s"]  # sorted by invokers
    assert snap_compare(app, press=press, terminal_size=SIZE, run_before=wait_loaded)


def test_function_detail(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    name = showcase_function(analysis).name
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    press = ["slash", *keys_for(name), "enter", "enter"]
    assert snap_compare(app, press=press, terminal_size=SIZE, run_before=wait_loaded)


def test_findings_table(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    assert snap_compare(app, press=["F"], terminal_size=SIZE, run_before=wait_loaded)


def test_help(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE, run_before=wait_loaded)


def test_hostile_detail(snap_compare: SnapCompare, hostile_path: Path, hostile_analysis: Analysis) -> None:
    """Always the planted estate: markup shown as text, escapes as reversed `\\x1b`."""
    app = create_app(hostile_path, analysis=hostile_analysis, today=TODAY)
    press: list[Any] = ["slash", *keys_for("evil"), "enter", "enter"]
    assert snap_compare(app, press=press, terminal_size=SIZE, run_before=wait_loaded)


def test_iam_table(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    assert snap_compare(app, press=["i"], terminal_size=SIZE, run_before=wait_loaded)


def test_iam_principal_detail(snap_compare: SnapCompare, snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    press = ["i", "slash", *keys_for("fraud-score"), "enter", "enter"]
    assert snap_compare(app, press=press, terminal_size=SIZE, run_before=wait_loaded)
