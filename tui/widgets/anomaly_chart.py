"""A metric drawn as bars against the detector's expected band, anomaly windows highlighted.

Block characters only (eighth blocks for the bar tops), so it reads in any terminal and in the
SVG snapshots. Each column is one slice of the range: its bar is the worst (highest) observed
value in it, `░` shades the band the detector treats as normal, `─` is the expectation, and
columns inside an anomaly window are drawn in the error colour with `▲` beneath. The widget is
given the series and windows and cuts them to its own width when it renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from analyzers.anomaly.detect import AnomalyWindow
    from tui.viewmodels.anomaly_board import Buckets, PreparedSeries


BARS = " ▁▂▃▄▅▆▇█"
AXIS = 9  # columns for the value labels


@dataclass(frozen=True, slots=True, eq=False)
class ChartData:
    series: PreparedSeries
    windows: tuple[AnomalyWindow, ...]
    end: dt.datetime
    span: dt.timedelta
    basis: tuple[str, ...] = ()  # what the shown window rests on, one dim line each


def compact(value: float) -> str:
    """A value in at most 7 characters: 12,988 -> 12,988; 1,250,000 -> 1.25M; 0.002 -> 0.002."""
    if value >= 1e6:
        return f"{value / 1e6:.3g}M"
    if value >= 1e4:
        return f"{value / 1e3:.3g}k" if value >= 1e5 else f"{value:,.0f}"
    return f"{value:.4g}"


def _stamp(moment: dt.datetime, span: dt.timedelta) -> str:
    return moment.strftime("%H:%M" if span <= dt.timedelta(hours=24) else "%m-%d %H:%M")


class AnomalyChart(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "anomaly-chart--bar",
        "anomaly-chart--window",
        "anomaly-chart--band",
        "anomaly-chart--axis",
    }
    DEFAULT_CSS = """
    AnomalyChart { height: 13; }
    AnomalyChart > .anomaly-chart--bar { color: $primary; }
    AnomalyChart > .anomaly-chart--window { color: $error; text-style: bold; }
    AnomalyChart > .anomaly-chart--band { color: $secondary; }
    AnomalyChart > .anomaly-chart--axis { color: $text-muted; }
    """

    data: reactive[ChartData | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.empty_message = "no series"

    def show(self, data: ChartData | None, empty_message: str = "no series") -> None:
        self.empty_message = empty_message
        self.data = data
        self.refresh()

    @property
    def plot_height(self) -> int:
        basis = len(self.data.basis) if self.data is not None else 0
        return max(self.content_size.height - 3 - basis, 2)  # x labels, window marks, legend, basis

    def buckets(self) -> Buckets | None:
        """The columns as currently drawn (for tests and the screen's status line)."""
        from tui.viewmodels.anomaly_board import bucketize

        data = self.data
        if data is None:
            return None
        width = max(self.content_size.width - AXIS, 8)
        return bucketize(data.series, data.windows, data.end, data.span, width)

    def render(self) -> Text:
        data, cut = self.data, self.buckets()
        if data is None or cut is None:
            return Text(self.empty_message, Style(dim=True, italic=True))
        styles = {name: self.get_component_rich_style(f"anomaly-chart--{name}") for name in self._names()}
        height = self.plot_height
        top = max(
            (v for col in (cut.observed, cut.upper, cut.expected) for v in col if v is not None), default=0.0
        )
        top = top if top > 0 else 1.0
        lines = [self._row(cut, row, height, top, styles) for row in range(height)]
        lines.append(self._marks(cut, styles))
        lines.append(self._x_axis(cut, data.span, styles))
        lines.append(self._legend(styles))
        lines.extend(Text(line, styles["axis"], no_wrap=True, overflow="ellipsis") for line in data.basis)
        return Text("\n").join(lines)

    @staticmethod
    def _names() -> Sequence[str]:
        return ("bar", "window", "band", "axis")

    def _row(self, cut: Buckets, row: int, height: int, top: float, styles: dict[str, Style]) -> Text:
        level = height - 1 - row  # 0 = the bottom row
        low, high = top * level / height, top * (level + 1) / height
        label = compact(top) if row == 0 else ("0" if row == height - 1 else "")
        line = Text(f"{label:>{AXIS - 2}} ┤" if label else " " * (AXIS - 2) + " │", styles["axis"])
        for col, observed in enumerate(cut.observed):
            line.append_text(self._cell(cut, col, observed, level, low, high, top, height, styles))
        return line

    @staticmethod
    def _cell(
        cut: Buckets,
        col: int,
        observed: float | None,
        level: int,
        low: float,
        high: float,
        top: float,
        height: int,
        styles: dict[str, Style],
    ) -> Text:
        eighths = 0 if observed is None else round(observed / top * height * 8)
        fill = min(max(eighths - level * 8, 0), 8)
        if fill:
            return Text(BARS[fill], styles["window" if cut.marked[col] else "bar"])
        expected, lower, upper = cut.expected[col], cut.lower[col], cut.upper[col]
        if expected is not None and low <= expected < high:
            return Text("─", styles["band"])
        if lower is not None and upper is not None and lower < high and upper >= low:
            return Text("░", styles["band"])
        return Text(" ")

    @staticmethod
    def _marks(cut: Buckets, styles: dict[str, Style]) -> Text:
        line = Text(" " * AXIS)
        for marked in cut.marked:
            line.append("▲" if marked else " ", styles["window"] if marked else "")
        return line

    @staticmethod
    def _x_axis(cut: Buckets, span: dt.timedelta, styles: dict[str, Style]) -> Text:
        width = len(cut.observed)
        left, right = _stamp(cut.start, span), _stamp(cut.end, span) + " UTC"
        middle = _stamp(cut.start + (cut.end - cut.start) / 2, span)
        gap = width - len(left) - len(right)
        if gap > len(middle) + 2:
            pad = (gap - len(middle)) // 2
            body = left + " " * pad + middle + " " * (gap - len(middle) - pad) + right
        else:
            body = left + " " * max(gap, 1) + right
        return Text(" " * AXIS + body, styles["axis"])

    @staticmethod
    def _legend(styles: dict[str, Style]) -> Text:
        return Text.assemble(
            " " * AXIS,
            ("█", styles["bar"]),
            " observed  ",
            ("░", styles["band"]),
            " normal band  ",
            ("─", styles["band"]),
            " expected  ",
            ("▲", styles["window"]),
            " window",
        )
