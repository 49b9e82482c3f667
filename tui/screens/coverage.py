"""What the collector could not read: every coverage gap of the snapshot, worst first.

Partial data is a first-class state: an analysis over a region whose `GetPolicy` was denied is not
a clean bill of health. This table lists each gap (account, region, service, operation, status and
the error AWS gave) so a reviewer knows exactly which verdicts rest on missing evidence. `t`
toggles between the gaps alone and everything the collector tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from estate.snapshot import CoverageEntry
from tui.safe_text import literal
from tui.screens.table_screen import TableScreen
from tui.viewmodels.loading import EstateState
from tui.widgets.resource_table import ColumnSpec, TableRow

COLUMNS = (
    ColumnSpec("status", "Status"),
    ColumnSpec("account", "Account"),
    ColumnSpec("region", "Region"),
    ColumnSpec("service", "Service"),
    ColumnSpec("operation", "Operation"),
    ColumnSpec("detail", "Detail", max_width=100),
)

# How much a gap undermines the analyses: a denied read hides evidence, an unsupported one
# (region or endpoint lacks the API) usually means there is nothing to read.
STATUS_ORDER = {"denied": 0, "error": 1, "throttled": 2, "missing": 3, "unsupported": 4, "ok": 9}
STATUS_STYLE = {
    "denied": "bold red",
    "error": "bold red",
    "throttled": "yellow",
    "missing": "yellow",
    "unsupported": "dim",
    "ok": "green",
}


def coverage_row(index: int, entry: CoverageEntry) -> TableRow:
    cells = (
        Text(entry.status, style=STATUS_STYLE.get(entry.status, "")),
        literal(entry.account),
        literal(entry.region),
        literal(entry.service),
        literal(entry.operation),
        literal(entry.detail),
    )
    sort_keys = (
        STATUS_ORDER.get(entry.status, 5),
        entry.account,
        entry.region,
        entry.service,
        entry.operation,
        entry.detail,
    )
    search = " ".join(str(key) for key in sort_keys[1:])
    return TableRow(f"gap-{index}", cells, sort_keys, f"{entry.status} {search}".lower())


class CoverageScreen(TableScreen):
    """The snapshot's coverage gaps; `t` shows every collected operation too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "toggle_all", "Gaps/all"),
        Binding("f", "app.show_view('functions')", "Functions"),
    ]
    noun = "collector records"
    help_name = "coverage"
    shows_pending = True  # the manifest's coverage: the model alone

    def __init__(self, state: EstateState) -> None:
        super().__init__(state, id="coverage-screen")
        self.show_all = False

    def _entries(self) -> list[CoverageEntry]:
        coverage = self.estate.manifest.coverage
        return list(coverage) if self.show_all else [c for c in coverage if c.status != "ok"]

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        return [coverage_row(i, entry) for i, entry in enumerate(self._entries())]

    def arn_for(self, key: str) -> str | None:
        return None

    def open_row(self, key: str) -> None:
        """A gap has no detail beyond its row; `enter` does nothing rather than guess."""

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.table.replace_rows(self.rows())
        self.notify("every collected operation" if self.show_all else "coverage gaps only", timeout=2)

    async def go_back(self) -> None:
        await self.app.run_action("show_view('functions')")
