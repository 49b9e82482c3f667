"""Every view is one key away from every view (issue 15 point 2), `?`, `q` and `:` work on every
screen, a text input keeps its letters until `esc` leaves it, and every screen names the views."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tests.tui.helpers import screen_text, showcase_function, type_text, wait_loaded
from tui.app import LambdascopeApp, create_app
from tui.screens.help import HelpScreen
from tui.screens.views import VIEWS
from tui.widgets.view_bar import ViewBar

pytestmark = pytest.mark.tui

KEYS = {view: key for view, (_screen, key, _label) in VIEWS.items()}


async def _settle(app: LambdascopeApp) -> None:
    await app.workers.wait_for_complete()


@pytest.mark.parametrize("start", list(VIEWS))
async def test_from_each_view_each_view_key_reaches_its_view(
    snapshot_path: Path, analysis: Analysis, start: str
) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view=start)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for target, key in KEYS.items():
            await app.action_show_view(start)
            await pilot.pause()
            assert app.current_mode == start
            await pilot.press(key)
            await _settle(app)
            await pilot.pause()
            assert app.current_mode == target, f"{key!r} from {start} went to {app.current_mode}"
            assert len(app.screen_stack) == 1


@pytest.mark.parametrize("view", list(VIEWS))
async def test_a_views_own_key_stays_on_it(snapshot_path: Path, analysis: Analysis, view: str) -> None:
    """No key toggles: pressing the key of the view on show, twice, leaves the same screen there."""
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view=view)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        for _ in range(2):
            await pilot.press(KEYS[view])
            await _settle(app)
            await pilot.pause()
            assert app.current_mode == view and app.screen is screen


async def test_f_on_the_functions_table_is_not_the_findings(snapshot_path: Path, analysis: Analysis) -> None:
    """The functions table offers the findings on `F` (the app-wide key), and `f` keeps the table:
    from a function's detail on top it goes back to the table, not to the findings."""
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="functions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "F Findings" in screen_text(app) and "f Findings" not in screen_text(app)
        await app.open_function(showcase_function(analysis).arn)
        await pilot.pause()
        assert len(app.screen_stack) == 2
        await pilot.press("f")
        await _settle(app)
        assert app.current_mode == "functions" and len(app.screen_stack) == 1
        await pilot.press("F")
        await _settle(app)
        assert app.current_mode == "findings"


async def test_view_keys_work_from_a_detail_screen_and_the_reachability_tree(
    snapshot_path: Path, analysis: Analysis
) -> None:
    """The issue's case: `i` from the Reachability pane, and a view key from a detail on top."""
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="reach")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await _settle(app)
        assert app.current_mode == "iam"
        await app.open_function(showcase_function(analysis).arn)
        await pilot.pause()
        assert len(app.screen_stack) == 2  # the detail on top of the functions table
        await pilot.press("o")
        await _settle(app)
        assert app.current_mode == "posture" and len(app.screen_stack) == 1


async def test_a_text_input_keeps_its_letters_until_esc(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="findings")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await type_text(pilot, "iaeoch")
        await pilot.pause()
        assert app.current_mode == "findings"
        assert app.screen.query_one("#filter").value == "iaeoch"  # type: ignore[attr-defined]
        await pilot.press("escape")  # leaves the input (and clears the filter)
        await pilot.press("i")
        await _settle(app)
        assert app.current_mode == "iam"


@pytest.mark.parametrize("start", list(VIEWS))
async def test_help_palette_and_view_bar_on_every_view(
    snapshot_path: Path, analysis: Analysis, start: str
) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view=start)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.pause()
        (bar,) = app.screen.query(ViewBar)
        line = str(bar.render())
        for _view, (_screen, key, label) in VIEWS.items():
            assert f" {key} {label} " in line
        assert ": jump" in line and "? help" in line and "q quit" in line
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("colon")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)


async def test_view_keys_and_the_view_bar_while_the_analysis_is_pending(
    snapshot_path: Path, held_analysis: HeldAnalysis
) -> None:
    app = create_app(snapshot_path, today=TODAY, first_view="home")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
        await pilot.press("o")  # Posture waits for the analysis
        await pilot.pause()
        assert app.current_mode == "posture"
        text = screen_text(app)
        assert "o Posture" in text and "h Home" in text and "e Reachability" in text
        await pilot.press("h")
        await pilot.pause()
        assert app.current_mode == "home"
        held_analysis.release()
        await wait_loaded(pilot)
