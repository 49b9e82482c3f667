"""Drive the app with real key presses and check what the screen shows."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from analyzers.analysis import Analysis
from analyzers.findings.model import Evidence
from estate.graph.builder import invokers_of
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, showcase_function, type_text, wait_loaded
from tui.app import create_app
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingDetailScreen, FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.screens.help import HelpScreen
from tui.viewmodels.summary import summarise_functions
from tui.widgets.invoker_card import InvokerCard
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui


def column(table: ResourceTable, index: int) -> list[str]:
    return [table.cell_text(row, index) for row in range(table.row_count)]


async def test_opens_on_the_functions_table(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, FunctionsScreen)
        table = app.screen.query_one(ResourceTable)
        assert table.row_count == len(analysis.estate.functions)
        assert column(table, 0) == sorted((f.name for f in analysis.estate.functions), key=str.lower)
        text = screen_text(app)
        assert f"{len(analysis.estate.functions)} functions" in text
        assert f"{len(analysis.findings)} findings" in text
        for label in ("Name", "Region", "Runtime", "Invokers", "Role"):
            assert label in text


async def test_filter_narrows_the_table_and_esc_clears_it(analysis: Analysis) -> None:
    summaries = summarise_functions(analysis)
    needle = min(
        (s.function.name.split("-")[0] for s in summaries),
        key=lambda word: sum(word.lower() in s.search_text for s in summaries),
    )
    expected = sorted(s.function.name for s in summaries if needle.lower() in s.search_text)
    assert 0 < len(expected) < len(summaries)
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        await pilot.press("slash")
        await type_text(pilot, needle)
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(column(table, 0)) == expected
        assert app.focused is table
        assert f"{len(expected)} of {len(summaries)} functions" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == len(summaries)


async def test_typing_q_in_the_filter_does_not_quit(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.is_running
        assert app.screen.query_one(ResourceTable).filter_text == "q"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(ResourceTable).filter_text == ""


async def test_sort_keys_change_the_order(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        by_name = column(table, 0)
        await pilot.press("s")  # next column: region
        await pilot.pause()
        regions = column(table, 1)
        assert regions == sorted(regions)
        assert "Region ▲" in screen_text(app)
        await pilot.press("r")  # reverse
        await pilot.pause()
        assert column(table, 1) == sorted(regions, reverse=True)
        for _ in range(4):  # region -> runtime -> invokers -> role -> critical
            await pilot.press("s")
        await pilot.pause()
        high_first = [int(c) if c.isdigit() else 0 for c in column(table, 5)]
        assert high_first == sorted(high_first, reverse=True)
        assert column(table, 0) != by_name or len(set(high_first)) == 1


async def test_enter_opens_the_detail_and_esc_goes_back(analysis: Analysis) -> None:
    fn = showcase_function(analysis)
    invokers = invokers_of(analysis.graph, fn.arn)
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        position = column(table, 0).index(fn.name)
        await pilot.press(*["j"] * position)
        assert table.highlighted_key == fn.arn
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FunctionDetailScreen)
        text = screen_text(app)
        assert fn.name in text
        assert "Who can invoke it and why" in text
        cards = list(screen.query(InvokerCard))
        assert len(cards) == len(invokers) > 0
        for card, (source, _data) in zip(cards, invokers, strict=True):
            assert source in str(card.content.renderables[0])  # type: ignore[union-attr]
        if any(d.get("public") for _s, d in invokers):
            assert "PUBLIC" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FunctionsScreen)
        assert app.screen.query_one(ResourceTable).highlighted_key == fn.arn


async def test_help_opens_and_closes(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for description in ("Filter", "Sort", "Copy ARN", "Findings", "Quit", "Open"):
            assert description in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FunctionsScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, FunctionsScreen)


async def test_findings_table_and_back(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("F")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        table = screen.query_one(ResourceTable)
        assert table.row_count == len(analysis.findings)
        worst = analysis.findings[0]
        assert column(table, 0)[0].strip() == worst.severity.value.upper()
        assert worst.rule.id in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        expected_screen = (
            FunctionDetailScreen if analysis.estate.function(worst.resource) else FindingDetailScreen
        )
        assert isinstance(detail, expected_screen)
        assert detail.selected_arn == worst.resource
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FunctionsScreen)


async def test_findings_filter(analysis: Analysis) -> None:
    rule = analysis.findings[-1].rule.id
    expected = sum(1 for f in analysis.findings if rule in f.rule.id)
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("F", "slash")
        await type_text(pilot, rule)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        assert table.row_count >= expected
        assert all(rule in r.search for r in table.visible_rows)


async def test_y_copies_the_selected_arn(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        await pilot.press("j", "y")
        await pilot.pause()
        assert app.clipboard == table.highlighted_key
        assert table.highlighted_key is not None and table.highlighted_key.startswith("arn:aws:lambda:")


async def test_q_quits(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("enter", "q")
        await pilot.pause()
    assert not app.is_running
    assert app.return_code == 0


async def test_palette_opens_a_function_by_name(analysis: Analysis) -> None:
    fn = showcase_function(analysis)
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, f"open: function {fn.name}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, FunctionDetailScreen)
        assert screen.selected_arn == fn.arn


async def test_palette_view_findings(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("colon")
        await pilot.pause()
        await type_text(pilot, "view: findings")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, FindingsScreen)


@pytest.mark.parametrize("content", [None, b"not a zip", b"PK\x03\x04broken"])
async def test_bad_snapshot_exits_with_one_line(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "bad.lsnap"
    if content is not None:
        path.write_bytes(content)
    app = create_app(path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        with contextlib.suppress(WorkerFailed):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert not app.is_running


async def test_palette_finds_a_function_by_arn(analysis: Analysis) -> None:
    fn = sorted(analysis.estate.functions, key=lambda f: f.name)[-1]
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, fn.arn)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, FunctionDetailScreen)
        assert app.screen.selected_arn == fn.arn


async def test_a_theme_change_restyles_the_table(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        before = [r.cells for r in table.visible_rows]
        app.theme = "textual-light"
        await pilot.pause()
        after = [r.cells for r in table.visible_rows]
        assert [[c.plain for c in row] for row in before] == [[c.plain for c in row] for row in after]
        assert table.row_count == len(analysis.estate.functions)


async def test_palette_copies_the_selected_arn(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        await pilot.press("j", "ctrl+p")
        await pilot.pause()
        await type_text(pilot, "export: copy ARN")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.clipboard == table.highlighted_key


async def test_a_finding_on_another_resource_opens_its_own_detail(analysis: Analysis) -> None:
    role_arn = next(iter(analysis.estate.principals), "arn:aws:iam::123456789012:role/some-role")
    template = analysis.findings[0]
    finding = dataclasses.replace(
        template,
        resource=role_arn,
        title="a finding about a role",
        evidence=(Evidence("statement", {"Effect": "Allow", "Action": "*"}), Evidence("Sid", "X")),
        id="",
    )
    moved = dataclasses.replace(analysis, findings=[finding], resource_index={role_arn: [finding]})
    app = create_app(analysis=moved)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("F", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingDetailScreen)
        text = screen_text(app)
        assert "a finding about a role" in text
        assert '"Action": "*"' in text
        for compliance_id in finding.compliance:
            assert compliance_id in text
        assert "Fix:" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
