"""One role or user: what it may do on the sensitive services, how it escalates, who reaches it.

Escalation paths are lists of hops (from -> to, the method, the statements that grant it, open
conditions); `enter` on a hop, or on an entry of "who can reach it", opens that principal (or
function), `esc` goes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Footer, Header, ListItem, ListView, Static

from tui.safe_text import literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.severity import SeverityPalette
from tui.widgets.finding_card import FindingCard

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from analyzers.iam.escalation.edge_record import EscalationEdge
    from analyzers.iam.escalation.paths import EscalationPath, Hop
    from analyzers.iam.grant import Grant
    from analyzers.iam.principal_summary import (
        AccessCounts,
        PrincipalSummary,
    )
    from policy.decision import Hinge, StatementRef

_DIM = Style(dim=True, italic=True)
_LEVELS = ("List", "Read", "Write", "Tagging", "Permissions management")


def _none(text: str) -> Text:
    return Text(text, _DIM)


def short_name(arn: str) -> str:
    """The last part of an ARN (a role, user or function name; a service principal as is)."""
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1] if arn.startswith("arn:") else arn


def _counts(counts: AccessCounts | None) -> Text:
    if counts is None or not counts.total:
        return _none("–")
    parts = [Text(str(counts.allowed), "bold")] if counts.allowed else []
    if counts.conditional:
        parts.append(Text(f"{counts.conditional} cond", "italic"))
    if counts.scoped:
        parts.append(Text(f"{counts.scoped} scoped", Style(dim=True)))
    return Text(" + ").join(parts)


def permissions_table(summary: PrincipalSummary) -> Table:
    """Sensitive service x access level: actions allowed everywhere, conditionally, on some resources."""
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    table.add_column("Service", no_wrap=True)
    for level in _LEVELS:
        table.add_column(level, justify="right", no_wrap=True)
    for service, levels in summary.services.items():
        table.add_row(Text(service, "bold"), *(_counts(levels.get(level)) for level in _LEVELS))
    return table


def _statement(ref: StatementRef) -> Text:
    out = literal(ref.policy)
    out.append(f" · Sid {ref.sid}" if ref.sid is not None else "", "")
    out.append(f" · statement {ref.index}")
    out.append(f" ({ref.kind})", Style(dim=True))
    return out


def _grant_lines(grant: Grant) -> Iterable[Text]:
    head = Text("    ")
    head.append_text(literal(grant.action, "bold"))
    head.append(" on ")
    head.append_text(literal(grant.resource))
    head.append(f"  [{grant.outcome}]", Style(dim=True))
    yield head
    for ref in grant.statements:
        line = Text("      granted by ")
        line.append_text(_statement(ref))
        yield line


def _hinge_line(hinge: Hinge) -> Text:
    line = Text("    if ", "italic")
    line.append_text(literal(f"{hinge.operator} {hinge.key} {', '.join(hinge.values)}"))
    if hinge.note:
        line.append("  ")
        line.append_text(literal(hinge.note, Style(dim=True)))
    return line


def _edge_lines(edge: EscalationEdge) -> Iterable[Text]:
    for grant in edge.grants:
        yield from _grant_lines(grant)
    for hinge in edge.hinges:
        yield _hinge_line(hinge)
    if edge.method.unknown:
        yield Text.assemble(
            ("    needs resources not in the snapshot: ", "italic"), literal(edge.method.unknown)
        )


def hop_text(index: int, hop: Hop) -> Text:
    """A hop as lines: from -> to, the method, each granting statement and open condition."""
    edge = hop.edge
    lines = [
        Text.assemble(
            (f"{index}. ", "bold"),
            literal(short_name(edge.source), "bold"),
            " → ",
            literal(short_name(hop.target), "bold"),
            (" (conditional)" if hop.conditional else "", "italic"),
        ),
        Text.assemble(
            "   ",
            literal(edge.method.id, "bold"),
            ": ",
            literal(edge.method.title),
            (f" [pathfinding.cloud {', '.join(edge.method.pathfinding)}]", "dim")
            if edge.method.pathfinding
            else "",
        ),
    ]
    lines.extend(_edge_lines(edge))
    if hop.through is not None:
        lines.append(
            Text.assemble(
                "   then ",
                literal(short_name(hop.through.source)),
                " assumes ",
                literal(short_name(hop.target)),
            )
        )
        lines.extend(_edge_lines(hop.through))
    if hop.alternatives:
        lines.append(Text.assemble(("   also by ", "italic"), literal(", ".join(hop.alternatives))))
    return Text("\n").join(lines)


class TargetItem(ListItem):
    """A list entry that opens a principal or a function (`enter`)."""

    def __init__(self, target: str, body: Text) -> None:
        super().__init__(Static(body))
        self.target = target


class PrincipalDetailScreen(AnalysisScreen):
    """Everything about one principal; `esc` goes back to where it was opened from."""

    CSS_PATH = "principal.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "app.copy_arn", "Copy ARN"),
        Binding("j", "cursor('down')", "Down", show=False),
        Binding("k", "cursor('up')", "Up", show=False),
    ]
    AUTO_FOCUS = "ListView"
    help_name = "principal detail"

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, analysis: Analysis, arn: str) -> None:
        super().__init__(analysis, classes="principal-screen")
        self.set_reactive(PrincipalDetailScreen.selected_arn, arn)
        self.summary = self._summary(analysis, arn)

    @staticmethod
    def _summary(analysis: Analysis, arn: str) -> PrincipalSummary | None:
        from analyzers.iam.principal_summary import principal_summary

        try:
            return principal_summary(analysis, arn)
        except KeyError:
            return None

    async def show_analysis(self, analysis: Analysis) -> None:
        self.summary = self._summary(analysis, self.selected_arn or "")
        await super().show_analysis(analysis)

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with VerticalScroll(id="principal"):
            if self.summary is None:
                yield Static(Text.assemble("Principal not found: ", literal(self.selected_arn)))
            else:
                yield from self._body(self.summary)
        yield Footer()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._restyle)

    async def _restyle(self, _theme: object) -> None:
        await self.recompose()  # finding cards carry colours resolved from the theme

    @staticmethod
    def _section(section_id: str, title: str, *children: Widget) -> Vertical:
        section = Vertical(*children, id=section_id, classes="section")
        section.border_title = title
        return section

    def _body(self, s: PrincipalSummary) -> ComposeResult:
        heading = literal(s.name, "bold")
        heading.append(f"  {s.kind}", Style(dim=True))
        if s.admin:
            heading.append("  administrator", "bold reverse")
        yield Static(heading, id="principal-title")
        yield Static(literal(s.arn, Style(dim=True)), id="principal-arn")
        yield self._section(
            "permissions",
            "Effective permissions on sensitive services (actions: allowed + conditional + scoped)",
            Static(permissions_table(s)),
        )
        yield self._paths(s)
        yield self._reach(s)
        findings = self.analysis.findings_for(s.arn)
        palette = SeverityPalette(self.app.get_css_variables())
        cards: list[Widget] = [FindingCard(f, palette) for f in findings]
        if not cards:
            cards.append(Static(_none("No findings."), classes="note"))
        yield self._section("findings", f"Findings ({len(findings)})", *cards)

    def _paths(self, s: PrincipalSummary) -> Vertical:
        children: list[Widget] = []
        for number, path in enumerate(s.escalations, 1):
            children.append(Static(self._path_heading(number, path), classes="path-heading"))
            items = [TargetItem(hop.target, hop_text(i, hop)) for i, hop in enumerate(path.hops, 1)]
            children.append(ListView(*items, classes="hops"))
        if not children:
            children.append(Static(_none("No way to a more privileged principal was found."), classes="note"))
        return self._section("paths", f"Escalation paths ({len(s.escalations)})", *children)

    @staticmethod
    def _path_heading(number: int, path: EscalationPath) -> Text:
        what = "administrator" if path.admin else "more privileged"
        hops = f"{len(path.hops)} hop{'s' if len(path.hops) != 1 else ''}"
        return Text.assemble(
            (f"Path {number}: ", "bold"),
            "becomes ",
            literal(short_name(path.target), "bold"),
            f" ({what}) in {hops}",
            (" · conditional" if path.conditional else "", "italic"),
        )

    def _reach(self, s: PrincipalSummary) -> Vertical:
        items = [TargetItem(arn, text) for arn, text in self._reachers(s.arn)]
        items.extend(
            TargetItem(
                fn, Text.assemble(literal(short_name(fn), "bold"), ("  function executing as it", _DIM))
            )
            for fn in s.functions
        )
        child: Widget = (
            ListView(*items, id="reachers")
            if items
            else Static(_none("No principal escalates to it and no function executes as it."), classes="note")
        )
        return self._section("reach", f"Who can reach this principal ({len(items)})", child)

    def _reachers(self, arn: str) -> list[tuple[str, Text]]:
        """Principals whose escalation paths end at or pass through `arn`, and direct escalation
        edges into it, each once."""
        from analyzers.iam.principal_summary import iam_analysis

        iam = iam_analysis(self.analysis)
        found: dict[str, Text] = {}
        for start, paths in sorted(iam.paths.items()):
            for path in paths:
                targets = [h.target for h in path.hops]
                if start == arn or arn not in targets or start in found:
                    continue
                how = (
                    "path ends here"
                    if path.target == arn
                    else f"path to {short_name(path.target)} passes here"
                )
                found[start] = Text.assemble(
                    literal(short_name(start), "bold"),
                    "  ",
                    literal(how, _DIM),
                    ("  " + " → ".join(path.methods), _DIM),
                )
        # the summaries answer "edges into arn" with one look-up per fan; a plain list is scanned
        into = getattr(iam.edges, "into", None)
        edges = into(arn) if into is not None else (e for e in iam.edges if e.target == arn)
        for edge in edges:
            if edge.target == arn and edge.source != arn and edge.source in iam.model.actors:
                found.setdefault(
                    edge.source,
                    Text.assemble(
                        literal(short_name(edge.source), "bold"), "  ", literal(edge.method.id, _DIM)
                    ),
                )
        return list(found.items())

    # Actions -----------------------------------------------------------------------------
    def on_list_view_selected(self, event: ListView.Selected) -> None:
        from analyzers.iam.principal_summary import iam_analysis

        item = event.item
        if not isinstance(item, TargetItem):
            return
        event.stop()
        if self.analysis.estate.function(item.target) is not None:
            self.app.push_screen(FunctionDetailScreen(self.analysis, item.target))
        elif item.target in iam_analysis(self.analysis).model.actors:
            self.app.push_screen(PrincipalDetailScreen(self.analysis, item.target))
        else:
            self.notify(f"{short_name(item.target)} is not a role or user in the estate", markup=False)

    def action_cursor(self, direction: str) -> None:
        focused = self.focused
        if isinstance(focused, ListView):
            if direction == "down":
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()
        else:
            body = self.query_one("#principal", VerticalScroll)
            body.scroll_down() if direction == "down" else body.scroll_up()
