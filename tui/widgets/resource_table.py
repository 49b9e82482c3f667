"""A virtualised table of resources that sorts by any column and filters by substring.

It receives its rows ready-made (cells as literal `Text`, one sort key per column, the lower-case
text the filter searches) and owns only the view state: the sort column and direction, the
filter and the cursor. Only the rows on screen are rendered, and sorting or filtering touches
plain tuples, so 10,000 functions paint and filter as fast as ten (Textual's DataTable measures
every cell of every row on each rebuild, which took seconds at that size).

Posts `RowHighlighted` when the cursor lands on a row, `RowSelected` on `enter` (or a click on
the highlighted row) and `ViewChanged` whenever the visible rows change.

With a baseline (`lambdascope open NEW --baseline OLD`), rows new since it (a function, principal
or finding the baseline lacks, by key) carry NEW_MARK in the gutter before their first cell: the
app hands the keys over as `new_row_keys` and `mark_new` (no gutter moves without a baseline).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Justify = Literal["left", "right", "center"]
NEW_MARK = "+"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    label: str
    descending_first: bool = False  # counts and severities read best worst-first
    justify: Justify = "left"
    max_width: int = 48


@dataclass(frozen=True, slots=True)
class TableRow:
    key: str
    cells: tuple[Text, ...]
    sort_keys: tuple[Any, ...]
    search: str  # lower-case text the filter matches


class ResourceTable(ScrollView, can_focus=True):
    """Rows of resources; `s` cycles the sort column, `r` reverses it, the filter narrows it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--even-row",
        "resource-table--new",
    }
    DEFAULT_CSS = """
    ResourceTable > .resource-table--new {
        color: $success;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open"),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home,g", "first", "First row", show=False),
        Binding("end,G", "last", "Last row", show=False),
        Binding("s", "sort_next", "Sort"),
        Binding("r", "sort_reverse", "Reverse sort", show=False),
    ]

    filter_text: reactive[str] = reactive("", init=False)
    cursor_row: reactive[int] = reactive(0, init=False, always_update=True)

    class RowHighlighted(Message):
        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    class RowSelected(RowHighlighted):
        """`enter` on a row, or a click on the highlighted one."""

    class ViewChanged(Message):
        """The visible rows changed (sort, filter or data)."""

        def __init__(self, table: ResourceTable, shown: int, total: int) -> None:
            super().__init__()
            self.table = table
            self.shown = shown
            self.total = total

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[ColumnSpec],
        rows: Sequence[TableRow],
        *,
        sort_index: int = 0,
        sort_descending: bool | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._specs = tuple(columns)
        self._rows = list(rows)
        self._visible: list[TableRow] = []
        self._sort_index = sort_index
        self._descending = (
            columns[sort_index].descending_first if sort_descending is None else sort_descending
        )
        self._widths = self._column_widths()
        self._strips: dict[tuple[str, Style], Strip] = {}
        self._ready = False  # the first build happens on mount; reactives set before it wait
        self._highlighted: str | None = None
        self._new: frozenset[str] = frozenset()

    # What the table shows ----------------------------------------------------------------
    @property
    def specs(self) -> tuple[ColumnSpec, ...]:
        return self._specs

    @property
    def sort_index(self) -> int:
        return self._sort_index

    @property
    def sort_descending(self) -> bool:
        return self._descending

    @property
    def visible_rows(self) -> list[TableRow]:
        """The rows as shown, in order (after filter and sort)."""
        return list(self._visible)

    @property
    def row_count(self) -> int:
        return len(self._visible)

    @property
    def highlighted_key(self) -> str | None:
        if not 0 <= self.cursor_row < len(self._visible):
            return None
        return self._visible[self.cursor_row].key

    def replace_rows(self, rows: Sequence[TableRow]) -> None:
        """New data (a theme change restyles the cells); sort, filter and cursor are kept."""
        self._rows = list(rows)
        self._widths = self._column_widths()
        self._rebuild()

    def cell_text(self, row: int, column: int) -> str:
        return self._visible[row].cells[column].plain

    def mark_new(self, keys: frozenset[str]) -> None:
        """Mark the rows whose key is in `keys` as new since the baseline."""
        self._new = keys
        self._strips.clear()
        self.refresh()

    def is_new(self, key: str) -> bool:
        return key in self._new

    # Sorting and filtering ---------------------------------------------------------------
    def sort_by(self, index: int, descending: bool | None = None) -> None:
        """Sort by column `index`; the column's natural direction unless told."""
        self._sort_index = index
        self._descending = self._specs[index].descending_first if descending is None else descending
        self._rebuild()

    def action_sort_next(self) -> None:
        self.sort_by((self._sort_index + 1) % len(self._specs))

    def action_sort_reverse(self) -> None:
        self.sort_by(self._sort_index, not self._descending)

    def watch_filter_text(self) -> None:
        self._rebuild()

    def on_mount(self) -> None:
        self._ready = True
        self._new = getattr(self.app, "new_row_keys", frozenset())
        self._rebuild()

    def _rebuild(self) -> None:
        if not self._ready:
            return
        keep = self.highlighted_key
        needle = self.filter_text.strip().lower()
        rows = [r for r in self._rows if needle in r.search] if needle else list(self._rows)
        index = self._sort_index
        rows.sort(key=lambda r: r.sort_keys[index], reverse=self._descending)
        self._visible = rows
        self._strips.clear()
        self.virtual_size = Size(sum(w + 2 for w in self._widths), len(rows) + 1)
        position = next((i for i, r in enumerate(rows) if r.key == keep), 0) if keep else 0
        self.cursor_row = position
        self.refresh()
        self.post_message(self.ViewChanged(self, len(rows), len(self._rows)))

    # Cursor ------------------------------------------------------------------------------
    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._visible) - 1))

    def watch_cursor_row(self, row: int) -> None:
        self._scroll_to_row(row)
        self.refresh()
        key = self.highlighted_key
        if key is not None and key != self._highlighted:
            self._highlighted = key
            self.post_message(self.RowHighlighted(self, key))

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_row(self, row: int) -> None:
        top, body = round(self.scroll_offset.y), self._body_height()
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + body:
            self.scroll_to(y=row - body + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_page_down(self) -> None:
        self.cursor_row += self._body_height()

    def action_page_up(self) -> None:
        self.cursor_row -= self._body_height()

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._visible) - 1

    def action_select(self) -> None:
        key = self.highlighted_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            self._click_header(event.x + round(self.scroll_offset.x))
            return
        row = round(self.scroll_offset.y) + event.y - 1
        if row >= len(self._visible):
            return
        if row == self.cursor_row or event.chain > 1:
            self.action_select()
        self.cursor_row = row

    def _click_header(self, x: int) -> None:
        left = 0
        for index, width in enumerate(self._widths):
            left += width + 2
            if x < left:
                self.action_sort_reverse() if index == self._sort_index else self.sort_by(index)
                return

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # Rendering ---------------------------------------------------------------------------
    def _column_widths(self) -> list[int]:
        widths = []
        for index, spec in enumerate(self._specs):
            # rows may share a cell (a region, a count): measure each distinct one once
            cells = {id(cell): cell for cell in (row.cells[index] for row in self._rows)}
            longest = max((cell.cell_len for cell in cells.values()), default=0)
            widths.append(min(max(longest, len(spec.label) + 2), spec.max_width))
        return widths

    def _header(self) -> list[Text]:
        out = []
        for index, spec in enumerate(self._specs):
            label = spec.label
            if index == self._sort_index:
                label += " ▼" if self._descending else " ▲"
            out.append(Text(label, justify=spec.justify))
        return out

    def _line(self, cells: Sequence[Text], style: Style, new: bool = False) -> Strip:
        console = self.app.console
        segments: list[Segment] = []
        for index, (cell, width, spec) in enumerate(zip(cells, self._widths, self._specs, strict=True)):
            text = cell.copy()
            text.truncate(width, overflow="ellipsis")
            text.align(spec.justify, width)
            if new and index == 0:
                segments.append(Segment(NEW_MARK, self.get_component_rich_style("resource-table--new")))
            else:
                segments.append(Segment(" "))
            # Text.render leaves the Text's own style to the caller (rich applies it in
            # __rich_console__), so apply it under the spans here.
            own = console.get_style(text.style) if text.style else None
            segments.extend(Segment.apply_style(text.render(console, end=""), own))
            segments.append(Segment(" "))
        return Strip(Segment.apply_style(segments, style)).simplify()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = round(self.scroll_offset.x), round(self.scroll_offset.y)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("resource-table--header")
            strip = self._line(self._header(), style)
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        index = scroll_y + y - 1
        if index >= len(self._visible):
            return Strip.blank(width, base)
        if index == self.cursor_row:
            style = base + self.get_component_rich_style("resource-table--cursor")
        elif index % 2:
            style = base + self.get_component_rich_style("resource-table--even-row")
        else:
            style = base
        row = self._visible[index]
        cached = self._strips.get((row.key, style))
        if cached is None:
            if len(self._strips) > 4096:
                self._strips.clear()
            cached = self._strips[(row.key, style)] = self._line(row.cells, style, row.key in self._new)
        return cached.crop_extend(scroll_x, scroll_x + width, style)
