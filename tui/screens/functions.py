"""The main screen: every function with who can invoke it and its findings by severity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType

from analyzers.analysis import Analysis
from analyzers.findings.model import Severity
from tui.safe_text import literal
from tui.screens.detail import FunctionDetailScreen
from tui.screens.table_screen import TableScreen
from tui.severity import SHORT, SeverityPalette
from tui.viewmodels.summary import TABLE_SEVERITIES, FunctionSummary, summarise_functions
from tui.widgets.resource_table import ColumnSpec, TableRow

COLUMNS = (
    ColumnSpec("name", "Name"),
    ColumnSpec("region", "Region"),
    ColumnSpec("runtime", "Runtime"),
    ColumnSpec("invokers", "Invokers", descending_first=True),
    ColumnSpec("role", "Role"),
    *(ColumnSpec(s.value, SHORT[s], descending_first=True, justify="right") for s in TABLE_SEVERITIES),
)


def function_row(summary: FunctionSummary, palette: SeverityPalette) -> TableRow:
    fn = summary.function
    if summary.public:
        invokers = Text(summary.invokers_label, palette.style(Severity.CRITICAL))
    else:
        invokers = Text(summary.invokers_label)
    runtime = literal(fn.runtime) if fn.runtime else Text("image", Style(dim=True, italic=True))
    cells = (
        literal(fn.name, "bold"),
        literal(fn.region),
        runtime,
        invokers,
        literal(summary.role_name),
        *(palette.count(sev, n) for sev, n in zip(TABLE_SEVERITIES, summary.counts, strict=True)),
    )
    sort_keys = (
        fn.name.lower(),
        fn.region,
        (fn.runtime or "~image").lower(),
        (summary.public, summary.invoker_count),
        summary.role_name.lower(),
        # a severity column sorts by its own count, then by the worst findings overall
        *((n, *summary.counts) for n in summary.counts),
    )
    return TableRow(fn.arn, cells, sort_keys, summary.search_text)


class FunctionsScreen(TableScreen):
    """Functions table: `enter` opens the detail, `f` the findings, `/` filters, `s` sorts."""

    CSS_PATH = "functions.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "app.show_view('findings')", "Findings"),
        Binding("i", "app.show_view('iam')", "IAM"),
    ]
    noun = "functions"
    help_name = "functions table"

    def __init__(self, analysis: Analysis) -> None:
        super().__init__(analysis, id="functions-screen")

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        palette = SeverityPalette(self.app.get_css_variables())
        return [function_row(s, palette) for s in summarise_functions(self.analysis)]

    def open_row(self, key: str) -> None:
        self.app.push_screen(FunctionDetailScreen(self.analysis, key))
