"""One progress bar per account and region while `lambdascope live` collects.

The collector calls its progress callback from worker threads with (label, advance,
total-increase); the app forwards each call here on the UI thread. Totals grow as listings reveal
more work (a page of functions adds their per-function reads), so a bar's total is the running
sum of the increases, exactly as the headless Rich display counts it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, ProgressBar

from tui.safe_text import literal


class CollectProgress(VerticalScroll):
    """Bars keyed by collector label (`<account>/<region>`), added as labels first appear."""

    DEFAULT_CSS = """
    CollectProgress {
        height: auto;
        max-height: 20;
        width: 90;
        border: round $accent;
        padding: 0 1;
    }
    CollectProgress > Horizontal {
        height: 1;
    }
    CollectProgress .collect-label {
        width: 34;
        color: $text;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Collecting"
        self._bars: dict[str, ProgressBar] = {}
        self._totals: dict[str, int] = {}
        self._done: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        return iter(())

    def update_progress(self, label: str, advance: int, total: int) -> None:
        bar = self._bars.get(label)
        if bar is None:
            bar = ProgressBar(total=None, show_eta=False)
            self._bars[label] = bar
            self.mount(Horizontal(Label(literal(label), classes="collect-label"), bar))
        self._totals[label] = self._totals.get(label, 0) + total
        self._done[label] = self._done.get(label, 0) + advance
        bar.update(total=max(self._totals[label], 1), progress=self._done[label])

    def progress_of(self, label: str) -> tuple[int, int]:
        """(done, total) of one label: what the bar shows, for tests and the status line."""
        return self._done.get(label, 0), self._totals.get(label, 0)

    @property
    def labels(self) -> list[str]:
        return list(self._bars)
