"""`I` in the function detail: isolate the function (reserved concurrency 0), `U`: restore it.
Opt-in: both only with `--allow-actions`; without it the keys say why and do nothing.

The confirmation states the exact AWS call, its effect and the way back, and confirms only when the
function's name is typed exactly; `esc` or a wrong name changes nothing. The call runs in a thread
worker (estate.actions, which records it in the audit log); a refusal is shown as AWS said it.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from estate.actions import ActionFailed, ActionRecord
from estate.actions.audit_log import NONE
from estate.actions.isolation import isolate_call, restore_call
from estate.model import LambdaFunction
from tui.safe_text import clean, literal
from tui.screens.actions import ActionsScreen
from tui.viewmodels.actions_mode import READ_ONLY_REASON, ActionsMode, actions_of

ISOLATION_BINDINGS: list[BindingType] = [
    # The first binding of a key whose action is allowed runs (check_action); read-only falls through.
    Binding("I", "isolate", "Isolate"),
    Binding("I", "isolate_refused", "Isolate", show=False),
    Binding("U", "restore", "Restore"),
    Binding("U", "restore_refused", "Restore", show=False),
    Binding("A", "actions_log", "Actions", show=False),
]


def _reserved_text(value: int | str | None) -> str:
    if value is None:
        return "not read"
    return "none (the account's unreserved pool)" if value == NONE else str(value)


class IsolateScreen(ModalScreen[bool]):
    """Dismisses True when the typed name matches the function's, False on esc."""

    CSS_PATH = "isolate.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#isolate-name"
    help_name = "isolate a function"

    def __init__(self, fn: LambdaFunction, mode: ActionsMode, *, restore: bool = False) -> None:
        super().__init__(classes="isolate-screen")
        self.fn = fn
        self.mode = mode
        self.restore = restore

    def _what(self) -> Text:
        fn, restore = self.fn, self.restore
        before = self.mode.isolation.audit.isolated_before(fn.arn)
        text = Text()
        text.append("AWS call   ", "bold")
        call = restore_call(fn.arn, before) if restore and before is not None else isolate_call(fn.arn)
        text.append_text(literal(call if not restore or before is not None else "none: not isolated"))
        text.append("\nEffect     ", "bold")
        if restore:
            text.append("invocations run again, limited as before the isolation")
        else:
            text.append(
                "every invocation is throttled (synchronous callers get TooManyRequestsException, "
                "asynchronous events retry then go to their on-failure destination); nothing is "
                "deleted: code, configuration, aliases and triggers stay"
            )
        text.append("\nNow        ", "bold")
        text.append(f"reserved concurrency in the snapshot: {_reserved_text(self._snapshot_reserved())}")
        text.append("\nWay back   ", "bold")
        if restore:
            text.append(f"isolate again (I); this restores {_reserved_text(before)}")
        else:
            text.append(
                "U in this view restores exactly the value read just before the call "
                "(PutFunctionConcurrency with it, or DeleteFunctionConcurrency if there was none)"
            )
        text.append("\nAudit log  ", "bold")
        text.append_text(literal(str(self.mode.log_path)))
        return text

    def _snapshot_reserved(self) -> int | str | None:
        if self.fn.reserved_concurrency_state == "unknown":
            return None
        return self.fn.reserved_concurrency if self.fn.reserved_concurrency is not None else NONE

    def compose(self) -> ComposeResult:
        verb = "Restore" if self.restore else "Isolate"
        with Vertical(id="isolate-dialog") as dialog:
            dialog.border_title = f"{verb} function"
            yield Static(Text.assemble((f"{verb} ", "bold"), literal(self.fn.arn)), id="isolate-target")
            yield Static(self._what(), id="isolate-what")
            yield Static(
                Text.assemble("Type the function name (", literal(self.fn.name, "bold"), ") and press enter:")
            )
            yield Input(placeholder=self.fn.name, id="isolate-name")
            yield Static(id="isolate-error")
            yield Static("enter confirms · esc cancels, nothing is changed", id="isolate-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value == self.fn.name:
            self.dismiss(True)
            return
        self.query_one("#isolate-error", Static).update(
            literal("the name does not match the function's: nothing was done", "bold")
        )

    def action_cancel(self) -> None:
        self.dismiss(False)


class IsolationKeys:
    """The function detail's `I`/`U`/`A` actions (mixed into FunctionDetailScreen)."""

    app: Any
    if TYPE_CHECKING:  # provided by FunctionDetailScreen

        @property
        def function(self) -> LambdaFunction | None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("isolate", "restore"):
            return actions_of(self.app) is not None and self.function is not None
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_isolate_refused(self) -> None:
        self.app.notify(READ_ONLY_REASON, title="Isolate", severity="warning", markup=False)

    def action_restore_refused(self) -> None:
        self.app.notify(READ_ONLY_REASON, title="Restore", severity="warning", markup=False)

    def action_isolate(self) -> None:
        self._confirm(restore=False)

    def action_restore(self) -> None:
        mode, fn = actions_of(self.app), self.function
        if mode is not None and fn is not None and mode.isolation.audit.isolated_before(fn.arn) is None:
            self.app.notify(f"{fn.name} was not isolated by lambdascope: nothing to restore", title="Restore")
            return
        self._confirm(restore=True)

    def action_actions_log(self) -> None:
        self.app.push_screen(ActionsScreen(actions_of(self.app)))

    def _confirm(self, *, restore: bool) -> None:
        mode, fn = actions_of(self.app), self.function
        if mode is None or fn is None:
            return
        self.app.push_screen(
            IsolateScreen(fn, mode, restore=restore), partial(self._confirmed, fn, mode, restore)
        )

    def _confirmed(self, fn: LambdaFunction, mode: ActionsMode, restore: bool, ok: bool | None) -> None:
        if not ok:
            return
        call = mode.isolation.restore if restore else mode.isolation.isolate
        self.app.run_worker(partial(self._run, fn, mode, call), thread=True, group="actions")

    def _run(self, fn: LambdaFunction, mode: ActionsMode, call: Any) -> None:
        try:
            record: ActionRecord = call(fn.arn)
        except ActionFailed as failed:
            self.app.call_from_thread(self._failed, failed.record)
            return
        except (LookupError, ValueError) as exc:
            self.app.call_from_thread(
                partial(self.app.notify, clean(str(exc)), title="Not done", severity="error", markup=False)
            )
            return
        mode.done[fn.arn] = record
        mode.acted(fn.arn)  # `live`: the next refresh re-reads its reserved concurrency
        self.app.call_from_thread(self._succeeded, record, fn.name)

    def _succeeded(self, record: ActionRecord, name: str) -> None:
        state = "isolated (reserved concurrency 0)" if record.action == "isolate" else "restored"
        self.app.notify(
            f"{clean(name)} {state}; before: {_reserved_text(record.before)}",
            title=record.action.capitalize(),
            markup=False,
        )

    def _failed(self, record: ActionRecord) -> None:
        self.app.notify(
            f"{clean(record.error_code or 'error')}: {clean(record.message or '')}\nnothing changed",
            title=f"{record.action.capitalize()} failed",
            severity="error",
            timeout=15,
            markup=False,
        )
