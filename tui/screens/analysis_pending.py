"""A view that needs the analysis, shown while it runs: it names the stage the analysis is at.

The app builds one for each such view (findings, IAM, posture, reachability, anomalies) while its
state is `Pending`, and puts the view itself in its place when the analysis completes (opened from
the analysis cache, the views that need the whole graph wait on one while it is built). Its keys
are the app's (quit, help, the view keys, named by its view bar) plus `f`/`esc` back to the
functions table, which shows the model meanwhile.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.widgets.analysis_progress import AnalysisProgress
from tui.widgets.view_bar import ViewBar


class AnalysisPendingScreen(Screen[None]):
    """`label`'s view (`view` in the app's VIEWS) until the analysis it needs is done."""

    CSS_PATH = "analysis_pending.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "app.show_view('functions')", "Functions"),
        Binding("escape", "app.show_view('functions')", "Back", show=False),
    ]

    def __init__(self, view: str, label: str, needs: str = "the analysis") -> None:
        super().__init__(classes="analysis-pending-screen")
        self.view, self.label, self.needs = view, label, needs
        self.help_name = f"{label} (waiting for the analysis)"

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield ViewBar()
        with Vertical(id="pending-view"):
            yield Static(Text(self.label, "bold"), id="pending-title")
            yield AnalysisProgress(id="pending-progress")
            yield Static(
                f"{self.label} needs {self.needs}: it opens here as soon as {self.needs} is done. "
                "Meanwhile the functions table (f) shows the estate's model.",
                id="pending-note",
                markup=False,
            )
        yield Footer()
