"""The Posture pane: findings grouped by rule, resource, requirement or framework.

Top: the groups, with open findings (`Finding.is_open`, as everywhere) by severity and how many
are triaged (risk-accepted, false positive, resolved). Bottom left: the highlighted group's
findings; bottom right: the highlighted finding (why, evidence, fix, requirements, status).
`b` cycles the grouping, `x` accepts the finding's risk (a suppression written to lambdascope.toml
in a worker, which re-settles the analysis without re-running the rules and posts it to the app
as `AnalysisChanged`: every view's counts follow), `S` shows or hides the triaged findings, `/`
filters, `tab` moves between the panes, `enter` drills in.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from analyzers.findings.model import Finding, Severity, Suppression
from analyzers.findings.registry import RULES
from analyzers.findings.settings import FILE_NAME, save_suppression
from tui.messages import AnalysisChanged
from tui.safe_text import clean, literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingDetailScreen
from tui.screens.suppress import SuppressScreen
from tui.severity import SHORT, SeverityPalette
from tui.viewmodels.posture_groups import (
    Grouping,
    PostureGroup,
    group_findings,
    posture_counts,
    posture_search_text,
)
from tui.viewmodels.summary import resource_name
from tui.widgets.filter_bar import FilterBar
from tui.widgets.posture_detail import PostureDetail
from tui.widgets.resource_table import ColumnSpec, ResourceTable, TableRow

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

_DIM = Style(dim=True)
GROUP_LABEL = {
    Grouping.RULE: "rule",
    Grouping.RESOURCE: "resource",
    Grouping.REQUIREMENT: "compliance requirement",
    Grouping.FRAMEWORK: "compliance framework",
}
GROUP_COLUMNS = (
    ColumnSpec("group", "Group", max_width=40),
    ColumnSpec("title", "Title", max_width=94),
    *(ColumnSpec(s.value, SHORT[s], descending_first=True, justify="right") for s in Severity),
    ColumnSpec("triaged", "Triaged", descending_first=True, justify="right"),
)
FINDING_COLUMNS = (
    ColumnSpec("severity", "Severity", descending_first=True),
    ColumnSpec("finding", "Finding", max_width=40),
    ColumnSpec("status", "Status", max_width=30),
)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def group_row(group: PostureGroup, palette: SeverityPalette) -> TableRow:
    counts = group.open_by_severity
    triaged = group.triaged
    cells = (
        literal(group.label, "bold"),
        literal(group.title),
        *(palette.count(s, counts[s]) for s in Severity),
        Text(str(triaged) if triaged else "·", "" if triaged else _DIM, justify="right"),
    )
    ranks = tuple(counts[s] for s in Severity)
    sort_keys = (group.order, group.title.lower(), *((counts[s], ranks) for s in Severity), (triaged, ranks))
    return TableRow(group.key, cells, sort_keys, "")


def finding_label(analysis: Analysis, finding: Finding, grouping: Grouping) -> str:
    """What tells the group's findings apart: the resource in a rule, the rule in a resource."""
    name = resource_name(analysis, finding.resource)
    if grouping is Grouping.RULE:
        return name
    if grouping is Grouping.RESOURCE:
        return finding.rule.id
    return f"{finding.rule.id} · {name}"


def open_status(finding: Finding, lapsed: bool = True) -> Text:
    """An open finding's status cell: `open`, `open (expired)` when only a lapsed suppression
    matched it, `re-opened` when it was marked resolved and is still there, or the triage state
    that keeps it open (acknowledged, investigating). `lapsed`: the settings have a lapsed
    suppression (else no finding can carry one's note, and its evidence is not read: a finding
    from the analysis cache parses its evidence when first read)."""
    if finding.triage is not None and finding.triage.reopened:
        return Text("re-opened", "bold")
    expired = lapsed and any(e.label == "suppression expired" for e in finding.evidence)
    if expired and finding.status == "open":
        return Text("open (expired)", "bold")
    return Text(finding.status)


def _why_not_open(finding: Finding) -> str:
    """The suppression's reason, else the triage note."""
    if finding.suppression is not None:
        return finding.suppression.reason
    return finding.triage.note if finding.triage is not None else ""


def finding_row(
    analysis: Analysis, finding: Finding, grouping: Grouping, palette: SeverityPalette, order: int
) -> TableRow:
    label = finding_label(analysis, finding, grouping)
    if finding.is_open:
        lapsed = bool(analysis.expired_suppressions)
        cells = (palette.badge(finding.severity), literal(label), open_status(finding, lapsed))
    else:
        status = Text(f"{finding.status}: ", _DIM)
        status.append_text(literal(_why_not_open(finding), _DIM))
        badge = Text(f" {finding.severity.value.upper():<8} ", _DIM)
        cells = (badge, literal(label, _DIM), status)
    sort_keys = ((finding.severity.rank, -order), (label.lower(), order), (finding.status, order))
    return TableRow(finding.id, cells, sort_keys, "")


class PostureScreen(AnalysisScreen):
    """The posture pane: regrouped in place when the app hands it a new analysis."""

    CSS_PATH = "posture.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "cycle_grouping", "Group by"),
        Binding("x", "suppress", "Suppress"),
        Binding("S", "toggle_triaged", "Triaged"),
        Binding("slash", "filter", "Filter"),
        Binding("tab", "app.focus_next", "Next pane"),
        Binding("y", "app.copy_arn", "Copy ARN"),
        Binding("f", "app.show_view('functions')", "Functions"),
        Binding("F", "app.show_view('findings')", "Findings", show=False),
        Binding("escape", "back", "Back", show=False),
    ]
    AUTO_FOCUS = "#groups"
    help_name = "posture (config)"

    selected_arn: reactive[str | None] = reactive(None)
    grouping: reactive[Grouping] = reactive(Grouping.RULE, init=False)
    show_triaged: reactive[bool] = reactive(True, init=False)

    def __init__(self, analysis: Analysis) -> None:
        super().__init__(analysis, id="posture-screen")
        self.filter_text = ""
        self._groups: dict[str, PostureGroup] = {}
        self._findings: dict[str, Finding] = {}
        self._search: dict[str, str] = {}
        self._group_key: str | None = None
        self._finding_key: str | None = None

    # Layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield Static(id="status", classes="status")
        yield FilterBar("filter findings: rule, resource, title, requirement, reason …", id="filter")
        with Vertical(id="posture-body"):
            yield ResourceTable(GROUP_COLUMNS, [], id="groups")
            with Horizontal(id="posture-lower"):
                yield ResourceTable(FINDING_COLUMNS, [], id="group-findings")
                with VerticalScroll(id="posture-detail-scroll"):
                    yield PostureDetail(id="posture-detail")
        yield Footer()

    @property
    def groups_table(self) -> ResourceTable:
        return self.query_one("#groups", ResourceTable)

    @property
    def findings_table(self) -> ResourceTable:
        return self.query_one("#group-findings", ResourceTable)

    @property
    def detail(self) -> PostureDetail:
        return self.query_one("#posture-detail", PostureDetail)

    @property
    def current_group(self) -> PostureGroup | None:
        return self._groups.get(self._group_key or "")

    @property
    def current_finding(self) -> Finding | None:
        return self._findings.get(self._finding_key or "")

    def on_mount(self) -> None:
        self.findings_table.border_title = "Findings"
        self.query_one("#posture-detail-scroll").border_title = "Detail"
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.rebuild())
        self.rebuild()

    async def show_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._search.clear()
        self.rebuild()

    # Building the view -------------------------------------------------------------------
    def _palette(self) -> SeverityPalette:
        return SeverityPalette(self.app.get_css_variables())

    def _matches(self, finding: Finding) -> bool:
        needle = self.filter_text.strip().lower()
        if not needle:
            return True
        text = self._search.get(finding.id)
        if text is None:
            text = self._search[finding.id] = posture_search_text(self.analysis, finding)
        return needle in text

    def rebuild(self) -> None:
        """Regroup the analysis (after a grouping, filter, toggle or analysis change)."""
        findings = [f for f in self.analysis.findings if self._matches(f)]
        groups = group_findings(
            findings,
            self.grouping,
            rules=RULES,
            name=lambda arn: resource_name(self.analysis, arn),
            include_unfound=not self.filter_text.strip(),
        )
        self._groups = {g.key: g for g in groups}
        self._findings = {f.id: f for f in self.analysis.findings}
        palette = self._palette()
        self.groups_table.border_title = f"Posture by {GROUP_LABEL[self.grouping]} · b: group by"
        self.groups_table.replace_rows([group_row(g, palette) for g in groups])
        self._show_group(self.groups_table.highlighted_key, force=True)
        self._update_status(len(groups))

    def _show_group(self, key: str | None, *, force: bool = False) -> None:
        if key == self._group_key and not force:
            return
        self._group_key = key
        group = self.current_group
        if group is None:
            self.findings_table.replace_rows([])
            self._show_finding(None)
            return
        if self.grouping is Grouping.RESOURCE:
            self.selected_arn = group.title
        palette = self._palette()
        members = [f for f in group.findings if self.show_triaged or f.is_open]
        rows = [finding_row(self.analysis, f, self.grouping, palette, i) for i, f in enumerate(members)]
        self.findings_table.replace_rows(rows)
        self._show_finding(self.findings_table.highlighted_key)

    def _show_finding(self, key: str | None) -> None:
        self._finding_key = key
        finding = self.current_finding
        if finding is not None:
            self.selected_arn = finding.resource
            self.detail.show_finding(finding, self._palette(), self.analysis.today)
        elif self.current_group is not None:
            self.detail.show_group(self.current_group, self.show_triaged)
        else:
            self.detail.show_hint("Nothing matches." if self.filter_text else "No findings.")

    def _update_status(self, group_count: int) -> None:
        counts = posture_counts(self.analysis)
        status = Text(f"{group_count} {GROUP_LABEL[self.grouping]} groups", style="bold")
        status.append(f" · {counts.open} open · {counts.triaged_total} triaged")
        if counts.triaged:
            statuses = ", ".join(f"{n} {state}" for state, n in counts.triaged.items())
            shown = "shown dimmed, S hides" if self.show_triaged else "hidden, S shows"
            status.append(f" ({statuses}; {shown})")
        status.append(f" · {_plural(counts.expired_suppressions, 'expired suppression')}")
        if counts.reopened:
            status.append(f" ({_plural(counts.reopened, 'finding')} open again)")
        if self.filter_text:
            status.append(" · filter ")
            status.append_text(literal(self.filter_text, "italic"))
        self.query_one("#status", Static).update(status)

    def watch_grouping(self) -> None:
        self._group_key = None  # group keys differ per grouping: the cursor starts at the top
        self.rebuild()

    def watch_show_triaged(self) -> None:
        self.rebuild()

    # Actions -----------------------------------------------------------------------------
    def action_cycle_grouping(self) -> None:
        self.grouping = self.grouping.next

    def action_toggle_triaged(self) -> None:
        self.show_triaged = not self.show_triaged
        state = "shown (dimmed)" if self.show_triaged else "hidden"
        triaged = posture_counts(self.analysis).triaged_total
        self.notify(f"triaged findings {state}; {triaged} triaged in all")

    def action_filter(self) -> None:
        self.query_one("#filter", FilterBar).open()

    async def action_back(self) -> None:
        if self.filter_text:
            self.query_one("#filter", FilterBar).action_close()
        elif self.focused is self.findings_table or self.focused is self.query_one("#posture-detail-scroll"):
            self.groups_table.focus()
        else:
            await self.app.run_action("show_view('functions')")

    def action_suppress(self) -> None:
        finding = self.current_finding
        if finding is None:
            self.notify("Highlight a finding to suppress", severity="warning")
            return
        if finding.suppression is not None:
            self.notify(f"Already risk-accepted: {clean(finding.suppression.reason)}", markup=False)
            return
        self.app.push_screen(SuppressScreen(finding, self.analysis.today), self._on_suppression)

    def settings_path(self) -> Path:
        """Where suppressions go: the file the settings came from, else ./lambdascope.toml."""
        source = self.analysis.settings.source
        return Path(source) if source is not None else Path.cwd() / FILE_NAME

    def _on_suppression(self, suppression: Suppression | None) -> None:
        if suppression is not None:
            self._write_suppression(self.analysis, self.settings_path(), suppression)

    @work(thread=True, exclusive=True, group="suppress", exit_on_error=False)
    def _write_suppression(self, analysis: Analysis, path: Path, suppression: Suppression) -> None:
        """Write the file, re-settle the analysis under it, and hand that to the app (a file the
        user broke fails here, and the app says why)."""
        fresh = analysis.with_settings(save_suppression(path, suppression))
        if not get_current_worker().is_cancelled:
            notice = f"suppressed; {fresh.suppressed} suppressed in all (written to {clean(path)})"
            self.post_message(AnalysisChanged(fresh, analysis, notice))

    # Messages ----------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.filter_text = event.value
            self.rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            if not event.value:
                event.input.display = False
            self.groups_table.focus()

    def on_filter_bar_closed(self, _event: FilterBar.Closed) -> None:
        self.groups_table.focus()

    def on_resource_table_row_highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        if event.table.id == "groups":
            self._show_group(event.key)
        elif event.key != self._finding_key:
            self._show_finding(event.key)

    def on_resource_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        event.stop()
        if event.table.id == "groups":
            self.findings_table.focus()
            return
        finding = self._findings.get(event.key)
        if finding is None:
            return
        if self.analysis.estate.function(finding.resource) is not None:
            self.app.push_screen(FunctionDetailScreen(self.analysis, finding.resource))
        else:
            self.app.push_screen(FindingDetailScreen(finding, self.analysis))

    def on_resource_table_view_changed(self, event: ResourceTable.ViewChanged) -> None:
        event.stop()
