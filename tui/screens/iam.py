"""The IAM pane: every role and user, riskiest first (administrator, escalation paths, wildcards).

`enter` opens a principal's detail (tui/screens/principal.py), `/` filters, `s` sorts, `f` and
`esc` go to the functions, `F` to the findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from analyzers.analysis import Analysis
from analyzers.findings.model import Severity
from analyzers.iam.principal_summary import PrincipalSummary, iam_analysis, principal_summary
from analyzers.iam.rules_permissions import wildcard_statements
from tui.safe_text import literal
from tui.screens.principal import PrincipalDetailScreen
from tui.screens.table_screen import TableScreen
from tui.severity import SHORT, SeverityPalette
from tui.viewmodels.summary import TABLE_SEVERITIES
from tui.widgets.resource_table import ColumnSpec, ResourceTable, TableRow

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


@dataclass(frozen=True, slots=True)
class PrincipalRisk:
    """One principal's row: its summary, wildcard statement count and findings by severity."""

    summary: PrincipalSummary
    wildcards: int
    counts: tuple[int, ...]  # findings per TABLE_SEVERITIES

    @property
    def certain_paths(self) -> int:
        return sum(not p.conditional for p in self.summary.escalations)

    @property
    def risk(self) -> tuple[int, ...]:
        s = self.summary
        admin_paths = sum(p.admin and not p.conditional for p in s.escalations)
        return (s.admin, admin_paths, self.certain_paths, len(s.escalations), self.wildcards, *self.counts)

    @property
    def risk_label(self) -> str:
        s = self.summary
        if s.admin:
            return "admin"
        if any(p.admin and not p.conditional for p in s.escalations):
            return "escalates to admin"
        if s.can_escalate:
            return "escalates"
        if s.escalations:
            return "conditional escalation"
        if self.wildcards:
            return "wildcard"
        return "–"


def principal_risks(analysis: Analysis) -> list[PrincipalRisk]:
    """Every role and user of the estate with what makes it risky."""
    model = iam_analysis(analysis).model
    out = []
    for arn in model.actors:
        summary = principal_summary(analysis, arn)
        wildcards = sum(1 for w in wildcard_statements(model, arn) if w.surviving)
        severities = analysis.severity_counts(arn)
        out.append(PrincipalRisk(summary, wildcards, tuple(severities[s] for s in TABLE_SEVERITIES)))
    return out


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


class RisksReady(Message):
    """The worker has computed every principal's risk (posted to the IamScreen)."""

    def __init__(self, risks: list[PrincipalRisk]) -> None:
        super().__init__()
        self.risks = risks


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
            self.compute_risks()

    @work(thread=True, exclusive=True, group="iam-risks", exit_on_error=False)
    def compute_risks(self) -> None:
        risks = principal_risks(self.analysis)
        if not get_current_worker().is_cancelled:
            self.post_message(RisksReady(risks))

    def on_risks_ready(self, message: RisksReady) -> None:
        message.stop()
        self.risks = message.risks
        self.table.loading = False
        self.table.replace_rows(self.rows())

    def on_resource_table_view_changed(self, event: ResourceTable.ViewChanged) -> None:
        if self.risks is None:  # the empty table before the worker reports: keep saying why
            event.prevent_default()  # TableScreen's handler would write "0 of 0 principals"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "iam-risks" and event.state is WorkerState.ERROR:
            self.table.loading = False
            error = event.worker.error
            self.query_one("#status", Static).update(Text(f"could not compute the principals: {error}"))

    def initial_sort(self) -> int:
        return RISK_COLUMN

    def open_row(self, key: str) -> None:
        self.app.push_screen(PrincipalDetailScreen(self.analysis, key))

    async def go_back(self) -> None:
        await self.app.run_action("show_view('functions')")
