"""The Actions view (`A` in the function detail): every isolate / restore in the audit log, newest
first, with who, when, before, after and the result; the log's path in the title. Read-only: the
log is the record, this view only shows it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from estate.actions import ActionRecord
from tui.safe_text import literal
from tui.viewmodels.actions_mode import READ_ONLY_REASON, ActionsMode

COLUMNS = ("When (UTC)", "Who", "Action", "Function", "Before", "After", "Result")


def record_row(record: ActionRecord) -> tuple[Text, ...]:
    result = (
        Text("ok", "green")
        if record.ok
        else Text.assemble(("error ", "bold red"), literal(f"{record.error_code}: {record.message}"))
    )
    return (
        literal(record.at),
        literal(record.actor),
        literal(record.action),
        literal(record.function.rsplit(":", 1)[-1]),
        literal(record.before),
        literal(record.after),
        result,
    )


class ActionsScreen(ModalScreen[None]):
    CSS_PATH = "isolate.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]
    help_name = "actions"

    def __init__(self, mode: ActionsMode | None) -> None:
        super().__init__(classes="actions-screen")
        self.mode = mode

    def compose(self) -> ComposeResult:
        with Vertical(id="actions-dialog") as box:
            box.border_title = "Actions"
            if self.mode is None:
                yield Static(READ_ONLY_REASON, id="actions-path")
                return
            yield Static(Text.assemble("Audit log: ", literal(str(self.mode.log_path))), id="actions-path")
            table: DataTable[Text] = DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            for record in reversed(self.mode.isolation.audit.records()):
                table.add_row(*record_row(record))
            yield table
