"""Every finding, worst first: `enter` opens the function it is about (or the finding itself).

Triage from here: `space` marks rows, `t` sets the state of the marked findings (or the current
one) with a small form (`tui/screens/triage.py`), `v` shows only one state at a time. The
status column says each finding's state; one marked resolved that the snapshot still has reads
`re-opened`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from analyzers.findings.model import TRIAGE_STATES, Finding
from tui.messages import AnalysisChanged
from tui.safe_text import literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.table_screen import TableScreen
from tui.screens.triage import TriageRequest, TriageScreen, write_triage
from tui.severity import SeverityPalette
from tui.viewmodels.summary import finding_search_text, resource_name
from tui.widgets.finding_card import FindingCard
from tui.widgets.resource_table import ColumnSpec, TableRow

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

COLUMNS = (
    ColumnSpec("severity", "Severity", descending_first=True),
    ColumnSpec("status", "Status", max_width=16),
    ColumnSpec("rule", "Rule"),
    ColumnSpec("resource", "Resource"),
    ColumnSpec("region", "Region"),
    ColumnSpec("title", "Title", max_width=120),
)


STATE_FILTERS = (None, *TRIAGE_STATES)
"""What `v` cycles through: every finding, then one status at a time."""
MARK = "● "


def status_cell(finding: Finding, marked: bool) -> Text:
    """The finding's status, `re-opened` for one marked resolved that is still there, and the
    mark `space` set."""
    reopened = finding.triage is not None and finding.triage.reopened
    text = Text(MARK if marked else "  ", style="bold")
    if reopened:
        text.append("re-opened", style="bold reverse")
    else:
        text.append(finding.status, style="" if finding.is_open else "dim")
    return text


def finding_row(
    analysis: Analysis, finding: Finding, palette: SeverityPalette, marked: bool = False
) -> TableRow:
    name = resource_name(analysis, finding.resource)
    cells = (
        palette.badge(finding.severity),
        status_cell(finding, marked),
        Text(finding.rule.id),
        literal(name, "bold"),
        literal(finding.region),
        literal(finding.title),
    )
    sort_keys = (
        finding.severity.rank,
        finding.status,
        finding.rule.id,
        name.lower(),
        finding.region,
        finding.title.lower(),
    )
    search = f"{finding_search_text(analysis, finding)} {finding.status}"
    return TableRow(finding.id, cells, sort_keys, search)


class FindingsScreen(TableScreen):
    """Findings table; `f` or `esc` goes back to the functions."""

    CSS_PATH = "findings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "app.show_view('functions')", "Functions"),
        Binding("i", "app.show_view('iam')", "IAM"),
        Binding("space", "mark", "Mark"),
        Binding("t", "triage", "Triage"),
        Binding("v", "cycle_state", "State filter"),
    ]
    noun = "findings"
    help_name = "findings table"

    def __init__(self, analysis: Analysis) -> None:
        super().__init__(analysis, id="findings-screen")
        self._shown: dict[str, Finding] = {}  # the findings the rows show, by id
        self.marked: set[str] = set()  # finding ids `space` marked
        self.state_filter: str | None = None  # `v`: show only findings of this status
        # Each finding's row, kept while the finding (the same object: a new analysis keeps those
        # its change did not touch), its mark and the theme stay: at 10,000 functions building
        # every row takes seconds, so `space`, `v` and a triage state rebuild only what changed.
        self._row_cache: dict[str, tuple[Finding, bool, TableRow]] = {}
        self._theme: dict[str, str] = {}

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        theme = self.app.get_css_variables()
        if theme != self._theme:  # cells carry the theme's colours
            self._theme, self._row_cache = theme, {}
        palette = SeverityPalette(theme)
        cache, fresh = self._row_cache, {}
        for finding in self.analysis.findings:
            marked = finding.id in self.marked
            hit = cache.get(finding.id)
            if hit is None or hit[0] is not finding or hit[1] is not marked:
                hit = (finding, marked, finding_row(self.analysis, finding, palette, marked))
            fresh[finding.id] = hit
        self._row_cache = fresh  # a finding gone takes its row (and its mark) with it
        self.marked &= fresh.keys()
        wanted = self.state_filter
        shown = [hit for hit in fresh.values() if wanted is None or hit[0].status == wanted]
        self._shown = {finding.id: finding for finding, _marked, _row in shown}
        return [row for _finding, _marked, row in shown]

    def status_suffix(self) -> Text:
        text = Text()
        if self.state_filter is not None:
            text.append(f" · only {self.state_filter} (v)")
        if self.marked:
            text.append(f" · {len(self.marked)} marked (t sets their state)", style="bold")
        return text

    # Triage ----------------------------------------------------------------------------------
    def action_mark(self) -> None:
        """`space`: mark or unmark the current row, then move down (marking a run of rows)."""
        key = self.table.highlighted_key
        if key is None:
            return
        self.marked ^= {key}
        self.table.replace_rows(self.rows())
        self.table.action_cursor_down()

    def action_cycle_state(self) -> None:
        index = STATE_FILTERS.index(self.state_filter) if self.state_filter in STATE_FILTERS else 0
        self.state_filter = STATE_FILTERS[(index + 1) % len(STATE_FILTERS)]
        self.table.replace_rows(self.rows())

    def action_triage(self) -> None:
        """`t`: the form for the marked findings, or the current one if none is marked."""
        chosen = [f for f in self.analysis.findings if f.id in self.marked]  # in report order
        if not chosen:
            current = self._shown.get(self.table.highlighted_key or "")
            chosen = [current] if current is not None else []
        if not chosen:
            self.notify("No finding to triage", severity="warning")
            return
        self.app.push_screen(TriageScreen(chosen, self.analysis.today), self._on_triage)

    def _on_triage(self, request: TriageRequest | None) -> None:
        if request is not None:
            self._write_triage(self.analysis, request)

    @work(thread=True, exclusive=True, group="triage", exit_on_error=False)
    def _write_triage(self, analysis: Analysis, request: TriageRequest) -> None:
        fresh, notice = write_triage(request, analysis, dt.datetime.now(dt.UTC))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(lambda: self.marked.clear())
            self.post_message(AnalysisChanged(fresh, analysis, notice))

    def arn_for(self, key: str) -> str | None:
        finding = self._shown.get(key)
        return finding.resource if finding else None

    def open_row(self, key: str) -> None:
        finding = self._shown[key]
        if self.analysis.estate.function(finding.resource) is not None:
            self.app.push_screen(FunctionDetailScreen(self.analysis, finding.resource))
        else:
            self.app.push_screen(FindingDetailScreen(finding, self.analysis))

    async def go_back(self) -> None:
        await self.app.run_action("show_view('functions')")


class FindingDetailScreen(AnalysisScreen):
    """A finding whose resource is not a function: its evidence, why and fix, compliance ids."""

    CSS_PATH = "findings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "app.copy_arn", "Copy ARN"),
    ]
    AUTO_FOCUS = "#finding-detail"
    help_name = "finding detail"

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, finding: Finding, analysis: Analysis) -> None:
        super().__init__(analysis, classes="finding-detail-screen")
        self.finding = finding
        self.set_reactive(FindingDetailScreen.selected_arn, finding.resource)

    async def show_analysis(self, analysis: Analysis) -> None:
        """The same finding as the new analysis has it (a suppression changes its status); one
        the new analysis no longer has stays as it was last seen."""
        self.finding = next((f for f in analysis.findings if f.id == self.finding.id), self.finding)
        await super().show_analysis(analysis)

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with VerticalScroll(id="finding-detail"):
            yield FindingCard(self.finding, SeverityPalette(self.app.get_css_variables()), expanded=True)
        yield Footer()
