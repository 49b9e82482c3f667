"""A detail screen left open keeps where its reader was when a new analysis lands (a live refresh
every minute recomposes it): it scrolls back, and only what was scrolled moves."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE
from tests.tui.helpers import wait_loaded
from tui.app import create_app
from tui.screens.detail import FunctionDetailScreen

pytestmark = pytest.mark.tui


async def _open_longest_detail(pilot: Pilot[None], analysis: Analysis) -> FunctionDetailScreen:
    """The app loaded, with the detail of `_longest` on top."""
    await wait_loaded(pilot)
    await pilot.app.push_screen(FunctionDetailScreen(analysis, _longest(analysis)))
    await pilot.pause()
    detail = pilot.app.screen
    assert isinstance(detail, FunctionDetailScreen)
    return detail


def _longest(analysis: Analysis) -> str:
    """The function whose detail is longest (most findings and environment): it scrolls."""
    return max(
        analysis.estate.functions, key=lambda f: (len(analysis.findings_for(f.arn)), len(f.environment))
    ).arn


async def test_a_new_analysis_keeps_the_detail_scrolled_where_it_was(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        detail = await _open_longest_detail(pilot, analysis)
        body = detail.query_one("#detail", VerticalScroll)
        assert body.max_scroll_y > 10  # long enough to scroll, or the test proves nothing
        body.scroll_to(y=10, animate=False)
        await pilot.pause()
        assert body.scroll_y == 10

        await detail.show_analysis(analysis.with_settings(analysis.settings))  # what a refresh does
        await pilot.pause()
        await pilot.pause()
        redrawn = detail.query_one("#detail", VerticalScroll)
        assert redrawn is not body  # recomposed, not the same widget kept
        assert redrawn.scroll_y == 10


async def test_a_detail_never_scrolled_stays_at_the_top(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        detail = await _open_longest_detail(pilot, analysis)
        await detail.show_analysis(analysis.with_settings(analysis.settings))
        await pilot.pause()
        assert detail.query_one("#detail", VerticalScroll).scroll_y == 0
