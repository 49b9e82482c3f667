"""What every screen drawn from the analysis shares: the analysis it shows, how the app hands it
a new one, and the route its workers' failures take to the app.

The app owns the analysis. A screen keeps the one it was given only until the app replaces it
(`show_analysis`, called for every screen in the current stack when an `AnalysisChanged` lands,
or when the analysis completes; the other views are rebuilt when next shown), so no screen
outlives a change with stale findings.

While the analysis is pending only the screens that can draw from the model alone are built
(`shows_pending`: the functions table, coverage, a function's detail), given the app's `Pending`
state; they read `state.estate`, and `analysis` only once `state` is an `Analysis`. Every other
view is an `AnalysisPendingScreen` until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.containers import ScrollableContainer
from textual.geometry import Offset
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import Worker, WorkerState

from estate.model import Estate
from tui.viewmodels.loading import EstateState, Pending
from tui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from analyzers.analysis import Analysis


class AnalysisScreen(Screen[None]):
    shows_pending: ClassVar[bool] = False
    """True for the screens that draw from the model alone while the analysis is pending."""

    def __init__(
        self,
        state: EstateState,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if isinstance(state, Pending) and not self.shows_pending:
            raise TypeError(f"{type(self).__name__} needs the analysis")
        self.state: EstateState = state

    @property
    def analysis(self) -> Analysis:
        """The analysis shown; asking for it while it is pending is a programming error (a
        `shows_pending` screen reads `state` then)."""
        if isinstance(self.state, Pending):
            raise RuntimeError(f"{type(self).__name__} asked for the analysis while it is pending")
        return self.state

    @analysis.setter
    def analysis(self, analysis: Analysis) -> None:
        self.state = analysis

    @property
    def estate(self) -> Estate:
        """The model, pending or analysed."""
        return self.state.estate

    async def show_analysis(self, analysis: Analysis) -> None:
        """Show `analysis` from now on. The default recomposes the screen (detail screens) where
        the reader was: each scrolled container (by id) scrolls back once the new content is laid
        out, so a live refresh every minute does not throw the reader to the top. The panes
        override it to refresh in place and keep the user's cursor, filter and sort."""
        self.analysis = analysis
        offsets = {w.id: w.scroll_offset for w in self.query(ScrollableContainer) if w.id}
        await self.recompose()
        await self._mount_view_bar()
        if any(offset.y or offset.x for offset in offsets.values()):
            self.call_after_refresh(self._scroll_back, offsets)

    def _scroll_back(self, offsets: dict[str, Offset]) -> None:
        for container in self.query(ScrollableContainer):
            offset = offsets.get(container.id or "")
            if offset is not None:
                container.scroll_to(offset.x, offset.y, animate=False)

    @on(events.Mount)
    async def _view_bar_on_mount(self) -> None:
        """(A decorated handler: the panes' own `on_mount` run beside it.)"""
        await self._mount_view_bar()

    async def _mount_view_bar(self) -> None:
        """Every view and its key, on one line under the header (issue 15): mounted here, once,
        so no screen has to remember it."""
        if self.query(ViewBar):
            return
        headers = self.query(Header)
        if headers:
            await self.mount(ViewBar(), after=headers.first())
        else:
            await self.mount(ViewBar(), before=0)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Pass a failed worker to the app's one failure handler (Textual posts a worker's state
        changes to the node that started it, and they do not bubble)."""
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))
