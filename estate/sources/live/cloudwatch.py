"""CloudWatch: Lambda metrics for every function, batched 500 queries per GetMetricData call,
and the region's alarms (are the functions' errors and throttles watched?).

Duration p99 is a separate set of batches, read best-effort: percentiles are the statistic an
endpoint is likeliest to refuse (a local AWS answers HTTP 500), and their failure must not cost
the sums, averages and maxima the anomaly analyses need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from estate.sources.live.calls import CallContext

METRIC_STATS = (
    ("Invocations", "Sum"),
    ("Errors", "Sum"),
    ("Throttles", "Sum"),
    ("Duration", "Average"),
    ("ConcurrentExecutions", "Maximum"),
)
PERCENTILE_STATS = (("Duration", "p99"),)
MAX_QUERIES = 500


def metric_window(days: float, end: dt.datetime | None, period: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) aligned to the period, so cached records stay reusable within a period."""
    stop = end or dt.datetime.now(dt.UTC)
    epoch = int(stop.timestamp()) // period * period
    stop = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return stop - dt.timedelta(days=days), stop


def _queries(
    names: list[str], period: int, stats: tuple[tuple[str, str], ...] = METRIC_STATS, prefix: str = "q"
) -> Iterator[dict[str, object]]:
    n = 0
    for name in sorted(names):
        for metric, stat in stats:
            yield {
                "Id": f"{prefix}{n}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": metric,
                        "Dimensions": [{"Name": "FunctionName", "Value": name}],
                    },
                    "Period": period,
                    "Stat": stat,
                },
                "ReturnData": True,
            }
            n += 1


def _batches(
    ctx: CallContext,
    queries: list[dict[str, object]],
    start: dt.datetime,
    end: dt.datetime,
    best_effort: bool,
) -> tuple[int, int]:
    """(pages read, batches that failed): a batch that yields no page was refused."""
    pages = failed = 0
    for i in range(0, len(queries), MAX_QUERIES):
        read = sum(
            1
            for _page in ctx.paginate(
                "cloudwatch",
                "GetMetricData",
                "NextToken",
                "NextToken",
                best_effort=best_effort,
                MetricDataQueries=queries[i : i + MAX_QUERIES],
                StartTime=start,
                EndTime=end,
                ScanBy="TimestampAscending",
            )
        )
        pages += read
        failed += read == 0
    return pages, failed


@dataclass(frozen=True, slots=True)
class MetricsRead:
    """What one read of a window cost and what it lost: batches that yielded no page are gaps."""

    calls: int
    failed: int
    percentile_calls: int = 0
    percentile_failed: int = 0


def read_metrics(
    ctx: CallContext,
    names: list[str],
    start: dt.datetime,
    end: dt.datetime,
    period: int = 300,
    percentiles: bool = True,
) -> MetricsRead:
    """Read every function's series over [start, end) (each page stored as its own record)."""
    queries = list(_queries(names, period))
    calls, failed = _batches(ctx, queries, start, end, best_effort=False)
    if not failed:
        ctx.mark_ok("cloudwatch", "GetMetricData", f"{len(queries)} series in {calls} calls")
    if not percentiles:
        return MetricsRead(calls, failed)
    extra = list(_queries(names, period, PERCENTILE_STATS, prefix="p"))
    more, refused = _batches(ctx, extra, start, end, best_effort=True)
    if not refused:
        ctx.mark_ok("cloudwatch", "GetMetricData", f"{len(extra)} percentile series in {more} calls")
    return MetricsRead(calls, failed, more, refused)


def fetch_metrics(
    ctx: CallContext, names: list[str], start: dt.datetime, end: dt.datetime, period: int = 300
) -> int:
    """Read every function's series; returns the number of GetMetricData calls made."""
    read = read_metrics(ctx, names, start, end, period)
    return read.calls + read.percentile_calls


def fetch_alarms(ctx: CallContext) -> None:
    ctx.items(
        "cloudwatch",
        "DescribeAlarms",
        "NextToken",
        "NextToken",
        "MetricAlarms",
        AlarmTypes=["MetricAlarm", "CompositeAlarm"],
        MaxRecords=100,
    )
