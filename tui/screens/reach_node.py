"""A small detail of any graph node the Reachability pane reaches that has no richer screen
(a data store, an invoker, an account, a service): its attributes and the evidence of the hop
that reached it, pretty-printed and literal. `esc` goes back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.safe_text import literal, pretty_json

if TYPE_CHECKING:
    import networkx as nx

    from analyzers.reach.types import Hop

_HIDDEN = {"grant"}  # internal objects kept on edges for the analyzers, not evidence


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def edge_evidence(graph: nx.MultiDiGraph, hop: Hop) -> dict[str, Any]:
    """Everything the edge behind `hop` carries (its evidence in full), as plain JSON values."""
    if not graph.has_edge(hop.source, hop.target, hop.key):
        return {}
    data = graph.edges[hop.source, hop.target, hop.key]
    return {k: _plain(v) for k, v in data.items() if k not in _HIDDEN}


class NodeDetailScreen(Screen[None]):
    """A node's attributes and the evidence behind the hop that reached it."""

    CSS_PATH = "reach.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "app.copy_arn", "Copy ARN"),
    ]
    AUTO_FOCUS = "#node-detail"
    help_name = "reached node"

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, graph: nx.MultiDiGraph, node: str, hop: Hop | None) -> None:
        super().__init__(classes="node-detail-screen")
        self.graph = graph
        self.node = node
        self.hop = hop
        self.set_reactive(NodeDetailScreen.selected_arn, node)

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        attrs = dict(self.graph.nodes[self.node]) if self.node in self.graph else {}
        with VerticalScroll(id="node-detail"):
            title = literal(attrs.get("label") or self.node, "bold")
            title.append(f"  {attrs.get('subkind') or attrs.get('kind') or 'node'}", Style(dim=True))
            yield Static(title, id="node-title")
            yield Static(literal(self.node, Style(dim=True)), id="node-id")
            yield Static(Text("Attributes", "bold"), classes="node-heading")
            yield Static(pretty_json(_plain(attrs)), classes="node-json")
            if self.hop is not None:
                yield Static(Text("Reached by", "bold"), classes="node-heading")
                yield Static(pretty_json(edge_evidence(self.graph, self.hop)), classes="node-json")
        yield Footer()
