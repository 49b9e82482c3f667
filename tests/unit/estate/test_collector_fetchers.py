"""The per-service fetchers against stub clients that page and answer like AWS (which moto does
not: it never paginates, and it lacks some operations). Each test pins a behaviour the collector
relies on: every page is read, per-resource reads stay O(1), reads go to the right region."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from estate.snapshot import SnapshotStore
from estate.sources.live import (
    apigateway,
    apigatewayv2,
    cloudtrail,
    cloudwatch,
    kms,
    lambda_,
    organizations,
    s3,
)
from estate.sources.live.calls import CallContext

ACCOUNT = "111122223333"


class Stub:
    """A boto3 client stand-in: per snake_case operation an answer (or a function of the
    params returning one; an exception is raised). Records every call."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in self.answers:
            raise AttributeError(name)

        def method(**params: Any) -> Any:
            self.calls.append((name, params))
            answer = self.answers[name]
            result = answer(**params) if callable(answer) else answer
            if isinstance(result, Exception):
                raise result
            return copy.deepcopy(result)

        return method

    def names(self) -> list[str]:
        return [name for name, _params in self.calls]


def error(code: str, status: int = 400) -> ClientError:
    response: Any = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, "Op")


def pages(token_in: str, token_out: str, items: list[dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Answer page i for token "t<i>", linking pages with `token_out` as AWS does."""

    def answer(**params: Any) -> dict[str, Any]:
        index = int(str(params.get(token_in, "t0"))[1:])
        page = dict(items[index])
        if index + 1 < len(items):
            page[token_out] = f"t{index + 1}"
        return page

    return answer


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    with SnapshotStore(tmp_path / "store") as opened:
        yield opened


def context(store: SnapshotStore, stub: Stub, region: str = "eu-west-1", **extra: Any) -> CallContext:
    return CallContext(ACCOUNT, region, lambda _service: stub, store, [], **extra)


def test_kms_reads_every_page_and_asks_rotation_only_where_aws_can_answer(store: SnapshotStore) -> None:
    keys = {
        "cmk": {"KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyState": "Enabled"},
        "aws": {"KeyManager": "AWS", "KeySpec": "SYMMETRIC_DEFAULT", "KeyState": "Enabled"},
        "rsa": {"KeyManager": "CUSTOMER", "KeySpec": "RSA_2048", "KeyState": "Enabled"},
        "gone": {"KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyState": "PendingDeletion"},
    }
    stub = Stub(
        {
            "list_keys": pages(
                "Marker",
                "NextMarker",
                [
                    {"Keys": [{"KeyId": "cmk"}, {"KeyId": "aws"}]},
                    {"Keys": [{"KeyId": "rsa"}, {"KeyId": "gone"}]},
                ],
            ),
            "describe_key": lambda KeyId: {"KeyMetadata": {"KeyId": KeyId, **keys[KeyId]}},
            "get_key_policy": {"Policy": "{}"},
            "get_key_rotation_status": {"KeyRotationEnabled": False},
            "list_aliases": {"Aliases": []},
        }
    )
    kms.fetch_keys(context(store, stub))
    assert [p.get("Marker") for n, p in stub.calls if n == "list_keys"] == [None, "t1"]
    assert sorted(p["KeyId"] for n, p in stub.calls if n == "describe_key") == ["aws", "cmk", "gone", "rsa"]
    assert [p["KeyId"] for n, p in stub.calls if n == "get_key_rotation_status"] == ["cmk"]


def test_rest_apis_page_by_position_and_embed_methods(store: SnapshotStore) -> None:
    stub = Stub(
        {
            "get_rest_apis": pages(
                "position", "position", [{"items": [{"id": "a"}]}, {"items": [{"id": "b"}]}]
            ),
            "get_resources": {"items": [{"id": "r", "path": "/", "resourceMethods": {}}]},
            "get_authorizers": {"items": []},
            "get_stages": {"item": []},
            "get_domain_names": {"items": [{"domainName": "api.example.com"}]},
            "get_base_path_mappings": {"items": []},
        }
    )
    apigateway.fetch_rest_apis(context(store, stub))
    resources = [p for n, p in stub.calls if n == "get_resources"]
    assert sorted(p["restApiId"] for p in resources) == ["a", "b"]
    assert all(p["embed"] == ["methods"] and p["limit"] == 500 for p in resources)
    assert [p["domainName"] for n, p in stub.calls if n == "get_base_path_mappings"] == ["api.example.com"]


def test_http_api_authorizers_are_read_once_per_distinct_id(store: SnapshotStore) -> None:
    routes = [{"RouteId": str(i), "AuthorizerId": "jwt" if i % 2 else "lam"} for i in range(6)] + [
        {"RouteId": "x"}
    ]
    stub = Stub(
        {
            "get_apis": {"Items": [{"ApiId": "h"}]},
            "get_routes": pages("NextToken", "NextToken", [{"Items": routes[:4]}, {"Items": routes[4:]}]),
            "get_integrations": {"Items": []},
            "get_stages": {"Items": []},
            "get_authorizer": lambda ApiId, AuthorizerId: {"AuthorizerId": AuthorizerId},
            "get_domain_names": {"Items": []},
        }
    )
    apigatewayv2.fetch_http_apis(context(store, stub))
    assert sorted(p["AuthorizerId"] for n, p in stub.calls if n == "get_authorizer") == ["jwt", "lam"]


def test_bucket_reads_go_to_the_buckets_region_under_global_keys(store: SnapshotStore) -> None:
    home = Stub(
        {
            "list_buckets": {"Buckets": [{"Name": "eu"}, {"Name": "us"}, {"Name": "legacy"}]},
            "get_bucket_location": lambda Bucket: {
                "LocationConstraint": {"eu": "eu-central-1", "us": None, "legacy": "EU"}[Bucket]
            },
        }
    )
    regional: dict[str, Stub] = {}

    def clients_in(region: str, _best_effort: bool) -> Callable[[str], Any]:
        stub = regional.setdefault(
            region,
            Stub(
                {
                    op: error("NoSuchBucketPolicy", 404)
                    for op in (
                        "get_bucket_notification_configuration",
                        "get_bucket_policy",
                        "get_bucket_encryption",
                        "get_public_access_block",
                        "get_bucket_tagging",
                        "get_bucket_versioning",
                    )
                }
            ),
        )
        return lambda _service: stub

    ctx = context(store, home, region="global", clients_in=clients_in)
    s3.fetch_buckets(ctx)
    where = {p["Bucket"]: region for region, stub in regional.items() for _n, p in stub.calls}
    assert where == {"eu": "eu-central-1", "us": "us-east-1", "legacy": "eu-west-1"}
    assert all(
        len(stub.calls) == len(s3.BUCKET_READS) * sum(1 for r in where.values() if r == region)
        for region, stub in regional.items()
    )
    regions = {r.key.region for r in store.records()}
    assert regions == {"global"}
    assert not [c for c in ctx.coverage if c.status != "ok"]  # "no policy" is a fact, not a gap


def test_a_trail_is_read_from_its_home_region_once_per_account(store: SnapshotStore) -> None:
    trails = {
        "trailList": [
            {"TrailARN": "arn:aws:cloudtrail:eu-west-1:1:trail/here", "HomeRegion": "eu-west-1"},
            {"TrailARN": "arn:aws:cloudtrail:us-east-1:1:trail/collected", "HomeRegion": "us-east-1"},
            {"TrailARN": "arn:aws:cloudtrail:ap-south-1:1:trail/elsewhere", "HomeRegion": "ap-south-1"},
        ]
    }
    used: list[tuple[str, str]] = []

    def clients_in(region: str, _best_effort: bool) -> Callable[[str], Any]:
        def answer(**params: Any) -> dict[str, Any]:
            used.append((region, str(params.get("TrailName", params.get("Name")))))
            return {}

        stub = Stub({"get_event_selectors": answer, "get_trail_status": answer})
        return lambda _service: stub

    stub = Stub({"describe_trails": trails})
    cloudtrail.fetch_trails(
        context(store, stub, clients_in=clients_in, account_regions=("eu-west-1", "us-east-1"))
    )
    read = sorted({(region, name.rsplit("/", 1)[1]) for region, name in used})
    # "collected" is read by the us-east-1 collection; "elsewhere" by the first collected region
    assert read == [("ap-south-1", "elsewhere"), ("eu-west-1", "here")]


def test_organization_policies_along_the_accounts_parents(store: SnapshotStore) -> None:
    parents = {
        ACCOUNT: {"Id": "ou-2", "Type": "ORGANIZATIONAL_UNIT"},
        "ou-2": {"Id": "ou-1", "Type": "ORGANIZATIONAL_UNIT"},
        "ou-1": {"Id": "r-1", "Type": "ROOT"},
    }
    stub = Stub(
        {
            "describe_organization": {"Organization": {"Id": "o-1"}},
            "list_policies": lambda Filter: {"Policies": [{"Id": f"p-{Filter[:3]}"}]},
            "describe_policy": lambda PolicyId: {"Policy": {"Content": "{}"}},
            "list_parents": lambda ChildId: {"Parents": [parents[ChildId]]},
            "list_policies_for_target": {"Policies": []},
        }
    )
    organizations.fetch_organization(context(store, stub, region="global"))
    targets = [(p["TargetId"], p["Filter"][:3]) for n, p in stub.calls if n == "list_policies_for_target"]
    assert [t for t, f in targets if f == "SER"] == [ACCOUNT, "ou-2", "ou-1", "r-1"]
    assert sorted(p["PolicyId"] for n, p in stub.calls if n == "describe_policy") == ["p-RES", "p-SER"]


def test_organizations_not_in_use_is_a_gap_and_stops_there(store: SnapshotStore) -> None:
    stub = Stub({"describe_organization": error("AWSOrganizationsNotInUseException")})
    ctx = context(store, stub, region="global")
    organizations.fetch_organization(ctx)
    assert stub.names() == ["describe_organization"]
    assert [(c.operation, c.status) for c in ctx.coverage] == [("DescribeOrganization", "unsupported")]


def _lambda_stub(functions: list[dict[str, Any]], unsupported: bool = True) -> Stub:
    return Stub(
        {
            "list_functions": pages(
                "Marker", "NextMarker", [{"Functions": functions[:2]}, {"Functions": functions[2:]}]
            ),
            "get_policy": error("ResourceNotFoundException", 404),
            "get_function_url_config": error("ResourceNotFoundException", 404),
            "list_tags": {"Tags": {}},
            "get_function_concurrency": {},
            "list_provisioned_concurrency_configs": error("404", 404) if unsupported else {},
            "get_function_code_signing_config": {},
            "list_function_event_invoke_configs": {"FunctionEventInvokeConfigs": []},
            "list_aliases": lambda FunctionName: {"Aliases": [{"AliasArn": f"arn:{FunctionName}:live"}]},
            "list_versions_by_function": {
                "Versions": [{"Version": "$LATEST", "Environment": {"Variables": {"K": "v"}}}]
            },
            "list_event_source_mappings": {"EventSourceMappings": []},
        }
    )


def test_lambda_makes_a_fixed_number_of_calls_per_function(store: SnapshotStore) -> None:
    def fn(i: int, layer_account: str = ACCOUNT) -> dict[str, Any]:
        return {
            "FunctionName": f"f{i}",
            "FunctionArn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f{i}",
            "Layers": [{"Arn": f"arn:aws:lambda:eu-west-1:{layer_account}:layer:l:1"}],
        }

    functions = [fn(0), fn(1), fn(2, "999988887777"), fn(3)]
    stub = _lambda_stub(functions)
    ctx = context(store, stub)
    lambda_.fetch_lambda(ctx)
    per_function = [n for n in stub.names() if n not in {"list_functions", "list_event_source_mappings"}]
    # 9 reads plus one alias policy per function; provisioned concurrency asked once (moto lacks it)
    assert len(per_function) == 4 * 10 - 3
    assert stub.names().count("list_provisioned_concurrency_configs") == 1
    alias_policies = [
        p["FunctionName"] for n, p in stub.calls if n == "get_policy" and p["FunctionName"].endswith(":live")
    ]
    assert sorted(alias_policies) == [f"arn:f{i}:live" for i in range(4)]
    gaps = {(c.operation, c.status) for c in ctx.coverage if c.status != "ok"}
    assert gaps == {("ListProvisionedConcurrencyConfigs", "unsupported"), ("ListLayerVersions", "external")}
    assert not [
        c for c in ctx.coverage if c.status == "ok" and c.operation == "ListProvisionedConcurrencyConfigs"
    ]


def test_metric_batches_hold_at_most_500_queries_and_p99_is_separate(store: SnapshotStore) -> None:
    def answer(**params: Any) -> Any:
        queries = params["MetricDataQueries"]
        if queries[0]["MetricStat"]["Stat"] == "p99":
            return error("500", 500)
        return {"MetricDataResults": [{"Id": q["Id"], "Timestamps": [], "Values": []} for q in queries]}

    stub = Stub({"get_metric_data": answer})
    best_effort = Stub({"get_metric_data": answer})
    ctx = context(store, stub, best_effort_clients=lambda _service: best_effort)
    end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cloudwatch.fetch_metrics(ctx, [f"f{i}" for i in range(101)], end - dt.timedelta(days=1), end)
    sizes = [len(p["MetricDataQueries"]) for _n, p in stub.calls]
    assert sizes == [500, 5]  # 101 functions x 5 statistics
    assert [len(p["MetricDataQueries"]) for _n, p in best_effort.calls] == [101]
    assert len(list(store.records())) == 2  # the p99 failure stored nothing ...
    [gap] = [c for c in ctx.coverage if c.status != "ok"]
    assert gap.status == "error"  # ... and is a gap beside the sums and averages


def test_versions_env_values_are_redacted() -> None:
    response = {"Versions": [{"Environment": {"Variables": {"TOKEN": "abc"}}}]}
    redacted = lambda_.redact_functions(response, lambda env: {k: "<redacted>" for k in env})
    assert redacted["Versions"][0]["Environment"]["Variables"] == {"TOKEN": "<redacted>"}
