"""Parse batched GetMetricData responses back into per-function series.

Each record's request parameters carry the queries, so a result's Id maps back to the function,
metric and statistic it asked for; pages (NextToken) of the same query are concatenated.
Folding a later re-read into an estate is estate/model/metrics_refresh.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from estate.snapshot import Record, Snapshot


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """One CloudWatch series for one function; timestamps stay ISO text until asked for."""

    function_name: str
    region: str
    metric: str
    stat: str
    raw_timestamps: tuple[str, ...]
    values: tuple[float, ...]

    def points(self) -> list[tuple[dt.datetime, float]]:
        stamps = [dt.datetime.fromisoformat(t) for t in self.raw_timestamps]
        return sorted(zip(stamps, self.values, strict=True))


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
    # The series of a batch list the same timestamps: one string each for all of them (5.2 million
    # stamps at 100,000 functions, each its own string as JSON parsing makes them); a non-string is
    # kept as it came.
    shared: dict[str, str] = {}
    one = shared.setdefault
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
            stamps[key].extend(one(t, t) if type(t) is str else t for t in result.get("Timestamps", ()) or ())
            values[key].extend(map(float, result.get("Values", ()) or ()))  # 520,000 at 10k functions
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
