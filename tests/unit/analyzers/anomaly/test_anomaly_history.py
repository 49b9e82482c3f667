"""Issue 17: a series is scored from its first datapoint on ("no history" is not zero traffic),
idle days teach nothing, a gap longer than the seasonal memory restarts the warm-up, and every
window says the data it rests on. Also: detect() refuses metric names it does not know."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analyzers.anomalies import anomaly_findings, detect
from analyzers.anomaly.coverage import day_coverage
from analyzers.anomaly.detect import ACCEPTED_METRICS
from analyzers.anomaly.windows import METRIC_KINDS
from analyzers.findings.model import Finding
from estate.model import Estate, MetricSeries
from estate.snapshot import Manifest

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
LOOKBACK_START = NOW - dt.timedelta(days=14)  # the default look-back
ACCOUNT, REGION = "123456789012", "eu-west-1"
STEP = 300.0


def _traffic(rng: np.random.Generator, epoch: np.ndarray, peak: float = 100.0) -> np.ndarray:
    """Ordinary rhythmic traffic: a daily curve (busy at noon, a fifth of it at night), Poisson."""
    hour = (epoch % 86400) / 3600
    return rng.poisson(peak * (0.2 + np.exp(-0.5 * ((hour - 12) / 3.5) ** 2))).astype(float)


def _iso(epoch: np.ndarray) -> tuple[str, ...]:
    return tuple(dt.datetime.fromtimestamp(float(t), dt.UTC).isoformat() for t in epoch)


def _function(
    name: str, start: dt.datetime, invocations: np.ndarray, throttles: np.ndarray | None = None
) -> dict[tuple[str, str, str, str], MetricSeries]:
    """CloudWatch as GetMetricData returns it: datapoints only for periods with calls."""
    epoch = start.timestamp() + STEP * np.arange(invocations.size)
    thr = np.zeros(invocations.size) if throttles is None else throttles
    keep = (invocations > 0) | (thr > 0)
    stamps = _iso(epoch[keep])
    series = {
        "Invocations": invocations[keep],
        "Errors": np.zeros(int(keep.sum())),
        "Throttles": thr[keep],
        "Duration": np.full(int(keep.sum()), 120.0) + (invocations[keep] == 0) * np.nan,
    }
    return {
        (ACCOUNT, REGION, name, metric): MetricSeries(
            name,
            REGION,
            metric,
            "Sum",
            tuple(s for s, v in zip(stamps, vals, strict=True) if not np.isnan(v)),
            tuple(float(v) for v in vals if not np.isnan(v)),
        )
        for metric, vals in series.items()
    }


def _estate(*functions: dict[tuple[str, str, str, str], MetricSeries]) -> Estate:
    metrics = {k: v for f in functions for k, v in f.items()}
    manifest = Manifest(created_at=NOW.isoformat(), source="test", metrics_start=LOOKBACK_START.isoformat())
    return Estate(manifest, metrics=metrics)


def _recent(rng: np.random.Generator, start: dt.datetime, peak: float = 100.0) -> np.ndarray:
    """Traffic from `start` until NOW."""
    points = int((NOW - start).total_seconds() // STEP)
    return _traffic(rng, start.timestamp() + STEP * np.arange(points), peak)


def _evidence(finding: Finding) -> dict[str, object]:
    return {e.label: e.value for e in finding.evidence}


def test_functions_starting_inside_the_lookback_with_steady_traffic_raise_nothing() -> None:
    """The issue's case: seven days of ordinary traffic in a 14-day look-back, three calm functions,
    starting at midnight, mid-afternoon and just before midnight."""
    rng = np.random.default_rng(17)
    starts = [
        NOW - dt.timedelta(days=7),
        NOW - dt.timedelta(days=7, hours=9, minutes=25),
        NOW - dt.timedelta(days=6, hours=0, minutes=10),
    ]
    estate = _estate(*(_function(f"new-{i}", s, _recent(rng, s)) for i, s in enumerate(starts)))
    assert anomaly_findings(estate) == []


def test_a_nightly_batch_job_first_run_inside_the_lookback_raises_nothing() -> None:
    """Its first day holds 45 busy minutes at 02:00: the hours before them are unknown, not "as
    busy", so the next day's quiet midnight is no drop (the demo's settlement-batch, issue 17)."""
    rng = np.random.default_rng(8)
    start = NOW - dt.timedelta(days=6, hours=22)  # 02:00
    points = int((NOW - start).total_seconds() // STEP)
    minute = ((start.timestamp() + STEP * np.arange(points)) % 86400) / 60
    calls = np.where((minute >= 120) & (minute < 165), rng.poisson(40, points), 0).astype(float)
    assert anomaly_findings(_estate(_function("settle-nightly", start, calls))) == []
    calls[-288 + 24 : -288 + 33] = 400.0  # the last night ten times as busy: that is news
    found = anomaly_findings(_estate(_function("settle-nightly", start, calls)))
    assert [f.rule.id for f in found] == ["anomaly.invocations"]


def test_a_new_function_that_then_throttles_still_raises_the_storm() -> None:
    rng = np.random.default_rng(3)
    start = NOW - dt.timedelta(days=7, hours=5)
    calls = _recent(rng, start)
    storm_at = int((NOW - dt.timedelta(days=2) - start).total_seconds() // STEP)
    throttles = np.zeros(calls.size)
    throttles[storm_at : storm_at + 12] = 300.0
    found = anomaly_findings(_estate(_function("bursty", start, calls, throttles)))
    assert [f.rule.id for f in found] == ["anomaly.throttles"]
    ev = _evidence(found[0])
    assert ev["window start"] == (start + dt.timedelta(seconds=STEP * storm_at)).isoformat()
    assert ev["first datapoint in look-back"] == start.isoformat()
    # The warm-up is the first whole day of data: the function started at 19:00, so the day after.
    assert ev["warm-up ended"] == (start + dt.timedelta(hours=5)).isoformat()
    assert int(ev["points scored before the window"]) > 288  # type: ignore[call-overload]


def test_a_busy_function_that_goes_silent_still_raises_the_drop() -> None:
    rng = np.random.default_rng(5)
    start = NOW - dt.timedelta(days=10)
    calls = _recent(rng, start)
    silent_from = int((NOW - dt.timedelta(days=3, hours=12) - start).total_seconds() // STEP)
    calls[silent_from:] = 0.0  # no datapoints from here on: CloudWatch returns none
    neighbour = _function("still-busy", start, _recent(rng, start))  # the region's data goes on
    found = anomaly_findings(_estate(_function("went-dark", start, calls), neighbour))
    assert [f.rule.id for f in found] == ["anomaly.invocations"]
    ev = _evidence(found[0])
    assert ev["kind"] == "drop" and found[0].severity.value == "high"
    began = dt.datetime.fromisoformat(str(ev["window start"]))
    assert abs(began - (start + dt.timedelta(seconds=STEP * silent_from))) <= dt.timedelta(hours=1)


def _series(
    days_on: int, gap_days: int, days_back: int, back_peak: float, seed: int = 11
) -> tuple[np.ndarray, np.ndarray, dt.datetime]:
    """A function busy `days_on` days, without any datapoint for `gap_days`, then back at `back_peak`."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    day = 288
    epoch = start.timestamp() + STEP * np.arange((days_on + gap_days + days_back) * day)
    calls = _traffic(rng, epoch)
    calls[days_on * day :] = _traffic(rng, epoch[days_on * day :], back_peak)
    calls[days_on * day : (days_on + gap_days) * day] = 0.0
    keep = calls > 0
    back = start + dt.timedelta(days=days_on + gap_days)
    return epoch[keep], calls[keep], back


def test_a_function_back_after_idle_days_is_judged_against_what_it_did_before() -> None:
    epoch, calls, back = _series(days_on=6, gap_days=3, days_back=3, back_peak=100.0)
    windows = detect(epoch, calls, "Invocations")
    assert windows and all(w.kind == "drop" for w in windows)  # going silent is news ...
    assert all(w.start < back for w in windows)  # ... coming back as before is not


def test_a_surge_after_idle_days_is_still_a_spike() -> None:
    """Idle days freeze the baseline rather than teach it zero, or forget it."""
    epoch, calls, back = _series(days_on=6, gap_days=3, days_back=3, back_peak=1000.0)
    windows = detect(epoch, calls, "Invocations")
    after = [w for w in windows if w.peak_at >= back]
    assert after and after[0].kind in {"spike", "shift"}
    assert back <= after[0].start < back + dt.timedelta(hours=14)  # dated from the surge ...
    assert [w.kind for w in windows if w.start < back] == ["drop"]  # ... not from the silence


def test_a_gap_longer_than_the_seasonal_memory_restarts_the_warm_up() -> None:
    epoch, calls, back = _series(days_on=3, gap_days=9, days_back=4, back_peak=1000.0)
    windows = detect(epoch, calls, "Invocations")
    assert not [w for w in windows if w.start >= back]  # a new life: ten times the traffic is its normal
    drop = [w for w in windows if w.kind == "drop"]
    assert drop and drop[0].first_data == dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def test_leading_absence_is_not_scored_by_detect() -> None:
    """The same series, alone in a longer window or with zero datapoints before it: only the zeros
    that were reported as data count as traffic."""
    rng = np.random.default_rng(2)
    start = LOOKBACK_START + dt.timedelta(days=7, hours=14)
    calls = _recent(rng, start)
    epoch = start.timestamp() + STEP * np.arange(calls.size)
    assert detect(epoch, calls, "Invocations") == []
    reported_zero = np.concatenate([np.zeros(7 * 288), calls])
    epoch_zero = start.timestamp() - STEP * 7 * 288 + STEP * np.arange(reported_zero.size)
    windows = detect(epoch_zero, reported_zero, "Invocations")
    assert windows and windows[0].start == start  # zeros that are data: a real jump


@pytest.mark.parametrize("metric", ["value", "invocations", "", "Duration:p50"])
def test_detect_refuses_a_metric_it_does_not_know(metric: str) -> None:
    with pytest.raises(ValueError) as err:
        detect([0.0, 300.0], [1.0, 2.0], metric)
    message = str(err.value)
    assert repr(metric) in message
    assert all(repr(name) in message for name in ACCEPTED_METRICS)


@pytest.mark.parametrize("metric", [*METRIC_KINDS, "generic"])
def test_detect_accepts_every_documented_metric(metric: str) -> None:
    epoch = LOOKBACK_START.timestamp() + STEP * np.arange(288)
    assert detect(epoch, np.full(288, 5.0), metric) == []


def test_day_coverage_restarts_only_after_a_gap_longer_than_the_weekly_memory() -> None:
    day = 4
    present = np.zeros((2, 20 * day), dtype=bool)
    present[:, 1] = True  # both begin one point into day 0
    present[0, 9 * day] = True  # row 0: back after 8 idle days (1..8)
    present[1, 8 * day] = True  # row 1: back after 7 idle days (1..7)
    cov = day_coverage(present, lead=0, n_days=20, day=day)
    assert cov.restart[0].tolist() == [d == 9 for d in range(20)]
    assert not cov.restart[1].any()
    assert cov.active[0, 0] and not cov.active[0, 1] and cov.active[0, 9]
    assert not cov.covered[0, 0, 0] and cov.covered[0, 0, 1:].all() and cov.covered[0, 1:].all()
