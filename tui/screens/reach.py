"""The Reachability pane: from a start (internet, an account, a function, a store), the paths
hop by hop, as a tree expanded on demand.

`/` chooses the start (suggestions from the estate's names; `internet` and `account:ID` too),
`space` expands a hop, `enter` opens the hop's resource (function and principal details, else
the node's attributes and the evidence of the hop), `b` toggles forward/backward, `t` cycles
the data classification filter, `esc` goes back. Hops are computed when a node is expanded, in
a thread worker when the fan-out is large, and the summary of the whole answer in another; the
UI thread never walks the graph beyond one node's edges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Header, Input, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from estate.errors import LambdascopeError
from tui.messages import HopList, HopsReady, SummaryReady
from tui.safe_text import clean, literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.principal import PrincipalDetailScreen
from tui.screens.reach_node import NodeDetailScreen
from tui.widgets.path_tree import NodeFacts, PathStep, PathTree

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from analyzers.reach.query import (
        Direction,
        ReachResult,
    )
    from analyzers.reach.types import Hop

WORKER_FAN_OUT = 64  # expanding a node with more edges than this runs in a worker


class ReachScreen(AnalysisScreen):
    CSS_PATH = "reach.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "choose_start", "Start"),
        Binding("b", "toggle_direction", "Forward/backward"),
        Binding("t", "cycle_classification", "Classification"),
        Binding("y", "app.copy_arn", "Copy ARN"),
        Binding("escape", "back", "Back", show=False),
    ]
    AUTO_FOCUS = "#reach-tree"
    help_name = "reachability"

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, analysis: Analysis, start: str = "internet") -> None:
        super().__init__(analysis, id="reach-screen")
        self.graph = analysis.graph
        self.start = start if start in self.graph else next(iter(self.graph.nodes), start)
        self.direction: Direction = "forward"
        self.classification: str | None = None
        self.relevant: frozenset[str] | None = None  # nodes the classification filter keeps
        self.generation = 0  # bumped on every restart: late worker answers are dropped

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield Input(
            placeholder="start: internet, account:ID, or a function, role or store name (enter)",
            suggester=SuggestFromList(self._names(), case_sensitive=False),
            id="reach-start",
        )
        yield Static(id="reach-status")
        yield PathTree(id="reach-tree")
        yield Footer()

    def _names(self) -> list[str]:
        """What the start box suggests: entry points first, then functions, principals, stores."""
        from analyzers.reach.query import STORE_KINDS

        order = {"internet": 0, "account": 1, "function": 2, "role": 3, "user": 3}
        named = [
            (order.get(str(data.get("kind")), 4 if data.get("kind") in STORE_KINDS else 5), str(label))
            for _node, data in self.graph.nodes(data=True)
            if (label := data.get("label")) and data.get("kind") != "policy"
        ]
        return list(dict.fromkeys(label for _rank, label in sorted(named)))

    def on_mount(self) -> None:
        self.restart()

    async def show_analysis(self, analysis: Analysis) -> None:
        """The tree is of the graph, which a suppression or a metrics refresh leaves as it was:
        it is redrawn only for another graph."""
        self.analysis = analysis
        if analysis.graph is not self.graph:
            self.graph = analysis.graph
            self.restart()

    # The tree ----------------------------------------------------------------------------
    @property
    def path_tree(self) -> PathTree:
        return self.query_one("#reach-tree", PathTree)

    def _facts(self, node: str) -> NodeFacts:
        from analyzers.reach.query import FORWARD_KINDS
        from analyzers.reach.walks import edges_of

        data = self.graph.nodes[node]
        leaf = next(iter(edges_of(self.graph, node, self.direction, FORWARD_KINDS)), None) is None
        kind = str(data.get("subkind") or data.get("kind") or "node")
        return NodeFacts(str(data.get("label") or node), kind, leaf)

    def restart(self) -> None:
        """Show the tree from `self.start` afresh, and ask a worker for the summary."""
        self.generation += 1
        self.path_tree.show_start(self.start, self._facts(self.start), self.direction)
        self.selected_arn = self.start
        self._update_status(None)
        self._summarise(self.generation, self.start, self.direction, self.classification)
        self.path_tree.root.expand()

    def _hops(self, step: PathStep) -> tuple[HopList, int]:
        from analyzers.reach.query import next_hops

        hops = next_hops(self.graph, step.node, self.direction, exclude=step.path)
        relevant = self.relevant
        kept = [h for h in hops if relevant is None or self._far(h) in relevant]
        return [(h, self._facts(self._far(h))) for h in kept], len(hops) - len(kept)

    def _far(self, hop: Hop) -> str:
        return hop.target if self.direction == "forward" else hop.source

    @on(Tree.NodeExpanded, "#reach-tree")
    def _expanded(self, event: Tree.NodeExpanded[PathStep]) -> None:
        step = event.node.data
        if step is None or step.loaded:
            return
        adjacency = self.graph.succ if self.direction == "forward" else self.graph.pred
        if len(adjacency[step.node]) > WORKER_FAN_OUT:
            self.path_tree.show_loading(event.node)
            self._load_hops(self.generation, event.node, step)
        else:
            hops, hidden = self._hops(step)
            self.path_tree.show_hops(event.node, hops, hidden=hidden)

    @work(thread=True, group="reach-hops", exit_on_error=False)
    def _load_hops(self, generation: int, parent: TreeNode[PathStep], step: PathStep) -> None:
        hops, hidden = self._hops(step)
        if not get_current_worker().is_cancelled:
            self.post_message(HopsReady(generation, parent, hops, hidden))

    def on_hops_ready(self, message: HopsReady) -> None:
        message.stop()
        if message.generation == self.generation:
            self.path_tree.show_hops(message.parent, message.hops, hidden=message.hidden)

    @on(Tree.NodeHighlighted, "#reach-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[PathStep]) -> None:
        if event.node.data is not None:
            self.selected_arn = event.node.data.node

    @on(Tree.NodeSelected, "#reach-tree")
    def _selected(self, event: Tree.NodeSelected[PathStep]) -> None:
        if event.node.data is not None:
            self.open_detail(event.node.data)

    def open_detail(self, step: PathStep) -> None:
        """A function's or principal's own screen, else the node's attributes and hop evidence."""
        node = step.node
        if self.analysis.estate.function(node) is not None:
            self.app.push_screen(FunctionDetailScreen(self.analysis, node))
        elif self.analysis.iam is not None and node in self.analysis.iam.model.actors:
            self.app.push_screen(PrincipalDetailScreen(self.analysis, node))
        else:
            self.app.push_screen(NodeDetailScreen(self.graph, node, step.hop))

    # The summary -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="reach-summary", exit_on_error=False)
    def _summarise(
        self, generation: int, start: str, direction: Direction, classification: str | None
    ) -> None:
        from analyzers.reach.query import backward, forward

        query = forward if direction == "forward" else backward
        result = query(self.graph, start, classification=classification, limit=0)
        if not get_current_worker().is_cancelled:
            self.post_message(SummaryReady(generation, _summary(result)))

    def on_summary_ready(self, message: SummaryReady) -> None:
        message.stop()
        if message.generation == self.generation:
            self._update_status(message.summary)

    def _update_status(self, summary: str | None) -> None:
        label = self.graph.nodes[self.start].get("label") or self.start
        way = "what it reaches" if self.direction == "forward" else "who reaches it"
        text = Text.assemble(("Start ", "dim"), literal(label, "bold"), (f"  ·  {way}", "bold"))
        text.append(f"  ·  classification: {clean(self.classification or 'any')}", "dim")
        if summary is None:
            text.append("  ·  counting…", "italic dim")
        else:
            text.append(f"  ·  {summary}")
        self.query_one("#reach-status", Static).update(text)

    # Actions -----------------------------------------------------------------------------
    def show_from(self, node: str) -> None:
        """Start over from `node` (the palette's `reach: from internet`)."""
        if node in self.graph:
            self.start = node
            self.restart()
            self.path_tree.focus()

    def action_choose_start(self) -> None:
        self.query_one("#reach-start", Input).focus()

    @on(Input.Submitted, "#reach-start")
    def _start_chosen(self, event: Input.Submitted) -> None:
        from analyzers.reach.labels import resolve_node

        try:
            node = resolve_node(self.graph, event.value)
        except LambdascopeError as error:
            self.notify(clean(error), title="Unknown start", severity="error", markup=False)
            return
        self.start = node
        event.input.value = ""
        self.restart()
        self.path_tree.focus()

    def action_toggle_direction(self) -> None:
        self.direction = "backward" if self.direction == "forward" else "forward"
        self._refilter()

    def action_cycle_classification(self) -> None:
        from analyzers.reach.query import classifications

        found = classifications(self.graph)
        if not found:
            self.notify("No data store in this estate carries a classification tag", severity="warning")
            return
        cycle: list[str | None] = [None, *found]
        self.classification = cycle[(cycle.index(self.classification) + 1) % len(cycle)]
        self._refilter()

    def _refilter(self) -> None:
        if self.classification is None:
            self.relevant = None
            self.restart()
            return
        self.generation += 1
        self._update_status(None)
        self._relevant(self.generation, self.classification, self.direction)

    @work(thread=True, exclusive=True, group="reach-filter", exit_on_error=False)
    def _relevant(self, generation: int, classification: str, direction: Direction) -> None:
        from analyzers.reach.query import relevant_nodes

        keep = relevant_nodes(self.graph, classification, direction)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._filtered, generation, keep)

    def _filtered(self, generation: int, keep: frozenset[str]) -> None:
        if generation == self.generation:
            self.relevant = keep
            self.restart()

    async def action_back(self) -> None:
        if self.focused is self.query_one("#reach-start", Input):
            self.path_tree.focus()
            return
        await self.app.run_action("show_view('functions')")


def _summary(result: ReachResult) -> str:
    from analyzers.reach.query import STORE_KINDS

    if not result.reached:
        return "nothing reached" if result.direction == "forward" else "nothing reaches it"
    counts: dict[str, int] = {}
    for reached in result.reached:
        counts[reached.kind] = counts.get(reached.kind, 0) + 1
    parts = [f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    strong = sum(
        1 for r in result.reached if r.kind in STORE_KINDS and r.access in {"write", "permissions-management"}
    )
    if strong:
        parts.append(f"{strong} store(s) writable")
    return f"{len(result.reached)} reached: " + ", ".join(parts)
