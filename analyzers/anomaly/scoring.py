"""Causal anomaly scoring for batches of equally spaced series (numpy, no look-ahead).

Every point is scored against state built from earlier points only, so the same code scores a
finished fortnight or a live series that grows one point at a time. The baseline state (a
time-of-day profile, day-of-week offsets, a residual scale, the size of a normal day's worst point)
is updated once per day and is vectorised over series and slots, so the Python loop runs over days
(14 for a fortnight), not over points; everything within a day is a causal rolling window.

Continuous metrics are scored in log1p space. A point is a spike only if two baselines agree: the
seasonal one (profile + weekday offset) and a local one (the seasonal residual of the last half
hour), so a day that is uniformly quieter (a first weekend) is absorbed locally instead of alerting.
Profile updates are clipped, so an earlier anomaly barely moves the baseline. Weekday offsets are
used only once that weekday has been seen a week earlier. Sparse counts (errors, throttles) get a
Poisson model (`counts`), errors optionally per invocation (a rate) so that a traffic surge is not
a burst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzers.anomaly.coverage import day_coverage

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """One global configuration; periods are in points (288 five-minute points = one day)."""

    day: int = 288
    week_days: int = 7  # the weekly rhythm is judged once a week of history exists
    alpha_profile: float = 0.3
    min_day_points: int = 3  # a day with fewer datapoints teaches the baseline nothing
    alpha_scale: float = 0.3
    clip: float = 3.0  # profile updates take residuals up to this many scales
    abs_floor: float = 0.03  # minimum residual scale in log1p units (3 %)
    local_window: int = 6  # points in the local (half-hour) baseline
    gate_days: int = 7  # a normal day's worst point: over this many earlier days ...
    gate_rank: float = 0.5  # ... the median of their worst points
    count_alpha: float = 0.3
    count_floor: float = 0.5  # learning caps a period's count at the rate + 3 sd of (rate + this)
    steady_support: float = 5.0  # periods with fewer invocations are mostly cold starts
    cold_start_span: float = 5.0  # invocations over which one cold start's cost is judged
    per_invocation_sd: float = 0.5  # log-sd of one invocation's duration: weights by invocation count


@dataclass(frozen=True, slots=True)
class ContinuousScores:
    """A block's log1p residuals and expectations per point, and its per-day state.

    Point-level detail (noise scale, local baseline, excess) is computed only for the candidate
    points that could alert, via `scale_at`, `local_at` and `excess_at`: most points are normal.
    The `gate` is the size of a normal day's worst point (median over earlier days) in excess
    units: a spike must exceed it. Excess is the residual, or for average durations the relative
    excess times the invocation count (capped), so one cold start in a quiet period cannot look
    like an incident.
    """

    residual: Array  # (series x time), NaN where not scored (no datapoint or no history yet)
    expected_log: Array  # (series x time) log1p of the expected value
    spread: Array  # (series x days) the series' residual scale (mean absolute residual)
    steady_spread: Array  # (series x days) the same over periods of at least `steady_support` invocations
    gate: Array  # (series x days)
    weekly: NDArray[np.bool_]  # (series x days) the weekly rhythm was known that day
    support: Array | None  # (series x time) invocations behind each point, when known
    lead: int  # column 0 is this many points into its day
    cfg: ModelConfig
    counts: bool
    average: bool

    def day_of(self, cols: NDArray[np.int64]) -> NDArray[np.int64]:
        return (cols + self.lead) // self.cfg.day

    def scale_at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> Array:
        """Residual scale at the given points: the series' spread with count noise floors."""
        s = np.maximum(self.spread[rows, self.day_of(cols)], self.cfg.abs_floor)
        if self.counts:
            s = np.maximum(s, 1.0 / np.sqrt(np.expm1(np.maximum(self.expected_log[rows, cols], 0.0)) + 1.0))
        if self.support is not None and self.average:
            s = np.maximum(s, self.cfg.per_invocation_sd / np.sqrt(np.maximum(self.support[rows, cols], 1.0)))
        return s

    def local_at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> Array:
        """Mean clipped residual of the `local_window` points before each point (the local level)."""
        total = np.zeros(rows.size)
        count = np.zeros(rows.size)
        for back in range(1, self.cfg.local_window + 1):
            c = cols - back
            v = self.residual[rows, np.maximum(c, 0)]
            ok = (c >= 0) & ~np.isnan(v)
            total += np.where(ok, np.clip(v, -1.0, 1.0), 0.0)
            count += ok
        return np.where(count >= 2, total / np.maximum(count, 1.0), 0.0)

    def excess_at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> Array:
        r = self.residual[rows, cols]
        if self.support is None or not self.average:
            return r
        return np.expm1(r) * np.clip(self.support[rows, cols], 1.0, self.cfg.cold_start_span)

    def gate_at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> Array:
        return self.gate[rows, self.day_of(cols)]

    def weekly_at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> NDArray[np.bool_]:
        return self.weekly[rows, self.day_of(cols)]


def rolling_sum(x: NDArray, window: int, include_current: bool = True) -> Array:
    """Causal rolling sum along axis 1 over `window` points ending at t (or at t-1).

    Built by doubling (sums of 1, 2, 4, 8 ... points, added at the right offsets): a handful of
    whole-array additions, several times faster than a row-wise cumsum. Keeps x's dtype.
    """
    t = x.shape[1]
    acc = np.zeros_like(x)
    block, size, offset, rest = x, 1, 0, window
    while True:
        if rest & 1:
            if offset < t:
                acc[:, offset:] += block[:, : t - offset]
            offset += size
        rest >>= 1
        if not rest or size >= t:
            break
        grown = block.copy()
        grown[:, size:] += block[:, : t - size]
        block, size = grown, size * 2
    if include_current:
        return acc
    out = np.zeros_like(acc)
    out[:, 1:] = acc[:, :-1]
    return out


def nonzero(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Row and column indices of a 2-D mask (flatnonzero is faster than np.nonzero)."""
    flat = np.flatnonzero(mask)
    return flat // mask.shape[1], flat % mask.shape[1]


def zero_nan(x: Array) -> Array:
    """`x` with NaN replaced by 0 (np.nan_to_num also scans for infinities: slower)."""
    return np.where(np.isnan(x), 0.0, x)


def day_table(a: Array, lead: int, n_days: int, day: int, fill: float) -> Array:
    """(series x time) -> (series x days x slots), padded at both ends with `fill`."""
    n, t = a.shape
    out = np.full((n, n_days * day), fill)
    out[:, lead : lead + t] = a
    return out.reshape(n, n_days, day)


def _gate(a: Array, rank: float) -> Array:
    """The `rank` quantile (0 = lowest, 1 = highest) of each row's non-NaN values, by order.

    +inf for a row without any: with no normal day to compare against, nothing is a spike.
    """
    if a.shape[1] == 0:
        return np.full(a.shape[0], np.inf)
    ordered = np.sort(a, axis=1)  # NaN sorts last
    valid = (~np.isnan(a)).sum(axis=1)
    at = np.floor(rank * np.maximum(valid - 1, 0)).astype(np.int64)
    value = np.take_along_axis(ordered, at[:, None], axis=1)[:, 0]
    return np.where(valid > 0, value, np.inf)


def _row_mean(a: Array) -> tuple[Array, NDArray[np.bool_]]:
    """Mean of each row's non-NaN values (0 where none) and whether there was any."""
    ok = ~np.isnan(a)
    count = ok.sum(axis=1)
    return np.where(ok, a, 0.0).sum(axis=1) / np.maximum(count, 1), count > 0


def _expected_level(level: Array, d: int, week: int, last: Array) -> tuple[Array, NDArray[np.bool_]]:
    """Day `d`'s expected level, and whether it knows the weekly rhythm.

    With a full week of history: the same weekday last week, moved by how the last three days
    compare with the same three days a week earlier. Before that (or where that day is missing):
    the mean of the last three days, daily seasonality only; after idle days without any, the last
    level learned (`last`), so a function that starts again is judged against what it did before.
    """
    recent, has_recent = _row_mean(level[:, max(0, d - 3) : d])
    recent = np.where(has_recent, recent, last)
    if d < week:
        return recent, np.zeros(level.shape[0], dtype=bool)
    last_week = level[:, d - week]
    span = min(3, d - week)
    trend = np.zeros(level.shape[0])
    if span:
        then, has_then = _row_mean(level[:, d - week - span : d - week])
        now, has_now = _row_mean(level[:, d - span : d])
        trend = np.where(has_then & has_now, now - then, 0.0)
    weekly = ~np.isnan(last_week)
    return np.where(weekly, zero_nan(last_week) + trend, recent), weekly & has_recent


def _first_day(yd: Array, floor: float) -> tuple[Array, Array, Array]:
    """Level, shape and residual scale of a series' first day (median of 3 keeps batch edges)."""
    lvl, _ = _row_mean(yd)
    filled = np.where(np.isnan(yd), _smooth(yd), yd)
    a, b, c = np.roll(filled, 1, axis=1), filled, np.roll(filled, -1, axis=1)
    med = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
    rough, _ = _row_mean(np.abs(yd - _smooth(yd)))
    return lvl, med - lvl[:, None], np.maximum(1.5 * rough, floor)


def _smooth(profile: Array) -> Array:
    """Circular 5-slot moving average of a (series x slots) profile, NaN-aware."""
    ok = ~np.isnan(profile)
    v = np.where(ok, profile, 0.0)
    num = sum(np.roll(v, s, axis=1) for s in range(-2, 3))
    den = sum(np.roll(ok, s, axis=1).astype(float) for s in range(-2, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    mean = np.nanmean(np.where(ok, profile, np.nan), axis=1, keepdims=True) if ok.any() else 0.0
    return np.where(np.isnan(out), mean, out)


def score_continuous(
    values: Array,
    first_step: int,
    cfg: ModelConfig,
    *,
    counts: bool = False,
    weights: Array | None = None,
    average: bool = True,
    present: NDArray[np.bool_] | None = None,
) -> ContinuousScores:
    """Score `values` (series x time, NaN = no datapoint); column 0 is epoch step `first_step`.

    `counts` adds a Poisson noise floor for small counts (invocations). `weights` (invocations per
    period) are each point's support; for an `average` (mean duration) the noise shrinks with the
    count and the excess scales by it, so a cold start in a quiet period carries little weight.
    `present` (series x time, the function had a datapoint) limits learning and scoring to the
    series' history (see `coverage`); without it every point is history.
    """
    S = cfg.day
    n, t = values.shape
    lead = first_step % S
    n_days = -(-(lead + t) // S)
    with np.errstate(invalid="ignore"):
        y = day_table(np.log1p(np.maximum(values, 0.0)), lead, n_days, S, np.nan)
    cov = None if present is None else day_coverage(present, lead, n_days, S)
    if cov is not None:
        y[~cov.covered] = np.nan  # before the first datapoint: no history, not zero traffic
    support = None if weights is None else day_table(zero_nan(weights), lead, n_days, S, 0.0)
    w = support if average else None
    residual = np.empty((n, n_days, S))
    expected = np.empty((n, n_days, S))
    spread = np.zeros((n, n_days))
    steady_spread = np.zeros((n, n_days))
    sc_steady = np.zeros(n)
    gate = np.full((n, n_days), np.inf)
    weekly = np.zeros((n, n_days), dtype=bool)
    day_max = np.full((n, n_days), np.nan)
    level = np.full((n, n_days), np.nan)  # each day's level, learned from clipped residuals
    last_level = np.zeros(n)  # the latest level learned, for days after an idle gap
    shape = np.zeros((n, S))  # time-of-day shape around the level
    # Slots of the day the shape knows: all, unless the series began mid-day (then the hours
    # before its first datapoint are learned the next day, and not scored until then).
    known = np.full((n, S), cov is None)
    days_seen = np.zeros(n)
    sc = np.zeros(n)
    k = cfg.clip
    for d in range(n_days):
        if cov is not None and cov.restart[:, d].any():
            _forget(cov.restart[:, d], d, days_seen, level, day_max, shape, sc, sc_steady)
            known[cov.restart[:, d]] = False
        yd = y[:, d]
        ok = ~np.isnan(yd)
        n_ok = ok.sum(axis=1)
        have = days_seen > 0
        enough = n_ok >= cfg.min_day_points
        if cov is not None:
            enough &= cov.active[:, d]  # an idle day is scored (a drop) but teaches nothing
        expected_level, weekly[:, d] = _expected_level(level, d, cfg.week_days, last_level)
        exp_d = np.add(shape, expected_level[:, None], out=expected[:, d])
        r = np.subtract(yd, exp_d, out=residual[:, d])
        spread[:, d] = np.maximum(sc, cfg.abs_floor)
        steady_spread[:, d] = np.maximum(sc_steady, cfg.abs_floor)
        gate[:, d] = _gate(day_max[:, max(0, d - cfg.gate_days) : d], cfg.gate_rank)
        upd = have & enough
        fresh = ok & ~known  # slots this series has never had a datapoint in: learned, not scored
        if upd.any():
            s = np.maximum(sc, cfg.abs_floor)[:, None]
            if counts:
                s = np.maximum(s, 1.0 / np.sqrt(np.expm1(np.maximum(exp_d, 0.0)) + 1.0))
            if w is not None:
                s = np.maximum(s, cfg.per_invocation_sd / np.sqrt(np.maximum(w[:, d], 1.0)))
            lim = k * s
            ok_known = ok & known
            n_known = ok_known.sum(axis=1)
            r0 = np.where(ok_known, r, 0.0)
            rc = np.clip(r0, -lim, lim)
            m_day = rc.sum(axis=1) / np.maximum(n_known, 1)
            level[:, d] = np.where(upd, expected_level + m_day, level[:, d])
            last_level = np.where(upd, level[:, d], last_level)
            alpha = np.maximum(cfg.alpha_profile, 1.0 / (days_seen + 1.0))[:, None]
            shape += np.where(upd[:, None] & ok_known, alpha * (rc - m_day[:, None]), 0.0)
            if fresh.any():
                learn = upd[:, None] & fresh
                shape[learn] = (yd - level[:, d, None])[learn]
                known |= learn
            mad = np.minimum(np.abs(r0), lim).sum(axis=1) / np.maximum(n_known, 1)
            sc = np.where(upd & (n_known > 0), sc + cfg.alpha_scale * (mad - sc), sc)
            if support is not None:  # the spread of well-supported periods, for the shift test
                steady = ok_known & (support[:, d] >= cfg.steady_support)
                n_steady = steady.sum(axis=1)
                mad = np.where(steady, np.minimum(np.abs(r0), lim), 0.0).sum(axis=1) / np.maximum(n_steady, 1)
                sc_steady = np.where(
                    upd & (n_steady > 0), sc_steady + cfg.alpha_scale * (mad - sc_steady), sc_steady
                )
            # One cold start adds a fixed time spread over the period's invocations: relative
            # excess times min(count, cold_start_span) stays near that fixed cost whatever the count.
            ex = np.expm1(r) * np.clip(w[:, d], 1.0, cfg.cold_start_span) if w is not None else r
            day_max[:, d] = np.where(upd, np.where(ok_known, ex, -np.inf).max(axis=1), np.nan)
        residual[~have, d] = np.nan
        residual[:, d][fresh] = np.nan
        # A series seen for the first time takes the day's smoothed shape, for the slots from its
        # first datapoint on: the hours before it are unknown (a batch job's first night would
        # otherwise teach "busy all day", and the next quiet hour would be a drop).
        new = enough & ~have
        if new.any():
            level[new, d], shape[new], sc[new] = _first_day(yd[new], cfg.abs_floor)
            sc_steady[new] = sc[new]
            last_level[new] = level[new, d]
            known[new] = True if cov is None else cov.covered[new, d]
        days_seen += upd | new
    flat = (n, n_days * S)
    sl = slice(lead, lead + t)
    return ContinuousScores(
        residual=residual.reshape(flat)[:, sl],
        expected_log=expected.reshape(flat)[:, sl],
        spread=spread,
        steady_spread=steady_spread if weights is not None else spread,
        gate=gate,
        weekly=weekly,
        support=None if weights is None else zero_nan(weights),
        lead=lead,
        cfg=cfg,
        counts=counts,
        average=average,
    )


def _forget(
    rows: NDArray[np.bool_],
    d: int,
    days_seen: Array,
    level: Array,
    day_max: Array,
    shape: Array,
    sc: Array,
    sc_steady: Array,
) -> None:
    """Drop what `rows` learned before day `d` (in place): their baseline outlived its memory."""
    days_seen[rows] = 0
    level[rows, :d] = np.nan
    day_max[rows, :d] = np.nan
    shape[rows] = 0.0
    sc[rows] = 0.0
    sc_steady[rows] = 0.0


def poisson_surprise(observed: Array, expected: Array) -> Array:
    """-log10 of the Chernoff bound on P(X >= observed) for X ~ Poisson(expected); 0 when not above."""
    lam = np.maximum(expected, 1e-9)
    x = np.maximum(observed, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        nats = x * np.log(np.where(x > 0, x / lam, 1.0)) - x + lam
    return np.where(x > lam, nats / math.log(10.0), 0.0)
