"""Generic-metric anomaly detection: causality, determinism, and its verdicts on synthetic shapes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from analyzers.anomalies import detect
from analyzers.anomaly.generic import (
    FLATLINE,
    LEVEL_SHIFT,
    SPIKE_DOWN,
    SPIKE_UP,
    GenericConfig,
    generic_alerts,
)

STEP = 300
DAY = 288
START = 1_700_006_400  # midnight UTC, a multiple of the step


def _noise(days: int, seed: int = 7, level: float = 40.0, sd: float = 2.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days * DAY)
    daily = 5.0 * np.sin(2 * np.pi * t / DAY)
    return level + daily + rng.normal(0.0, sd, t.size)


def _epoch(n: int) -> np.ndarray:
    return START + STEP * np.arange(n, dtype=np.float64)


def test_clean_noise_raises_nothing_once_learnt() -> None:
    """A day or two of history can still be surprised by plain noise (hence NAB's probation)."""
    for seed in range(5):
        found = generic_alerts(_noise(10, seed), STEP).index
        assert found.size <= 1
        assert not (found >= 2 * DAY).any()


def test_spike_is_found_at_its_point() -> None:
    values = _noise(10)
    values[8 * DAY + 100] = 90.0
    found = generic_alerts(values, STEP)
    assert found.index.tolist() == [8 * DAY + 100]
    assert found.kind.tolist() == [SPIKE_UP]
    assert found.score[0] > 3.0
    assert 30.0 < found.expected[0] < 50.0


def test_drop_below_the_weeks_minimum_is_found() -> None:
    values = _noise(10)
    values[8 * DAY + 40] = 0.0
    found = generic_alerts(values, STEP)
    assert found.index.tolist() == [8 * DAY + 40]
    assert found.kind.tolist() == [SPIKE_DOWN]


def test_level_shift_within_the_weeks_range_is_found() -> None:
    values = _noise(10)
    values[8 * DAY + 10] = 80.0  # an older outlier that widens the point envelope ...
    values[9 * DAY :] += 15.0  # ... so the shift can only be seen through the recent median
    values[9 * DAY :] = np.minimum(values[9 * DAY :], 75.0)
    found = generic_alerts(values, STEP)
    shift_at = [int(i) for i, k in zip(found.index, found.kind, strict=True) if k == LEVEL_SHIFT]
    assert shift_at and 9 * DAY <= shift_at[0] < 9 * DAY + 36


def _steady(seed: int) -> np.ndarray:
    """Ten days of flat noise (sd 2) with a nightly job's spike: no daily rhythm to hide behind."""
    rng = np.random.default_rng(seed)
    values = 40.0 + rng.normal(0.0, 2.0, 10 * DAY)
    values[np.arange(10) * DAY + 30] = 60.0
    return values


BUMP = slice(8 * DAY + 100, 8 * DAY + 136)  # three hours


@pytest.mark.parametrize("seed", range(5))
def test_a_bump_inside_the_weeks_range_is_a_level_change(seed: int) -> None:
    """Four noise sds for three hours: no point leaves the week's range (the nightly spikes are
    higher) and the hourly-median test's scale (half an hour's range) hides it; the one-hour
    median, against the week's one-hour medians, does not."""
    values = _steady(seed)
    values[BUMP] += 8.0
    found = generic_alerts(values, STEP)
    in_bump = (found.index >= BUMP.start) & (found.index < BUMP.stop)
    assert found.kind[in_bump].tolist() == [LEVEL_SHIFT]
    assert found.score[in_bump][0] > 8.0
    assert 39.0 < found.expected[in_bump][0] < 41.0  # the week's median of one-hour medians
    only_points_and_hourly = GenericConfig(level_spans=())
    assert not (generic_alerts(values, STEP, only_points_and_hourly).kind == LEVEL_SHIFT).any()


@pytest.mark.parametrize("seed", range(5))
def test_a_small_bump_is_not_a_level_change(seed: int) -> None:
    values = _steady(seed)
    values[BUMP] += 3.0  # 1.5 noise sds
    assert not (generic_alerts(values, STEP).kind == LEVEL_SHIFT).any()


def test_a_spike_does_not_hide_the_level_change_hours_after_it() -> None:
    """Points and levels keep their own quiet day; within a family, a day apart."""
    values = _steady(0)
    values[8 * DAY + 10] = 120.0
    values[BUMP] += 8.0
    values[8 * DAY + 200] = 130.0  # a new maximum, but inside the spike's quiet day
    found = generic_alerts(values, STEP)
    late = found.index >= 2 * DAY
    assert found.kind[late].tolist() == [SPIKE_UP, LEVEL_SHIFT]
    assert found.index[late][0] == 8 * DAY + 10
    assert BUMP.start <= found.index[late][1] < BUMP.stop
    one_quiet = GenericConfig(quiet=0)
    assert 8 * DAY + 200 in generic_alerts(values, STEP, one_quiet).index.tolist()


def test_a_small_wiggle_is_not_a_shift() -> None:
    values = _noise(10)
    values[9 * DAY :] += 1.0  # half a noise sd
    assert generic_alerts(values, STEP).index.size == 0


def test_repeated_alerts_are_quiet_for_a_day() -> None:
    values = _noise(12)
    for at in (8 * DAY + 10, 8 * DAY + 50, 8 * DAY + 200, 10 * DAY):
        values[at] = 200.0 + at / DAY  # each a new maximum
    found = generic_alerts(values, STEP).index.tolist()
    assert found == [8 * DAY + 10, 10 * DAY]


def test_no_alert_before_two_days_of_history() -> None:
    values = _noise(3)
    values[DAY // 2] = 500.0
    values[DAY + DAY // 2] = 550.0  # with one day behind it, a bursty hour is a new weekly extreme
    assert generic_alerts(values, STEP).index.size == 0
    values[2 * DAY] = 600.0
    found = generic_alerts(values, STEP)
    assert found.index.tolist() == [2 * DAY]
    assert not found.ready[: 2 * DAY].any() and found.ready[2 * DAY :].all()


def test_a_series_that_stops_moving_is_a_flatline() -> None:
    values = _noise(10)
    values[8 * DAY : 8 * DAY + 60] = 41.0  # the agent keeps reporting its last value for 5 hours
    found = generic_alerts(values, STEP)
    assert found.index.tolist() == [8 * DAY + 24]  # two hours in: flatter than anything that week
    assert found.kind.tolist() == [FLATLINE]
    windows = detect(_epoch(values.size), values, "generic")
    assert [w.kind for w in windows] == ["flatline"]


def test_a_flat_stretch_no_longer_than_the_weeks_own_is_not_a_flatline() -> None:
    """A nightly 6-hour idle (zero) is the series' normal; only a longer one is news."""
    values = _noise(10)
    night = 6 * 12
    for day in range(10):
        values[day * DAY : day * DAY + night] = 0.0
    assert generic_alerts(values, STEP).index.size == 0
    values[9 * DAY + night : 9 * DAY + night + 12] = 0.0  # this night lasts 7 hours
    found = generic_alerts(values, STEP)
    assert found.index.tolist() == [9 * DAY + night]
    assert found.kind.tolist() == [FLATLINE]


def test_flat_series_and_gaps() -> None:
    flat = np.full(5 * DAY, 7.0)
    assert generic_alerts(flat, STEP).index.size == 0
    flat[4 * DAY] = 8.0  # a 14 % jump on a perfectly flat series is news
    assert generic_alerts(flat, STEP).index.tolist() == [4 * DAY]
    gappy = _noise(6)
    gappy[2 * DAY : 3 * DAY] = np.nan
    assert generic_alerts(gappy, STEP).index.size == 0
    assert generic_alerts(np.zeros(0), STEP).index.size == 0


def test_periods_follow_the_series_step() -> None:
    values = _noise(10)[::3]  # 15-minute points
    values[8 * DAY // 3 + 20] = 90.0
    assert generic_alerts(values, 900).index.tolist() == [8 * DAY // 3 + 20]
    # With a history requirement longer than the series, nothing can alert.
    assert generic_alerts(values, 900, GenericConfig(min_history=20 * 86400)).index.size == 0


def _prefix_and_full(values: Any, cut: int) -> tuple[Any, Any, Any]:
    """The alerts of all `values` and of their first `cut`, checked to agree before `cut` (index,
    kind, score), with the mask of the full run's alerts before it."""
    full = generic_alerts(values, STEP)
    part = generic_alerts(values[:cut], STEP)
    keep = full.index < cut
    assert part.index.tolist() == full.index[keep].tolist()
    assert part.kind.tolist() == full.kind[keep].tolist()
    np.testing.assert_allclose(part.score, full.score[keep])
    return full, part, keep


@pytest.mark.parametrize("cut", [3 * DAY + 17, 6 * DAY, 8 * DAY + 101, 9 * DAY + 5])
def test_causal_a_prefix_scores_the_same(cut: int) -> None:
    """No look-ahead: scoring the first `cut` points gives the full run's alerts before `cut`."""
    values = _noise(10, seed=3)
    values[5 * DAY + 7] = 95.0
    values[8 * DAY + 100] = -20.0
    values[9 * DAY :] += 20.0
    full, part, keep = _prefix_and_full(values, cut)
    np.testing.assert_allclose(part.expected, full.expected[keep])


@pytest.mark.parametrize("cut", [BUMP.start + 5, BUMP.start + 20, BUMP.stop + 3])
def test_causal_level_changes_are_judged_from_the_past(cut: int) -> None:
    """The rolling medians and their weekly envelopes see no later point either."""
    values = _steady(2)
    values[BUMP] += 8.0
    _prefix_and_full(values, cut)


def test_future_values_do_not_change_past_alerts() -> None:
    values = _noise(10, seed=4)
    values[6 * DAY + 3] = 99.0
    changed = values.copy()
    changed[7 * DAY :] = _noise(3, seed=99)[: 3 * DAY] * 3.0
    a = generic_alerts(values, STEP)
    b = generic_alerts(changed, STEP)
    assert a.index[a.index < 7 * DAY].tolist() == b.index[b.index < 7 * DAY].tolist() == [6 * DAY + 3]


def test_deterministic() -> None:
    values = _noise(10, seed=5)
    values[7 * DAY] = 120.0
    values[9 * DAY :] -= 20.0
    runs = [detect(_epoch(values.size), values, "generic", function="i-1") for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]


def test_detect_generic_windows() -> None:
    values = _noise(10)
    values[8 * DAY + 100] = 90.0
    values[9 * DAY + 100] = 0.0
    found = detect(_epoch(values.size), values, "generic", function="i-0abc")
    assert [w.kind for w in found] == ["spike"]  # the drop falls in the quiet day after the spike
    w = found[0]
    assert (w.function, w.metric, w.points, w.observed) == ("i-0abc", "generic", 1, 90.0)
    assert w.start.timestamp() == START + STEP * (8 * DAY + 100)
    assert (w.end - w.start).total_seconds() == STEP
    values[9 * DAY + 100] = 40.0
    values[9 * DAY + 200] = -30.0
    values[8 * DAY + 100] = 40.0
    assert [w.kind for w in detect(_epoch(values.size), values, "generic")] == ["drop"]


def test_detect_generic_accepts_datetimes_and_unsorted_input() -> None:
    values = _noise(9)
    values[8 * DAY + 5] = 90.0
    epoch = _epoch(values.size)
    order = np.random.default_rng(1).permutation(values.size)
    stamps = epoch.astype("datetime64[s]")
    assert detect(stamps[order], values[order]) == detect(epoch, values)
    assert [w.kind for w in detect(epoch, values)] == ["spike"]
