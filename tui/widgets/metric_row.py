"""One CloudWatch metric as a labelled sparkline with its peak and total.

Given `marks` (one flag per value), the row also underlines the values that fall in an anomaly
window; the values are then expected pre-bucketed to the sparkline's width (one bar each), so
the marks line up with the bars.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline, Static

MARK = "▔"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


class MetricRow(Horizontal):
    def __init__(
        self,
        metric: str,
        values: Sequence[float],
        *,
        marks: Sequence[bool] | None = None,
        stats: str | None = None,
        classes: str = "",
        label: str | None = None,
    ) -> None:
        marked = " -marked" if marks is not None else ""
        super().__init__(classes=f"metric-{metric.lower().replace(':', '-')}{marked} {classes}".strip())
        self._metric = metric
        self._values = list(values)
        self._marks = None if marks is None else list(marks)
        self._stats = stats
        self._label = label or metric

    @property
    def metric(self) -> str:
        return self._metric

    def _stats_text(self) -> str:
        if self._stats is not None:
            return self._stats
        peak = max(self._values, default=0.0)
        total = sum(self._values)
        return f"peak {_number(peak)} · total {_number(total)}"

    def compose(self) -> ComposeResult:
        if self._marks is None:
            yield Label(self._metric, classes="metric-name")
            yield Sparkline(self._values)
            yield Label(self._stats_text(), classes="metric-stats")
            return
        with Vertical(classes="metric-label"):
            yield Label(self._label, classes="metric-name")
            yield Label(self._stats_text(), classes="metric-stats")
        width = len(self._values)
        with Vertical(classes="metric-plot") as plot:
            plot.styles.width = width
            yield Sparkline(self._values)
            marks = "".join(MARK if m else " " for m in self._marks).ljust(width)
            yield Static(Text(marks), classes="metric-marks")
