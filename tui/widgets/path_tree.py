"""A Tree of reachability paths: each tree node is one hop, its children the next hops.

The widget only shows what it is given: the screen computes each node's hops (on expand, in a
worker when the fan-out is large) and hands them over with `show_hops`. Every label is built
from `Text` (never markup), so resource names from AWS are shown literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.safe_text import literal

if TYPE_CHECKING:
    from analyzers.reach.types import Hop

_DIM = Style(dim=True)
HOPS_PAGE = 200  # children added to the tree at once
_ACCESS_STYLE = {
    "permissions-management": Style(bold=True, reverse=True),
    "write": Style(bold=True),
}


@dataclass(frozen=True, slots=True)
class PathStep:
    """What a tree node stands for: the node reached, the hop that reached it (None at the
    root), and the nodes on the path so far (never revisited)."""

    node: str
    hop: Hop | None
    path: frozenset[str]
    loaded: bool = False


@dataclass(frozen=True, slots=True)
class NodeFacts:
    """How to name a node in a label: its label and kind (subkind when it has one)."""

    label: str
    kind: str
    leaf: bool  # no further hops: not expandable


def step_label(facts: NodeFacts, hop: Hop | None, direction: str) -> Text:
    """`invokes → payments-webhook (function)  write  conditional  · evidence`, literal."""
    text = Text()
    if hop is not None:
        arrow = "→" if direction == "forward" else "←"
        text.append(f"{hop.kind} {arrow} ", _DIM)
    text.append_text(literal(facts.label, "bold"))
    text.append(f" ({facts.kind})", _DIM)
    if hop is not None:
        if hop.access:
            text.append("  ")
            text.append_text(literal(hop.access, _ACCESS_STYLE.get(hop.access, "")))
        if hop.public:
            text.append("  public", "bold")
        if hop.conditional:
            text.append("  conditional", "italic")
        if hop.evidence:
            text.append("  · ", _DIM)
            text.append_text(literal(hop.evidence, _DIM))
    return text


class PathTree(Tree[PathStep]):
    """The reach tree; `space` expands a hop, `enter` selects it (the screen opens its detail)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.auto_expand = False  # enter opens the detail; space expands
        self.direction = "forward"
        # "more" lines: their node id -> (the node they belong to, the hops not shown yet)
        self._pending: dict[int, tuple[TreeNode[PathStep], list[tuple[Hop, NodeFacts]]]] = {}

    def show_start(self, node: str, facts: NodeFacts, direction: str) -> None:
        """Start over at `node` (the root), in `direction`."""
        self.direction = direction
        self._pending.clear()
        self.clear()
        self.root.set_label(step_label(facts, None, direction))
        self.root.data = PathStep(node, None, frozenset({node}))
        self.root.allow_expand = not facts.leaf

    def show_hops(
        self, parent: TreeNode[PathStep], hops: list[tuple[Hop, NodeFacts]], *, hidden: int = 0
    ) -> None:
        """Add `parent`'s next hops (already filtered and sorted by the screen), a page at a time:
        a node may have thousands (a role that may pass every role); `enter` on the last line
        adds the next page."""
        step = parent.data
        assert step is not None
        parent.remove_children()
        self._pending = {k: v for k, v in self._pending.items() if v[0] is not parent}
        parent.data = PathStep(step.node, step.hop, step.path, loaded=True)
        self._add_page(parent, hops)
        if hidden:
            parent.add_leaf(Text(f"{hidden} hop(s) hidden by the classification filter", "italic dim"))
        if not hops and not hidden:
            parent.add_leaf(Text("no further hops", "italic dim"))

    def _add_page(self, parent: TreeNode[PathStep], hops: list[tuple[Hop, NodeFacts]]) -> None:
        step = parent.data
        assert step is not None
        for hop, facts in hops[:HOPS_PAGE]:
            other = hop.target if self.direction == "forward" else hop.source
            child = PathStep(other, hop, step.path | {other})
            parent.add(step_label(facts, hop, self.direction), data=child, allow_expand=not facts.leaf)
        rest = hops[HOPS_PAGE:]
        if rest:
            shown = len(parent.children)
            more = Text(f"… {len(rest):,} more hop(s) after these {shown:,}: enter shows ", "italic dim")
            more.append(f"{min(len(rest), HOPS_PAGE)} more", "italic")
            leaf = parent.add_leaf(more)
            self._pending[leaf.id] = (parent, rest)

    @on(Tree.NodeSelected)
    def _show_more(self, event: Tree.NodeSelected[PathStep]) -> None:
        pending = self._pending.pop(event.node.id, None)
        if pending is None:
            return
        event.stop()  # a "more" line is no hop: the screen has nothing to open
        parent, rest = pending
        cursor = self.cursor_line
        event.node.remove()
        self._add_page(parent, rest)
        self.cursor_line = cursor  # on the first hop of the new page

    def show_loading(self, parent: TreeNode[PathStep]) -> None:
        parent.remove_children()
        parent.add_leaf(Text("computing hops…", "italic dim"))
