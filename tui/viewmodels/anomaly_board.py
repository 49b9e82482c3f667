"""The Anomalies pane's data: every function's anomaly windows, ranked, and one function's series
with the detector's expectation, bucketed for a chart. Pure (no Textual), like tui/viewmodels/summary.py.

Windows come from the analyzer's own `function_windows`, so the pane and the `anomaly.*` findings
always agree; a window takes the severity and suppression status of its function's finding for
the same rule (severity overrides and suppressions from lambdascope.toml apply here too). One
function's expectation is recomputed on demand by scoring its series alone: the model treats
every series independently, so that equals what the batch saw, and the board stays small.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from analyzers.anomaly.detect import AnomalyWindow, make_grid, place, point_alerts, presence
from analyzers.anomaly.rules import RULE_FOR_METRIC, function_windows
from analyzers.anomaly.scoring import poisson_surprise
from analyzers.anomaly.windows import COUNT_METRICS, ERROR_BURST, METRIC_KINDS, THROTTLING_STORM, Thresholds
from analyzers.findings.model import Finding, Severity
from estate.model import Estate, LambdaFunction

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

Array = NDArray[np.float64]
LOOKBACK = dt.timedelta(days=14)  # what `analyze` scores (anomaly_findings' default look-back)
RANGES: tuple[tuple[str, dt.timedelta], ...] = (
    ("1 h", dt.timedelta(hours=1)),
    ("24 h", dt.timedelta(hours=24)),
    ("7 d", dt.timedelta(days=7)),
    ("14 d", dt.timedelta(days=14)),
)
DEFAULT_RANGE = 2  # 7 d
STEP = 300  # the analyzer's grid: five-minute periods


@dataclass(frozen=True, slots=True)
class WindowView:
    """One anomaly window as the pane shows it: rated like its function's finding for the rule."""

    window: AnomalyWindow
    rule: str
    severity: Severity
    suppressed: bool

    @property
    def label(self) -> str:
        """`throttling storm`, `error burst`, else rule (without the prefix) and kind: `duration: spike`."""
        if self.window.kind in {THROTTLING_STORM, ERROR_BURST}:
            return self.window.kind  # the kind names the rule
        return f"{self.rule.removeprefix('anomaly.')}: {self.window.kind}"

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.window.start < end and self.window.end > start

    @property
    def rank_key(self) -> tuple[bool, int, float]:
        """Ascending: open before suppressed, then worst severity, then most surprising."""
        return (self.suppressed, -self.severity.rank, -self.window.score)


@dataclass(frozen=True, slots=True)
class AnomalyBoard:
    """Every function's windows over the look-back ending at `now` (ARN -> windows, worst first)."""

    now: dt.datetime
    windows: Mapping[str, tuple[WindowView, ...]]

    def in_range(self, arn: str, span: dt.timedelta) -> list[WindowView]:
        start = self.now - span
        return [w for w in self.windows.get(arn, ()) if w.overlaps(start, self.now)]


def data_now(estate: Estate) -> dt.datetime:
    """The data's "now": when the snapshot was taken (never the wall clock)."""
    return dt.datetime.fromisoformat(estate.manifest.created_at)


def score_board(analysis: Analysis, now: dt.datetime | None = None) -> AnomalyBoard:
    """Every function's windows: the analysis' own scoring when it is for this moment, else the
    detector run afresh (the heavy part: call it from a worker). The moment defaults to the
    analysis' own scoring's (the snapshot's time, or the data's end after a metrics refresh)."""
    estate = analysis.estate
    moment = now or (analysis.anomalies.now if analysis.anomalies is not None else data_now(estate))
    arns = {(f.account, f.region, f.name): f.arn for f in estate.functions}
    found: dict[tuple[str, str], Finding] = {
        (f.resource, f.rule.id): f for f in analysis.findings if f.analyzer == "anomaly"
    }
    grouped: dict[str, list[WindowView]] = defaultdict(list)
    scored = analysis.anomalies
    if scored is not None and scored.now == moment and scored.lookback == LOOKBACK:
        windows_found: Iterable[tuple[tuple[str, str, str], AnomalyWindow]] = scored.windows  # as analysed
    else:
        windows_found = function_windows(estate, moment, LOOKBACK, Thresholds())
    for key, window in windows_found:
        arn = arns.get(key)
        if arn is None:
            continue  # metrics of a function the listing did not return
        rule = RULE_FOR_METRIC[window.metric].id
        finding = found.get((arn, rule))
        severity = analysis.settings.severity_overrides.get(rule, window.severity)  # user re-rated
        suppressed = finding is not None and finding.suppression is not None
        grouped[arn].append(WindowView(window, rule, severity, suppressed))
    windows = {arn: tuple(sorted(ws, key=lambda w: w.rank_key)) for arn, ws in grouped.items()}
    return AnomalyBoard(moment, windows)


# One function's series ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class PreparedSeries:
    """One metric on the analyzer's grid: observed, the detector's expectation and its band.

    The band is where a point cannot alert however noisy the series: within `spike_ratio` (x3 for
    invocations) of the expectation for continuous metrics, below the smallest count the Poisson
    test would flag for errors and throttles. NaN where the detector had no history yet.
    """

    metric: str
    epoch: Array  # period starts, epoch seconds
    observed: Array  # NaN: no datapoint (continuous metrics)
    expected: Array
    lower: Array
    upper: Array


def _epoch(raw: Sequence[str]) -> Array:
    return np.array([dt.datetime.fromisoformat(t).timestamp() for t in raw], dtype=np.float64)


def prepare_function(
    estate: Estate, fn: LambdaFunction, now: dt.datetime, th: Thresholds | None = None
) -> dict[str, PreparedSeries]:
    """Every metric of `fn` scored alone on the analyzer's grid (start, step and look-back)."""
    th = th or Thresholds()
    present = {m: s for m in METRIC_KINDS if (s := estate.series(fn, m)) is not None and s.values}
    if not present:
        return {}
    lo = (now - LOOKBACK).timestamp()
    if estate.manifest.metrics_start:
        lo = max(lo, dt.datetime.fromisoformat(estate.manifest.metrics_start).timestamp())
    stamps = {m: _epoch(s.raw_timestamps) for m, s in present.items()}
    hi = min(max(float(e.max()) for e in stamps.values()), now.timestamp() - 1)
    grid = make_grid(np.array([lo, max(lo, hi)]), STEP)
    raw = {m: np.array(s.values, dtype=np.float64) for m, s in present.items()}
    rows = {m: place(grid, stamps[m], raw[m], m) for m in present}
    # The function's history starts at its first datapoint of any metric, as in the batch.
    seen = np.logical_or.reduce([presence(grid, stamps[m], raw[m]) for m in present])[None, :]
    invocations = rows.get("Invocations")
    out = {}
    for metric, row in rows.items():
        exposure = None
        if metric in {"Errors", "Duration", "Duration:p99"} and invocations is not None:
            exposure = invocations[None, :]
        alerts = point_alerts(grid, row[None, :], metric, th, exposure, seen)
        expected = alerts.expected[0].astype(np.float64)
        lower, upper = band(metric, expected, th)
        out[metric] = PreparedSeries(metric, grid.epoch, row, expected, lower, upper)
    return out


def band(metric: str, expected: Array, th: Thresholds) -> tuple[Array, Array]:
    """(lower, upper) of the range in which a point cannot alert, per point."""
    if metric in COUNT_METRICS:
        return np.zeros_like(expected), _count_limit(expected + th.point_floor, th)
    ratio = th.invocation_spike_ratio if metric == "Invocations" else th.spike_ratio
    with np.errstate(invalid="ignore"):
        upper = (expected + 1.0) * ratio - 1.0
        lower = np.maximum((expected + 1.0) / ratio - 1.0, 0.0)
    return lower, upper


def _count_limit(lam: Array, th: Thresholds) -> Array:
    """The smallest count the per-period Poisson test flags (bisection; surprise grows with x)."""
    low = np.maximum(lam, 0.0)
    high = np.maximum(low * 4.0 + 60.0, th.min_count)
    for _ in range(40):
        mid = (low + high) / 2.0
        hit = poisson_surprise(mid, lam) > th.count
        high = np.where(hit, mid, high)
        low = np.where(hit, low, mid)
    return np.where(np.isnan(lam), np.nan, np.maximum(high, th.min_count))


def data_basis(window: AnomalyWindow, now: dt.datetime) -> tuple[str, str]:
    """What a window rests on, in two short lines: its series' first datapoint, the end of the
    warm-up, how many points were judged before it, and whether the data begins inside the
    look-back, so "a new function" reads apart from "an incident"."""
    stamp = "%m-%d %H:%M"
    first = window.first_data.strftime(stamp) if window.first_data else "none"
    warm = window.scored_from.strftime(stamp) if window.scored_from else "never"
    late = window.first_data is not None and window.first_data > now - LOOKBACK + dt.timedelta(seconds=STEP)
    origin = "new: data begins in look-back" if late else "data since look-back start"
    return (
        f"rests on: data from {first}, warm-up to {warm}",
        f"{window.points_scored:,} pts judged before · {origin}",
    )


# Bucketing for a sparkline or a chart ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Buckets:
    """A range cut into columns: the worst observed value, the band and whether a window is in it."""

    start: dt.datetime
    end: dt.datetime
    observed: tuple[float | None, ...]  # max per column; None: no datapoint
    expected: tuple[float | None, ...]  # mean per column
    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]
    marked: tuple[bool, ...]


def bucketize(
    series: PreparedSeries, windows: Iterable[AnomalyWindow], end: dt.datetime, span: dt.timedelta, n: int
) -> Buckets:
    """`n` equal columns over [end - span, end); a column narrower than a period repeats it."""
    start = end - span
    t0, width = start.timestamp(), span.total_seconds() / max(n, 1)
    first = series.epoch[0] if series.epoch.size else t0
    marks = [(w.start.timestamp(), w.end.timestamp()) for w in windows if w.metric == series.metric]
    cols: dict[str, list[float | None]] = {k: [] for k in ("observed", "expected", "lower", "upper")}
    marked = []
    for c in range(n):
        a, b = t0 + c * width, t0 + (c + 1) * width
        i = max(int(np.floor((a - first) / STEP)), 0)
        j = min(max(int(np.ceil((b - first) / STEP)), i + 1), series.epoch.size)
        cols["observed"].append(_agg(series.observed[i:j], np.nanmax))
        cols["expected"].append(_agg(series.expected[i:j], np.nanmean))
        cols["lower"].append(_agg(series.lower[i:j], np.nanmin))
        cols["upper"].append(_agg(series.upper[i:j], np.nanmax))
        marked.append(any(ws < b and we > a for ws, we in marks))
    return Buckets(
        start,
        end,
        tuple(cols["observed"]),
        tuple(cols["expected"]),
        tuple(cols["lower"]),
        tuple(cols["upper"]),
        tuple(marked),
    )


def _agg(values: Array, how: object) -> float | None:
    if values.size == 0 or bool(np.isnan(values).all()):
        return None
    assert callable(how)
    return float(how(values))
