"""From per-point scores to anomaly windows: which points alert, of what kind, merged into runs.

Kept apart from the model so the thresholds (what counts as an alert) live in one place and the
benchmarks, the findings and the public `detect` all read windows the same way. A point alerts only
when it is both statistically surprising and large in plain terms (at least double, or a busy
function gone silent): a wrong finding costs more than a missed one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzers.anomaly.counts import CountScores
from analyzers.anomaly.scoring import (
    ContinuousScores,
    nonzero,
    poisson_surprise,
    rolling_sum,
    zero_nan,
)

# Kinds, as the issue names them.
SPIKE = "spike"
DROP = "drop"
SHIFT = "shift"
THROTTLING_STORM = "throttling storm"
ERROR_BURST = "error burst"
KINDS = (SPIKE, DROP, SHIFT, THROTTLING_STORM, ERROR_BURST)
FLAT = "flatline"  # generic series only: a value repeated for longer than ever that week

METRIC_KINDS = ("Invocations", "Errors", "Throttles", "Duration", "Duration:p99", "ConcurrentExecutions")
GENERIC = "generic"
COUNT_METRICS = frozenset({"Errors", "Throttles"})
# Which directions matter per metric: a faster function or fewer throttles is good news.
UPWARD_ONLY = frozenset({"Duration", "Duration:p99", "ConcurrentExecutions"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """One global configuration for every series (no per-series tuning)."""

    z: float = 6.0  # agreed z-score of a spike (residual scales of both baselines)
    spike_ratio: float = 2.0  # a spike is at least this many times the expectation ...
    invocation_spike_ratio: float = 3.0  # ... and traffic at least this many times
    concurrency_excess: float = 10.0  # concurrency must also rise by this many executions
    shift_clip: float = 1.0  # residuals are clipped to this (log1p) before the hour's mean
    shift_window: int = 12  # points averaged by the sustained-shift test (one hour)
    shift_z: float = 5.0  # mean residual over the window, in residual scales
    shift_ratio: float = 1.5  # and at least this many times the expectation, sustained
    count: float = 6.0  # log10 surprise of a count (errors, throttles)
    min_count: float = 5.0  # fewer events than this in a period are never a storm or a burst
    point_floor: float = 0.5  # per period, events a quiet series is allowed before they surprise
    count_floor: float = 1.5  # the same per hour
    silent_share: float = 0.1  # a drop: the last hour brought under this share of the expected ...
    busy_hour: float = 60.0  # ... of at least this many invocations
    merge_gap: int = 12  # alerts less than an hour apart form one window (one incident, one page)
    lone_z: float = 12.0  # a one-point spike must be this extreme to stand alone
    p99_support: float = 20.0  # a p99 spike needs this many invocations behind each period


@dataclass(frozen=True, slots=True)
class BlockAlerts:
    """Per point of a (series x time) block: kind index (-1 = none), score, expected value, and
    whether the point was scored at all (a datapoint judged against a learned baseline)."""

    kind: NDArray[np.int8]
    score: NDArray[np.float64]
    expected: NDArray[np.float64]
    scored: NDArray[np.bool_]


def continuous_alerts(
    scores: ContinuousScores, values: NDArray[np.float64], metric: str, th: Thresholds
) -> BlockAlerts:
    """Classify every point of a block of one continuous metric."""
    r = scores.residual
    kind = np.full(r.shape, -1, dtype=np.int8)
    score = np.zeros(r.shape)
    _shifts(scores, values, metric, th, kind, score)
    spike, spike_score = _spikes(scores, values, metric, th)
    kind[spike] = np.where(r[spike] > 0, KINDS.index(SPIKE), KINDS.index(DROP))
    score[spike] = spike_score[spike]
    return BlockAlerts(kind, score, np.expm1(scores.expected_log), ~np.isnan(r))


def _spikes(
    scores: ContinuousScores, values: NDArray[np.float64], metric: str, th: Thresholds
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Spike (and, both ways, dip) points: big in plain terms first, then statistically surprising.

    Only points at least `ratio` times off their expectation are examined further, so the costly
    tests run on a few candidates rather than on every point.
    """
    r = scores.residual
    ratio = np.log(th.invocation_spike_ratio if metric == "Invocations" else th.spike_ratio)
    with np.errstate(invalid="ignore"):
        cand = r >= ratio
        if metric not in UPWARD_ONLY and metric != "Invocations":
            cand |= r <= -ratio
    rows, cols = nonzero(cand)
    rv = r[rows, cols]
    obs = zero_nan(values[rows, cols])
    exp = np.expm1(scores.expected_log[rows, cols])
    s = scores.scale_at(rows, cols)
    local = scores.local_at(rows, cols)
    za, zb = rv / s, (rv - local) / s
    z = np.where(np.sign(za) == np.sign(zb), np.sign(za) * np.minimum(np.abs(za), np.abs(zb)), 0.0)
    up = rv > 0
    keep = ~up | (scores.excess_at(rows, cols) > scores.gate_at(rows, cols))
    if metric == "ConcurrentExecutions":
        keep &= obs - exp >= th.concurrency_excess
    if metric == "Duration:p99" and scores.support is not None:
        keep &= scores.support[rows, cols] >= th.p99_support  # the p99 of a few invocations is a max
    if metric == "Invocations":
        # Counts: Poisson, over-dispersed by the series' own multiplicative noise, against the
        # higher of the seasonal and the local baseline (both must find it surprising).
        lam = np.maximum(exp, exp * np.exp(local)) + 0.5
        phi = 1.0 + (2.0 * scores.spread[rows, scores.day_of(cols)]) ** 2 * lam
        z = poisson_surprise(obs / phi, lam / phi)
        keep &= z > th.count
    else:
        keep &= np.abs(z) > th.z
    spike = np.zeros(r.shape, dtype=bool)
    spike[rows[keep], cols[keep]] = True
    out = np.zeros(r.shape)
    out[rows[keep], cols[keep]] = np.maximum(np.abs(z[keep]), th.z)
    if metric in UPWARD_ONLY:
        # A duration or concurrency spike must hold for two periods: one cold start is not one.
        pair = spike[:, 1:] & spike[:, :-1]
        spike = np.zeros_like(spike)
        spike[:, 1:] |= pair
        spike[:, :-1] |= pair
    return spike, out


def _shifts(
    scores: ContinuousScores,
    values: NDArray[np.float64],
    metric: str,
    th: Thresholds,
    kind: NDArray[np.int8],
    score: NDArray[np.float64],
) -> None:
    """Mark sustained shifts (the last hour's mean residual) and busy functions gone silent."""
    r = scores.residual
    ok = ~np.isnan(r)
    if metric in {"Duration", "Duration:p99"} and scores.support is not None:
        ok &= scores.support >= scores.cfg.steady_support  # a few invocations: mostly cold starts
    clipped = np.where(ok, np.clip(r, -th.shift_clip, th.shift_clip), 0.0).astype(np.float32)
    cover = rolling_sum(ok.astype(np.float32), th.shift_window)
    mean = rolling_sum(clipped, th.shift_window) / np.maximum(cover, 1.0)
    lo = np.log(th.shift_ratio)
    cand = (cover >= th.shift_window // 2) & ((mean > lo) if metric in UPWARD_ONLY else (np.abs(mean) > lo))
    rows, cols = nonzero(cand)
    m = mean[rows, cols]
    # Until a full week is known a whole quieter or busier day is not yet news: tolerance doubles.
    wide = np.where(scores.weekly_at(rows, cols), 1.0, 2.0)
    noise = th.shift_z * scores.steady_spread[rows, scores.day_of(cols)] / np.sqrt(cover[rows, cols] / 3.0)
    need = wide * np.log(th.invocation_spike_ratio if metric == "Invocations" else th.shift_ratio)
    hit = (np.abs(m) > noise) & (np.abs(m) > need)
    if metric == "Invocations":
        hit &= m > 0  # a fall in traffic is judged below, on the hour's total
    if metric == "ConcurrentExecutions":
        exp = np.expm1(scores.expected_log[rows, cols])
        hit &= zero_nan(values[rows, cols]) - exp >= th.concurrency_excess
    kind[rows[hit], cols[hit]] = KINDS.index(SHIFT)
    score[rows[hit], cols[hit]] = th.z * np.abs(m[hit]) / np.maximum(noise[hit], 1e-9)
    if metric == "Invocations":
        seen = rolling_sum(zero_nan(values), th.shift_window)
        wanted = rolling_sum(np.where(ok, np.expm1(zero_nan(scores.expected_log)), 0.0), th.shift_window)
        drop = (cover >= th.shift_window) & (wanted >= th.busy_hour) & (seen <= th.silent_share * wanted)
        kind[drop] = KINDS.index(DROP)
        score[drop] = th.z * (2.0 - seen[drop] / np.maximum(wanted[drop], 1.0))


def count_alerts(
    scores: CountScores, values: NDArray[np.float64], metric: str, th: Thresholds
) -> BlockAlerts:
    """Classify every point of a block of Errors or Throttles."""
    kind_name = THROTTLING_STORM if metric == "Throttles" else ERROR_BURST
    x = zero_nan(values)
    lam = scores.expected
    score = np.zeros(x.shape)
    rows, cols = nonzero(scores.scored & (x >= th.min_count))
    point = poisson_surprise(x[rows, cols], lam[rows, cols] + th.point_floor)
    hit = point > th.count
    score[rows[hit], cols[hit]] = point[hit]
    # A slower burst (a few failures every period for an hour) shows in the hour's total.
    total = rolling_sum(x, th.shift_window)
    known = rolling_sum(scores.scored.astype(np.float32), th.shift_window) >= th.shift_window
    rows, cols = nonzero(known & (total >= 2.0 * th.min_count) & (x > 0) & (score == 0))
    wanted = rolling_sum(lam, th.shift_window)[rows, cols]
    hour = poisson_surprise(total[rows, cols], wanted + th.count_floor)
    hit = hour > th.count
    # Capped below typical single-period bursts, so a window's peak is its worst single period.
    score[rows[hit], cols[hit]] = np.minimum(hour[hit], 2.0 * th.count)
    kind = np.where(score > 0, KINDS.index(kind_name), -1).astype(np.int8)
    return BlockAlerts(kind, score, lam, scores.scored)


@dataclass(frozen=True, slots=True)
class Run:
    """A run of alerting points [first, last] (indices) of one series, its kind and its peak."""

    series: int
    first: int
    last: int
    kind: str
    peak: int
    score: float


def runs(alerts: BlockAlerts, th: Thresholds) -> list[Run]:
    """Merge each series' alerting points into runs; a run's kind is that of its top point.

    A run of a single spike point stands only if it is extreme (`lone_z`): one odd period is more
    often a cold start or a scrape glitch than an incident.
    """
    rows, cols = nonzero(alerts.kind >= 0)
    if rows.size == 0:
        return []
    # A fall and a rise are two incidents (a function silent for days, then back at ten times its
    # traffic), even when they touch: one window would date the surge from the silence.
    falling = alerts.kind[rows, cols] == KINDS.index(DROP)
    new = np.ones(rows.size, dtype=bool)
    new[1:] = (
        (rows[1:] != rows[:-1]) | (cols[1:] - cols[:-1] > th.merge_gap + 1) | (falling[1:] != falling[:-1])
    )
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], rows.size)
    found = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        row, members = int(rows[a]), cols[a:b]
        sc = alerts.score[row, members]
        peak = int(members[int(np.argmax(sc))])
        kind = KINDS[int(alerts.kind[row, peak])]
        if members.size == 1 and kind in {SPIKE, DROP} and float(sc.max()) < th.lone_z:
            continue
        found.append(Run(row, int(members[0]), int(members[-1]), kind, peak, float(sc.max())))
    return found
