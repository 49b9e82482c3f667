"""The app's comparison with a baseline snapshot (`--baseline`, or the palette's `baseline:`):
`BaselineComparison`, mixed into `LambdascopeApp`.

The baseline is analysed and diffed in a worker once the open snapshot's analysis is done
(`start_compare`); every table on show then marks the rows new since it, the Changes view and
the home view's panel refill, and a notification counts what changed. A baseline that cannot be
read says why in the Changes view; the app goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.worker import Worker, WorkerState, get_current_worker

from estate.errors import LambdascopeError
from estate.snapshot import Snapshot
from tui.safe_text import clean
from tui.screens.changes import ChangesScreen
from tui.screens.home import HomeScreen
from tui.screens.views import VIEWS
from tui.viewmodels.baseline import Baseline, compare
from tui.viewmodels.loading import AnalysisCancelled, long_lived, run_abandonable
from tui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from analyzers.analysis import Analysis


class BaselineComparison(App[None]):
    """The baseline part of the app: `baseline` (None without one) and the comparison worker."""

    def __init__(self, baseline: Path | None, baseline_snapshot: Snapshot | None) -> None:
        super().__init__()
        # The snapshot to compare with: the Changes view and the tables' new-row marks read it;
        # the diff is computed once the analysis is done.
        self.baseline: Baseline | None = Baseline(baseline) if baseline is not None else None
        self._baseline_snapshot = baseline_snapshot

    @property
    def analysis(self) -> Analysis | None:
        raise NotImplementedError  # the app's: see LambdascopeApp.analysis

    @property
    def new_row_keys(self) -> frozenset[str]:
        """Row keys (finding ids, ARNs) new since the baseline: every ResourceTable marks them."""
        return self.baseline.new_row_keys if self.baseline is not None else frozenset()

    def start_compare(self, analysis: Analysis) -> None:
        """Compare with the baseline, if there is one not compared yet (the analysis is done)."""
        if self.baseline is not None and self.baseline.diff is None and self.baseline.error is None:
            self._compare(self.baseline.path, analysis)

    def compare_with(self, path: Path) -> None:
        """Compare the open snapshot with `path` (the palette's `baseline:`), in a worker."""
        self.baseline = Baseline(path)
        self._baseline_snapshot = None
        if self.analysis is not None:
            self._compare(path, self.analysis)
        self.call_later(self._baseline_changed)

    @work(thread=True, exclusive=True, group="baseline", exit_on_error=False, description="baseline compare")
    def _compare(self, path: Path, analysis: Analysis) -> Baseline:
        """(In a worker.) The baseline analysed and compared; abandoned at once if the user quits
        (at 10,000 functions its analysis takes as long as the open snapshot's)."""
        baseline = self._baseline_snapshot if self._baseline_snapshot is not None else path

        def run() -> Baseline:
            with long_lived():
                return Baseline(path, compare(baseline, analysis))

        return run_abandonable(run, get_current_worker().cancelled_event)

    async def baseline_done(self, worker: Worker[Any]) -> None:
        """The comparison worker ended (the app's worker handler passes it on)."""
        if self.baseline is None:
            return
        if worker.state is WorkerState.SUCCESS:
            result = worker.result
            assert isinstance(result, Baseline)
            if result.path != self.baseline.path:
                return  # another baseline was picked meanwhile
            self.baseline = result
            diff = result.diff
            if diff is not None:
                self.notify(
                    f"{len(diff.findings.new)} new, {len(diff.findings.resolved)} resolved findings since "
                    f"the baseline (d: Changes)",
                    title="Compared",
                    markup=False,
                )
        elif isinstance(worker.error, LambdascopeError):
            self.baseline = Baseline(self.baseline.path, error=clean(str(worker.error).splitlines()[0]))
        elif not isinstance(worker.error, AnalysisCancelled):  # a bug: the notification names its file
            self.baseline = Baseline(self.baseline.path, error="the comparison failed (internal error)")
        await self._baseline_changed()

    async def _baseline_changed(self) -> None:
        """Every table on show marks the new rows; a Changes view on show refills."""
        keys = self.new_row_keys
        for mode in VIEWS:
            try:
                stack = self.get_screen_stack(mode)
            except KeyError:
                continue
            for screen in stack:
                if not screen.is_mounted:
                    continue
                for table in screen.query(ResourceTable).results(ResourceTable):
                    table.mark_new(keys)
                if isinstance(screen, ChangesScreen):
                    await screen.show_changes()
                if isinstance(screen, HomeScreen):  # its "changed since the baseline" panel
                    await screen.show_baseline()
