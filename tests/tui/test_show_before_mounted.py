"""A live refresh that lands while a view is on the stack without its widgets yet (a mode switch
in flight: the user pressed `f` to go back as the refresh arrived) draws that view once it has
refreshed instead of crashing the app; a view still missing its widget then raises, as a bug."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.css.query import NoMatches

from analyzers.analysis import Analysis
from tests.tui.conftest import SIZE
from tests.tui.helpers import wait_loaded
from tui.app import create_app
from tui.screens.functions import FunctionsScreen

pytestmark = pytest.mark.tui


def _missing_first(screen: FunctionsScreen, times: int) -> list[Analysis]:
    """The screen's `show_analysis` raising NoMatches its first `times` calls; what it drew."""
    drawn: list[Analysis] = []
    real = screen.show_analysis
    calls = 0

    async def show(analysis: Analysis) -> None:
        nonlocal calls
        calls += 1
        if calls <= times:
            screen.query_one("#no-such-widget")  # as `#table` was missing in the race
        await real(analysis)
        drawn.append(analysis)

    screen.show_analysis = show  # type: ignore[method-assign]
    return drawn


Loaded = tuple[Any, Any, FunctionsScreen, list[Analysis]]


@asynccontextmanager
async def _loaded(analysis: Analysis, misses: int) -> AsyncIterator[Loaded]:
    """The app loaded on the functions view, whose `show_analysis` misses its widget `misses`
    times: (app, pilot, the view, what it drew)."""
    app: Any = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, FunctionsScreen)
        yield app, pilot, screen, _missing_first(screen, misses)


async def test_a_view_without_its_widgets_yet_is_drawn_once_it_has_refreshed(analysis: Analysis) -> None:
    async with _loaded(analysis, 1) as (app, pilot, screen, drawn):
        again = analysis.with_settings(analysis.settings)  # what a refresh brings
        await app._show_on_screen(again)  # no NoMatches reaches the app
        assert drawn == []
        await pilot.pause()
        await pilot.pause()
        assert drawn == [again] and screen.analysis is again
        assert app.is_running


async def test_a_view_still_missing_its_widget_after_a_refresh_raises(analysis: Analysis) -> None:
    async with _loaded(analysis, 2) as (app, _pilot, screen, drawn):
        with pytest.raises(NoMatches):
            await app._shown_on(screen, analysis.with_settings(analysis.settings), False)
        assert drawn == []
