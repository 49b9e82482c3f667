"""The Anomalies pane: functions ranked by their worst anomaly in the chosen range, each metric as
a sparkline with its windows marked, a chart of one metric against its expected band, and the
function's posture (public? what its role reaches, open config findings, alarms, changes).

`t` cycles the range (1 h, 24 h, 7 d, 14 d), `m` the charted metric, `enter` opens the function,
`esc` goes back. Scoring every function runs in a thread worker (the table fills when it is
ready); one function's series are prepared in another when it is selected. Under `lambdascope
live` a timer fires every `anomaly_refresh_seconds`: with the app's `refresh_metrics` it re-reads
the metrics in a thread worker and posts the re-analysed estate as `AnalysisChanged`, so every
view (findings, functions, posture) shows the new anomalies, not just this one (a failure is
shown in the status line and retried next tick); without it it re-scores the metrics collected
at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from estate.model import LambdaFunction, MetricsUpdate
from estate.model.audit import Alarm
from tui.messages import AnalysisChanged, BoardReady, SeriesMap, SeriesReady
from tui.safe_text import clean, literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.severity import SeverityPalette
from tui.viewmodels.anomaly_posture import alarm_coverage, alarms_on, function_posture, internet_invocable
from tui.viewmodels.summary import role_name
from tui.widgets.anomaly_chart import AnomalyChart, ChartData, compact
from tui.widgets.metric_row import MetricRow
from tui.widgets.posture_card import PostureCard
from tui.widgets.resource_table import ColumnSpec, ResourceTable, TableRow

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from tui.viewmodels.anomaly_board import (
        AnomalyBoard,
        WindowView,
    )

SPARK_COLUMNS = 40  # one sparkline bar per column (the marks line up with them)
DEFAULT_REFRESH_SECONDS = 60.0
_DIM = Style(dim=True)
COLUMNS = (
    ColumnSpec("function", "Function", max_width=28),
    ColumnSpec("worst", "Worst anomaly", max_width=30),
    ColumnSpec("since", "Since", max_width=11),
    ColumnSpec("ratio", "Obs / exp", justify="right", max_width=16),
    ColumnSpec("alarm", "Alarm", max_width=7),
    ColumnSpec("public", "Public", max_width=7),
)
SHORT_NAMES = {"ConcurrentExecutions": "Concurrency", "Duration:p99": "Duration p99"}


class AnomaliesScreen(AnalysisScreen):
    CSS_PATH = "anomalies.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "cycle_range", "Range"),
        Binding("m", "cycle_metric", "Metric"),
        Binding("y", "app.copy_arn", "Copy ARN"),
        Binding("escape", "back", "Back", show=False),
    ]
    AUTO_FOCUS = "#anomaly-table"
    help_name = "anomalies"

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, analysis: Analysis) -> None:
        from tui.viewmodels.anomaly_board import DEFAULT_RANGE

        super().__init__(analysis, id="anomalies-screen")
        self.board: AnomalyBoard | None = None
        self.range_index = DEFAULT_RANGE
        self.metric_choice: str | None = None  # None: follow the selected function's worst window
        self.generation = 0
        self.refreshes = 0
        self._series: dict[str, SeriesMap] = {}
        self._pending: tuple[int, str] | None = None
        self._public: dict[str, str] = {}
        self._alarms: dict[str, tuple[Alarm, ...] | None] = {}
        self.last_update: MetricsUpdate | None = None  # the last successful metrics refresh
        self.refresh_error: str | None = None  # why the last metrics refresh failed

    @property
    def span_label(self) -> str:
        from tui.viewmodels.anomaly_board import RANGES

        return RANGES[self.range_index][0]

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield Static(id="anomaly-status")
        with Horizontal(id="anomaly-body"):
            yield ResourceTable(COLUMNS, [], sort_index=1, sort_descending=False, id="anomaly-table")
            with Vertical(id="anomaly-side"):
                yield Vertical(id="anomaly-sparks")
                yield AnomalyChart(id="anomaly-chart")
                with VerticalScroll(id="anomaly-posture"):
                    yield PostureCard(id="anomaly-posture-card")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#anomaly-posture", VerticalScroll).border_title = "Posture"
        self.table.loading = True
        self._update_status()
        self._score(self.generation, self.analysis)
        if getattr(self.app, "is_live", False) and self.refresh_seconds > 0:
            self.set_interval(self.refresh_seconds, self._tick, name="anomaly-refresh")

    @property
    def refresh_seconds(self) -> float:
        return float(getattr(self.app, "anomaly_refresh_seconds", DEFAULT_REFRESH_SECONDS))

    def _tick(self) -> None:
        if getattr(self.app, "refresh_metrics", None) is not None:
            self.refresh_metrics()
        else:
            self.refresh_scores()

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#anomaly-table", ResourceTable)

    # Scoring -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="anomaly-board", exit_on_error=False)
    def _score(self, generation: int, analysis: Analysis) -> None:
        from tui.viewmodels.anomaly_board import score_board

        board = score_board(analysis)
        if not get_current_worker().is_cancelled:
            self.post_message(BoardReady(generation, board))

    async def show_analysis(self, analysis: Analysis) -> None:
        """Re-score the new analysis; the old board stays on screen until the new one is ready."""
        self.analysis = analysis
        self.generation += 1  # a scoring still running is of the old analysis: drop its answer
        self._score(self.generation, analysis)

    def refresh_scores(self) -> None:
        """Re-score the analysis (the live timer; metrics are not re-collected)."""
        if any(w.group == "anomaly-board" and not w.is_finished for w in self.workers):
            return  # the previous scoring is still running: never starve it by restarting
        self.generation += 1
        self._score(self.generation, self.analysis)

    def refresh_metrics(self) -> None:
        """Re-read the metrics (the app's `refresh_metrics`, blocking: in a thread worker)."""
        if any(w.group == "anomaly-refresh" and not w.is_finished for w in self.workers):
            return  # the previous refresh is still waiting on AWS: never pile calls up
        self._refresh(self.analysis)
        self._update_status()

    @work(thread=True, exclusive=True, group="anomaly-refresh", exit_on_error=False)
    def _refresh(self, analysis: Analysis) -> MetricsUpdate:
        """The new metrics, re-analysed, go to the app as `AnalysisChanged`; the update itself is
        the worker's result (this pane's status line says when and how much was read)."""
        refresh = getattr(self.app, "refresh_metrics", None)
        assert refresh is not None
        update = refresh(analysis.estate)
        fresh = analysis.with_metrics(update)
        if not get_current_worker().is_cancelled:
            self.post_message(AnalysisChanged(fresh, analysis))
        return update

    def on_board_ready(self, message: BoardReady) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self._install_board(message.board)

    def _install_board(self, board: AnomalyBoard) -> None:
        if self.board is not None:
            self.refreshes += 1
        self.board = board
        self._series.clear()
        self._public = internet_invocable(self.analysis.graph)
        self._alarms = {fn.arn: alarms_on(self.analysis.estate, fn) for fn in self.analysis.estate.functions}
        self.table.loading = False
        self._fill_table()
        self._show_selected()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """What this pane shows of its workers (the app reports their failures): the last
        refresh in the status line, and no loading indicator once scoring has given up."""
        worker = event.worker
        if worker.group == "anomaly-refresh":
            if event.state is WorkerState.SUCCESS:
                self.last_update, self.refresh_error = worker.result, None
            elif event.state is WorkerState.ERROR:  # the next tick retries
                self.refresh_error = clean(str(worker.error).splitlines()[0] if worker.error else "")
            if worker.is_finished:
                self._update_status()
        elif worker.group == "anomaly-board" and event.state is WorkerState.ERROR:
            self.table.loading = False

    # The table -----------------------------------------------------------------------------
    def _fill_table(self) -> None:
        from tui.viewmodels.anomaly_board import RANGES

        board = self.board
        if board is None:
            return
        palette = SeverityPalette(self.app.get_css_variables())
        span = RANGES[self.range_index][1]
        rows = [self._row(fn, board.in_range(fn.arn, span), palette) for fn in self.analysis.estate.functions]
        self.table.replace_rows(rows)
        if self.selected_arn is None and rows:
            self.selected_arn = self.table.highlighted_key
        self._update_status()

    def _row(self, fn: LambdaFunction, windows: list[WindowView], palette: SeverityPalette) -> TableRow:
        worst = windows[0] if windows else None
        coverage = alarm_coverage(self._alarms.get(fn.arn), worst.window.metric if worst else None)
        public = "yes" if fn.arn in self._public else ("unknown" if fn.policy_state == "unknown" else "no")
        name = literal(fn.name)
        if worst is None:
            cells = (name, Text("calm", _DIM), Text("–", _DIM), Text("–", _DIM, justify="right"))
            rank: tuple[object, ...] = (2, 0, 0.0, fn.name.lower())
            since: tuple[object, ...] = (1, "", fn.name.lower())
            ratio: tuple[object, ...] = (0.0, fn.name.lower())
        else:
            w = worst.window
            style = _DIM if worst.suppressed else palette.style(worst.severity)
            label = Text(worst.label, style)
            if len(windows) > 1:
                label.append(f" +{len(windows) - 1}", _DIM)
            if worst.suppressed:
                label.append(" (suppressed)", _DIM)
            stamp = w.start.strftime("%m-%d %H:%M")
            cells = (name, label, Text(stamp), Text(f"{compact(w.observed)} / {compact(w.expected)}"))
            rank = (1 if worst.suppressed else 0, *worst.rank_key[1:], fn.name.lower())
            since = (0, w.start.isoformat(), fn.name.lower())
            ratio = (-(w.observed + 1) / (w.expected + 1), fn.name.lower())
        alarm_style = palette.alarm if coverage == "no" and worst is not None else Style()
        public_style = palette.alarm if public == "yes" else Style()
        return TableRow(
            key=fn.arn,
            cells=(*cells, Text(coverage, alarm_style), Text(public, public_style)),
            sort_keys=(fn.name.lower(), rank, since, ratio, coverage, public),
            search=" ".join((fn.name, fn.region, fn.arn, worst.label if worst else "calm")).lower(),
        )

    @on(ResourceTable.RowHighlighted, "#anomaly-table")
    def _highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        self.selected_arn = event.key

    @on(ResourceTable.RowSelected, "#anomaly-table")
    def _selected(self, event: ResourceTable.RowSelected) -> None:
        self.app.push_screen(FunctionDetailScreen(self.analysis, event.key))

    def watch_selected_arn(self) -> None:
        self._show_selected()

    # The selected function -----------------------------------------------------------------
    def _show_selected(self) -> None:
        from tui.viewmodels.anomaly_board import RANGES

        fn = self.analysis.estate.function(self.selected_arn) if self.selected_arn else None
        card = self.query_one("#anomaly-posture-card", PostureCard)
        if fn is None or self.board is None:
            card.show(None)
            return
        since = self.board.now - RANGES[self.range_index][1]
        posture = function_posture(self.analysis, fn, self._public, since)
        card.show(posture, role_name(self.analysis.estate, fn.role_arn))
        series = self._series.get(fn.arn)
        if series is None:
            if self._pending != (self.generation, fn.arn):  # never cancel the same request
                self._pending = (self.generation, fn.arn)
                self._prepare(self.generation, fn)
        else:
            self._draw(fn, series)

    @work(thread=True, exclusive=True, group="anomaly-series", exit_on_error=False)
    def _prepare(self, generation: int, fn: LambdaFunction) -> None:
        from tui.viewmodels.anomaly_board import prepare_function

        assert self.board is not None
        series = prepare_function(self.analysis.estate, fn, self.board.now)
        if not get_current_worker().is_cancelled:
            self.post_message(SeriesReady(generation, fn.arn, series))

    def on_series_ready(self, message: SeriesReady) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self._series[message.arn] = message.series
        if self._pending == (message.generation, message.arn):
            self._pending = None
        fn = self.analysis.estate.function(message.arn)
        if fn is not None and message.arn == self.selected_arn:
            self._draw(fn, message.series)

    def chart_metric(self, series: SeriesMap) -> str | None:
        """The user's metric if this function has it, else its worst window's, else the first."""
        from tui.viewmodels.anomaly_board import RANGES

        if self.metric_choice in series:
            return self.metric_choice
        assert self.board is not None
        for view in self.board.in_range(self.selected_arn or "", RANGES[self.range_index][1]):
            if view.window.metric in series:
                return view.window.metric
        return next(iter(series), None)

    def _draw(self, fn: LambdaFunction, series: SeriesMap) -> None:
        from tui.viewmodels.anomaly_board import RANGES, bucketize, data_basis

        assert self.board is not None
        label, span = RANGES[self.range_index]
        windows = tuple(v.window for v in self.board.windows.get(fn.arn, ()))
        metric = self.chart_metric(series)
        rows = []
        for name, prepared in series.items():
            cut = bucketize(prepared, windows, self.board.now, span, SPARK_COLUMNS)
            values = [v or 0.0 for v in cut.observed]
            peak = max((v for v in cut.observed if v is not None), default=None)
            stats = "no data" if peak is None else f"peak {compact(peak)}"
            classes = "-current" if name == metric else ""
            short = SHORT_NAMES.get(name, name)
            rows.append(MetricRow(name, values, marks=cut.marked, stats=stats, classes=classes, label=short))
        sparks = self.query_one("#anomaly-sparks", Vertical)
        sparks.remove_children()
        if rows:
            sparks.mount_all(rows)
        else:
            sparks.mount(Static(Text("no CloudWatch metrics collected for this function", _DIM)))
        sparks.border_title = f"{clean(fn.name)} · last {label}"
        chart = self.query_one("#anomaly-chart", AnomalyChart)
        chart.border_title = f"{metric or 'no metric'} · last {label} · observed vs expected band"
        shown = [v.window for v in self.board.in_range(fn.arn, span) if v.window.metric == metric]
        basis = data_basis(shown[0], self.board.now) if shown else ()
        data = None if metric is None else ChartData(series[metric], windows, self.board.now, span, basis)
        chart.show(data, "no CloudWatch metrics collected for this function")
        self._update_status()

    # Status --------------------------------------------------------------------------------
    def _update_status(self) -> None:
        from tui.viewmodels.anomaly_board import RANGES

        text = Text.assemble(("Range ", "dim"), (self.span_label, "bold"), ("  (t)", "dim"))
        series = self._series.get(self.selected_arn or "")
        shown = self.chart_metric(series) if series and self.board is not None else None
        text.append("  ·  Metric ", "dim")
        text.append(shown or self.metric_choice or "–", "bold")
        text.append("  (m)" if self.metric_choice else "  (m; following the worst window)", "dim")
        if self.board is None:
            text.append("  ·  scoring every function's metrics…", "italic dim")
        else:
            span = RANGES[self.range_index][1]
            hit = sum(1 for fn in self.analysis.estate.functions if self.board.in_range(fn.arn, span))
            total = len(self.analysis.estate.functions)
            text.append(f"  ·  {hit} of {total} functions anomalous")
            text.append(f"  ·  times UTC, data as of {self.board.now.strftime('%Y-%m-%d %H:%M')}", "dim")
        if getattr(self.app, "is_live", False):
            text.append("\n")
            text.append_text(self._live_status())
        self.query_one("#anomaly-status", Static).update(text)

    def _live_status(self) -> Text:
        seconds = self.refresh_seconds
        if seconds <= 0:
            return Text("live: metrics refresh off (--refresh-seconds 0)", "italic")
        if getattr(self.app, "refresh_metrics", None) is None:
            return Text(
                f"live: re-scored {self.refreshes}× (every {seconds:g} s) from the metrics collected "
                "at start; metrics are not re-collected",
                "italic",
            )
        text = Text("live: ", "italic")
        update = self.last_update
        if update is None:
            text.append(f"metrics re-read every {seconds:g} s", "italic")
        else:
            text.append(f"metrics refreshed at {update.data_end:%H:%M:%S} (data time)", "bold")
            text.append(f" · {update.new_points} new datapoints · every {seconds:g} s", "italic")
            if update.gaps:
                statuses = ", ".join(sorted({g.status for g in update.gaps}))
                text.append(f" · partial: {len(update.gaps)} gaps ({statuses})", "italic")
        if any(w.group == "anomaly-refresh" and not w.is_finished for w in self.workers):
            text.append(" · refreshing…", "italic dim")
        if self.refresh_error:
            text.append(" · refresh failed: ", "bold")
            text.append_text(literal(self.refresh_error))
            text.append(f" (retrying in {seconds:g} s)", "italic")
        return text

    # Actions -------------------------------------------------------------------------------
    def action_cycle_range(self) -> None:
        from tui.viewmodels.anomaly_board import RANGES

        self.range_index = (self.range_index + 1) % len(RANGES)
        self._fill_table()
        self._show_selected()

    def action_cycle_metric(self) -> None:
        from analyzers.anomaly.windows import METRIC_KINDS

        series = self._series.get(self.selected_arn or "")
        if not series:
            return
        names = [m for m in METRIC_KINDS if m in series]
        current = self.chart_metric(series)
        self.metric_choice = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
        fn = self.analysis.estate.function(self.selected_arn or "")
        if fn is not None:
            self._draw(fn, series)

    async def action_back(self) -> None:
        await self.app.run_action("show_view('functions')")
