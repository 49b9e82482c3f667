"""One CloudWatch metric as a labelled sparkline with its peak and total."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


class MetricRow(Horizontal):
    def __init__(self, metric: str, values: Sequence[float]) -> None:
        super().__init__(classes=f"metric-{metric.lower()}")
        self._metric = metric
        self._values = list(values)

    def compose(self) -> ComposeResult:
        peak = max(self._values, default=0.0)
        total = sum(self._values)
        yield Label(self._metric, classes="metric-name")
        yield Sparkline(self._values)
        yield Label(f"peak {_number(peak)} · total {_number(total)}", classes="metric-stats")
