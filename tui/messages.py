"""Every message the app's screens post: one to change the analysis, the rest workers' answers.

Workers never touch widgets: they post one of these (thread-safe) and the screen that started them
applies it on the UI thread. A screen that derives a new analysis (a suppression written, a live
metrics refresh) posts `AnalysisChanged`; it bubbles to the app, which owns the analysis and
rebuilds every view from it. Answers that carry a `generation` are dropped by the screen when a
newer request has been made since. (Widgets' own messages, such as `ResourceTable.RowSelected`,
stay nested in their widget classes, the Textual convention for a widget's public events.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from textual.message import Message
from textual.widgets.tree import TreeNode

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from analyzers.reach.types import Hop
    from tui.viewmodels.anomaly_board import AnomalyBoard, PreparedSeries
    from tui.viewmodels.principal_risk import PrincipalRisk
    from tui.widgets.path_tree import NodeFacts, PathStep


HopList: TypeAlias = "list[tuple[Hop, NodeFacts]]"
SeriesMap: TypeAlias = "dict[str, PreparedSeries]"


class AnalysisChanged(Message):
    """A screen derived a new analysis from `base` (the app's at the time); the app adopts it.

    `base` lets the app notice a change computed while another one landed, and replay it on the
    current analysis rather than drop either. `notice`, if any, is shown once it is in place.
    """

    def __init__(self, analysis: Analysis, base: Analysis, notice: str | None = None) -> None:
        super().__init__()
        # indexed where the change was made: a worker's (a metrics refresh) off the UI thread
        self.analysis, self.base, self.notice = analysis.indexed(), base, notice

    def replayed_on(self, current: Analysis) -> Analysis:
        """The change as of `current`. A change computed from an analysis another change has
        since replaced is replayed rather than dropped: new settings (a suppression) on the
        current estate, or a new estate (a metrics refresh) under the current settings."""
        if self.base is current:
            return self.analysis
        if self.analysis.estate is self.base.estate:
            return current.with_settings(self.analysis.settings)
        return self.analysis.with_settings(current.settings)


class BoardReady(Message):
    """A worker scored every function's metrics for the Anomalies pane."""

    def __init__(self, generation: int, board: AnomalyBoard) -> None:
        super().__init__()
        self.generation, self.board = generation, board


class SeriesReady(Message):
    """A worker prepared one function's metric series for the Anomalies pane's chart."""

    def __init__(self, generation: int, arn: str, series: SeriesMap) -> None:
        super().__init__()
        self.generation, self.arn, self.series = generation, arn, series


class RisksReady(Message):
    """A worker computed every principal's risk for the IAM pane."""

    def __init__(self, generation: int, risks: list[PrincipalRisk]) -> None:
        super().__init__()
        self.generation, self.risks = generation, risks


class HopsReady(Message):
    """A worker computed one reachability tree node's next hops."""

    def __init__(self, generation: int, parent: TreeNode[PathStep], hops: HopList, hidden: int) -> None:
        super().__init__()
        self.generation, self.parent, self.hops, self.hidden = generation, parent, hops, hidden


class SummaryReady(Message):
    """A worker answered the whole reachability query (reached nodes, no paths) and summed it up
    for the status line (reading every reached row stays off the UI thread)."""

    def __init__(self, generation: int, summary: str) -> None:
        super().__init__()
        self.generation, self.summary = generation, summary
