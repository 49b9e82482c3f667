"""A fake `lambdascope live` for Pilot tests: the demo estate "collected" at once, and a metrics
refresh that brings a throttling storm to a function that was calm."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from estate.model import Estate, MetricsUpdate
from estate.snapshot import Record, RecordKey, Snapshot, load_snapshot
from tests.tui.conftest import TODAY
from tui.app import LambdascopeApp, create_app

CALM = "notify-digest"  # calm in the demo: no throttles at all


def storm(estate: Estate, name: str) -> tuple[Record, dt.datetime]:
    """Half an hour of heavy throttling just after the estate's metrics end."""
    fn = next(f for f in estate.functions if f.name == name)
    assert estate.manifest.metrics_end is not None
    end = dt.datetime.fromisoformat(estate.manifest.metrics_end)
    query = {
        "Id": "q0",
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": "Throttles",
                "Dimensions": [{"Name": "FunctionName", "Value": name}],
            },
            "Period": 300,
            "Stat": "Sum",
        },
        "ReturnData": True,
    }
    stamps = [(end + dt.timedelta(minutes=5 * k)).isoformat() for k in range(6)]
    response = {"MetricDataResults": [{"Id": "q0", "Timestamps": stamps, "Values": [400.0] * 6}]}
    key = RecordKey(fn.account, fn.region, "cloudwatch", "GetMetricData", {"MetricDataQueries": [query]})
    return Record(key, response), end + dt.timedelta(minutes=30)


def live_app(
    snapshot_path: Path, refresh: Callable[[Estate], MetricsUpdate] | None, seconds: float
) -> LambdascopeApp:
    demo = load_snapshot(snapshot_path)

    def collection(progress: object, cancelled: threading.Event) -> Snapshot:
        return demo

    return create_app(collection=collection, refresh_metrics=refresh, refresh_seconds=seconds, today=TODAY)


async def until(pilot: Pilot[object], done: Callable[[], bool], what: str) -> None:
    for _ in range(600):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")
