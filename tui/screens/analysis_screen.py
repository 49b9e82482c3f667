"""What every screen drawn from the analysis shares: the analysis it shows, how the app hands it
a new one, and the route its workers' failures take to the app.

The app owns the analysis. A screen keeps the one it was given only until the app replaces it
(`show_analysis`, called for every screen in the current stack when an `AnalysisChanged` lands;
the other views are rebuilt when next shown), so no screen outlives a change with stale findings.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from analyzers.analysis import Analysis


class AnalysisScreen(Screen[None]):
    def __init__(
        self,
        analysis: Analysis,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.analysis = analysis

    async def show_analysis(self, analysis: Analysis) -> None:
        """Show `analysis` from now on. The default recomposes the screen (detail screens); the
        panes override it to refresh in place and keep the user's cursor, filter and sort."""
        self.analysis = analysis
        await self.recompose()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Pass a failed worker to the app's one failure handler (Textual posts a worker's state
        changes to the node that started it, and they do not bubble)."""
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))
