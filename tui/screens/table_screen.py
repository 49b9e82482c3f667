"""What the functions and findings screens share: a status line, the `/` filter and a table.

Subclasses supply the columns, the rows, what `enter` opens and what `esc` goes back to. The
screen holds the highlighted resource's ARN as the reactive `selected_arn`; the app's
`copy ARN` action and the palette read it from whichever screen is active. A new analysis
refills the table in place: sort, filter and cursor stay where the user left them (so does the
analysis completing, for a table that showed the model alone while it was pending).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import Footer, Header, Input, Static

from tui.safe_text import literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.viewmodels.loading import EstateState, Pending
from tui.widgets.analysis_progress import AnalysisProgress
from tui.widgets.filter_bar import FilterBar
from tui.widgets.resource_table import ColumnSpec, ResourceTable, TableRow

if TYPE_CHECKING:
    from analyzers.analysis import Analysis


class TableScreen(AnalysisScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter"),
        Binding("y", "app.copy_arn", "Copy ARN"),
        Binding("escape", "back", "Back", show=False),
    ]
    AUTO_FOCUS = "ResourceTable"

    selected_arn: reactive[str | None] = reactive(None)
    noun: ClassVar[str] = "rows"

    def __init__(self, state: EstateState, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(state, name=name, id=id)

    async def show_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.table.replace_rows(self.rows())

    # What subclasses provide -------------------------------------------------------------
    def columns(self) -> Sequence[ColumnSpec]:
        raise NotImplementedError

    def rows(self) -> Sequence[TableRow]:
        raise NotImplementedError

    def initial_sort(self) -> int:
        return 0

    def open_row(self, key: str) -> None:
        raise NotImplementedError

    def arn_for(self, key: str) -> str | None:
        return key

    async def go_back(self) -> None:
        """`esc` with no filter active."""

    def status_suffix(self) -> Text:
        """What a subclass adds to the status line (a state filter, marked rows)."""
        return Text()

    # Layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield Static(id="status", classes="status")
        if isinstance(self.state, Pending):  # hides itself once the analysis is done
            yield AnalysisProgress(id="analysis-progress")
        yield FilterBar(f"filter {self.noun}: substring of any column", id="filter")
        yield ResourceTable(self.columns(), self.rows(), sort_index=self.initial_sort(), id="table")
        yield Footer()

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._restyle)

    def _restyle(self, _theme: object) -> None:
        """Cells carry colours resolved from the theme: rebuild them for the new one."""
        self.table.replace_rows(self.rows())

    # Actions -----------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.filter_bar.open()

    async def action_back(self) -> None:
        if self.table.filter_text:
            self.filter_bar.action_close()
        else:
            await self.go_back()

    # Messages ----------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_bar:
            self.table.filter_text = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_bar:
            if not event.value:
                self.filter_bar.display = False
            self.table.focus()

    def on_filter_bar_closed(self, _event: FilterBar.Closed) -> None:
        self.table.focus()

    def on_resource_table_row_highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        self.selected_arn = self.arn_for(event.key)

    def on_resource_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        event.stop()
        self.open_row(event.key)

    def on_resource_table_view_changed(self, event: ResourceTable.ViewChanged) -> None:
        spec = self.table.specs[self.table.sort_index]
        status = Text(f"{event.shown} of {event.total} {self.noun}", style="bold")
        status.append(f" · sorted by {spec.label} {'▼' if self.table.sort_descending else '▲'}")
        if self.table.filter_text:
            status.append(" · filter ")
            status.append_text(literal(self.table.filter_text, "italic"))
        status.append_text(self.status_suffix())
        self.query_one("#status", Static).update(status)
        if not event.shown:
            self.selected_arn = None
