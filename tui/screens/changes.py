"""The Changes view: what changed since the baseline snapshot, one row per grouped change.

The rows are `analyzers.diff.change_rows` (alike changes grouped: a thousand functions whose
runtime moved the same way are one row), worst first: new findings by severity, then resolved and
changed ones, then the estate's changes and the exposure drift. `enter` opens the row's first
resource (a function's or principal's detail) when it is in the open snapshot. Without a
baseline the view says how to pick one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from analyzers.findings.model import Severity
from tui.safe_text import clean, literal
from tui.screens.table_screen import TableScreen
from tui.severity import SeverityPalette
from tui.viewmodels.baseline import Baseline
from tui.viewmodels.loading import EstateState
from tui.widgets.filter_bar import FilterBar
from tui.widgets.resource_table import ColumnSpec, ResourceTable, TableRow

if TYPE_CHECKING:
    from analyzers.diff.change_rows import ChangeRow

COLUMNS = (
    ColumnSpec("change", "Change"),
    ColumnSpec("severity", "Severity", descending_first=True),
    ColumnSpec("area", "Area"),
    ColumnSpec("what", "What changed", max_width=90),
    ColumnSpec("count", "Count", descending_first=True, justify="right"),
    ColumnSpec("resources", "Resources", max_width=60),
)
SHOWN = 3
CHANGE_ORDER = {
    "new": 0,
    "opened": 1,
    "changed": 2,
    "retitled": 3,
    "added": 4,
    "removed": 5,
    "closed": 6,
    "resolved": 7,
}
SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
CHANGE_STYLE = {"new": "bold red", "opened": "bold red", "resolved": "green", "closed": "green"}
NO_BASELINE = (
    "No baseline: open with `lambdascope open NEW --baseline OLD` (or `lambdascope demo --later`), "
    "or pick one in the palette (`:` then `baseline:`)."
)


def change_row(index: int, row: ChangeRow, palette: SeverityPalette) -> TableRow:
    from analyzers.diff.change_rows import subjects_text

    resources = subjects_text(row, SHOWN)
    severity = row.severity or ""
    cells = (
        Text(row.change, style=CHANGE_STYLE.get(row.change, "")),
        Text(severity, style=palette.style(Severity(severity))) if severity else Text(""),
        Text(row.section),
        literal(row.summary),
        Text(str(row.count)),
        literal(resources),
    )
    sort_keys = (
        (CHANGE_ORDER.get(row.change, 9), -SEVERITY_RANK.get(severity, -1), index),
        (SEVERITY_RANK.get(severity, -1), -index),
        (row.section, index),
        (row.summary, index),
        (row.count, -index),
        (resources, index),
    )
    search = f"{row.change} {severity} {row.section} {row.summary} {' '.join(row.subjects)}"
    return TableRow(f"change-{index}", cells, sort_keys, clean(search).lower())


class ChangesScreen(TableScreen):
    """Every change since the baseline; `enter` opens the row's first resource."""

    CSS_PATH = "changes.tcss"
    noun = "changes"
    help_name = "changes"

    def __init__(self, state: EstateState) -> None:
        super().__init__(state, id="changes-screen")
        self._rows: list[ChangeRow] = []

    @property
    def baseline(self) -> Baseline | None:
        """The app's baseline (None: none was given); the app hands a new one over through
        `show_changes`."""
        value = getattr(self.app, "baseline", None)
        return value if isinstance(value, Baseline) else None

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield Static(self._baseline_line(), id="baseline-line")
        yield Static(id="status", classes="status")
        yield FilterBar(f"filter {self.noun}: substring of any column", id="filter")
        yield ResourceTable(self.columns(), self.rows(), sort_index=self.initial_sort(), id="table")
        yield Footer()

    def _baseline_line(self) -> Text:
        baseline = self.baseline
        if baseline is None:
            return Text(NO_BASELINE)
        line = Text.assemble("baseline ", literal(baseline.path.name))
        if baseline.error:
            line.append(" · ")
            line.append_text(literal(baseline.error, "bold red"))
        elif baseline.diff is None:
            line.append(" · comparing …")
        else:
            old = baseline.diff.old
            line.append(f" · {clean(old.source)} snapshot of {clean(old.created_at)}")
        return line

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        from analyzers.diff.change_rows import change_rows

        baseline = self.baseline
        self._rows = change_rows(baseline.diff) if baseline is not None and baseline.diff is not None else []
        palette = SeverityPalette(self.app.get_css_variables())
        return [change_row(i, r, palette) for i, r in enumerate(self._rows)]

    async def show_changes(self) -> None:
        """The app's baseline changed (computed, failed, or another picked): refill in place."""
        self.table.replace_rows(self.rows())
        self.query_one("#baseline-line", Static).update(self._baseline_line())

    def arn_for(self, key: str) -> str | None:
        row = self._row(key)
        return row.subjects[0] if row is not None and row.subjects else None

    def _row(self, key: str) -> ChangeRow | None:
        index = int(key.removeprefix("change-")) if key.startswith("change-") else -1
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def open_row(self, key: str) -> None:
        arn = self.arn_for(key)
        if arn is None:
            return
        self.run_worker(self._open(arn), group="changes-open", exclusive=True)

    async def _open(self, arn: str) -> None:
        app = self.app
        iam = self.analysis.iam
        if self.estate.function(arn) is not None:
            await app.open_function(arn)  # type: ignore[attr-defined]
        elif iam is not None and arn in iam.model.actors:
            await app.open_principal(arn)  # type: ignore[attr-defined]
        else:
            app.notify(
                f"{clean(arn)} is not in this snapshot (removed, or not a function or principal)",
                markup=False,
            )
