"""GetMetricData records map back to per-function series; p99 and other accounts stay apart."""

from __future__ import annotations

from estate.model.load import load_estate
from estate.snapshot import Manifest, Record, RecordKey, Snapshot


def _query(qid: str, fn: str, metric: str, stat: str) -> dict[str, object]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": fn}],
            },
            "Period": 300,
            "Stat": stat,
        },
    }


def _record(account: str, queries: list[dict[str, object]], results: list[dict[str, object]]) -> Record:
    key = RecordKey(account, "eu-west-1", "cloudwatch", "GetMetricData", {"MetricDataQueries": queries})
    return Record(key, {"MetricDataResults": results})


def test_p99_and_accounts_do_not_overwrite_each_other() -> None:
    t = ["2026-11-01T00:00:00+00:00", "2026-11-01T00:05:00+00:00"]
    records = [
        _record(
            "111111111111",
            [_query("q0", "pay", "Duration", "Average")],
            [{"Id": "q0", "Timestamps": t, "Values": [100.0, 120.0]}],
        ),
        _record(
            "111111111111",
            [_query("q0", "pay", "Duration", "p99")],
            [{"Id": "q0", "Timestamps": t, "Values": [900.0, 950.0]}],
        ),
        _record(
            "222222222222",
            [_query("q0", "pay", "Duration", "Average")],
            [{"Id": "q0", "Timestamps": t[:1], "Values": [5.0]}],
        ),
        _record(
            "111111111111",
            [_query("q1", "pay", "Errors", "Sum")],
            [{"Id": "q1", "Timestamps": t, "Values": [1.0]}],
        ),
    ]
    snap = Snapshot(Manifest(created_at="t", source="test"), records)
    metrics = load_estate(snap).metrics
    assert metrics[("111111111111", "eu-west-1", "pay", "Duration")].values == (100.0, 120.0)
    assert metrics[("111111111111", "eu-west-1", "pay", "Duration:p99")].values == (900.0, 950.0)
    assert metrics[("222222222222", "eu-west-1", "pay", "Duration")].values == (5.0,)
    assert ("111111111111", "eu-west-1", "pay", "Errors") not in metrics  # malformed result is a gap
