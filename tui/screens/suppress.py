"""`x`: accept one finding's risk. Asks for a reason (required), an expiry and an author.

The suppression it returns names the finding's rule and its exact resource (glob characters in
the ARN are escaped, so it can never match another resource); the caller writes it to the
project file. Nothing is written from here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from analyzers.findings.model import Finding, Suppression
from tui.safe_text import literal
from tui.screens.form_screen import FormScreen

_GLOB = re.compile(r"([*?\[])")


def exact_pattern(resource: str) -> str:
    """A resource pattern that matches `resource` only (`*`, `?` and `[` become `[*]` ...)."""
    return _GLOB.sub(r"[\1]", resource)


def default_author() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or ""


def parse_expiry(text: str, today: dt.date) -> dt.date | None:
    """'' -> None (no expiry); otherwise a YYYY-MM-DD date not before today, else ValueError."""
    text = text.strip()
    if not text:
        return None
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expiry {text!r} is not a date (YYYY-MM-DD)") from None
    if len(text) != 10:
        raise ValueError(f"expiry {text!r}: write it as YYYY-MM-DD")
    if date < today:
        raise ValueError(f"expiry {date.isoformat()} is in the past (today is {today.isoformat()})")
    return date


class SuppressScreen(FormScreen[Suppression]):
    """Dismisses with the Suppression to write, or None if the user cancelled."""

    CSS_PATH = "posture.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]
    AUTO_FOCUS = "#suppress-reason"
    help_name = "suppress a finding"
    form_id = "suppress"

    def __init__(self, finding: Finding, today: dt.date, author: str | None = None) -> None:
        super().__init__(classes="suppress-screen")
        self.finding = finding
        self.today = today
        self._author = default_author() if author is None else author

    def compose(self) -> ComposeResult:
        with Vertical(id="suppress-dialog") as dialog:
            dialog.border_title = "Suppress finding"
            what = Text.assemble(("Rule: ", "bold"), self.finding.rule.id, "\n", ("Resource: ", "bold"))
            what.append_text(literal(self.finding.resource))
            yield Static(what, id="suppress-what")
            yield Label("Reason (required)")
            yield Input(placeholder="why this risk is accepted", id="suppress-reason")
            yield from self.expiry_and_author(
                "Expires (optional, YYYY-MM-DD; the last day it applies)", "Author", self._author
            )
            with Horizontal(id="suppress-buttons"):
                yield Button("Suppress", variant="warning", id="suppress-save")
                yield Button("Cancel", id="suppress-cancel")

    def build(self) -> Suppression:
        """The suppression the form describes; ValueError says what is wrong with it."""
        reason = self._value("reason")
        if not reason:
            raise ValueError("a reason is required")
        expires = parse_expiry(self._value("expires"), self.today)
        author = self._value("author")
        if not author:
            raise ValueError("an author is required")
        return Suppression(
            rule=self.finding.rule.id,
            reason=reason,
            author=author,
            resource=exact_pattern(self.finding.resource),
            expires=expires,
        )
