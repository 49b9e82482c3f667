"""What the small modal forms share (suppress a finding, set triage states): save builds the
form's result (a ValueError says what is wrong, shown in the form, literally), `enter` in a field
saves, `esc` or Cancel dismisses with None, and the expiry and author fields read alike."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.safe_text import literal

R = TypeVar("R")


class FormScreen(ModalScreen[R | None], Generic[R]):
    """A form whose widgets' ids start with `form_id` (`#suppress-reason`, `#triage-save`, ...)."""

    form_id: ClassVar[str]

    def build(self) -> R:
        """The result the form describes; ValueError says what is wrong with it."""
        raise NotImplementedError

    def _value(self, field: str) -> str:
        return self.query_one(f"#{self.form_id}-{field}", Input).value.strip()

    def expiry_and_author(self, expires_label: str, author_label: str, author: str) -> ComposeResult:
        yield Label(expires_label)
        yield Input(placeholder="YYYY-MM-DD", id=f"{self.form_id}-expires", max_length=10)
        yield Label(author_label)
        yield Input(author, id=f"{self.form_id}-author")
        yield Static(id=f"{self.form_id}-error")

    def action_save(self) -> None:
        try:
            result = self.build()
        except ValueError as exc:
            self.query_one(f"#{self.form_id}-error", Static).update(literal(str(exc), "bold"))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == f"{self.form_id}-save":
            self.action_save()
        else:
            self.action_cancel()
