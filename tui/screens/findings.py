"""Every finding, worst first: `enter` opens the function it is about (or the finding itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header

from analyzers.analysis import Analysis
from analyzers.findings.model import Finding
from tui.safe_text import literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.table_screen import TableScreen
from tui.severity import SeverityPalette
from tui.viewmodels.summary import finding_search_text, resource_name
from tui.widgets.finding_card import FindingCard
from tui.widgets.resource_table import ColumnSpec, TableRow

COLUMNS = (
    ColumnSpec("severity", "Severity", descending_first=True),
    ColumnSpec("rule", "Rule"),
    ColumnSpec("resource", "Resource"),
    ColumnSpec("region", "Region"),
    ColumnSpec("title", "Title", max_width=120),
)


def finding_row(analysis: Analysis, finding: Finding, palette: SeverityPalette) -> TableRow:
    name = resource_name(analysis, finding.resource)
    cells = (
        palette.badge(finding.severity),
        Text(finding.rule.id),
        literal(name, "bold"),
        literal(finding.region),
        literal(finding.title),
    )
    sort_keys = (
        finding.severity.rank,
        finding.rule.id,
        name.lower(),
        finding.region,
        finding.title.lower(),
    )
    return TableRow(finding.id, cells, sort_keys, finding_search_text(analysis, finding))


class FindingsScreen(TableScreen):
    """Findings table; `f` or `esc` goes back to the functions."""

    CSS_PATH = "findings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "app.show_view('functions')", "Functions"),
        Binding("i", "app.show_view('iam')", "IAM"),
    ]
    noun = "findings"
    help_name = "findings table"

    def __init__(self, analysis: Analysis) -> None:
        super().__init__(analysis, id="findings-screen")
        self._shown: dict[str, Finding] = {}  # the findings the rows show, by id

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        palette = SeverityPalette(self.app.get_css_variables())
        self._shown = {f.id: f for f in self.analysis.findings}
        return [finding_row(self.analysis, f, palette) for f in self.analysis.findings]

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
