"""The home view, shown first on `open`, `demo` and `live`: the estate at a glance, then one panel
per analysis with its worst items and the key of the view that has them all.

Internet -> sensitive data paths (`e`), escalations to admin (`i`), critical and high posture
findings (`o`), functions anomalous now (`a`) and, when the app compares against a baseline
(`app.baseline.diff`, a `SnapshotDiff`), the findings new since it (`d`: the Changes view).
`enter` on an item opens its detail (a function's, a principal's, or the finding's own) on top
of the home view; `tab` moves between panels.

It draws from the model while the analysis runs (each panel names the stage it waits for) and
fills in when the analysis lands; the panels are computed in a thread worker, so at 10,000
functions the home view never holds up the UI. A new analysis (a suppression, a triage state,
a live metrics refresh) refills it in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui.safe_text import literal
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingDetailScreen
from tui.screens.principal import PrincipalDetailScreen
from tui.severity import SeverityPalette
from tui.viewmodels.home import (
    CHANGES,
    PANELS,
    BaselineDiff,
    EstateGlance,
    FindingsGlance,
    HomeItem,
    HomePanel,
    estate_glance,
    findings_glance,
    home_panels,
)
from tui.viewmodels.loading import Pending, StageProgress, is_analysed
from tui.widgets.analysis_progress import AnalysisProgress

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

Board = tuple[tuple[HomePanel, ...], FindingsGlance]


def glance_text(
    glance: EstateGlance, findings: FindingsGlance | None, progress: StageProgress | None
) -> Text:
    """The estate panel: where it came from, its size, its gaps, then the findings (or the stage)."""
    text = Text()
    text.append("Snapshot ", style="dim")
    text.append_text(literal(glance.source, "bold"))
    text.append(" · collected ", style="dim")
    text.append_text(literal(glance.created_at))
    text.append("\n")
    accounts = ", ".join(glance.accounts) or "none"
    regions = ", ".join(glance.regions) or "none"
    text.append(f"{len(glance.accounts)} account(s) ", style="bold")
    text.append_text(literal(accounts, "dim"))
    text.append(f" · {len(glance.regions)} region(s) ", style="bold")
    text.append_text(literal(regions, "dim"))
    text.append(f" · {glance.functions} functions · {glance.principals} principals · ", style="bold")
    gaps = f"{glance.gaps} coverage gaps (c)" if glance.gaps else "no coverage gaps"
    text.append(gaps, style="bold" if glance.gaps else "dim")
    text.append("\n")
    if findings is None:
        stage = progress.label if progress is not None else "analysing"
        text.append(f"Findings: {stage} …", style="italic")
        return text
    text.append("Open findings: ", style="bold")
    text.append(", ".join(f"{n} {sev.value}" for sev, n in findings.open_by_severity.items() if n) or "none")
    text.append(" · status: ", style="dim")
    text.append(", ".join(f"{status} {n}" for status, n in findings.statuses.items()) or "no findings")
    if findings.reopened:
        text.append(f" · {findings.reopened} re-opened (marked resolved, found again)", style="bold")
    return text


def board_of(analysis: Analysis, diff: BaselineDiff | None, changes_key: str) -> Board:
    """(In a worker.) Every panel and the findings line."""
    return home_panels(analysis, diff, changes_key), findings_glance(analysis)


class HomeScreen(AnalysisScreen):
    """The estate at a glance and each analysis' worst items."""

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "Next panel"),
        Binding("y", "app.copy_arn", "Copy ARN"),
    ]
    AUTO_FOCUS = "OptionList"
    help_name = "home"
    shows_pending = True

    selected_arn: reactive[str | None] = reactive(None)

    def __init__(self, state: Analysis | Pending) -> None:
        super().__init__(state, id="home-screen")
        self.generation = 0
        self.board: Board | None = None

    # Layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Vertical(id="home-body"):
            yield Static(id="home-estate")
            if isinstance(self.state, Pending):
                yield AnalysisProgress(id="analysis-progress")
            with Grid(id="home-panels"):
                for spec in (*PANELS, CHANGES):
                    with Vertical(id=f"panel-{spec.id}", classes="home-panel"):
                        yield OptionList(id=f"list-{spec.id}")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#home-estate", Static).border_title = "Estate"
        for spec in (*PANELS, CHANGES):
            panel = self.query_one(f"#panel-{spec.id}", Vertical)
            panel.border_title = f"{spec.title} · {spec.key}" if spec.key else spec.title
        self.query_one("#panel-changes").display = False
        self.watch(self.app, "analysis_progress", self._progress_changed)
        if is_analysed(self.state):
            self._compute(self.state)

    # The analysis -----------------------------------------------------------------------------
    def _progress_changed(self, progress: StageProgress | None) -> None:
        if self.board is None:
            self._draw_pending(progress)

    def _draw_pending(self, progress: StageProgress | None) -> None:
        now = progress.stage if progress is not None else "starting"
        self.query_one("#home-estate", Static).update(glance_text(estate_glance(self.estate), None, progress))
        for spec in PANELS:
            waiting = Text(f"waiting for the analysis' {spec.stage} stage (now: {now}) …", style="italic dim")
            self._fill(spec.id, [Option(waiting, disabled=True)])

    async def show_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._compute(analysis)

    async def show_baseline(self) -> None:
        """The app compared the estate with a baseline (or picked another): refill the panels."""
        if is_analysed(self.state):
            self._compute(self.state)

    def _compute(self, analysis: Analysis) -> None:
        self.generation += 1
        baseline = getattr(self.app, "baseline", None)  # `--baseline` (tui/viewmodels/baseline.py)
        diff = getattr(baseline, "diff", None)
        changes_key = self._changes_key()
        generation = self.generation
        self.run_worker(
            lambda: (generation, analysis, board_of(analysis, diff, changes_key)),
            thread=True,
            group="home-board",
            exclusive=True,
            exit_on_error=False,
        )

    def _changes_key(self) -> str:
        keys = getattr(self.app, "view_keys", None)
        if keys is None:
            return ""
        return next((key for view, key, _label in keys() if view == CHANGES.view), "")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "home-board" or event.state is not WorkerState.SUCCESS:
            return
        generation, analysis, board = cast("tuple[int, Analysis, Board]", event.worker.result)
        if generation == self.generation and analysis is self.state:
            self._install(analysis, board)

    def _install(self, analysis: Analysis, board: Board) -> None:
        self.board = board
        panels, findings = board
        self.query_one("#home-estate", Static).update(
            glance_text(estate_glance(analysis.estate), findings, None)
        )
        palette = SeverityPalette(self.app.get_css_variables())
        width = max(30, self.size.width // 2 - 8)  # one line per item in a panel half the screen wide
        for panel in panels:
            self.query_one(f"#panel-{panel.id}").display = True
            self._fill(panel.id, self._options(panel, palette, width))
            container = self.query_one(f"#panel-{panel.id}", Vertical)
            container.border_title = f"{panel.title} · {panel.key}" if panel.key else panel.title
            noun = " new findings" if panel.id == CHANGES.id else ""
            rest = f"{len(panel.items)} of {panel.total}{noun}"
            container.border_subtitle = f"{rest} · {panel.key} for all" if panel.key and panel.total else rest

    def _options(self, panel: HomePanel, palette: SeverityPalette, width: int) -> list[Option]:
        if not panel.items:
            return [Option(Text(panel.empty, style="dim"), disabled=True)]
        out = []
        for item in panel.items:
            prompt = Text.assemble(palette.badge(item.severity), " ")
            if item.new:
                prompt.append("NEW ", style="bold reverse")
            prompt.append_text(literal(item.name, "bold"))
            prompt.append(" ")
            prompt.append_text(literal(item.text.removeprefix(f"{item.name}: "), "dim"))
            prompt.truncate(width, overflow="ellipsis")
            out.append(Option(prompt, id=item.finding.id))
        return out

    def _fill(self, panel_id: str, options: list[Option]) -> None:
        options_list = self.query_one(f"#list-{panel_id}", OptionList)
        keep = options_list.highlighted
        options_list.clear_options()
        options_list.add_options(options)
        if options and not options[0].disabled:  # the cursor stays where it was, else on the worst
            options_list.highlighted = keep if keep is not None and keep < len(options) else 0

    # Items ------------------------------------------------------------------------------------
    def _item(self, finding_id: str | None) -> HomeItem | None:
        """The item an option stands for, from the board on show."""
        if self.board is None or finding_id is None:
            return None
        return next((i for p in self.board[0] for i in p.items if i.finding.id == finding_id), None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        item = self._item(event.option.id)
        self.selected_arn = item.target if item else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self._item(event.option.id)
        if item is None or not is_analysed(self.state):
            return
        analysis = self.state
        if analysis.estate.function(item.target) is not None:
            self.app.push_screen(FunctionDetailScreen(analysis, item.target))
        elif analysis.iam is not None and item.target in analysis.iam.model.actors:
            self.app.push_screen(PrincipalDetailScreen(analysis, item.target))
        else:
            self.app.push_screen(FindingDetailScreen(item.finding, analysis))
