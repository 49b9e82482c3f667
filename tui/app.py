"""The lambdascope Textual app and `create_app`, the one factory every caller uses.

The CLI (`lambdascope demo|open`), the Pilot tests, the SVG snapshot tests and the screenshot
script all build the app through `create_app`, so all four see the same thing. Given a path, the
app loads and analyses the snapshot in a thread worker behind a loading indicator (given the
snapshot already loaded, as `lambdascope open` does to fail fast, it only analyses it); given an
`Analysis`, it shows it at once. A snapshot the user got wrong ends the app with one line
(`app.return_code == 2`), never a traceback.

The app owns the analysis. Screens derive new ones (a suppression, a live metrics refresh) and
post `AnalysisChanged`; the app adopts it and rebuilds every view from it. Every worker's
failure, the app's and the screens', is reported by one handler, `on_worker_state_changed`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, Label, LoadingIndicator
from textual.worker import Worker, WorkerState

from analyzers.analysis import Analysis, analyze_snapshot
from analyzers.findings.settings import Settings
from estate.errors import LambdascopeError
from estate.model import Estate, MetricsUpdate
from estate.snapshot import Snapshot, load_snapshot
from tui.commands import LambdascopeCommands
from tui.messages import AnalysisChanged
from tui.safe_text import clean, literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.anomalies import AnomaliesScreen
from tui.screens.coverage import CoverageScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.screens.help import HelpScreen, key_help
from tui.screens.iam import IamScreen
from tui.screens.posture import PostureScreen
from tui.screens.principal import PrincipalDetailScreen
from tui.screens.reach import ReachScreen
from tui.widgets.collect_progress import CollectProgress

Progress = Callable[[str, int, int], None]
# `lambdascope live`: collects with the given progress callback (called from worker threads),
# stopping early when the event is set (the user quit while it ran)
Collection = Callable[[Progress, threading.Event], Snapshot]
# `lambdascope live`: re-reads the estate's metrics (blocking: the Anomalies pane calls it from a
# thread worker on its timer) and returns the estate with them merged in
MetricsRefresh = Callable[[Estate], MetricsUpdate]

# The top-level views: name -> (screen factory, app-wide key or "", label). Adding a pane is one
# entry here; `1`..`9` also switch to the views in this order. (`f` and `i` are bound by the
# screens themselves, where they toggle between functions, findings and IAM.)
VIEWS: dict[str, tuple[Callable[[Analysis], AnalysisScreen], str, str]] = {
    "functions": (FunctionsScreen, "", "Functions"),
    "findings": (FindingsScreen, "", "Findings"),
    "iam": (IamScreen, "", "IAM"),
    "coverage": (CoverageScreen, "c", "Coverage gaps"),
    "posture": (PostureScreen, "o", "Posture"),
    "reach": (ReachScreen, "e", "Reachability"),
    "anomalies": (AnomaliesScreen, "a", "Anomalies"),
}

# How a failed worker is titled when reported, by worker group (others: "Failed").
FAILURE_TITLES = {
    "suppress": "Not suppressed",
    "anomaly-refresh": "Metrics not re-read",
    "anomaly-board": "Anomaly scoring failed",
    "anomaly-series": "Metric series failed",
    "iam-risks": "Principals not computed",
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


class LambdascopeApp(App[None]):
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
    ) -> None:
        super().__init__()
        self._settings = settings
        if snapshot_path is None and snapshot is None and analysis is None and collection is None:
            raise ValueError("create_app needs a snapshot (or its path), an analysis or a collection")
        self.snapshot_path = snapshot_path
        self._snapshot = snapshot
        self.today = today
        self.analysis: Analysis | None = None
        self._preloaded = analysis
        self._collection = collection
        self._cancel_collection = threading.Event()
        self.refresh_metrics = refresh_metrics if collection is not None else None
        if refresh_seconds is not None:
            self.anomaly_refresh_seconds = refresh_seconds

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

    def on_mount(self) -> None:
        if self._preloaded is not None:
            self._install(self._preloaded)
        elif self._collection is not None:
            self.sub_title = "collecting"
            self._collect(self._collection)
        else:
            self.sub_title = f"loading {clean(self.snapshot_path or 'snapshot')}"
            self._load(self.snapshot_path, self._snapshot)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, path: Path | None, snapshot: Snapshot | None) -> Analysis:
        if snapshot is None:
            assert path is not None
            snapshot = load_snapshot(path)
        return analyze_snapshot(snapshot, self.today, self._settings)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _collect(self, collection: Collection) -> Analysis:
        def progress(label: str, advance: int, total: int) -> None:
            self.call_from_thread(self._show_progress, label, advance, total)

        snapshot = collection(progress, self._cancel_collection)
        self.call_from_thread(self._show_analysing)
        return analyze_snapshot(snapshot, self.today, self._settings)

    def _show_progress(self, label: str, advance: int, total: int) -> None:
        self.query_one("#collect-progress", CollectProgress).update_progress(label, advance, total)

    def _show_analysing(self) -> None:
        self.query_one("#loading-label", Label).update("Analysing the collected estate …")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is reported (screens forward theirs here): an error
        the user can cause is one line, and ends the app if it was the load; a programming error
        raises."""
        worker = event.worker
        if worker.group == "load" and event.state is WorkerState.SUCCESS:
            result = worker.result
            assert isinstance(result, Analysis)
            self._install(result)
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        if not isinstance(error, LambdascopeError):
            assert error is not None
            raise error  # a programming error: let Textual show it
        line = clean(str(error).splitlines()[0] if str(error) else error)
        if worker.group != "load":
            title = FAILURE_TITLES.get(worker.group, "Failed")
            self.notify(line, title=title, severity="error", markup=False)
            return
        message = f"lambdascope: {line}"
        title = "Cannot collect" if self._collection is not None else "Cannot open snapshot"
        self.notify(message, title=title, severity="error", markup=False)
        self.exit(return_code=2, message=Text(message, no_wrap=True, overflow="ignore"))

    def _install(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.sub_title = _sub_title(analysis)
        for view, (factory, _key, _label) in VIEWS.items():
            self.add_mode(view, partial(factory, analysis))
        self.switch_mode("functions")

    async def on_analysis_changed(self, message: AnalysisChanged) -> None:
        """Adopt a screen's new analysis: the screens on show take it in place, every other view
        is rebuilt from it when next shown."""
        message.stop()
        current = self.analysis
        if current is None:
            return
        analysis = _replayed(message, current)
        self.analysis = analysis
        self.sub_title = _sub_title(analysis)
        for view, (factory, _key, _label) in VIEWS.items():
            if view != self.current_mode:
                await self.remove_mode(view)
                self.add_mode(view, partial(factory, analysis))
        for screen in self.screen_stack:
            if isinstance(screen, AnalysisScreen):
                await screen.show_analysis(analysis)
        if message.notice:
            self.notify(message.notice, markup=False)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Quitting mid-collection stops the collector's threads instead of waiting for them."""
        self._cancel_collection.set()
        super().exit(*args, **kwargs)

    # Actions -----------------------------------------------------------------------------
    async def action_show_view(self, view: str) -> None:
        """Switch to one of the top-level tables (VIEWS), back at its top level."""
        if self.analysis is None or view not in VIEWS:
            return
        if self.current_mode != view:
            await self.switch_mode(view)
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    async def open_function(self, arn: str) -> None:
        """Show a function's detail on top of the functions table (the palette's `open:`)."""
        if self.analysis is None or self.analysis.estate.function(arn) is None:
            return
        await self.action_show_view("functions")
        await self.push_screen(FunctionDetailScreen(self.analysis, arn))

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


def _sub_title(analysis: Analysis) -> str:
    manifest = analysis.estate.manifest
    return clean(
        f"{manifest.source} · {manifest.created_at} · {len(analysis.estate.functions)} functions"
        f" · {len(analysis.findings)} findings"
        + (f" · {len(analysis.estate.gaps)} coverage gaps (c)" if analysis.estate.gaps else "")
        + (f" · {analysis.suppressed} suppressed" if analysis.suppressed else "")
    )


def _replayed(change: AnalysisChanged, current: Analysis) -> Analysis:
    """The change as of `current`. A change computed from an analysis another change has since
    replaced is replayed rather than dropped: new settings (a suppression) on the current
    estate, or a new estate (a metrics refresh) under the current settings."""
    if change.base is current:
        return change.analysis
    if change.analysis.estate is change.base.estate:
        return current.with_settings(change.analysis.settings)
    return change.analysis.with_settings(current.settings)


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
) -> LambdascopeApp:
    """The app for a snapshot file (loaded in a worker; pass `snapshot` too if it is already
    loaded, and the worker only analyses it), an analysis already in hand, or a live collection
    (run in a worker behind per-account/region progress bars, then analysed).

    `today` fixes the date the analyzers evaluate against (runtime deprecation and the like), so
    tests and screenshots are deterministic. `settings` (lambdascope.toml) brings severity
    overrides and suppressions; None is the built-in defaults. With a collection,
    `refresh_metrics` re-reads the metrics every `refresh_seconds` (default 60; 0: never) while the
    Anomalies pane is open; without it the pane only re-scores what was collected.
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
    )
