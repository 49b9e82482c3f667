"""`t`: set the triage state of the marked findings (or the current one) with a small form.

The form asks for a state, a note, who sets it and (for risk accepted) an expiry; it writes
nothing itself. It dismisses with a `TriageRequest` the caller writes (`write_triage`, in a
thread worker): risk accepted becomes one suppression per finding in `lambdascope.toml` (rule and
exact resource, with its expiry: `analyzers.findings.suppressions`), every other state an entry
per finding in the triage file (`analyzers.findings.triage.record`: merged with what others
wrote meanwhile).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from analyzers.findings.model import Finding, Suppression
from analyzers.findings.settings import FILE_NAME, Settings, save_suppression
from analyzers.findings.triage import FILE_STATES, default_path, mark, record
from tui.safe_text import literal
from tui.screens.form_screen import FormScreen
from tui.screens.suppress import default_author, exact_pattern, parse_expiry

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

FORM_STATES = ("acknowledged", "investigating", "false-positive", "risk-accepted", "resolved", "open")
"""The form's choices, in the order an incident moves through them."""
LISTED = 5  # findings named in the form; the rest are counted
TITLE_WIDTH = 70  # what the dialog has left for a title beside severity and status


@dataclass(frozen=True, slots=True)
class TriageRequest:
    """What the form asks for: a state for these findings, with a note, an author, an expiry."""

    findings: tuple[Finding, ...]
    state: str
    note: str
    author: str
    expires: dt.date | None = None


def write_triage(
    request: TriageRequest, analysis: Analysis, now: dt.datetime, cwd: Path | None = None
) -> tuple[Analysis, str]:
    """(In a thread worker.) Write the request and return the analysis under the new settings and
    a notice saying what was written where. Raises LambdascopeError if a file cannot be read,
    parsed or written (nothing is written over a file that could not be parsed)."""
    settings = analysis.settings
    where = cwd or Path.cwd()
    if request.state == "risk-accepted":
        path = settings.source or where / FILE_NAME
        saved: Settings = settings
        for finding in request.findings:
            suppression = Suppression(
                rule=finding.rule.id,
                reason=request.note,
                author=request.author,
                resource=exact_pattern(finding.resource),
                expires=request.expires,
            )
            saved = save_suppression(path, suppression)
        new = replace(saved, triage=settings.triage)
    else:
        path = settings.triage.source or default_path(settings.source, where)
        entries = [mark(f, request.state, request.author, request.note, now) for f in request.findings]
        new = replace(settings, triage=record(path, entries))
    count = len(request.findings)
    notice = f"{count} finding{'s' if count != 1 else ''} → {request.state} ({path})"
    return analysis.with_settings(new), notice


class TriageScreen(FormScreen[TriageRequest]):
    """Dismisses with the request to write, or None if the user cancelled."""

    CSS_PATH = "triage.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]
    AUTO_FOCUS = "#triage-states"
    help_name = "set triage state"
    form_id = "triage"

    def __init__(self, findings: Sequence[Finding], today: dt.date, author: str | None = None) -> None:
        super().__init__(classes="triage-screen")
        if not findings:
            raise ValueError("nothing to triage")
        self.findings = tuple(findings)
        self.today = today
        self._author = default_author() if author is None else author

    def compose(self) -> ComposeResult:
        current = {f.status for f in self.findings}
        with Vertical(id="triage-dialog") as dialog:
            count = len(self.findings)
            dialog.border_title = f"Triage {count} finding{'s' if count != 1 else ''}"
            yield Static(self._what(), id="triage-what")
            with RadioSet(id="triage-states"):
                for state in FORM_STATES:
                    label = (
                        "risk accepted (a suppression, with expiry)" if state == "risk-accepted" else state
                    )
                    yield RadioButton(
                        label, value=state in current and len(current) == 1, id=f"state-{state}"
                    )
            yield Label("Note (required for risk accepted and false positive)")
            yield Input(placeholder="what you found, what you are doing", id="triage-note")
            yield from self.expiry_and_author(
                "Expires (risk accepted only, YYYY-MM-DD; the last day it applies)", "Who", self._author
            )
            with Horizontal(id="triage-buttons"):
                yield Button("Save", variant="primary", id="triage-save")
                yield Button("Cancel", id="triage-cancel")

    def _what(self) -> Text:
        text = Text()
        for finding in self.findings[:LISTED]:
            text.append(f"{finding.severity.value:<8} ", style="bold")
            text.append(f"{finding.status:<14} ", style="italic")
            title = literal(finding.title)
            title.truncate(TITLE_WIDTH, overflow="ellipsis")  # one line per finding
            text.append_text(title)
            text.append("\n")
        if len(self.findings) > LISTED:
            text.append(f"… and {len(self.findings) - LISTED} more", style="dim")
        text.rstrip()
        return text

    def chosen_state(self) -> str | None:
        pressed = self.query_one("#triage-states", RadioSet).pressed_button
        return None if pressed is None or pressed.id is None else pressed.id.removeprefix("state-")

    def build(self) -> TriageRequest:
        """The request the form describes; ValueError says what is wrong with it."""
        state = self.chosen_state()
        if state is None:
            raise ValueError("choose a state")
        note, author = self._value("note"), self._value("author")
        if not author:
            raise ValueError("who sets it is required")
        if state in ("risk-accepted", "false-positive") and not note:
            raise ValueError(f"{state} needs a note saying why")
        expires = parse_expiry(self._value("expires"), self.today)
        if expires is not None and state != "risk-accepted":
            raise ValueError("only risk accepted has an expiry")
        if state not in (*FILE_STATES, "risk-accepted"):
            raise ValueError(f"not a triage state: {state}")
        return TriageRequest(self.findings, state, note, author, expires)
