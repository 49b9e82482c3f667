"""The collector under faults moto never produces: throttling, AccessDenied, interruption.

Faults are injected with botocore `before-send` hooks (LOCAL-AWS.md "Faults") registered on
every client the collector creates (`CollectOptions.client_hook`): the hook answers with a
synthetic AWS error in the service's own wire protocol, so botocore's parsers and retry logic
treat it exactly as they would AWS's. Also here: the proof that a full collection only ever makes
read-only calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from estate.snapshot import Snapshot
from estate.sources.live import CollectOptions, collect
from estate.sources.live.calls import CollectionAborted
from estate.sources.live.operations import READ_ONLY_OPERATIONS, SESSION_OPERATIONS
from tests.integration.test_collect_services import REGIONS, Deployed, deploy_estate, without_managed_policies

if TYPE_CHECKING:
    from tests.conftest import DeployedDemo

# every test here on botocore's compressed retry clock (tests/integration/conftest.py)
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_clock")]

Hook = Callable[[Any], None]


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._data


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    assert len(data) < 256
    return (bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data


def synthetic_error(protocol: str, code: str, status: int, url: str) -> AWSResponse:
    """An AWS error response as the service's protocol encodes it."""
    message = f"injected {code}"
    headers = {"x-amzn-requestid": "injected", "x-amz-request-id": "injected"}
    if protocol == "json":
        headers["content-type"] = "application/x-amz-json-1.1"
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "rest-json":
        headers["content-type"] = "application/json"
        headers["x-amzn-errortype"] = code
        body = json.dumps({"message": message}).encode()
    elif protocol == "smithy-rpc-v2-cbor":
        headers["content-type"] = "application/cbor"
        headers["smithy-protocol"] = "rpc-v2-cbor"
        body = b"\xa2" + _cbor_text("__type") + _cbor_text(code) + _cbor_text("message") + _cbor_text(message)
    elif protocol == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>injected</RequestID></Response>"
        ).encode()
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    else:  # query
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>injected</RequestId></ErrorResponse>"
        ).encode()
    return AWSResponse(url, status, cast(Any, headers), _Body(body))


def _throttle_code(protocol: str) -> tuple[str, int]:
    return {
        "ec2": ("RequestLimitExceeded", 503),
        "rest-xml": ("SlowDown", 503),
        "query": ("Throttling", 400),
        "rest-json": ("TooManyRequestsException", 429),
    }.get(protocol, ("ThrottlingException", 400))


def _denied_code(protocol: str) -> str:
    return {"ec2": "UnauthorizedOperation", "rest-xml": "AccessDenied", "query": "AccessDenied"}.get(
        protocol, "AccessDeniedException"
    )


def throttling_hook(share: float = 0.4) -> tuple[Hook, Counter[str]]:
    """Throttle about `share` of requests once or twice each (deterministically by request)."""
    attempts: Counter[str] = Counter()
    injected: Counter[str] = Counter()
    lock = threading.Lock()

    def hook(client: Any) -> None:
        protocol = client.meta.service_model.resolved_protocol

        def before_send(request: Any, **_kwargs: Any) -> AWSResponse | None:
            body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
            key = hashlib.sha256(request.url.encode() + b"\0" + body).hexdigest()
            digest = int(key, 16)
            code, status = _throttle_code(protocol)
            with lock:  # every protocol's throttle code is exercised at least once
                first_of_protocol = code not in injected and not attempts[key]
            if digest % 1000 >= share * 1000 and not first_of_protocol:
                return None
            with lock:
                attempts[key] += 1
                attempt = attempts[key]
            if attempt > 1 + digest % 2:
                return None
            with lock:
                injected[code] += 1
            return synthetic_error(protocol, code, status, request.url)

        client.meta.events.register("before-send", before_send)

    return hook, injected


def denying_hook(deny: Callable[[str, str, str], bool]) -> Hook:
    """403 for every request whose (service, region, operation) `deny` selects."""

    def hook(client: Any) -> None:
        protocol = client.meta.service_model.resolved_protocol
        service = client.meta.service_model.service_name
        region = client.meta.region_name

        def before_send(request: Any, event_name: str = "", **_kwargs: Any) -> AWSResponse | None:
            if not deny(service, region, event_name.rsplit(".", 1)[-1]):
                return None
            return synthetic_error(protocol, _denied_code(protocol), 403, request.url)

        client.meta.events.register("before-send", before_send)

    return hook


def counting_hook(
    made: list[tuple[str, str, str]], after: int | None = None, cancel: threading.Event | None = None
) -> Hook:
    """Record (service, operation, [region, params]) of every API call; cancel after `after` calls."""
    lock = threading.Lock()

    def hook(client: Any) -> None:
        service = client.meta.service_model.service_name
        region = client.meta.region_name

        def before_call(model: Any, params: Any, **_kwargs: Any) -> None:
            call = json.dumps([region, params], sort_keys=True, default=str)
            with lock:
                made.append((service, model.name, call))
                if after is not None and cancel is not None and len(made) >= after:
                    cancel.set()

        client.meta.events.register("before-parameter-build", before_call)

    return hook


@pytest.fixture(scope="module")
def estate(local_aws: Any) -> Iterator[Deployed]:
    with without_managed_policies():
        local_aws.reset()
        yield deploy_estate(str(local_aws.endpoint_url), second_account=False)


def _collect(estate: Deployed, cache: Path, hook: Hook | None = None, **extra: Any) -> Snapshot:
    settings: dict[str, Any] = {"regions": REGIONS, "metrics_days": 0, **extra}
    return collect(
        CollectOptions(endpoint_url=estate.endpoint, cache_dir=cache, client_hook=hook, **settings)
    )


def _records(snap: Snapshot) -> dict[str, Any]:
    return {r.key.encode(): _stable(r.response) for r in snap.records}


_BASELINE_CALLS: list[tuple[str, str, str]] = []


@pytest.fixture(scope="module")
def baseline(estate: Deployed, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """An undisturbed collection; the calls it made are in _BASELINE_CALLS."""
    _BASELINE_CALLS.clear()
    return _collect(estate, tmp_path_factory.mktemp("baseline") / "cache", counting_hook(_BASELINE_CALLS))


# Fields AWS (and moto) compute from the clock at answer time: they differ between any two reads.
_VOLATILE = frozenset({"LatestRestorableTime", "LatestDeliveryAttemptTime", "LatestDeliveryTime"})


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def test_throttling_is_retried_to_the_same_records(
    baseline: Snapshot, estate: Deployed, tmp_path: Path
) -> None:
    hook, injected = throttling_hook(0.4)
    throttled = _collect(estate, tmp_path / "cache", hook)
    assert sum(injected.values()) > 50, injected
    assert set(injected) >= {"ThrottlingException", "Throttling", "RequestLimitExceeded", "SlowDown"}
    assert _records(throttled) == _records(baseline)
    assert not [c for c in throttled.manifest.coverage if c.status == "throttled"]


def test_access_denied_on_a_service_is_a_gap_and_the_rest_is_intact(
    baseline: Snapshot, estate: Deployed, tmp_path: Path
) -> None:
    snap = _collect(estate, tmp_path / "cache", denying_hook(lambda service, _region, _op: service == "kms"))
    kms = [c for c in snap.manifest.coverage if c.service == "kms"]
    assert kms and all(c.status == "denied" and c.detail.startswith("AccessDeniedException") for c in kms)
    assert {c.region for c in kms} == set(REGIONS)
    expected = {k: v for k, v in _records(baseline).items() if json.loads(k)[2] != "kms"}
    assert _records(snap) == expected


def test_access_denied_in_a_region_is_a_gap_and_the_rest_is_intact(
    baseline: Snapshot, estate: Deployed, tmp_path: Path
) -> None:
    snap = _collect(
        estate, tmp_path / "cache", denying_hook(lambda _service, region, _op: region == "us-east-1")
    )
    denied = {(c.region, c.service) for c in snap.manifest.coverage if c.status == "denied"}
    assert ("us-east-1", "lambda") in denied and ("us-east-1", "ec2") in denied
    assert all(region in {"us-east-1", "global"} for region, _service in denied)
    assert not [c for c in snap.manifest.coverage if c.status == "error"]
    got = _records(snap)
    for key, response in _records(baseline).items():
        region = json.loads(key)[1]
        if region == "eu-west-1":
            assert got.get(key) == response, key
        elif region == "us-east-1":
            assert key not in got


def test_a_refused_assume_role_is_a_gap(baseline: Snapshot, estate: Deployed, tmp_path: Path) -> None:
    other = "210987654321"
    snap = _collect(
        estate,
        tmp_path / "cache",
        denying_hook(lambda _service, _region, operation: operation == "AssumeRole"),
        assume_role="Auditor",
        accounts=(estate.account, other),
    )
    assert set(snap.manifest.accounts) == {estate.account, other}
    [gap] = [c for c in snap.manifest.coverage if c.account == other]
    assert (gap.region, gap.operation, gap.status) == ("global", "AssumeRole", "denied")
    assert f"arn:aws:iam::{other}:role/Auditor" in gap.detail
    assert _records(snap) == _records(baseline)  # the caller's own account, read with its own credentials


def test_an_interrupted_collection_resumes_with_only_the_remaining_calls(
    baseline: Snapshot, estate: Deployed, tmp_path: Path
) -> None:
    full = list(_BASELINE_CALLS)
    cache = tmp_path / "resume"
    first: list[tuple[str, str, str]] = []
    cancel = threading.Event()
    with pytest.raises(CollectionAborted):
        _collect(estate, cache, counting_hook(first, after=len(full) // 2, cancel=cancel), cancelled=cancel)
    second: list[tuple[str, str, str]] = []
    resumed = _collect(estate, cache, counting_hook(second))
    assert _records(resumed) == _records(baseline)
    data_calls = [c for c in full if (c[0], c[1]) not in SESSION_OPERATIONS]
    unsupported = Counter(c for c in data_calls if c[1] in _UNSUPPORTED_ON_MOTO)
    done_first = Counter(
        c for c in first if (c[0], c[1]) not in SESSION_OPERATIONS and c[1] not in _UNSUPPORTED_ON_MOTO
    )
    again = Counter(
        c for c in second if (c[0], c[1]) not in SESSION_OPERATIONS and c[1] not in _UNSUPPORTED_ON_MOTO
    )
    # nothing answered in the first run is asked again, and together the runs make the full set
    assert not done_first & again
    assert done_first + again == Counter(c for c in data_calls if c[1] not in _UNSUPPORTED_ON_MOTO)
    assert len(second) < len(full) and unsupported


# Operations moto lacks: never stored (they are gaps), so a resumed run asks them again.
_UNSUPPORTED_ON_MOTO = {"GetAccountSettings", "ListCodeSigningConfigs", "ListProvisionedConcurrencyConfigs"}


def test_a_failing_percentile_is_a_gap_and_keeps_the_other_metrics(estate: Deployed, tmp_path: Path) -> None:
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1", endpoint_url=estate.endpoint)
    cloudwatch.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "FunctionName", "Value": "api"}],
                "Timestamp": end - dt.timedelta(minutes=20),
                "Value": value,
            }
            for name, value in (("Invocations", 7.0), ("Duration", 120.0))
        ],
    )
    started = time.perf_counter()
    snap = _collect(estate, tmp_path / "cache", metrics_days=1, metrics_end=end, regions=("eu-west-1",))
    assert time.perf_counter() - started < 30
    [gap] = [c for c in snap.manifest.coverage if c.operation == "GetMetricData" and c.status != "ok"]
    assert gap.status == "error" and gap.detail.startswith("500")  # moto cannot do extended statistics
    values = {
        (query["MetricStat"]["Metric"]["MetricName"], query["MetricStat"]["Stat"]): result["Values"]
        for record in snap.responses("cloudwatch", "GetMetricData")
        for query in record.key.params["MetricDataQueries"]
        for result in record.response["MetricDataResults"]
        if result["Id"] == query["Id"] and query["MetricStat"]["Metric"]["Dimensions"][0]["Value"] == "api"
    }
    assert values[("Invocations", "Sum")] == [7.0] and values[("Duration", "Average")] == [120.0]
    assert not [k for k in values if k[1] == "p99"]


def test_a_full_collection_makes_only_read_only_calls(estate: Deployed, tmp_path: Path) -> None:
    made: list[tuple[str, str, str]] = []
    snap = _collect(
        estate,
        tmp_path / "cache",
        counting_hook(made),
        metrics_days=1,
        assume_role="OrganizationAccountAccessRole",
        organization=True,
    )
    operations = {(service, operation) for service, operation, _params in made}
    allowed = READ_ONLY_OPERATIONS | SESSION_OPERATIONS
    assert operations <= allowed, operations - allowed
    assert all(op.startswith(("Get", "List", "Describe", "Lookup")) for _svc, op in operations)
    # every read the collector knows was exercised (DescribeRegions: --all-regions only)
    assert READ_ONLY_OPERATIONS - operations == {("ec2", "DescribeRegions")}
    assert snap.manifest.accounts == (estate.account,)  # moto's organization has only this account


def test_a_full_demo_collection_makes_only_read_only_calls(
    deployed_demo: DeployedDemo, tmp_path: Path
) -> None:
    """On the session's shared demo deployment (it only reads it)."""
    made: list[tuple[str, str, str]] = []
    options = CollectOptions(
        regions=REGIONS,
        endpoint_url=deployed_demo.endpoint_url,
        cache_dir=tmp_path / "cache",
        metrics_days=1,
        assume_role="OrganizationAccountAccessRole",
        accounts=("123456789012", "210987654321"),
        client_hook=counting_hook(made),
    )
    snap = collect(options)
    operations = {(service, operation) for service, operation, _params in made}
    assert operations <= READ_ONLY_OPERATIONS | SESSION_OPERATIONS, operations - READ_ONLY_OPERATIONS
    assert all(
        op.startswith(("Get", "List", "Describe", "Lookup")) or (svc, op) in SESSION_OPERATIONS
        for svc, op in operations
    )
    assert ("sts", "AssumeRole") in operations and len(operations) > 60
    assert sum(len(r.response["Functions"]) for r in snap.responses("lambda", "ListFunctions")) >= 60
