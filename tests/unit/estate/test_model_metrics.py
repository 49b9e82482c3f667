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


def test_series_share_equal_timestamps_and_keep_their_own_values() -> None:
    """Each timestamp is one string for every series listing it (memory at 100,000 functions);
    series with other stamps keep theirs, in their order."""
    first = ["2026-11-01T00:00:00+00:00", "2026-11-01T00:05:00+00:00"]
    # equal strings, but other objects, as JSON parsing makes them
    second = [t.encode().decode() for t in ("2026-11-01T00:00:00+00:00", "2026-11-01T00:10:00+00:00")]
    records = [
        _record(
            "111111111111",
            [_query("q0", "pay", "Errors", "Sum"), _query("q1", "ship", "Errors", "Sum")],
            [
                {"Id": "q0", "Timestamps": first, "Values": [1.0, 2.0]},
                {"Id": "q1", "Timestamps": [t.encode().decode() for t in first], "Values": [3.0, 4.0]},
            ],
        ),
        _record(
            "111111111111",
            [_query("q0", "auth", "Errors", "Sum")],
            [{"Id": "q0", "Timestamps": second, "Values": [5.0, 6.0]}],
        ),
    ]
    metrics = load_estate(Snapshot(Manifest(created_at="t", source="test"), records)).metrics
    pay = metrics[("111111111111", "eu-west-1", "pay", "Errors")]
    ship = metrics[("111111111111", "eu-west-1", "ship", "Errors")]
    auth = metrics[("111111111111", "eu-west-1", "auth", "Errors")]
    assert pay.raw_timestamps == ship.raw_timestamps == tuple(first)
    assert all(a is b for a, b in zip(pay.raw_timestamps, ship.raw_timestamps, strict=True))
    assert auth.raw_timestamps == ("2026-11-01T00:00:00+00:00", "2026-11-01T00:10:00+00:00")
    assert auth.raw_timestamps[0] is pay.raw_timestamps[0]
    assert (pay.values, ship.values, auth.values) == ((1.0, 2.0), (3.0, 4.0), (5.0, 6.0))
