"""The lambdascope Textual app and `create_app`, the one factory every caller uses.

The CLI (`lambdascope demo|open`), the Pilot tests, the SVG snapshot tests and the screenshot
script all build the app through `create_app`, so all four see the same thing. Given a path (or
the snapshot already loaded, as `lambdascope open` does to fail fast, or a live collection), the
app loads it in a thread worker behind a loading indicator, paints the first view (the home view
from the CLI, the functions table by default) from the model as soon as it is built, then
analyses it in the same worker behind a progress line naming the stage; given an `Analysis`,
it shows it at once. A snapshot the user got wrong ends the app with one line
(`app.return_code == 2`), never a traceback.

The app owns its state (`tui.viewmodels.loading`): None until the model exists, `Pending` (the
model, and the stage the analysis has reached) while it is analysed, then the `Analysis`
(`self.analysis`). One method, `_show`, makes a state the app's and every view's: while pending,
the views that draw from the model alone are built from it and the others are an
`AnalysisPendingScreen` naming the stage. Screens derive new analyses (a suppression, a live
metrics refresh) and post `AnalysisChanged`; the app adopts it the same way. Every worker's
failure, the app's and the screens', is reported by one handler, `on_worker_state_changed`.

Opened with `use_cache` (the CLI's `open` and `demo`), a snapshot analysed before shows its
findings from the analysis cache as soon as the model is painted (tui/viewmodels/cached_open.py),
while the worker builds the graph behind them (`building` names the stage; the views that need
the whole graph, `GRAPH_VIEWS`, wait for it); a snapshot not in the cache is analysed as above,
then kept there in a worker of its own.

The comparison with a baseline snapshot (the Changes view, the tables' marks of new rows) is
mixed in from tui/app_baseline.py.

Quitting while the estate loads is prompt: the load runs in a daemon thread the worker waits on
(`run_abandonable`), and the analysis stops at its next stage (its progress callback raises).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, LoadingIndicator
from textual.worker import Worker, WorkerState, get_current_worker

from analyzers.findings.settings import Settings
from estate.errors import EXIT_INTERNAL, LambdascopeError, record_internal_error
from estate.model import Estate, MetricsUpdate
from estate.model.load import load_estate
from estate.snapshot import Snapshot, load_snapshot
from tui.app_baseline import BaselineComparison
from tui.cache.slot import CacheSlot
from tui.commands import LambdascopeCommands
from tui.messages import AnalysisChanged
from tui.safe_text import clean, literal
from tui.screens.analysis_pending import AnalysisPendingScreen
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.help import HelpScreen, key_help
from tui.screens.principal import PrincipalDetailScreen
from tui.screens.views import GRAPH_VIEWS, VIEWS, view_screen
from tui.viewmodels.actions_mode import ACTIONS_TITLE, ActionsMode
from tui.viewmodels.loading import (
    CACHED_STAGES,
    AnalysisCancelled,
    EstateState,
    Pending,
    StageProgress,
    freeze_long_lived,
    is_analysed,
    long_lived,
    release_long_lived,
    run_abandonable,
    sub_title,
)
from tui.widgets.collect_progress import CollectProgress

if TYPE_CHECKING:  # the analyzers load in the worker, after the first paint
    from analyzers.analysis import Analysis
    from tui.cache.store import Verified

Progress = Callable[[str, int, int], None]
# `lambdascope live`: collects with the given progress callback (called from worker threads),
# stopping early when the event is set (the user quit while it ran)
Collection = Callable[[Progress, threading.Event], Snapshot]
# `lambdascope live`: re-reads the estate's metrics (blocking: the Anomalies pane calls it from a
# thread worker on its timer) and returns the estate with them merged in
MetricsRefresh = Callable[[Estate], MetricsUpdate]

# How long the analysis waits for the functions table's first paint before it starts anyway (s).
FIRST_PAINT_WAIT = 5.0

# The workers that re-read metrics (the app's timer, the Anomalies pane's): one at a time.
_REFRESH_GROUPS = frozenset({"metrics-refresh", "anomaly-refresh"})

# A blank mode the app steps through to re-register the mode on show (see `_show_on_screen`).
_SWAP_MODE = "_swap"

# How a failed worker is titled when reported, by worker group (others: "Failed").
FAILURE_TITLES = {
    "suppress": "Not suppressed",
    "anomaly-refresh": "Metrics not re-read",
    "anomaly-board": "Anomaly scoring failed",
    "anomaly-series": "Metric series failed",
    "iam-risks": "Principals not computed",
    "metrics-refresh": "Metrics not re-read",
    "triage": "Triage state not saved",
    "home-board": "Home view not computed",
    "baseline": "Cannot compare with the baseline",
    "cache-store": "Analysis not cached",
}


def _view_bindings() -> list[BindingType]:
    by_number = [
        Binding(str(number), f"show_view('{view}')", label, show=False)
        for number, (view, (_f, _k, label)) in enumerate(VIEWS.items(), start=1)
        if number <= 9
    ]
    by_key = [
        Binding(key, f"show_view('{view}')", label, show=False)
        for view, (_f, key, label) in VIEWS.items()
        if key
    ]
    return [*by_number, *by_key]


@runtime_checkable
class HasSelection(Protocol):
    """A screen that knows which resource the user is on (for `y` and `export: copy ARN`)."""

    selected_arn: str | None


class LambdascopeApp(BaselineComparison):
    CSS_PATH: ClassVar[list[str | Path]] = ["app.tcss", "widgets/widgets.tcss"]  # type: ignore[assignment]
    TITLE = "lambdascope"
    # `lambdascope live`: how often the Anomalies pane re-scores the metrics (seconds)
    anomaly_refresh_seconds: float = 60.0
    COMMANDS = App.COMMANDS | {LambdascopeCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        # Declared here (not left to Textual) because `:` also opens the palette, k9s-style.
        Binding("ctrl+p", "command_palette", "Palette", show=False, priority=True),
        Binding("colon", "command_palette", "Jump to…", show=False),
        *_view_bindings(),
    ]
    # Where the analysis is while it runs (None before the model exists and once it is done);
    # every AnalysisProgress line follows it.
    analysis_progress: reactive[StageProgress | None] = reactive(None)

    def __init__(
        self,
        snapshot_path: Path | None = None,
        *,
        snapshot: Snapshot | None = None,
        analysis: Analysis | None = None,
        collection: Collection | None = None,
        today: dt.date | None = None,
        settings: Settings | None = None,
        refresh_metrics: MetricsRefresh | None = None,
        refresh_seconds: float | None = None,
        first_view: str = "functions",
        baseline: Path | None = None,
        baseline_snapshot: Snapshot | None = None,
        actions: ActionsMode | None = None,
        use_cache: bool = False,
    ) -> None:
        super().__init__(baseline, baseline_snapshot)
        # `--allow-actions`: isolate / restore in the function detail; the header says so
        self.actions = actions
        if actions is not None:
            self.title = ACTIONS_TITLE
        if first_view not in VIEWS:
            raise ValueError(f"no view {first_view!r} (one of {', '.join(VIEWS)})")
        self.first_view = first_view
        self._settings = settings
        if snapshot_path is None and snapshot is None and analysis is None and collection is None:
            raise ValueError("create_app needs a snapshot (or its path), an analysis or a collection")
        self.snapshot_path = snapshot_path
        self._snapshot = snapshot
        self.today = today
        # None until the model exists; then Pending (the analysis runs) or the Analysis
        self.state: EstateState | None = None
        # Opened from the analysis cache: the findings are shown, the graph is still being built
        # (the stage it is at); None otherwise. The views that need the graph wait meanwhile.
        self.building: StageProgress | None = None
        self._use_cache = use_cache
        self._cache_slot: CacheSlot | None = None  # a miss: where to keep the analysis once shown
        self._preloaded = analysis.indexed() if analysis is not None else None  # (before the app runs)
        self._collection = collection
        self._cancel_collection = threading.Event()
        self.refresh_metrics = refresh_metrics if collection is not None else None
        if refresh_seconds is not None:
            self.anomaly_refresh_seconds = refresh_seconds

    @property
    def analysis(self) -> Analysis | None:
        """The analysis once it is done (None while the estate loads or is being analysed)."""
        return self.state if is_analysed(self.state) else None

    @property
    def settings(self) -> Settings | None:
        """The settings in force: the analysis' own once there is one (a suppression changes
        them), else those the app was started with."""
        return self.analysis.settings if self.analysis is not None else self._settings

    @property
    def is_live(self) -> bool:
        """Started by `lambdascope live` (a collection), not from a snapshot file."""
        return self._collection is not None

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Vertical(id="loading"):
            yield LoadingIndicator()
            if self._collection is not None:
                yield Label("Collecting the live estate (read-only calls) …", id="loading-label")
                yield CollectProgress(id="collect-progress")
            else:
                where = literal(self.snapshot_path) if self.snapshot_path else Text("analysis")
                yield Label(Text.assemble("Loading ", where, " …"), id="loading-label")
        yield Footer()

    async def on_mount(self) -> None:
        if self._preloaded is not None:
            freeze_long_lived()
            await self._show(self._preloaded)
            self.start_compare(self._preloaded)
        elif self._collection is not None:
            self.sub_title = "collecting"
            self._collect(self._collection)
        else:
            self.sub_title = f"loading {clean(self.snapshot_path or 'snapshot')}"
            self._load(self.snapshot_path, self._snapshot)

    # Loading (in the "load" worker) --------------------------------------------------------
    # Every worker here names its `description`: Textual's default is the repr of the arguments,
    # made on the UI thread, and the repr of a 10,000-function snapshot took 1.8 s.
    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def _load(self, path: Path | None, snapshot: Snapshot | None) -> Analysis:
        def read() -> Snapshot:
            if snapshot is not None:
                return snapshot
            assert path is not None
            return load_snapshot(path)

        return self._model_then_analysis(read, path if self._use_cache else None)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="collect")
    def _collect(self, collection: Collection) -> Analysis:
        def progress(label: str, advance: int, total: int) -> None:
            self.call_from_thread(self._show_progress, label, advance, total)

        return self._model_then_analysis(partial(collection, progress, self._cancel_collection))

    def _model_then_analysis(self, read: Callable[[], Snapshot], cached: Path | None = None) -> Analysis:
        """(In the load worker.) Read the snapshot, show its model, then analyse it, forwarding
        each stage to the UI; cancelling the worker ends the wait at once and the analysis at its
        next stage. `cached`: the snapshot's file, whose analysis the cache may hold."""
        worker = get_current_worker()

        def forward(callback: Callable[..., object], *args: object) -> None:
            if worker.is_cancelled or not self.is_running:
                raise AnalysisCancelled
            self.call_from_thread(callback, *args)

        def run() -> Analysis:
            with long_lived():
                snapshot = read()
                forward(self._show_loading, "Building the model …")
                estate = load_estate(snapshot)
            forward(self._show, Pending(estate))
            # Let the table paint before the analysis competes with the UI thread for the GIL;
            # meanwhile read the cache entry, if any (file and hash work leave the GIL free).
            painted = threading.Event()
            forward(self.call_after_refresh, painted.set)
            slot = CacheSlot.of(cached, self.today, self._settings) if cached is not None else None
            verified = slot.fetch() if slot is not None else None
            painted.wait(FIRST_PAINT_WAIT)
            with long_lived():
                if slot is not None:
                    return self._analyse_via_cache(estate, slot, verified, forward)
                from analyzers.analysis import analyze

                return analyze(estate, self.today, self._settings, partial(forward, self._show_stage))

        return run_abandonable(lambda: run().indexed(), worker.cancelled_event)

    def _analyse_via_cache(
        self, estate: Estate, slot: CacheSlot, verified: Verified | None, forward: Callable[..., None]
    ) -> Analysis:
        """(In the load worker.) The analysis from the cache when it holds this snapshot's (the
        entry `verified`, read while the model painted): the findings shown at once, then the
        graph built behind them (its stages named); else analysed, and kept in the cache once
        shown (`_complete`)."""
        from tui.viewmodels.cached_findings import findings_first  # not the analyzers: see there

        entry = slot.load(estate, verified) if verified is not None else None
        del verified
        if entry is None:
            from analyzers.analysis import analyze

            analysis = analyze(estate, self.today, self._settings, partial(forward, self._show_stage))
            self._cache_slot = slot
            return analysis
        forward(self._show_stage, CACHED_STAGES[0], 0, 1)
        first = findings_first(estate, entry, slot.key.today, self._settings).indexed()
        del entry
        # As for the first paint: the analyzers are loaded and the graph built once the findings
        # are drawn, not while the UI thread refills the tables (the two would share the GIL).
        shown = threading.Event()
        forward(self._show_findings_first, first, shown)
        shown.wait(FIRST_PAINT_WAIT)
        from tui.viewmodels.cached_open import with_graph

        return with_graph(first, self.today, partial(forward, self._show_building))

    def _show_progress(self, label: str, advance: int, total: int) -> None:
        self.query_one("#collect-progress", CollectProgress).update_progress(label, advance, total)

    def _show_loading(self, text: str) -> None:
        for label in self.query("#loading-label").results(Label):
            label.update(text)

    def _show_stage(self, stage: str, done: int, total: int) -> None:
        if isinstance(self.state, Pending):
            stages = CACHED_STAGES if stage == CACHED_STAGES[0] else self.state.progress.stages
            self.state = Pending(self.state.estate, StageProgress(stage, done, total, stages))
            self.analysis_progress = self.state.progress
            self.sub_title = sub_title(self.state)

    async def _show_findings_first(self, analysis: Analysis, shown: threading.Event) -> None:
        """The findings from the cache, while the graph is built: every view but those that need
        the whole graph (`GRAPH_VIEWS`) shows them; `shown` is set once they are drawn."""
        self.building = StageProgress(CACHED_STAGES[1], 0, 1, CACHED_STAGES)
        try:
            await self._show(analysis)
        finally:
            self.call_after_refresh(shown.set)

    def _show_building(self, stage: str, done: int, total: int) -> None:
        if self.building is not None and self.state is not None:
            self.building = StageProgress(stage, done, total, CACHED_STAGES)
            self.analysis_progress = self.building
            self.sub_title = sub_title(self.state, self.building)

    async def _complete(self, analysis: Analysis) -> None:
        """The load worker's analysis, complete: shown (under the settings in force, if a
        suppression or triage changed them while the graph was built), compared with the
        baseline, and kept in the analysis cache if it was analysed afresh."""
        current = self.analysis
        self.building = None
        if current is not None and current.settings != analysis.settings:
            analysis = analysis.with_settings(current.settings)
        await self._show(analysis)
        self.start_compare(analysis)
        slot, self._cache_slot = self._cache_slot, None
        if slot is not None:
            self._store_analysis(slot, analysis)

    @work(thread=True, exclusive=True, group="cache-store", exit_on_error=False, description="cache store")
    def _store_analysis(self, slot: CacheSlot, analysis: Analysis) -> None:
        """(In a worker, after the analysis is on show.) Keep it for the next open: 1 to 2 s at
        10,000 functions, abandoned if the user quits (a half-written entry is never read)."""
        run_abandonable(partial(slot.store, analysis), get_current_worker().cancelled_event)

    # The state and the views ---------------------------------------------------------------
    async def _show(self, state: EstateState) -> None:
        """Make `state` the app's and every view's. The first state installs the views and opens
        the first view (`first_view`: the home view from the CLI, else the functions table); a
        later one rebuilds the views not on show when next shown, and the screens on show take it
        in place (a view that waited for the analysis is replaced by itself)."""
        first = self.state is None
        self.state = state
        self.analysis_progress = state.progress if isinstance(state, Pending) else self.building
        self.sub_title = sub_title(state, None if isinstance(state, Pending) else self.building)
        building = self.building is not None
        if first:
            for view in VIEWS:
                self.add_mode(view, partial(view_screen, view, state, building))
            self.add_mode(_SWAP_MODE, Screen)
            await self.switch_mode(self.first_view)
            self._start_metrics_timer()
            return
        for view in VIEWS:
            if view != self.current_mode:
                await self.remove_mode(view)
                self.add_mode(view, partial(view_screen, view, state, building))
        if is_analysed(state):
            await self._show_on_screen(state)

    async def _show_on_screen(self, analysis: Analysis) -> None:
        base = self.screen_stack[0]
        if not isinstance(base, AnalysisPendingScreen):
            for screen in self.screen_stack:
                if isinstance(screen, AnalysisScreen):
                    await self._shown_on(screen, analysis)
            return
        # The view on show waited for the analysis: re-register its mode with the view itself.
        # Textual removes only a mode not on show, so the app steps through a blank one.
        mode = self.current_mode
        if self.building is not None and mode in GRAPH_VIEWS:
            return  # it waits for the graph: it stays as it is until then
        with self.batch_update():
            await self.switch_mode(_SWAP_MODE)
            await self.remove_mode(mode)
            self.add_mode(mode, partial(view_screen, mode, analysis, self.building is not None))
            await self.switch_mode(mode)

    async def _shown_on(self, screen: AnalysisScreen, analysis: Analysis, again: bool = True) -> None:
        """The analysis drawn on a screen of the stack. A screen a mode switch has put on the
        stack without its widgets yet (the user went back to a view as a live refresh landed:
        seen once in the Pilot test of `I` then `f` on a loaded machine) is drawn once it has
        refreshed, not left to crash the app; still missing one then, the error is raised."""
        try:
            await screen.show_analysis(analysis)
        except NoMatches:
            if not again:
                raise
            screen.call_after_refresh(self._shown_on, screen, analysis, False)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is reported (screens forward theirs here): an error
        the user can cause is one line, and ends the app if it was the load (or its analysis); a
        programming error raises."""
        worker = event.worker
        if worker.group == "load" and event.state is WorkerState.SUCCESS:
            result = worker.result
            assert is_analysed(result)
            await self._complete(result)
        if worker.group == "baseline" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            await self.baseline_done(worker)
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        if isinstance(error, AnalysisCancelled):
            return  # the user quit while it loaded
        if not isinstance(error, LambdascopeError):
            assert error is not None
            self._internal_error(error, worker.group)
            return
        line = clean(str(error).splitlines()[0] if str(error) else error)
        if worker.group != "load":
            title = FAILURE_TITLES.get(worker.group, "Failed")
            self.notify(line, title=title, severity="error", markup=False)
            return
        message = f"lambdascope: {line}"
        if isinstance(self.state, Pending):
            title = "Cannot analyse the estate"
        else:
            title = "Cannot collect" if self._collection is not None else "Cannot open snapshot"
        self.notify(message, title=title, severity="error", markup=False)
        self.exit(return_code=2, message=Text(message, no_wrap=True, overflow="ignore"))

    def _internal_error(self, error: BaseException, group: str) -> None:
        """A bug in a worker: one notification naming the file that holds the traceback; the app
        keeps running unless the failed work was the load, without which there is nothing to show."""
        line = record_internal_error(error, f"tui worker {group}")
        self.notify(line, title="Internal error", severity="error", markup=False)
        if group == "load":
            message = f"lambdascope: {line}"
            self.exit(return_code=EXIT_INTERNAL, message=Text(message, no_wrap=True, overflow="ignore"))

    async def on_analysis_changed(self, message: AnalysisChanged) -> None:
        """Adopt a screen's new analysis: the screens on show take it in place, every other view
        is rebuilt from it when next shown."""
        message.stop()
        current = self.analysis
        if current is None:
            return
        await self._show(message.replayed_on(current))
        if message.notice:
            self.notify(message.notice, markup=False)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Quitting while the estate loads stops the collector's threads and the analysis (at its
        next stage) instead of waiting for them."""
        self._cancel_collection.set()
        self.workers.cancel_group(self, "load")
        self.workers.cancel_group(self, "cache-store")
        super().exit(*args, **kwargs)

    def on_unmount(self) -> None:
        release_long_lived()  # the app no longer shows the estate: let the collector see it

    # Live metrics ------------------------------------------------------------------------
    def _start_metrics_timer(self) -> None:
        """`lambdascope live`: re-read the metrics every `anomaly_refresh_seconds`, whatever view
        is on show (but the Anomalies pane, whose own timer re-reads and shows its status: one read
        a period). The result is adopted like any change, so the home view, the header, the
        functions' counts (and reserved concurrency), the findings and the Anomalies pane move
        together: the views on show at once, the others when next shown."""
        if self.refresh_metrics is not None and self.anomaly_refresh_seconds > 0:
            self.set_interval(self.anomaly_refresh_seconds, self._metrics_tick, name="metrics-refresh")

    def _metrics_tick(self) -> None:
        analysis = self.analysis
        if analysis is None or self.current_mode in ("anomalies", _SWAP_MODE):
            return  # the Anomalies pane's own timer re-reads there (and shows its status)
        if any(w.group in _REFRESH_GROUPS and not w.is_finished for w in self.workers):
            return  # the previous refresh is still waiting on AWS: never pile calls up
        self._refresh_metrics(analysis)

    @work(
        thread=True,
        exclusive=True,
        group="metrics-refresh",
        exit_on_error=False,
        description="metrics refresh",
    )
    def _refresh_metrics(self, analysis: Analysis) -> None:
        """The re-read metrics, re-analysed (the anomaly rules only), adopted like any change."""
        assert self.refresh_metrics is not None
        fresh = analysis.with_metrics(self.refresh_metrics(analysis.estate))
        if not get_current_worker().is_cancelled:
            self.post_message(AnalysisChanged(fresh, analysis))

    def view_keys(self) -> list[tuple[str, str, str]]:
        """(view, key, label) of every view, home first, then in `VIEWS` order: what every
        screen's view bar names."""
        views = [(view, key, label) for view, (_screen, key, label) in VIEWS.items()]
        return sorted(views, key=lambda entry: entry[0] != "home")

    # Actions -----------------------------------------------------------------------------
    async def action_show_view(self, view: str) -> None:
        """Switch to one of the top-level tables (VIEWS), back at its top level."""
        if self.state is None or view not in VIEWS:
            return
        if self.current_mode != view:
            await self.switch_mode(view)
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    async def open_function(self, arn: str) -> None:
        """Show a function's detail on top of the functions table (the palette's `open:`)."""
        state = self.state
        if state is None or state.estate.function(arn) is None:
            return
        await self.action_show_view("functions")
        await self.push_screen(FunctionDetailScreen(state, arn))

    async def open_principal(self, arn: str) -> None:
        """Show a role's or user's detail on top of the IAM table (the palette's `open:`)."""
        if self.analysis is None or self.analysis.iam is None or arn not in self.analysis.iam.model.actors:
            return
        await self.action_show_view("iam")
        await self.push_screen(PrincipalDetailScreen(self.analysis, arn))

    def action_copy_arn(self) -> None:
        screen = self.screen
        arn = screen.selected_arn if isinstance(screen, HasSelection) else None
        if not arn:
            self.notify("Nothing selected to copy", severity="warning")
            return
        self.copy_to_clipboard(arn)
        self.notify(f"Copied {clean(arn)}", title="ARN", markup=False)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        entries = key_help(self, self.screen.active_bindings.values())
        name = getattr(self.screen, "help_name", None) or type(self.screen).__name__
        self.push_screen(HelpScreen(entries, str(name)))


def create_app(
    snapshot_path: Path | None = None,
    *,
    snapshot: Snapshot | None = None,
    analysis: Analysis | None = None,
    collection: Collection | None = None,
    today: dt.date | None = None,
    settings: Settings | None = None,
    refresh_metrics: MetricsRefresh | None = None,
    refresh_seconds: float | None = None,
    first_view: str = "functions",
    baseline: Path | None = None,
    baseline_snapshot: Snapshot | None = None,
    actions: ActionsMode | None = None,
    use_cache: bool = False,
) -> LambdascopeApp:
    """The app for a snapshot file (read in a worker; pass `snapshot` too if it is already
    read), an analysis already in hand, or a live collection (run in a worker behind
    per-account/region progress bars). The worker builds the model, the app paints it, then the
    worker analyses it behind a progress line naming the stage.

    `today` fixes the date the analyzers evaluate against (runtime deprecation and the like), so
    tests and screenshots are deterministic. `settings` (lambdascope.toml) brings severity
    overrides and suppressions; None is the built-in defaults. With a collection,
    `refresh_metrics` re-reads the metrics every `refresh_seconds` (default 60; 0: never) while the
    Anomalies pane is open (and on every other screen: the app's own timer); without it the pane
    only re-scores what was collected. `first_view` is the view shown first: the CLI opens on
    "home"; tests that are about another view start there. `baseline` (with its snapshot if
    already read) is compared with once the analysis is done: the Changes view and the tables'
    marks of new rows. `use_cache` (the CLI's default; not `--no-cache`): a snapshot file's
    findings come from the analysis cache when it holds them, and an analysis is kept there.
    """
    return LambdascopeApp(
        snapshot_path,
        snapshot=snapshot,
        analysis=analysis,
        collection=collection,
        today=today,
        settings=settings,
        refresh_metrics=refresh_metrics,
        refresh_seconds=refresh_seconds,
        first_view=first_view,
        baseline=baseline,
        baseline_snapshot=baseline_snapshot,
        actions=actions,
        use_cache=use_cache,
    )
