"""Merging a metrics re-read into an estate: by timestamp, newer read wins, nothing else re-parsed;
and the re-read's window (aligned, overlapping the previous end, bounded by the look-back)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from estate.model import merge_metrics
from estate.model.load import load_estate
from estate.snapshot import Manifest, Record, RecordKey, Snapshot
from estate.sources.live.metrics_refresh import OVERLAP_PERIODS, refresh_window

ACCT, EU = "111122223333", "eu-west-1"
T0 = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)


def stamp(minutes: int) -> str:
    return (T0 + dt.timedelta(minutes=minutes)).isoformat()


def metric_record(name: str, minutes: list[int], values: list[float], start: int = 0) -> Record:
    query = {
        "Id": "q0",
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "FunctionName", "Value": name}],
            },
            "Period": 300,
            "Stat": "Sum",
        },
        "ReturnData": True,
    }
    params: dict[str, Any] = {"MetricDataQueries": [query], "StartTime": stamp(start)}
    response = {
        "MetricDataResults": [{"Id": "q0", "Timestamps": [stamp(m) for m in minutes], "Values": values}]
    }
    return Record(RecordKey(ACCT, EU, "cloudwatch", "GetMetricData", params), response)


def estate_with(*records: Record) -> Any:
    fns = [
        {"FunctionName": n, "FunctionArn": f"arn:aws:lambda:{EU}:{ACCT}:function:{n}", "Role": "r"}
        for n in "ab"
    ]
    listing = Record(RecordKey(ACCT, EU, "lambda", "ListFunctions", {}), {"Functions": fns})
    manifest = Manifest(created_at=stamp(12), source="live", metrics_start=stamp(-60), metrics_end=stamp(10))
    return load_estate(Snapshot(manifest, [listing, *records]))


def test_new_points_are_appended_and_late_ones_replace_old() -> None:
    estate = estate_with(metric_record("a", [0, 5], [1.0, 2.0]), metric_record("b", [0], [7.0]))
    functions = estate.functions
    update = merge_metrics(
        estate, [metric_record("a", [5, 10, 15], [4.0, 5.0, 6.0], start=5)], T0 + dt.timedelta(minutes=20)
    )
    series = update.estate.metrics[(ACCT, EU, "a", "Invocations")]
    assert series.raw_timestamps == (stamp(0), stamp(5), stamp(10), stamp(15))
    assert series.values == (1.0, 4.0, 5.0, 6.0)  # the late re-read of 12:05 won
    assert update.new_points == 2
    assert (
        update.estate.metrics[(ACCT, EU, "b", "Invocations")]
        is estate.metrics[(ACCT, EU, "b", "Invocations")]
    )
    assert update.estate.manifest.metrics_end == stamp(20)
    assert update.estate.manifest.created_at == estate.manifest.created_at
    assert update.estate.functions is functions  # nothing else was re-parsed
    assert estate.metrics[(ACCT, EU, "a", "Invocations")].values == (1.0, 2.0)  # the old estate is untouched


def test_a_series_first_seen_in_the_re_read_is_added() -> None:
    estate = estate_with(metric_record("a", [0], [1.0]))
    update = merge_metrics(estate, [metric_record("b", [10], [3.0])], T0 + dt.timedelta(minutes=15))
    assert update.estate.metrics[(ACCT, EU, "b", "Invocations")].values == (3.0,)
    assert update.new_points == 1


def test_an_empty_re_read_changes_only_the_end() -> None:
    estate = estate_with(metric_record("a", [0], [1.0]))
    update = merge_metrics(estate, [], T0 + dt.timedelta(minutes=15))
    assert update.new_points == 0 and update.estate.metrics == estate.metrics


def test_refresh_window_overlaps_the_previous_end_and_is_aligned() -> None:
    since = T0 + dt.timedelta(minutes=10)
    start, end = refresh_window(since, T0 + dt.timedelta(minutes=23, seconds=7), 300, 14)
    assert end == T0 + dt.timedelta(minutes=20)
    assert start == since - dt.timedelta(seconds=OVERLAP_PERIODS * 300)
    start, _ = refresh_window(T0 - dt.timedelta(days=30), T0, 300, 1)
    assert start == T0 - dt.timedelta(days=1)  # a long outage re-reads at most the look-back
