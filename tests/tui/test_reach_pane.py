"""The Reachability pane driven with keys on the demo: from internet, expand, toggle, drill in."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from analyzers.reach.query import next_hops
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, type_text, wait_loaded
from tui.app import create_app
from tui.screens.detail import FunctionDetailScreen
from tui.screens.principal import PrincipalDetailScreen
from tui.screens.reach import ReachScreen
from tui.widgets.path_tree import PathTree

pytestmark = pytest.mark.tui


async def settle(pilot: Pilot[object]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _labels(tree: PathTree) -> list[str]:
    return [str(child.label) for child in tree.root.children]


async def test_e_opens_internet_and_drills_into_a_function(snapshot_path: Path, analysis: Analysis) -> None:
    hops = next_hops(analysis.graph, "internet", "forward")
    assert hops, "the demo has internet-invocable entry points"
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReachScreen)
        tree = screen.query_one(PathTree)
        assert tree.root.is_expanded and len(tree.root.children) == len(hops)
        text = screen_text(app)
        assert "what it reaches" in text and "reached:" in text
        first_fn = next(i for i, h in enumerate(hops) if analysis.estate.function(h.target) is not None)
        await pilot.press("down", *["down"] * first_fn)  # from the root to that hop
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.node == hops[first_fn].target
        await pilot.press("space")  # expand: the function's role
        await settle(pilot)
        children = tree.cursor_node.children
        assert [c.data.hop.kind for c in children if c.data and c.data.hop] == ["executes-as"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        assert app.screen.selected_arn == hops[first_fn].target
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("down", "enter")  # the role: the principal's detail
        await pilot.pause()
        assert isinstance(app.screen, PrincipalDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_choose_a_start_and_toggle_backward(analysis: Analysis) -> None:
    target = next(
        h.target for h in next_hops(analysis.graph, "internet") if analysis.estate.function(h.target)
    )
    name = str(analysis.graph.nodes[target]["label"])
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReachScreen)
        await pilot.press("slash")
        await type_text(pilot, name)
        await pilot.press("enter")
        await settle(pilot)
        tree = screen.query_one(PathTree)
        assert tree.root.data is not None and tree.root.data.node == target
        fn = analysis.estate.function(target)
        assert fn is not None
        assert [c.data.node for c in tree.root.children if c.data] == [fn.role_arn]
        await pilot.press("b")
        await settle(pilot)
        assert screen.direction == "backward" and "who reaches it" in screen_text(app)
        sources = {c.data.node for c in tree.root.children if c.data}
        assert "internet" in sources
        assert sources == {h.source for h in next_hops(analysis.graph, target, "backward")}


async def test_unknown_start_keeps_the_tree(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "no-such-resource")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReachScreen) and screen.start == "internet"
        assert any("unknown node" in str(n.message) for n in app._notifications)
