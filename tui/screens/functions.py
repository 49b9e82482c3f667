"""The main screen: every function with who can invoke it and its findings by severity.

It is the first thing painted: built from the model alone while the analysis is pending (the
invokers and the finding counts show `PENDING_MARK`, the stage is named above the table), and
filled in, in place, when the analysis completes. The last column is the function's reserved
concurrency as the model has it (`0 (isolated)`: every invocation throttled, as `I` in the detail
leaves it); `lambdascope live` re-reads it for the functions acted on, so the row follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType

from analyzers.findings.model import Severity
from estate.model import LambdaFunction
from tui.safe_text import literal
from tui.screens.detail import FunctionDetailScreen
from tui.screens.table_screen import TableScreen
from tui.severity import SHORT, SeverityPalette
from tui.viewmodels.loading import PENDING_MARK, EstateState, Pending
from tui.viewmodels.summary import (
    TABLE_SEVERITIES,
    FunctionFacts,
    FunctionSummary,
    function_facts,
    summarise_functions,
)
from tui.widgets.resource_table import ColumnSpec, TableRow

COLUMNS = (
    ColumnSpec("name", "Name"),
    ColumnSpec("region", "Region"),
    ColumnSpec("runtime", "Runtime"),
    ColumnSpec("invokers", "Invokers", descending_first=True),
    ColumnSpec("role", "Role"),
    *(ColumnSpec(s.value, SHORT[s], descending_first=True, justify="right") for s in TABLE_SEVERITIES),
    ColumnSpec("reserved", "Reserved", justify="right"),
)


_IMAGE = Text("image", Style(dim=True, italic=True))
_PENDING = Text(PENDING_MARK, Style(dim=True))
_PENDING_COUNT = Text(PENDING_MARK, Style(dim=True), justify="right")
ISOLATED = "0 (isolated)"
_ISOLATED = Text(ISOLATED, Style(bold=True, reverse=True), justify="right")
_NOT_RESERVED = Text("–", Style(dim=True), justify="right")  # read: none (the unreserved pool)
_NOT_READ = Text("?", Style(dim=True), justify="right")  # GetFunctionConcurrency not read or refused


def reserved_cell(fn: LambdaFunction, shared: SharedCells) -> tuple[Text, tuple[int, int]]:
    """The Reserved cell and its sort key: isolated (0) first, then the smallest reservations,
    then none reserved, then not read."""
    state, value = fn.reserved_concurrency_state, fn.reserved_concurrency
    if state == "present" and value is not None:
        return (_ISOLATED if value == 0 else shared.number(value)), (0, value)
    if state == "absent":
        return _NOT_RESERVED, (1, 0)
    return _NOT_READ, (2, 0)


class SharedCells:
    """One cell per distinct value for the columns many rows share (region, runtime, role).

    The table never changes a cell (it copies what it draws), and at 10,000 functions building
    a `Text` for every cell is most of the time the table takes to appear (0.55 s of cells, most
    of them repeats)."""

    def __init__(self) -> None:
        self._cells: dict[str, Text] = {}

    def literal(self, value: str) -> Text:
        cell = self._cells.get(value)
        if cell is None:
            cell = self._cells[value] = literal(value)
        return cell

    def runtime(self, fn: LambdaFunction) -> Text:
        return self.literal(fn.runtime) if fn.runtime else _IMAGE

    def number(self, value: int) -> Text:
        key = f"#{value}"
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = Text(str(value), justify="right")
        return cell


def function_row(summary: FunctionSummary, palette: SeverityPalette, shared: SharedCells) -> TableRow:
    fn = summary.function
    if summary.public:
        invokers = Text(summary.invokers_label, palette.style(Severity.CRITICAL))
    else:
        invokers = shared.literal(summary.invokers_label)
    reserved, reserved_key = reserved_cell(fn, shared)
    cells = (
        literal(fn.name, "bold"),
        shared.literal(fn.region),
        shared.runtime(fn),
        invokers,
        shared.literal(summary.role_name),
        *(palette.count(sev, n) for sev, n in zip(TABLE_SEVERITIES, summary.counts, strict=True)),
        reserved,
    )
    sort_keys = (
        fn.name.lower(),
        fn.region,
        (fn.runtime or "~image").lower(),
        (summary.public, summary.invoker_count),
        summary.role_name.lower(),
        # a severity column sorts by its own count, then by the worst findings overall
        *((n, *summary.counts) for n in summary.counts),
        reserved_key,
    )
    return TableRow(fn.arn, cells, sort_keys, summary.search_text)


def pending_function_row(facts: FunctionFacts, shared: SharedCells) -> TableRow:
    """A function's row from the model alone: what needs the analysis shows PENDING_MARK (and
    sorts as equal, so a sort on it keeps the current order until the analysis fills it in)."""
    fn = facts.function
    reserved, reserved_key = reserved_cell(fn, shared)
    cells = (
        literal(fn.name, "bold"),
        shared.literal(fn.region),
        shared.runtime(fn),
        _PENDING,
        shared.literal(facts.role_name),
        *(_PENDING_COUNT for _ in TABLE_SEVERITIES),
        reserved,
    )
    sort_keys = (
        fn.name.lower(),
        fn.region,
        (fn.runtime or "~image").lower(),
        (False, 0),
        facts.role_name.lower(),
        *((0,) for _ in TABLE_SEVERITIES),
        reserved_key,
    )
    return TableRow(fn.arn, cells, sort_keys, facts.search_text)


class FunctionsScreen(TableScreen):
    """Functions table: `enter` opens the detail, `F` the findings, `/` filters, `s` sorts. Its view
    key `f` stays here, like every view's own key (it leaves a detail or a filter for the table)."""

    CSS_PATH = "functions.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("F", "app.show_view('findings')", "Findings"),
        Binding("i", "app.show_view('iam')", "IAM"),
    ]
    noun = "functions"
    help_name = "functions table"
    shows_pending = True

    def __init__(self, state: EstateState) -> None:
        super().__init__(state, id="functions-screen")

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        shared = SharedCells()
        if isinstance(self.state, Pending):
            return [pending_function_row(facts, shared) for facts in function_facts(self.state.estate)]
        palette = SeverityPalette(self.app.get_css_variables())
        return [function_row(s, palette, shared) for s in summarise_functions(self.state)]

    def open_row(self, key: str) -> None:
        self.app.push_screen(FunctionDetailScreen(self.state, key))
