"""One line that says which stage the analysis has reached, with a bar for the whole of it.

It follows the app's `analysis_progress` reactive (a `StageProgress` while the analysis runs,
None once it is done, when the line hides itself), so every screen built while the analysis is
pending shows the same stage without the app reaching into it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from tui.viewmodels.loading import StageProgress

APP_ATTRIBUTE = "analysis_progress"
"""The app's reactive this widget follows."""


class AnalysisProgress(Horizontal):
    """`analysing: <stage>  stage n of 4  ▕bar▏`, hidden once the analysis is done."""

    DEFAULT_CSS = """
    AnalysisProgress {
        height: 1;
        padding: 0 1;
    }
    AnalysisProgress > .analysis-stage {
        width: auto;
        text-style: bold;
        color: $text-warning;
    }
    AnalysisProgress > .analysis-detail {
        width: auto;
        padding: 0 2;
        color: $text-muted;
    }
    AnalysisProgress > ProgressBar {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.progress: StageProgress | None = None

    def compose(self) -> ComposeResult:
        yield Label(classes="analysis-stage")
        yield Label(classes="analysis-detail")
        yield ProgressBar(total=100, show_eta=False)

    def on_mount(self) -> None:
        self.watch(self.app, APP_ATTRIBUTE, self.show_progress)

    def show_progress(self, progress: StageProgress | None) -> None:
        self.progress = progress
        self.display = progress is not None
        if progress is None:
            return
        self.query_one(".analysis-stage", Label).update(Text(progress.label))
        self.query_one(".analysis-detail", Label).update(Text(progress.detail))
        self.query_one(ProgressBar).update(progress=round(progress.fraction * 100))
