"""The IAM pane, driven with real keys: the principals table, a principal, its hops, and back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import ListView

from analyzers.analysis import Analysis
from analyzers.iam.principal_summary import principal_summary
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, type_text, wait_loaded
from tui.app import create_app
from tui.screens.findings import FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.screens.iam import IamScreen
from tui.screens.principal import PrincipalDetailScreen, TargetItem
from tui.viewmodels.principal_risk import principal_risks
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui


def _arn(analysis: Analysis, name: str) -> str:
    assert analysis.iam is not None
    return next(arn for arn, p in analysis.iam.model.actors.items() if p.name == name)


def _names(table: ResourceTable) -> list[str]:
    return [table.cell_text(row, 0) for row in range(table.row_count)]


async def open_iam(pilot: Pilot[object]) -> None:
    """`i`, then let the worker computing the rows finish and its message land."""
    await pilot.press("i")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_i_opens_the_principals_riskiest_first(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_iam(pilot)
        assert isinstance(app.screen, IamScreen)
        table = app.screen.query_one(ResourceTable)
        assert analysis.iam is not None
        assert table.row_count == len(analysis.iam.model.actors)
        risks = principal_risks(analysis)
        admins = {r.summary.name for r in risks if r.summary.admin}
        assert admins and set(_names(table)[: len(admins)]) == admins
        text = screen_text(app)
        for label in ("Principal", "Kind", "Risk", "Esc. paths", "Wildcards"):
            assert label in text
        assert f"{len(risks)} of {len(risks)} principals" in text
        await pilot.press("f")  # back to the functions, and `i` from the findings too
        await pilot.pause()
        assert isinstance(app.screen, FunctionsScreen)
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IamScreen)


async def test_filter_open_jump_to_a_hop_and_back(analysis: Analysis) -> None:
    start = _arn(analysis, "fraud-score-role")
    summary = principal_summary(analysis, start)
    assert summary.escalations, "the demo's fraud-score-role escalates"
    first_hop = summary.escalations[0].hops[0]
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_iam(pilot)
        table = app.screen.query_one(ResourceTable)
        await pilot.press("slash")
        await type_text(pilot, "fraud-score")
        await pilot.press("enter")
        await pilot.pause()
        assert _names(table) == ["fraud-score-role"]
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrincipalDetailScreen)
        assert screen.selected_arn == start
        text = screen_text(app)
        assert "fraud-score-role → ops-automation-role" in text
        assert "sts-assume-role" in text
        assert "Sid Automation" in text
        assert "(administrator)" in text
        # the first hop is focused: enter jumps to the principal it reaches
        assert isinstance(app.focused, ListView)
        assert isinstance(app.focused.highlighted_child, TargetItem)
        await pilot.press("enter")
        await pilot.pause()
        hop_screen = app.screen
        assert isinstance(hop_screen, PrincipalDetailScreen)
        assert hop_screen.selected_arn == first_hop.target
        assert "ops-automation-role" in screen_text(app)
        reachers = hop_screen.query_one("#reachers", ListView).query(TargetItem)
        assert start in [item.target for item in reachers]  # who can reach it
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IamScreen)
        assert _names(table) == ["fraud-score-role"]  # the filter is kept
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert table.row_count == len(principal_risks(analysis))


async def test_who_can_reach_an_admin_opens_the_principal(analysis: Analysis) -> None:
    admin = principal_summary(analysis, _arn(analysis, "fraud-score-role")).escalations[0].target
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await app.open_principal(admin)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrincipalDetailScreen)
        reachers = screen.query_one("#reachers", ListView)
        targets = [item.target for item in reachers.query(TargetItem)]
        assert _arn(analysis, "fraud-score-role") in targets
        reachers.focus()
        reachers.index = targets.index(_arn(analysis, "fraud-score-role"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PrincipalDetailScreen)
        assert app.screen.selected_arn == _arn(analysis, "fraud-score-role")


async def test_palette_opens_a_principal(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "principal ops-automation")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PrincipalDetailScreen)
        assert app.screen.selected_arn == _arn(analysis, "ops-automation-role")


async def test_rows_are_computed_in_a_worker_behind_a_loading_indicator(
    analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.screens.iam as iam_screen

    release = threading.Event()
    compute = iam_screen.principal_risks

    def slow(source: Analysis) -> list[iam_screen.PrincipalRisk]:
        assert threading.current_thread() is not threading.main_thread()  # never the UI thread
        release.wait(10)
        return compute(source)

    monkeypatch.setattr(iam_screen, "principal_risks", slow)
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IamScreen)
        table = screen.query_one(ResourceTable)
        assert table.loading and table.row_count == 0  # the UI answers while the worker runs
        assert "computing principals" in screen_text(app)
        await pilot.press("f")  # still responsive: switch away and back
        await pilot.pause()
        assert isinstance(app.screen, FunctionsScreen)
        await pilot.press("i")
        await pilot.pause()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert not table.loading
        assert table.row_count == len(principal_risks(analysis))
