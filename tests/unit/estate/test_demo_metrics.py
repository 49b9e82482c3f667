"""The demo's CloudWatch series generator: pure, deterministic, realistic, with its incidents."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estate.sources.demo_builder import metrics
from estate.sources.demo_builder.catalogue import FUNCTIONS, FUNCTIONS_BY_NAME
from estate.sources.demo_builder.constants import DEMO_METRICS_END, METRIC_PERIOD
from estate.sources.demo_builder.metrics import METRICS, generate_series
from tests.ground_truth import plants

FN = FUNCTIONS_BY_NAME


def _by_time(series: metrics.Series, metric: str) -> dict[datetime, float]:
    return dict(series[metric])


@pytest.fixture(scope="module")
def fortnight() -> dict[str, metrics.Series]:
    return {f.name: generate_series(f, 14) for f in FUNCTIONS}


def in_window(moment: datetime, window: tuple[datetime, datetime]) -> bool:
    return window[0] <= moment < window[1]


def test_deterministic_and_independent_of_the_window() -> None:
    spec = FN["payments-authorize"]
    assert generate_series(spec, 3) == generate_series(spec, 3)
    short, long = generate_series(spec, 1), generate_series(spec, 3)
    for metric in METRICS:
        longer = _by_time(long, metric)
        assert short[metric] and all(longer[t] == v for t, v in short[metric])


def test_zero_days_is_empty() -> None:
    assert generate_series(FN["ledger-writer"], 0) == {m: [] for m in METRICS}


def test_points_are_aligned_sorted_and_shared_by_all_metrics(
    fortnight: dict[str, metrics.Series],
) -> None:
    start = DEMO_METRICS_END - timedelta(days=14)
    for name, series in fortnight.items():
        times = [t for t, _ in series["Invocations"]]
        assert times == sorted(set(times)), name
        assert all(start <= t < DEMO_METRICS_END for t in times)
        assert all(t.timestamp() % METRIC_PERIOD == 0 and t.tzinfo is not None for t in times)
        for metric in METRICS:
            assert [t for t, _ in series[metric]] == times, (name, metric)
            assert all(v >= 0 for _, v in series[metric])
        # like real Lambda: no datapoint at all for a period without invocations
        assert all(v >= 1 and v == int(v) for _, v in series["Invocations"]), name


def _mean_invocations(series: metrics.Series, hours: range, weekend: bool = False) -> float:
    per_slot = [v for t, v in series["Invocations"] if t.hour in hours and (t.weekday() >= 5) == weekend]
    return sum(per_slot) / max(len(per_slot), 1)


def test_daily_rhythm_follows_the_region(fortnight: dict[str, metrics.Series]) -> None:
    eu = fortnight["payments-authorize"]
    assert _mean_invocations(eu, range(10, 14)) > 4 * _mean_invocations(eu, range(0, 4))
    us = fortnight["notify-email"]  # us-east-1: peak in US business hours
    assert _mean_invocations(us, range(15, 20)) > 3 * _mean_invocations(us, range(5, 9))
    assert _mean_invocations(eu, range(10, 14), weekend=True) < 0.6 * _mean_invocations(eu, range(10, 14))


def test_batch_functions_only_run_at_their_schedule(
    fortnight: dict[str, metrics.Series],
) -> None:
    runs = fortnight["settlement-batch"]["Invocations"]
    assert runs and {(t.hour, t.minute // 15) for t, _ in runs} <= {(2, 0), (2, 1), (2, 2)}
    assert len({t.date() for t, _ in runs}) == 14
    hourly = fortnight["fraud-model-refresh"]["Invocations"]
    assert {t.hour for t, _ in hourly} == {0, 6, 12, 18} and all(v == 1 for _, v in hourly)


def test_low_traffic_functions_have_gaps(fortnight: dict[str, metrics.Series]) -> None:
    periods = 14 * 86400 // METRIC_PERIOD
    assert len(fortnight["ops-runbook-executor"]["Invocations"]) < periods * 0.05
    assert len(fortnight["partner-settlement-callback"]["Invocations"]) < periods


def test_errors_and_throttles_are_zero_heavy(fortnight: dict[str, metrics.Series]) -> None:
    storm, burst = plants.THROTTLE_STORM_WINDOW, plants.ERROR_BURST_WINDOW
    errors = [
        v
        for name, s in fortnight.items()
        for t, v in s["Errors"]
        if not (name in plants.ERROR_BURST_FUNCTIONS and in_window(t, burst))
    ]
    throttles = [
        v
        for name, s in fortnight.items()
        for t, v in s["Throttles"]
        if not (name in plants.THROTTLE_STORM_FUNCTIONS and in_window(t, storm))
    ]
    assert max(errors) <= 2 and max(throttles) <= 1
    assert errors.count(0) / len(errors) > 0.95
    assert throttles.count(0) / len(throttles) > 0.99
    assert sum(errors) > 0  # "mostly" zero, not always


def test_concurrency_and_duration_are_plausible(fortnight: dict[str, metrics.Series]) -> None:
    for name, series in fortnight.items():
        spec = FN[name]
        concurrency = [v for _, v in series["ConcurrentExecutions"]]
        if spec.reserved:
            assert max(concurrency) <= spec.reserved, name
        durations = [v for _, v in series["Duration"]]
        assert max(durations) <= spec.timeout * 1000, name
    typical = statistics.median(v for _, v in fortnight["payments-authorize"]["Duration"])
    assert 150 < typical < 220  # around its declared 180 ms


def test_throttling_storm_is_planted_in_its_window(
    fortnight: dict[str, metrics.Series],
) -> None:
    window = plants.THROTTLE_STORM_WINDOW
    assert metrics.THROTTLE_STORM.window() == window
    assert window[0] == DEMO_METRICS_END - plants.THROTTLE_STORM_BEFORE_END
    for name in plants.THROTTLE_STORM_FUNCTIONS:
        series = fortnight[name]
        inside = [(t, v) for t, v in series["Throttles"] if in_window(t, window)]
        assert len(inside) == 14, name  # 70 minutes of 5-minute periods
        assert min(v for _, v in inside) >= 50 and statistics.mean(v for _, v in inside) >= 150
        pinned = {v for t, v in series["ConcurrentExecutions"] if in_window(t, window)}
        assert pinned == {FN[name].reserved}, name
        slow = [v for t, v in series["Duration"] if in_window(t, window)]
        normal = [v for t, v in series["Duration"] if not in_window(t, window)]
        assert min(slow) > 10 * statistics.median(normal), name
        calls = [v for t, v in series["Invocations"] if in_window(t, window)]
        assert max(calls) / min(calls) < 1.1, name  # capped: flat successful invocations


def test_error_burst_is_planted_in_its_window(fortnight: dict[str, metrics.Series]) -> None:
    window = plants.ERROR_BURST_WINDOW
    assert metrics.ERROR_BURST.window() == window
    assert window[0] == DEMO_METRICS_END - plants.ERROR_BURST_BEFORE_END
    series = fortnight["ledger-writer"]
    calls = _by_time(series, "Invocations")
    ratios = [v / calls[t] for t, v in series["Errors"] if in_window(t, window)]
    assert len(ratios) == 8 and all(0.25 <= r <= 0.65 for r in ratios)
    outside = [v for t, v in series["Errors"] if not in_window(t, window)]
    assert max(outside) <= 2


def test_incidents_exist_only_inside_the_requested_window() -> None:
    authorize, writer = FN["payments-authorize"], FN["ledger-writer"]
    last_day = generate_series(authorize, 1)
    assert max(v for _, v in last_day["Throttles"]) <= 1  # the storm was 36 h ago
    assert max(v for _, v in generate_series(authorize, 2)["Throttles"]) > 100
    assert max(v for _, v in generate_series(writer, 1)["Errors"]) > 10  # burst 22 h ago
    earlier = datetime(2026, 6, 1, tzinfo=UTC)  # incidents move with the anchor
    moved = generate_series(authorize, 2, earlier)
    peak = max(moved["Throttles"], key=lambda p: p[1])[0]
    assert earlier - timedelta(hours=36) <= peak < earlier - timedelta(hours=34, minutes=50)


@settings(max_examples=15, deadline=None)
@given(
    days=st.floats(min_value=0.01, max_value=2.5),
    end=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)),
)
def test_any_window_is_respected(days: float, end: datetime) -> None:
    end = end.replace(tzinfo=UTC)
    series = generate_series(FN["fx-rates-public"], days, end)
    aligned_end = metrics.align(end)
    times = [t for t, _ in series["Invocations"]]
    assert all(aligned_end - timedelta(days=days) <= t < aligned_end for t in times)
    assert times  # a flat 60/5 min feed always has traffic


def test_put_metrics_batches_at_most_1000_datums(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, int]] = []

    class FakeCloudWatch:
        def __init__(self, region: str) -> None:
            self.region = region

        def put_metric_data(self, Namespace: str, MetricData: list[dict[str, Any]]) -> None:
            assert all(d["Dimensions"][0]["Name"] == "FunctionName" for d in MetricData)
            assert {d["Unit"] for d in MetricData} <= {"Count", "Milliseconds"}
            calls.append((self.region, Namespace, len(MetricData)))

    monkeypatch.setattr(
        metrics, "make_client", lambda _svc, region, _url, _config=None: FakeCloudWatch(region)
    )
    specs = [FN["payments-authorize"], FN["notify-email"], FN["ops-runbook-executor"]]
    written = metrics.put_metrics("http://unused", specs, 1.0, threads=3)
    expected = sum(len(v) for s in specs for v in generate_series(s, 1.0).values())
    assert written == expected == sum(n for _, _, n in calls)
    assert max(n for _, _, n in calls) <= 1000
    assert {ns for _, ns, _ in calls} == {"AWS/Lambda"}
    assert {r for r, _, _ in calls} == {"eu-west-1", "us-east-1"}
