"""The reach tree adds a node's hops a page at a time: a role that may pass every role has
thousands, and the tree stays quick to open and to move in."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from analyzers.reach.types import Hop
from tui.widgets.path_tree import HOPS_PAGE, NodeFacts, PathTree

pytestmark = pytest.mark.tui

FAN_OUT = 2 * HOPS_PAGE + 50


class TreeApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield PathTree(id="tree")

    def on_mount(self) -> None:
        tree = self.query_one(PathTree)
        tree.show_start("service:lambda.amazonaws.com", NodeFacts("lambda", "service", False), "forward")
        hops = [
            (
                Hop("service:lambda.amazonaws.com", f"role-{i:04d}", "escalates-to", "assume"),
                NodeFacts(f"role-{i:04d}", "role", True),
            )
            for i in range(FAN_OUT)
        ]
        tree.show_hops(tree.root, hops)
        tree.root.expand()
        tree.focus()

    def on_tree_node_selected(self, event: PathTree.NodeSelected[object]) -> None:
        self.opened.append(str(event.node.label))


async def test_a_large_fan_out_shows_a_page_and_enter_on_more_adds_the_next() -> None:
    app = TreeApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tree = app.query_one(PathTree)
        children = tree.root.children
        assert len(children) == HOPS_PAGE + 1
        assert f"{FAN_OUT - HOPS_PAGE:,} more hop(s)" in str(children[-1].label)
        tree.move_cursor(children[-1])
        await pilot.press("enter")
        await pilot.pause()
        children = tree.root.children
        assert len(children) == 2 * HOPS_PAGE + 1 and "50 more hop(s)" in str(children[-1].label)
        assert tree.cursor_node is children[HOPS_PAGE]  # on the first hop of the new page
        assert tree.cursor_node.data is not None and tree.cursor_node.data.node == f"role-{HOPS_PAGE:04d}"
        assert app.opened == []  # a "more" line opens nothing
        tree.move_cursor(children[-1])
        await pilot.press("enter")
        await pilot.pause()
        labels = [str(c.label) for c in tree.root.children]
        assert len(labels) == FAN_OUT and not any("more hop" in label for label in labels)
        await pilot.press("enter")  # on a hop: the app (the screen, in lambdascope) opens it
        await pilot.pause()
        assert app.opened and f"role-{2 * HOPS_PAGE:04d}" in app.opened[-1]  # the cursor stayed put
