"""A two-column label/value block; values arrive as literal `Text` (see tui.safe_text)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

KeyValue = tuple[str, Text]


class KeyValues(Static):
    """Labels are ours (plain words); values are whatever AWS said, shown literally."""

    def __init__(self, rows: Sequence[KeyValue], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows = tuple(rows)

    @property
    def rows(self) -> tuple[KeyValue, ...]:
        return self._rows

    def on_mount(self) -> None:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in self._rows:
            grid.add_row(Text(label), value)
        self.update(grid)
