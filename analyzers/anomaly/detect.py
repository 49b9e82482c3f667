"""Anomaly windows for any series: `detect` for one, `detect_grid` for many on a shared time grid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzers.anomaly.counts import score_counts
from analyzers.anomaly.generic import FLATLINE, LEVEL_SHIFT, SPIKE_UP, GenericConfig, generic_alerts
from analyzers.anomaly.scoring import ModelConfig, score_continuous
from analyzers.anomaly.windows import (
    COUNT_METRICS,
    DROP,
    ERROR_BURST,
    FLAT,
    GENERIC,
    METRIC_KINDS,
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
from analyzers.unique import unique

CHUNK_ROWS = 256  # series per vectorised pass: keeps temporaries in cache
WORKERS = 2
ZERO_WHEN_MISSING = frozenset({"Invocations", "Errors", "Throttles"})  # no datapoint = nothing happened
Stamp = dt.datetime | float | int
ACCEPTED_METRICS = (*METRIC_KINDS, GENERIC)


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
    # The data the window rests on, so "a new function" reads apart from "an incident":
    first_data: dt.datetime | None = None  # the series' first datapoint in the look-back
    scored_from: dt.datetime | None = None  # warm-up over: the first point judged against a baseline
    points_scored: int = 0  # points judged before the window began (the history behind the verdict)


@dataclass(frozen=True, slots=True)
class Grid:
    """Equally spaced epoch seconds and the matching model configuration."""

    epoch: NDArray[np.float64]
    step: int
    config: ModelConfig


def make_grid(epoch_seconds: NDArray[np.float64], step: int | None = None) -> Grid:
    """The regular grid covering `epoch_seconds`; the step defaults to their median spacing."""
    if step is None:
        diffs = np.diff(unique(epoch_seconds))
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


def presence(
    grid: Grid, epoch_seconds: NDArray[np.float64], values: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """The grid periods holding a datapoint (see `coverage`: before the first one is no history)."""
    out = np.zeros(grid.epoch.size, dtype=bool)
    idx = np.floor((epoch_seconds - grid.epoch[0]) / grid.step).astype(np.int64)
    out[idx[(idx >= 0) & (idx < out.size) & ~np.isnan(values)]] = True
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
    grid: Grid,
    values: NDArray,
    metric: str,
    th: Thresholds,
    exposure: NDArray | None = None,
    present: NDArray[np.bool_] | None = None,
) -> BlockAlerts:
    """Score a (series x time) block of one metric on `grid` and classify every point.

    `exposure` is the matching Invocations block: the rate model for Errors, and the evidence
    weight of each average-duration point (a period of one invocation says little). `present`
    (same shape) marks the periods where the function had any datapoint: before its first one
    nothing is scored, and idle days teach the baseline nothing (see `coverage`). Without it
    every period is taken as history (a zero-filled count is a zero).
    """
    first_step = round(float(grid.epoch[0]) / grid.step)
    rows = values.shape[0]
    if rows == 0:
        empty = np.zeros(values.shape)
        none = np.zeros(values.shape, dtype=bool)
        return BlockAlerts(np.full(values.shape, -1, dtype=np.int8), empty, empty, none)
    chunks = [slice(a, min(a + CHUNK_ROWS, rows)) for a in range(0, rows, CHUNK_ROWS)]

    def one(sl: slice) -> BlockAlerts:
        ex = None if exposure is None else exposure[sl]
        pr = None if present is None else present[sl]
        return _chunk_alerts(first_step, grid.config, values[sl], metric, th, ex, pr)

    if len(chunks) == 1:
        return one(chunks[0])
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # numpy ufuncs release the GIL
        parts = list(pool.map(one, chunks))
    return BlockAlerts(
        np.concatenate([p.kind for p in parts]),
        np.concatenate([p.score for p in parts]),
        np.concatenate([p.expected for p in parts]),
        np.concatenate([p.scored for p in parts]),
    )


def _chunk_alerts(
    first_step: int,
    cfg: ModelConfig,
    values: NDArray,
    metric: str,
    th: Thresholds,
    exposure: NDArray | None,
    present: NDArray[np.bool_] | None,
) -> BlockAlerts:
    if metric in COUNT_METRICS:
        rate_of = exposure if metric == "Errors" else None
        return count_alerts(score_counts(values, first_step, cfg, rate_of, present), values, metric, th)
    weights = exposure if metric in {"Duration", "Duration:p99"} else None
    scores = score_continuous(
        values,
        first_step,
        cfg,
        counts=metric == "Invocations",
        weights=weights,
        average=metric == "Duration",
        present=present,
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
    present: NDArray[np.bool_] | None = None,
) -> list[AnomalyWindow]:
    """Turn a block's point alerts into AnomalyWindow records (row i belongs to `names[i]`)."""
    return [
        _window(names[run.series], metric, grid, values, alerts, run, exposure, present)
        for run in runs(alerts, th)
    ]


def _window(
    name: str,
    metric: str,
    grid: Grid,
    values: NDArray,
    alerts: BlockAlerts,
    run: Run,
    exposure: NDArray | None,
    present: NDArray[np.bool_] | None,
) -> AnomalyWindow:
    row, at = run.series, run.peak
    data = present[row] if present is not None else ~np.isnan(values[row])
    scored = alerts.scored[row]
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
        first_data=_first_time(grid, data),
        scored_from=_first_time(grid, scored),
        points_scored=int(np.count_nonzero(scored[: run.first])),
    )


def _first_time(grid: Grid, mask: NDArray[np.bool_]) -> dt.datetime | None:
    return _utc(grid.epoch[int(np.argmax(mask))]) if mask.any() else None


def generic_windows(
    name: str, grid: Grid, values: NDArray, config: GenericConfig | None = None
) -> list[AnomalyWindow]:
    """One single-period window per generic alert (alerts of one family, points or levels, are a day
    apart: see analyzers/anomaly/generic.py)."""
    found = generic_alerts(values, grid.step, config)
    kinds = {SPIKE_UP: SPIKE, LEVEL_SHIFT: SHIFT, FLATLINE: FLAT}
    first_data = _first_time(grid, ~np.isnan(values))
    scored_from = _first_time(grid, found.ready)
    before = np.concatenate([[0], np.cumsum(found.ready)])
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
            first_data=first_data,
            scored_from=scored_from,
            points_scored=int(before[at]),
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
    Anything else raises ValueError (a Lambda model would silently misjudge it). The series is
    scored from its first datapoint on (before it: no history, never zero traffic).
    `invocations` (same timestamps) turns the Errors count model into an error-rate model, and
    weighs each Duration / Duration:p99 point by the invocations behind it (cold starts).
    """
    if metric not in ACCEPTED_METRICS:
        accepted = ", ".join(repr(m) for m in ACCEPTED_METRICS)
        raise ValueError(
            f'unknown metric {metric!r}: detect() accepts {accepted} ("generic" for non-Lambda series)'
        )
    th = thresholds or Thresholds()
    epoch = _to_epoch(timestamps)
    vals = np.asarray(values, dtype=np.float64)
    if epoch.size == 0:
        return []
    grid = make_grid(epoch, 300 if metric != GENERIC else None)
    if metric == GENERIC:
        return generic_windows(function, grid, place(grid, epoch, vals, metric))
    row = place(grid, epoch, vals, metric)[None, :]
    present = presence(grid, epoch, vals)
    exposure = None
    if invocations is not None:
        inv = np.asarray(invocations, dtype=np.float64)
        exposure = place(grid, epoch, inv, "Invocations")[None, :]
        present |= presence(grid, epoch, inv)
    alerts = point_alerts(grid, row, metric, th, exposure, present[None, :])
    return windows_of((function,), metric, grid, row, alerts, th, exposure, present[None, :])
