"""Anomaly windows for any series: `detect` for one, `detect_grid` for many on a shared time grid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzers.anomaly.generic import LEVEL_SHIFT, SPIKE_UP, GenericConfig, generic_alerts
from analyzers.anomaly.scoring import ModelConfig, score_continuous, score_counts
from analyzers.anomaly.windows import (
    COUNT_METRICS,
    DROP,
    ERROR_BURST,
    GENERIC,
    SHIFT,
    SPIKE,
    THROTTLING_STORM,
    BlockAlerts,
    Run,
    Thresholds,
    continuous_alerts,
    count_alerts,
    runs,
)
from analyzers.findings.model import Severity

CHUNK_ROWS = 256  # series per vectorised pass: keeps temporaries in cache
WORKERS = 2
ZERO_WHEN_MISSING = frozenset({"Invocations", "Errors", "Throttles"})  # no datapoint = nothing happened
Stamp = dt.datetime | float | int


@dataclass(frozen=True, slots=True)
class AnomalyWindow:
    """One anomaly: when it started and ended (end exclusive), its peak and how surprising it was."""

    function: str
    metric: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    peak_at: dt.datetime
    observed: float  # the value at the peak
    expected: float  # what the baseline expected at the peak
    score: float
    severity: Severity
    points: int


@dataclass(frozen=True, slots=True)
class Grid:
    """Equally spaced epoch seconds and the matching model configuration."""

    epoch: NDArray[np.float64]
    step: int
    config: ModelConfig


def make_grid(epoch_seconds: NDArray[np.float64], step: int | None = None) -> Grid:
    """The regular grid covering `epoch_seconds`; the step defaults to their median spacing."""
    if step is None:
        diffs = np.diff(np.unique(epoch_seconds))
        step = round(float(np.median(diffs))) if diffs.size else 300
    step = max(step, 1)
    first = np.floor(epoch_seconds.min() / step) * step
    count = int((epoch_seconds.max() - first) // step) + 1
    day = max(1, 86400 // step)
    return Grid(first + step * np.arange(count, dtype=np.float64), step, ModelConfig(day=day))


def place(
    grid: Grid, epoch_seconds: NDArray[np.float64], values: NDArray[np.float64], metric: str
) -> NDArray:
    """Values on the grid; a missing period is 0 for counts, NaN (unknown) otherwise."""
    fill = 0.0 if metric in ZERO_WHEN_MISSING else np.nan
    out = np.full(grid.epoch.size, fill)
    idx = np.floor((epoch_seconds - grid.epoch[0]) / grid.step).astype(np.int64)
    keep = (idx >= 0) & (idx < out.size) & ~np.isnan(values)
    out[idx[keep]] = values[keep]
    return out


def _to_epoch(timestamps: Sequence[Stamp] | NDArray) -> NDArray[np.float64]:
    arr = np.asarray(timestamps)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[s]").astype(np.float64)
    if arr.dtype.kind in "fiu":
        return arr.astype(np.float64)
    return np.array([_stamp_seconds(t) for t in timestamps], dtype=np.float64)


def _stamp_seconds(t: Stamp) -> float:
    if isinstance(t, dt.datetime):
        return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).timestamp()
    if isinstance(t, str):
        return _stamp_seconds(dt.datetime.fromisoformat(t))
    return float(t)


def point_alerts(
    grid: Grid, values: NDArray, metric: str, th: Thresholds, exposure: NDArray | None = None
) -> BlockAlerts:
    """Score a (series x time) block of one metric on `grid` and classify every point.

    `exposure` is the matching Invocations block: the rate model for Errors, and the evidence
    weight of each average-duration point (a period of one invocation says little).
    """
    first_step = round(float(grid.epoch[0]) / grid.step)
    rows = values.shape[0]
    if rows == 0:
        empty = np.zeros(values.shape)
        return BlockAlerts(np.full(values.shape, -1, dtype=np.int8), empty, empty)
    chunks = [slice(a, min(a + CHUNK_ROWS, rows)) for a in range(0, rows, CHUNK_ROWS)]

    def one(sl: slice) -> BlockAlerts:
        ex = None if exposure is None else exposure[sl]
        return _chunk_alerts(first_step, grid.config, values[sl], metric, th, ex)

    if len(chunks) == 1:
        return one(chunks[0])
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # numpy ufuncs release the GIL
        parts = list(pool.map(one, chunks))
    return BlockAlerts(
        np.concatenate([p.kind for p in parts]),
        np.concatenate([p.score for p in parts]),
        np.concatenate([p.expected for p in parts]),
    )


def _chunk_alerts(
    first_step: int, cfg: ModelConfig, values: NDArray, metric: str, th: Thresholds, exposure: NDArray | None
) -> BlockAlerts:
    if metric in COUNT_METRICS:
        rate_of = exposure if metric == "Errors" else None
        return count_alerts(score_counts(values, first_step, cfg, rate_of), values, metric, th)
    weights = exposure if metric in {"Duration", "Duration:p99"} else None
    scores = score_continuous(
        values, first_step, cfg, counts=metric == "Invocations", weights=weights, average=metric == "Duration"
    )
    return continuous_alerts(scores, values, metric, th)


def _severity(metric: str, kind: str, observed: float, expected: float, rate: float | None) -> Severity:
    if kind == THROTTLING_STORM:
        return Severity.HIGH if observed >= 100 else Severity.MEDIUM
    if kind == ERROR_BURST:
        return Severity.HIGH if (rate is not None and rate >= 0.1) else Severity.MEDIUM
    if metric == "Invocations" and kind in {DROP, SHIFT} and observed <= 0.05 * expected:
        return Severity.HIGH  # a busy function went silent
    if metric == GENERIC or kind == SHIFT:
        return Severity.MEDIUM
    return (
        Severity.MEDIUM if metric in {"Duration:p99", "ConcurrentExecutions", "Invocations"} else Severity.LOW
    )


def windows_of(
    names: Sequence[str],
    metric: str,
    grid: Grid,
    values: NDArray,
    alerts: BlockAlerts,
    th: Thresholds,
    exposure: NDArray | None = None,
) -> list[AnomalyWindow]:
    """Turn a block's point alerts into AnomalyWindow records (row i belongs to `names[i]`)."""
    return [
        _window(names[run.series], metric, grid, values, alerts, run, exposure) for run in runs(alerts, th)
    ]


def _window(
    name: str,
    metric: str,
    grid: Grid,
    values: NDArray,
    alerts: BlockAlerts,
    run: Run,
    exposure: NDArray | None,
) -> AnomalyWindow:
    row, at = run.series, run.peak
    observed = float(np.nan_to_num(values[row, at]))
    expected = float(np.nan_to_num(alerts.expected[row, at]))
    rate = None
    if exposure is not None and exposure[row, at] > 0:
        rate = observed / float(exposure[row, at])
    return AnomalyWindow(
        function=name,
        metric=metric,
        kind=run.kind,
        start=_utc(grid.epoch[run.first]),
        end=_utc(grid.epoch[run.last] + grid.step),
        peak_at=_utc(grid.epoch[at]),
        observed=observed,
        expected=round(expected, 3),
        score=round(run.score, 2),
        severity=_severity(metric, run.kind, observed, expected, rate),
        points=run.last - run.first + 1,
    )


def generic_windows(
    name: str, grid: Grid, values: NDArray, config: GenericConfig | None = None
) -> list[AnomalyWindow]:
    """One single-period window per generic alert (alerts are a day apart, see anomaly_generic)."""
    found = generic_alerts(values, grid.step, config)
    kinds = {SPIKE_UP: SPIKE, LEVEL_SHIFT: SHIFT}
    return [
        AnomalyWindow(
            function=name,
            metric=GENERIC,
            kind=kinds.get(int(k), DROP),
            start=_utc(grid.epoch[at]),
            end=_utc(grid.epoch[at] + grid.step),
            peak_at=_utc(grid.epoch[at]),
            observed=float(values[at]),
            expected=round(float(expected), 3),
            score=round(float(score), 2),
            severity=Severity.MEDIUM,
            points=1,
        )
        for at, k, score, expected in zip(
            found.index.tolist(), found.kind, found.score, found.expected, strict=True
        )
    ]


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(seconds), dt.UTC)


def detect(
    timestamps: Sequence[Stamp] | NDArray,
    values: Sequence[float] | NDArray,
    metric: str = GENERIC,
    *,
    function: str = "",
    invocations: Sequence[float] | NDArray | None = None,
    thresholds: Thresholds | None = None,
) -> list[AnomalyWindow]:
    """Anomaly windows of one series, each point scored from its past only.

    `metric` is a Lambda metric name (Invocations, Errors, Throttles, Duration, Duration:p99,
    ConcurrentExecutions) or "generic" for any other series (judged against its own last week, see
    anomaly_generic; `thresholds` and `invocations` do not apply to it).
    `invocations` (same timestamps) turns the Errors count model into an error-rate model, and
    weighs each Duration / Duration:p99 point by the invocations behind it (cold starts).
    """
    th = thresholds or Thresholds()
    epoch = _to_epoch(timestamps)
    vals = np.asarray(values, dtype=np.float64)
    if epoch.size == 0:
        return []
    grid = make_grid(epoch, 300 if metric != GENERIC else None)
    if metric == GENERIC:
        return generic_windows(function, grid, place(grid, epoch, vals, metric))
    row = place(grid, epoch, vals, metric)[None, :]
    exposure = None
    if invocations is not None:
        exposure = place(grid, epoch, np.asarray(invocations, dtype=np.float64), "Invocations")[None, :]
    alerts = point_alerts(grid, row, metric, th, exposure)
    return windows_of((function,), metric, grid, row, alerts, th, exposure)
