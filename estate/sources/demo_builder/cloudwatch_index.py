"""A performance-only replacement for moto's CloudWatch ``get_metric_data`` (MetricStat queries).

moto 5.2 answers each query by scanning every stored datapoint once per period
(O(periods x datapoints) per query), so 14 days of 5-minute Lambda metrics for ~60 functions
(about a million datapoints) cannot be read back. This module keeps an index per backend,
series keyed by (namespace, metric name, dimensions) holding timestamp-sorted arrays, built
lazily and incrementally: a query first indexes whatever put_metric_data appended since the last
query, so the index never goes stale and the write path is untouched.

Semantics are moto's, deliberately including its quirks, and a test compares both methods:
- datapoints in [StartTime, EndTime) (both truncated to the second), grouped into periods
  aligned to StartTime; a period without datapoints is omitted;
- a query with dimensions matches datapoints whose sorted dimension list equals the query's and
  whose metric name matches, in ANY namespace (moto's leak); without dimensions it matches
  namespace + name with any dimensions; then the optional Unit filter;
- statistics are computed by moto's own ``Statistics`` class over each period's datapoints in
  insertion order (a period with one plain datapoint uses the same formulas inline), so
  Sum/Average/Minimum/Maximum/SampleCount are bit-for-bit identical (and an unsupported
  statistic such as p99 yields the same None);
- Label defaults to "<MetricName> <Stat>", ReturnData false hides a result, ScanBy
  TimestampDescending reverses timestamps and values;
- the computed AWS/S3 bucket metrics (``aws_metric_data``) are included, after stored data.
Any batch with an Expression query (metric math, Metrics Insights), an inverted or empty time
range, or data the index cannot represent (timezone-aware timestamps, dimensions without a
value) goes to moto's original method, errors included. One deliberate difference: a Period of 0,
which makes moto loop forever, is rejected with InvalidParameterValue.

Installed process-wide (moto's backends are process-wide) by localaws.start_local_aws.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterValue
from moto.cloudwatch.models import (
    CloudWatchBackend,
    Dimension,
    MetricDatum,
    MetricDatumBase,
    Statistics,
)

ORIGINAL_GET_METRIC_DATA = CloudWatchBackend.get_metric_data
DimKey = tuple[tuple[Any, Any], ...]
_ATTR = "_lambdascope_metric_index"
_LOCK = threading.Lock()

# Statistics of a period holding exactly one MetricDatum, written as moto's Statistics computes
# them (sum() starts at int 0, the aggregated part is an empty sum, SampleCount is an int), so
# the common case needs no Statistics object; the equivalence test covers every entry.
_SINGLE: dict[str, Callable[[float], Any]] = {
    "Sum": lambda v: (0 + v) + 0,  # sum([v]) + sum([])
    "Average": lambda v: ((0 + v) + 0) / 1,
    "Minimum": lambda v: v,
    "Maximum": lambda v: v,
    "SampleCount": lambda v: 1,  # len([v]) + sum([])
}


def _dim_key(dimensions: list[Dimension]) -> DimKey:
    # moto compares sorted(...) lists with Dimension.__lt__/__eq__; sorting with the same
    # comparison and keeping (name, value) pairs gives the same equality for non-None values.
    return tuple((d.name, d.value) for d in sorted(dimensions))


class _Series:
    __slots__ = ("items", "ordered", "seqs", "times")

    def __init__(self) -> None:
        self.times: list[datetime] = []
        self.seqs: list[int] = []
        self.items: list[MetricDatumBase] = []
        self.ordered = True

    def add(self, seq: int, datum: MetricDatumBase) -> None:
        if self.times and datum.timestamp < self.times[-1]:
            self.ordered = False
        self.times.append(datum.timestamp)
        self.seqs.append(seq)
        self.items.append(datum)

    def window(self, start: datetime, end: datetime) -> range:
        if not self.ordered:
            order = sorted(range(len(self.times)), key=lambda i: (self.times[i], self.seqs[i]))
            self.times = [self.times[i] for i in order]
            self.seqs = [self.seqs[i] for i in order]
            self.items = [self.items[i] for i in order]
            self.ordered = True
        return range(bisect_left(self.times, start), bisect_left(self.times, end))


class _Index:
    def __init__(self, source: list[MetricDatumBase]) -> None:
        self.source = source
        self.count = 0
        self.usable = True
        self.lock = threading.Lock()
        self.by_name_dims: dict[tuple[str, DimKey], list[_Series]] = {}
        self.by_namespace_name: dict[tuple[str, str], list[_Series]] = {}
        self._series: dict[tuple[str, str, DimKey], _Series] = {}

    def catch_up(self) -> None:
        data = self.source
        known = len(data)  # put_metric_data may append meanwhile; those wait for the next query
        for seq in range(self.count, known):
            datum = data[seq]
            if (
                not isinstance(datum.timestamp, datetime)
                or datum.timestamp.tzinfo is not None
                or any(d.name is None or d.value is None for d in datum.dimensions)
            ):
                self.usable = False
                continue
            dims = _dim_key(datum.dimensions)
            key = (datum.namespace, datum.name, dims)
            series = self._series.get(key)
            if series is None:
                series = self._series[key] = _Series()
                self.by_name_dims.setdefault((datum.name, dims), []).append(series)
                self.by_namespace_name.setdefault((datum.namespace, datum.name), []).append(series)
            series.add(seq, datum)
        self.count = known


def _index_for(backend: CloudWatchBackend) -> _Index:
    """The backend's index; a new one if moto replaced or shrank its datapoint list."""
    with _LOCK:
        index: _Index | None = backend.__dict__.get(_ATTR)
        data = backend.metric_data
        if index is None or index.source is not data or index.count > len(data):
            index = _Index(data)
            backend.__dict__[_ATTR] = index
        return index


def _matches(datum: MetricDatumBase, namespace: str, name: str, dims: DimKey | None) -> bool:
    if dims is not None:
        return datum.name == name and _dim_key(datum.dimensions) == dims
    return datum.namespace == namespace and datum.name == name


def _answer(
    index: _Index,
    extras: list[MetricDatumBase],
    query: dict[str, Any],
    start: datetime,
    end: datetime,
    scan_by: str,
) -> dict[str, Any]:
    stat_spec = query["MetricStat"]
    metric = stat_spec["Metric"]
    namespace, name, stat = metric["Namespace"], metric["MetricName"], stat_spec["Stat"]
    query_dims = [Dimension(d["Name"], d["Value"]) for d in metric.get("Dimensions", [])]
    dims = _dim_key(query_dims) if query_dims else None
    delta = timedelta(seconds=int(stat_spec["Period"]))
    if delta <= timedelta(0):
        raise InvalidParameterValue("The parameter Period must be greater than 0.")
    unit = stat_spec.get("Unit")

    candidates = (
        index.by_name_dims.get((name, dims), [])
        if dims is not None
        else index.by_namespace_name.get((namespace, name), [])
    )
    rows: list[tuple[int, int, MetricDatumBase]] = []
    for series in candidates:
        for i in series.window(start, end):
            rows.append(((series.times[i] - start) // delta, series.seqs[i], series.items[i]))
    merged = len(candidates) > 1
    for offset, datum in enumerate(extras, start=index.count):
        if start <= datum.timestamp < end and _matches(datum, namespace, name, dims):
            rows.append(((datum.timestamp - start) // delta, offset, datum))
            merged = True
    if unit:
        rows = [row for row in rows if row[2].unit == unit]
    # One series is already in (time, insertion) order, hence in bucket order; a merge of
    # several series (or of computed metrics) is sorted into insertion order within each bucket.
    if merged:
        rows.sort(key=lambda row: (row[0], row[1]))

    values: list[Any] = []
    timestamps: list[datetime] = []
    i = 0
    while i < len(rows):
        bucket = rows[i][0]
        j = i + 1
        while j < len(rows) and rows[j][0] == bucket:
            j += 1
        datum = rows[i][2]
        if j == i + 1 and type(datum) is MetricDatum and stat in _SINGLE:
            values.append(_SINGLE[stat](datum.value))
        else:
            stats = Statistics([stat], start)
            stats.metric_data = [row[2] for row in sorted(rows[i:j], key=lambda row: row[1])]
            values.append(stats.get_statistics_for_type(stat))
        timestamps.append(start + bucket * delta)
        i = j
    if scan_by == "TimestampDescending" and timestamps:
        timestamps.reverse()
        values.reverse()
    return {
        "id": query["Id"],
        "label": query.get("Label") or f"{name} {stat}",
        "values": values,
        "timestamps": timestamps,
        "status_code": "Complete",
    }


def indexed_get_metric_data(
    self: CloudWatchBackend,
    queries: list[dict[str, Any]],
    start_time: datetime,
    end_time: datetime,
    scan_by: str = "TimestampAscending",
) -> list[dict[str, Any]]:
    """Drop-in for CloudWatchBackend.get_metric_data; see the module docstring."""
    start = start_time.replace(microsecond=0)
    end = end_time.replace(microsecond=0)
    extras = self.aws_metric_data
    if (
        any("MetricStat" not in q for q in queries)
        or start >= end
        or start.tzinfo is not None
        or end.tzinfo is not None
        or any(not isinstance(d.timestamp, datetime) or d.timestamp.tzinfo is not None for d in extras)
    ):
        return ORIGINAL_GET_METRIC_DATA(self, queries, start_time, end_time, scan_by)
    index = _index_for(self)
    with index.lock:
        index.catch_up()
        if not index.usable:
            return ORIGINAL_GET_METRIC_DATA(self, queries, start_time, end_time, scan_by)
        results = [_answer(index, extras, q, start, end, scan_by) for q in queries]
    return [r for r, q in zip(results, queries, strict=True) if q.get("ReturnData", True)]


def install() -> None:
    """Route CloudWatchBackend.get_metric_data through the index (idempotent)."""
    with _LOCK:
        CloudWatchBackend.get_metric_data = indexed_get_metric_data  # type: ignore[method-assign]


def uninstall() -> None:
    with _LOCK:
        CloudWatchBackend.get_metric_data = ORIGINAL_GET_METRIC_DATA  # type: ignore[method-assign]
