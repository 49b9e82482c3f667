"""Parse batched GetMetricData responses back into per-function series.

Each record's request parameters carry the queries, so a result's Id maps back to the function,
metric and statistic it asked for; pages (NextToken) of the same query are concatenated.
`merge_metrics` folds a later re-read (`lambdascope live`'s refresh) into an estate's series.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from estate.model.functions import Estate, MetricSeries
from estate.snapshot import CoverageEntry, Record, Snapshot


def _query_index(params: Mapping[str, Any]) -> dict[str, tuple[str, str, str]]:
    index: dict[str, tuple[str, str, str]] = {}
    for query in params.get("MetricDataQueries", ()) or ():
        stat = query.get("MetricStat") or {}
        metric = stat.get("Metric") or {}
        dims = {d.get("Name"): d.get("Value") for d in metric.get("Dimensions", ()) or ()}
        name = dims.get("FunctionName")
        if name and metric.get("MetricName"):
            index[str(query["Id"])] = (
                str(name),
                str(metric["MetricName"]),
                str(stat.get("Stat", "")),
            )
    return index


# The statistic each metric is read with by default; others (Duration p99) get "Metric:stat".
DEFAULT_STATS = {
    "Invocations": "Sum",
    "Errors": "Sum",
    "Throttles": "Sum",
    "Duration": "Average",
    "ConcurrentExecutions": "Maximum",
}


def parse_metrics(snapshot: Snapshot) -> dict[tuple[str, str, str, str], MetricSeries]:
    return series_from_records(snapshot.responses("cloudwatch", "GetMetricData"))


def series_from_records(records: Iterable[Record]) -> dict[tuple[str, str, str, str], MetricSeries]:
    """(account, region, function, metric) -> series, from GetMetricData records."""
    stamps: dict[tuple[str, str, str, str, str], list[str]] = defaultdict(list)
    values: dict[tuple[str, str, str, str, str], list[float]] = defaultdict(list)
    for record in records:
        index = _query_index(record.key.params)
        response = record.response
        if not isinstance(response, Mapping):
            continue
        for result in response.get("MetricDataResults", ()) or ():
            target = index.get(str(result.get("Id")))
            if target is None:
                continue
            key = (record.key.account, record.key.region, *target)
            stamps[key].extend(result.get("Timestamps", ()) or ())
            values[key].extend(float(v) for v in result.get("Values", ()) or ())
    series: dict[tuple[str, str, str, str], MetricSeries] = {}
    for (account, region, function, metric, stat), ts in stamps.items():
        vals = values[(account, region, function, metric, stat)]
        if len(ts) != len(vals):
            continue  # a malformed result is a gap, not a series
        name = metric if DEFAULT_STATS.get(metric) == stat else f"{metric}:{stat}"
        series[(account, region, function, name)] = MetricSeries(
            function, region, name, stat, tuple(ts), tuple(vals)
        )
    return series


@dataclass(frozen=True, slots=True)
class MetricsUpdate:
    """An estate whose metrics were re-read up to `data_end`: `new_points` were not there before."""

    estate: Estate
    data_end: dt.datetime
    new_points: int
    gaps: tuple[CoverageEntry, ...] = ()  # what this re-read failed to get (the rest was merged)


def merge_metrics(estate: Estate, records: Iterable[Record], data_end: dt.datetime) -> MetricsUpdate:
    """The estate with the re-read series merged in; nothing else is re-parsed.

    A re-read overlaps the previous end (late datapoints), so points are merged by timestamp,
    the newer read winning. Series the re-read did not touch are kept as they are. The manifest's
    `metrics_end` moves to `data_end` (its `created_at` stays: the rest is as collected).
    """
    fresh = series_from_records(records)
    merged = dict(estate.metrics)
    added = 0
    for key, new in fresh.items():
        old = merged.get(key)
        points = dict(zip(old.raw_timestamps, old.values, strict=True)) if old is not None else {}
        before = len(points)
        points.update(zip(new.raw_timestamps, new.values, strict=True))
        added += len(points) - before
        # Timestamps are ISO text in UTC from one normaliser, so text order is time order.
        ordered = sorted(points.items())
        merged[key] = replace(
            new, raw_timestamps=tuple(t for t, _ in ordered), values=tuple(v for _, v in ordered)
        )
    manifest = replace(estate.manifest, metrics_end=data_end.isoformat())
    return MetricsUpdate(replace(estate, metrics=merged, manifest=manifest), data_end, added)
