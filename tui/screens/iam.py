"""The IAM pane: every role and user, riskiest first (administrator, escalation paths, wildcards).

`enter` opens a principal's detail (tui/screens/principal.py), `/` filters, `s` sorts, `f` and
`esc` go to the functions, `F` to the findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from analyzers.findings.model import Severity
from tui.messages import RisksReady
from tui.safe_text import clean, literal
from tui.screens.principal import PrincipalDetailScreen
from tui.screens.table_screen import TableScreen
from tui.severity import SHORT, SeverityPalette
from tui.viewmodels.principal_risk import PrincipalRisk, principal_risks
from tui.viewmodels.summary import TABLE_SEVERITIES
from tui.widgets.resource_table import ColumnSpec, ResourceTable, TableRow

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

_DIM = Style(dim=True)

COLUMNS = (
    ColumnSpec("name", "Principal"),
    ColumnSpec("kind", "Kind"),
    ColumnSpec("risk", "Risk", descending_first=True),
    ColumnSpec("paths", "Esc. paths", descending_first=True, justify="right"),
    ColumnSpec("wildcards", "Wildcards", descending_first=True, justify="right"),
    ColumnSpec("functions", "Functions", descending_first=True, justify="right"),
    *(ColumnSpec(s.value, SHORT[s], descending_first=True, justify="right") for s in TABLE_SEVERITIES),
)
RISK_COLUMN = 2


def principal_row(risk: PrincipalRisk, palette: SeverityPalette) -> TableRow:
    s = risk.summary
    label = risk.risk_label
    if s.admin or label == "escalates to admin":
        risk_cell = Text(label, palette.style(Severity.CRITICAL))
    elif label in {"escalates", "wildcard"}:
        risk_cell = Text(label, palette.style(Severity.HIGH))
    else:
        risk_cell = Text(label, _DIM)
    paths = Text(str(len(s.escalations)) if s.escalations else "–", "" if s.escalations else _DIM)
    wild = Text(str(risk.wildcards) if risk.wildcards else "–", "" if risk.wildcards else _DIM)
    fns = Text(str(len(s.functions)) if s.functions else "–", "" if s.functions else _DIM)
    cells = (
        literal(s.name, "bold"),
        Text(s.kind),
        risk_cell,
        paths,
        wild,
        fns,
        *(palette.count(sev, n) for sev, n in zip(TABLE_SEVERITIES, risk.counts, strict=True)),
    )
    sort_keys = (
        s.name.lower(),
        (s.kind, s.name.lower()),
        risk.risk,
        (len(s.escalations), risk.risk),
        (risk.wildcards, risk.risk),
        (len(s.functions), risk.risk),
        *((n, *risk.counts) for n in risk.counts),
    )
    search = " ".join((s.name, s.arn, s.kind, label, *(p.target for p in s.escalations))).lower()
    return TableRow(s.arn, cells, sort_keys, search)


class IamScreen(TableScreen):
    """Principals table: `enter` opens the principal, `/` filters, `s` sorts.

    The rows (a summary per principal: bitset counts per service and level, wildcard statements,
    escalation paths) take seconds at thousands of roles, so a thread worker computes them while
    the table shows a loading indicator, and posts them back in a `RisksReady` message.
    """

    CSS_PATH = "iam.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "app.show_view('functions')", "Functions"),
        Binding("F", "app.show_view('findings')", "Findings"),
    ]
    noun = "principals"
    help_name = "IAM principals"

    def __init__(self, analysis: Analysis) -> None:
        super().__init__(analysis, id="iam-screen")
        self.risks: list[PrincipalRisk] | None = None  # None until the worker has reported
        self.generation = 0  # bumped by a new analysis: a late answer about the old one is dropped

    def columns(self) -> Sequence[ColumnSpec]:
        return COLUMNS

    def rows(self) -> Sequence[TableRow]:
        if self.risks is None:
            return []
        palette = SeverityPalette(self.app.get_css_variables())
        return [principal_row(r, palette) for r in self.risks]

    def on_mount(self) -> None:  # TableScreen.on_mount runs too (Textual dispatches along the MRO)
        if self.risks is None:
            self.table.loading = True
            self.query_one("#status", Static).update(Text("computing principals' permissions…", "italic"))
            self.compute_risks(self.generation, self.analysis)

    async def show_analysis(self, analysis: Analysis) -> None:
        """The rows stay until the new risks are in (findings counts change, principals do not)."""
        self.analysis = analysis
        self.generation += 1
        self.compute_risks(self.generation, analysis)

    @work(thread=True, exclusive=True, group="iam-risks", exit_on_error=False)
    def compute_risks(self, generation: int, analysis: Analysis) -> None:
        risks = principal_risks(analysis)
        if not get_current_worker().is_cancelled:
            self.post_message(RisksReady(generation, risks))

    def on_risks_ready(self, message: RisksReady) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self.risks = message.risks
        self.table.loading = False
        self.table.replace_rows(self.rows())

    def on_resource_table_view_changed(self, event: ResourceTable.ViewChanged) -> None:
        if self.risks is None:  # the empty table before the worker reports: keep saying why
            event.prevent_default()  # TableScreen's handler would write "0 of 0 principals"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The status line says why the table is empty (the app reports the failure itself)."""
        if event.worker.group == "iam-risks" and event.state is WorkerState.ERROR:
            self.table.loading = False
            error = clean(str(event.worker.error).splitlines()[0] if event.worker.error else "")
            self.query_one("#status", Static).update(Text(f"could not compute the principals: {error}"))

    def initial_sort(self) -> int:
        return RISK_COLUMN

    def open_row(self, key: str) -> None:
        self.app.push_screen(PrincipalDetailScreen(self.analysis, key))

    async def go_back(self) -> None:
        await self.app.run_action("show_view('functions')")
