"""Causal anomaly detection for any metric that is not a Lambda metric (EC2, ELB, RDS, ...).

The Lambda kinds lean on what Lambda metrics are (counts, cold starts, a daily rhythm) and stay
quiet unless an incident is large in plain terms. A generic series has no such prior, so it is
judged against its own recent past: a week of history (excluding the hour a point falls in).

A point is judged at several time scales, each test requiring two conditions to agree so that
noise must fool both: the statistic breaks the week's envelope of that same statistic (a new
maximum or minimum) AND sits more than z robust scales from the week's median of it.

- points (spike or drop): the raw value against the week's points, at `point_z` MADs;
- levels (a level shift, a bump of a few hours), either of
  - the last three hours' median against the week's hourly medians (their 1..99 % range), at
    `shift_z` scales of their spread (at least half a typical hour's range): this scale follows a
    daily rhythm, so a shift under a strong one shows;
  - the rolling median over each of `level_spans` (an hour, six hours) against the week's
    medians of the same span, at `level_z` MADs of them: a change hidden inside a noisy week's
    range shows, as medians vary far less than points. On NAB this caught three windows the
    other tests missed (a three-hour bump inside a noisy day, a spike a day after a level
    change, a burst half a day after another alert), for 12 more false events.

and a third for the opposite failure, a series that stops moving (a stalled writer, a dead
agent reporting its last value): a flatline alerts once the same value has repeated for longer
than any flat stretch of the past week, and for at least `flat_min`.

No alert before `min_history` (two days): with one day behind it every busy hour of a bursty
series is a new weekly extreme. On NAB this warm-up halved the alerts raised in the first 15 %
of each file (NAB's probation), with no labelled window lost.

After an alert the series is quiet for `quiet` (a day): an ongoing incident is one page, not
hundreds. Points (with flatlines) and levels keep their own quiet day: a spike does not hide the
level change that follows it hours later, and one incident raises at most one alert of each.
Everything at a point is computed from earlier points only (the rolling medians from the current
point and those before it), so a series scored live gives the same alerts as one scored after
the fact. Periods are given in time and turned into points by the series' own step.
"""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from analyzers.unique import difference, union

Array = NDArray[np.float64]

SPIKE_UP, SPIKE_DOWN, LEVEL_SHIFT, FLATLINE = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class GenericConfig:
    """One global configuration for every generic series (no per-series tuning); times in seconds."""

    history: int = 7 * 86400  # the past a point is judged against
    block: int = 3600  # statistics are refreshed once per block, from the blocks before it
    min_history: int = 2 * 86400  # no alert before this much history exists
    quiet: int = 86400  # after an alert, the series stays quiet this long (per family, see above)
    point_z: float = 3.0  # a spike or drop: robust z-score beyond the week's envelope
    shift_z: float = 3.0  # a level shift: the recent median's z-score against the hourly medians
    shift_span: int = 3 * 3600  # the recent median spans this long
    envelope_rank: float = 0.99  # a shift must leave this quantile (and 1 - it) of hourly medians
    level_z: float = 8.0  # a level change: the same for a rolling median (medians vary less)
    level_spans: tuple[int, ...] = (3600, 6 * 3600)  # the rolling medians' spans
    relative_floor: float = 0.01  # the scale is at least this share of the level (flat series)
    range_share: float = 1.0 / 20.0  # ... and at least this share of the week's 1..99 % range
    flat_min: int = 2 * 3600  # a flatline lasts at least this long


@dataclass(frozen=True, slots=True)
class GenericAlerts:
    """Alerting points of one series: grid index, kind, robust z-score, expected (median) value;
    and per point whether it was scored (a datapoint with enough history behind it)."""

    index: NDArray[np.int64]
    kind: NDArray[np.int8]
    score: Array
    expected: Array
    ready: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Envelope:
    """A statistic judged against its own past week, per point: its robust z-score, whether it
    broke the week's maximum or minimum, and the week's median (the expected value)."""

    z: Array
    above: NDArray[np.bool_]
    below: NDArray[np.bool_]
    median: Array


def _points(seconds: int, step: int) -> int:
    return max(1, round(seconds / step))


def _past_windows(values: Array, width: int, block: int) -> NDArray[np.float64]:
    """Row j: the `width` points before block j's first point (NaN before the series began)."""
    padded = np.concatenate([np.full(width, np.nan), values])
    starts = np.arange(0, values.size, block)
    return sliding_window_view(padded, width)[starts]


def _rolling_median(values: Array, width: int) -> Array:
    """Median of each point and the `width - 1` before it (causal)."""
    padded = np.concatenate([np.full(width - 1, np.nan), values])
    return np.nanmedian(sliding_window_view(padded, width), axis=1)


def _block_stats(values: Array, block: int, fn: str) -> Array:
    """Per block of `block` points: its max, min or median (NaN for an empty block)."""
    nb = -(-values.size // block)
    padded = np.full(nb * block, np.nan)
    padded[: values.size] = values
    table = padded.reshape(nb, block)
    if fn == "max":
        return np.nanmax(table, axis=1)
    return np.nanmin(table, axis=1) if fn == "min" else np.nanmedian(table, axis=1)


def _hourly_shift(values: Array, width: int, block: int, step: int, cfg: GenericConfig) -> Envelope:
    """The recent (`shift_span`) median against the week's hourly medians: their `envelope_rank`
    range, and a scale no smaller than half a typical hour's own range (so a noisy series' hourly
    wobble is not a shift). This scale follows a daily rhythm, where the median's MAD would not."""
    at = np.arange(values.size) // block
    hours = max(1, width // block)
    b_max, b_min = _block_stats(values, block, "max"), _block_stats(values, block, "min")
    hourly = _past_windows(_block_stats(values, block, "median"), hours, 1)
    h_lo, h25, h_med, h75, h_hi = np.nanquantile(
        hourly, [1 - cfg.envelope_rank, 0.25, 0.5, 0.75, cfg.envelope_rank], axis=1
    )
    spread = np.nanmedian(_past_windows(b_max - b_min, hours, 1), axis=1)
    recent = _rolling_median(values, _points(cfg.shift_span, step))
    scale = np.maximum.reduce([(h75 - h25) / 1.349, 0.5 * spread, cfg.relative_floor * np.abs(h_med)])
    scale = np.maximum(scale, np.finfo(np.float64).tiny)[at]
    with np.errstate(invalid="ignore", over="ignore"):
        z = (recent - h_med[at]) / scale
        return Envelope(z, recent > h_hi[at], recent < h_lo[at], h_med[at])


def _envelope(x: Array, width: int, block: int, cfg: GenericConfig) -> Envelope:
    """Judge each point of `x` against the `width` points before its block (see module doc)."""
    at = np.arange(x.size) // block
    past = _past_windows(x, width, block)
    q01, med, q99, top, bottom = np.nanquantile(past, [0.01, 0.5, 0.99, 1, 0], axis=1)
    mad = np.nanmedian(np.abs(past - med[:, None]), axis=1)
    floor = np.maximum(cfg.relative_floor * np.abs(med), np.finfo(np.float64).tiny)
    scale = np.maximum.reduce([1.4826 * mad, floor, cfg.range_share * (q99 - q01)])[at]
    with np.errstate(invalid="ignore", over="ignore"):  # a flat week's tiny scale: z is infinite
        z = (x - med[at]) / scale
        return Envelope(z, x > top[at], x < bottom[at], med[at])


def _empty() -> GenericAlerts:
    empty = np.zeros(0)
    none = np.zeros(0, dtype=bool)
    return GenericAlerts(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8), empty, empty, none)


def generic_alerts(values: Array, step: int, cfg: GenericConfig | None = None) -> GenericAlerts:
    """Score one series on a regular grid of `step` seconds (NaN = no datapoint)."""
    cfg = cfg or GenericConfig()
    n = values.size
    if n == 0:
        return _empty()
    block = _points(cfg.block, step)
    width = _points(cfg.history, step)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN, never alert
        seen = (~np.isnan(_past_windows(values, width, block))).sum(axis=1)
        ready = (seen >= _points(cfg.min_history, step))[np.arange(n) // block] & ~np.isnan(values)
        point = _envelope(values, width, block, cfg)
        shift = _hourly_shift(values, width, block, step, cfg)
        levels = [
            _envelope(_rolling_median(values, _points(span, step)), width, block, cfg)
            for span in cfg.level_spans
        ]
    with np.errstate(invalid="ignore"):
        up = ready & point.above & (point.z > cfg.point_z)
        down = ready & point.below & (point.z < -cfg.point_z)
    flat, flat_score = _flatlines(values, width, _points(cfg.flat_min, step))
    flat &= ready & ~(up | down)
    level, level_score, level_expected = _level_alerts(
        [(shift, cfg.shift_z)] + [(env, cfg.level_z) for env in levels], ready, n
    )
    kind = np.where(up, SPIKE_UP, np.where(down, SPIKE_DOWN, FLATLINE)).astype(np.int8)
    score = np.where(up | down, np.abs(point.z), flat_score)
    expected = point.median.copy()
    quiet = _points(cfg.quiet, step)
    fired_points = _quiet_after(np.flatnonzero(up | down | flat), quiet)
    # Each family keeps its own quiet day; where both fire at one point, the point's verdict stands.
    fired_levels = difference(_quiet_after(np.flatnonzero(level), quiet), fired_points)
    kind[fired_levels] = LEVEL_SHIFT
    score[fired_levels] = level_score[fired_levels]
    expected[fired_levels] = level_expected[fired_levels]
    fired = union(fired_points, fired_levels)
    return GenericAlerts(fired, kind[fired], score[fired], expected[fired], ready)


def _level_alerts(
    levels: list[tuple[Envelope, float]], ready: NDArray[np.bool_], n: int
) -> tuple[NDArray[np.bool_], Array, Array]:
    """Where any median broke its envelope by its `z` scales; the largest such score and the
    median it was judged against (the expected level)."""
    alert = np.zeros(n, dtype=bool)
    score, expected = np.zeros(n), np.full(n, np.nan)
    for env, z in levels:
        with np.errstate(invalid="ignore"):
            hit = ready & ((env.above & (env.z > z)) | (env.below & (env.z < -z)))
        better = hit & (np.abs(env.z) > score)
        score = np.where(better, np.abs(env.z), score)
        expected = np.where(better, env.median, expected)
        alert |= hit
    return alert, score, expected


def _flatlines(values: Array, width: int, least: int) -> tuple[NDArray[np.bool_], Array]:
    """Points at which the current run of one repeated value first outlasts every run that ended in
    the `width` points before it began (and `least`); the score is how many times longer than the
    longest of those it is by then (causal: the run's eventual length is not known yet)."""
    n = values.size
    out, score = np.zeros(n, dtype=bool), np.zeros(n)
    same = np.zeros(n, dtype=bool)
    same[1:] = values[1:] == values[:-1]  # NaN never equals: a gap is not flat
    starts = np.flatnonzero(~same)
    ends = np.append(starts[1:], n)
    longest: deque[tuple[int, int]] = deque()  # (end, length) of earlier runs, lengths decreasing
    for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
        while longest and longest[0][0] <= begin - width:
            longest.popleft()
        before = longest[0][1] if longest else 0
        bar = max(before, least)
        if begin + bar < end:
            out[begin + bar] = True
            score[begin + bar] = (bar + 1) / max(before, 1)
        while longest and longest[-1][1] <= end - begin:
            longest.pop()
        longest.append((end, end - begin))
    return out, score


def _quiet_after(candidates: NDArray[np.int64], quiet: int) -> NDArray[np.int64]:
    """The candidates that fire: each one more than `quiet` points after the last that fired."""
    fired: list[int] = []
    for t in candidates.tolist():
        if not fired or t - fired[-1] > quiet:
            fired.append(t)
    return np.array(fired, dtype=np.int64)
