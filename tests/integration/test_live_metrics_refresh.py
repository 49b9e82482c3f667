"""`lambdascope live`'s metrics refresh against the moto server: collect one function, put more
datapoints (new ones and a late one inside the last collected period), refresh, and find them in
`estate.metrics`; the refresh makes only read-only calls, and a refused refresh is an error the
pane can show, not a crash. Also: moto lacks CloudTrail LookupEvents, which stays a coverage gap."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from estate.errors import LambdascopeError
from estate.model import Estate
from estate.model.load import load_estate
from estate.sources.live import CollectOptions, collect
from estate.sources.live.calls import CollectionAborted
from estate.sources.live.metrics_refresh import MetricsRefresher, collect_metrics
from estate.sources.live.operations import READ_ONLY_OPERATIONS, SESSION_OPERATIONS
from tests.integration.api_calls import recorded_calls
from tests.integration.lambda_code import handler_zip as _zip
from tests.integration.test_collect_faults import denying_hook
from tests.integration.test_collect_services import without_managed_policies
from tui.viewmodels.anomaly_posture import function_changes

pytestmark = pytest.mark.integration
EU = "eu-west-1"
PERIOD = 300
NOW = dt.datetime.now(dt.UTC)
# The collection ends an hour ago (aligned), so the "new" datapoints below are in the past too.
COLLECTED_END = dt.datetime.fromtimestamp(int(NOW.timestamp()) // PERIOD * PERIOD, dt.UTC) - dt.timedelta(
    hours=1
)


def _client(endpoint: str, service: str) -> Any:
    return boto3.session.Session().client(service, region_name=EU, endpoint_url=endpoint)  # type: ignore[call-overload]


def _put(endpoint: str, minutes: list[int], value: float) -> None:
    """Invocations of `orders`, `minutes` after the collected end (negative: before it)."""
    _client(endpoint, "cloudwatch").put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "FunctionName", "Value": "orders"}],
                "Timestamp": COLLECTED_END + dt.timedelta(minutes=m),
                "Value": value,
                "Unit": "Count",
            }
            for m in minutes
        ],
    )


def _options(endpoint: str, cache: Path, **extra: Any) -> CollectOptions:
    return CollectOptions(
        regions=(EU,),
        endpoint_url=endpoint,
        cache_dir=cache,
        metrics_days=1,
        metrics_end=COLLECTED_END,
        max_workers=4,
        **extra,
    )


@pytest.fixture(scope="module")
def collected(local_aws: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Estate]:
    """One function collected once for the module (the tests only add datapoints after its end);
    its IAM backend without moto's 1,600 AWS managed policies (none is used here, and the collection
    would list them all)."""
    with without_managed_policies():
        local_aws.reset()
        return _deployed_and_collected(str(local_aws.endpoint_url), tmp_path_factory)


def _deployed_and_collected(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Estate]:
    role = _client(moto_endpoint, "iam").create_role(
        RoleName="orders-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    _client(moto_endpoint, "lambda").create_function(
        FunctionName="orders",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handle",
        Code={"ZipFile": _zip()},
    )
    _put(moto_endpoint, [-30, -20, -5], 3.0)
    snapshot = collect(_options(moto_endpoint, tmp_path_factory.mktemp("cache")))
    return moto_endpoint, load_estate(snapshot)


def _points(estate: Estate) -> dict[dt.datetime, float]:
    series = estate.metrics[(estate.functions[0].account, EU, "orders", "Invocations")]
    return dict(series.points())


def test_refresh_adds_the_new_points_to_estate_metrics(collected: tuple[str, Estate], tmp_path: Path) -> None:
    endpoint, estate = collected
    before = _points(estate)
    assert before[COLLECTED_END - dt.timedelta(minutes=5)] == 3.0
    assert max(before) < COLLECTED_END
    _put(endpoint, [10, 20], 40.0)
    _put(endpoint, [-5], 2.0)  # a late datapoint in the last collected period
    with recorded_calls() as made:
        update = MetricsRefresher(_options(endpoint, tmp_path / "cache")).refresh(estate)
    after = _points(update.estate)
    assert after[COLLECTED_END + dt.timedelta(minutes=10)] == 40.0
    assert after[COLLECTED_END + dt.timedelta(minutes=20)] == 40.0
    assert after[COLLECTED_END - dt.timedelta(minutes=5)] == 5.0  # re-read: the late point counted
    assert after[COLLECTED_END - dt.timedelta(minutes=30)] == 3.0  # older points kept
    assert update.new_points == 2 and not update.gaps
    assert (
        update.data_end > COLLECTED_END and update.estate.manifest.metrics_end == update.data_end.isoformat()
    )
    assert made and set(made) <= READ_ONLY_OPERATIONS | SESSION_OPERATIONS
    assert {op for _s, op in made} == {"GetMetricData"}
    assert update.estate.functions == estate.functions


def test_collect_metrics_returns_collector_shaped_records(
    collected: tuple[str, Estate], tmp_path: Path
) -> None:
    endpoint, estate = collected
    fn = estate.functions[0]
    read = collect_metrics(
        _options(endpoint, tmp_path / "cache"),
        COLLECTED_END - dt.timedelta(minutes=30),
        [(fn.account, fn.region, fn.name)],
        percentiles=False,
    )
    assert read.calls == 1 and read.failed_places == 0
    [record] = read.records
    assert (record.key.account, record.key.region, record.key.service, record.key.operation) == (
        fn.account,
        EU,
        "cloudwatch",
        "GetMetricData",
    )
    queries = record.key.params["MetricDataQueries"]
    assert len(queries) == 5 and queries[0]["MetricStat"]["Metric"]["Dimensions"][0]["Value"] == "orders"
    assert record.response["MetricDataResults"]


def test_a_refused_refresh_raises_and_changes_nothing(collected: tuple[str, Estate], tmp_path: Path) -> None:
    endpoint, estate = collected
    deny = denying_hook(lambda service, _region, _op: service == "cloudwatch")
    refresher = MetricsRefresher(_options(endpoint, tmp_path / "cache", client_hook=deny))
    with pytest.raises(LambdascopeError, match="metrics refresh failed: AccessDenied"):
        refresher.refresh(estate)
    assert estate.manifest.metrics_end == COLLECTED_END.isoformat()  # the next tick re-reads the span


def test_lookup_events_missing_from_moto_is_a_gap_not_a_crash(collected: tuple[str, Estate]) -> None:
    _endpoint, estate = collected
    fn = estate.functions[0]
    gaps = [c for c in estate.manifest.coverage if c.operation == "LookupEvents"]
    assert gaps and all(c.status != "ok" for c in gaps), gaps
    assert estate.collected("cloudtrail", "LookupEvents", fn.account, EU) is False
    changes, note = function_changes(estate, fn)
    assert changes is None and note.startswith("change history not collected (CloudTrail LookupEvents:")


def test_a_cancelled_refresher_stops_before_calling(collected: tuple[str, Estate], tmp_path: Path) -> None:
    endpoint, estate = collected
    refresher = MetricsRefresher(_options(endpoint, tmp_path / "cache"))
    refresher.cancel()
    with pytest.raises(CollectionAborted):
        refresher.refresh(estate)
