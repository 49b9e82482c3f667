"""The `/` filter line: an Input that narrows a table as you type.

Typing posts `Input.Changed` (the screen narrows its table), `enter` posts `Input.Submitted`
(the screen returns focus to the table, keeping the filter) and `esc` clears the filter and
posts `FilterBar.Closed`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Clear filter"),
    ]

    class Closed(Message):
        """The user closed the filter with `esc` (and cleared it)."""

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)
        self.display = False

    def open(self) -> None:
        self.display = True
        self.focus()

    def action_close(self) -> None:
        self.value = ""
        self.display = False
        self.post_message(self.Closed())
