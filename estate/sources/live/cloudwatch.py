"""CloudWatch: Lambda metrics for every function, batched 500 queries per GetMetricData call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from estate.sources.live.calls import CallContext

METRIC_STATS = (
    ("Invocations", "Sum"),
    ("Errors", "Sum"),
    ("Throttles", "Sum"),
    ("Duration", "Average"),
    ("ConcurrentExecutions", "Maximum"),
)
MAX_QUERIES = 500


def metric_window(days: float, end: dt.datetime | None, period: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) aligned to the period, so cached records stay reusable within a period."""
    stop = end or dt.datetime.now(dt.UTC)
    epoch = int(stop.timestamp()) // period * period
    stop = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return stop - dt.timedelta(days=days), stop


def _queries(names: list[str], period: int) -> Iterator[dict[str, object]]:
    n = 0
    for name in sorted(names):
        for metric, stat in METRIC_STATS:
            yield {
                "Id": f"q{n}",
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


def fetch_metrics(
    ctx: CallContext, names: list[str], start: dt.datetime, end: dt.datetime, period: int = 300
) -> int:
    """Read every function's series; returns the number of GetMetricData calls made."""
    queries = list(_queries(names, period))
    calls = 0
    for i in range(0, len(queries), MAX_QUERIES):
        batch = queries[i : i + MAX_QUERIES]
        for _page in ctx.paginate(
            "cloudwatch",
            "GetMetricData",
            "NextToken",
            "NextToken",
            MetricDataQueries=batch,
            StartTime=start,
            EndTime=end,
            ScanBy="TimestampAscending",
        ):
            calls += 1
    ctx.mark_ok("cloudwatch", "GetMetricData", f"{len(queries)} series in {calls} calls")
    return calls
