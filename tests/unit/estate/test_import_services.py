"""`lambdascope import` of the reads beyond functions (issue 16 point 4): API Gateway, EventBridge,
Scheduler, SSM, RDS, Organizations, Lambda layers and settings, CloudWatch metrics; a dump of
global/ only; another tool's file named for what it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from estate.errors import LambdascopeError
from estate.model.load import load_estate
from estate.snapshot import Snapshot
from estate.sources.dumps import NOT_IMPORTED, ImportOptions, import_dump
from estate.sources.live.cloudwatch import _queries as collector_queries
from tests.paths import ROOT

ACCOUNT = "123456789012"
REGION = "eu-west-1"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
FUNCTIONS = {
    "Functions": [
        {"FunctionName": n, "FunctionArn": FN + n, "Role": f"arn:aws:iam::{ACCOUNT}:role/r"}
        for n in ("a", "b")
    ]
}


def _dump(root: Path, files: dict[str, Any]) -> Path:
    for name, content in {f"{REGION}/lambda-list-functions.json": FUNCTIONS, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return root


def _import(root: Path, **options: Any) -> Snapshot:
    return import_dump(ImportOptions(root, **options))


def _records(snapshot: Snapshot, operation: str) -> dict[str, Any]:
    return {
        json.dumps(r.key.params, sort_keys=True): r.response
        for r in snapshot.records
        if r.key.operation == operation
    }


def _coverage(snapshot: Snapshot, service: str, operation: str) -> tuple[str, str]:
    entries = [c for c in snapshot.manifest.coverage if (c.service, c.operation) == (service, operation)]
    assert len(entries) == 1, entries
    return entries[0].status, entries[0].detail


@pytest.mark.parametrize(
    ("name", "content", "operation", "params"),
    [
        (
            "ssm-describe-parameters.json",
            {"Parameters": [{"Name": "/p", "Type": "SecureString"}]},
            "DescribeParameters",
            {"MaxResults": 50},
        ),
        ("rds-describe-db-instances.json", {"DBInstances": []}, "DescribeDBInstances", {"MaxRecords": 100}),
        ("rds-describe-db-clusters.json", {"DBClusters": []}, "DescribeDBClusters", {"MaxRecords": 100}),
        ("apigateway-get-rest-apis.json", {"items": []}, "GetRestApis", {"limit": 500}),
        ("apigatewayv2-get-domain-names.json", {"Items": []}, "GetDomainNames", {"MaxResults": "100"}),
        (
            "events-list-event-buses.json",
            {"EventBuses": [{"Name": "default"}]},
            "ListEventBuses",
            {"Limit": 100},
        ),
        ("scheduler-list-schedules.json", {"Schedules": []}, "ListSchedules", {"MaxResults": 100}),
        ("lambda-list-layers.json", {"Layers": []}, "ListLayers", {}),
        (
            "lambda-get-account-settings.json",
            {"AccountLimit": {"ConcurrentExecutions": 1000}},
            "GetAccountSettings",
            {},
        ),
        ("lambda-list-code-signing-configs.json", {"CodeSigningConfigs": []}, "ListCodeSigningConfigs", {}),
        (
            "../global/organizations-describe-organization.json",
            {"Organization": {"Id": "o-1"}},
            "DescribeOrganization",
            {},
        ),
    ],
)
def test_listings_are_stored_under_the_collector_keys(
    tmp_path: Path, name: str, content: Any, operation: str, params: dict[str, Any]
) -> None:
    snapshot = _import(_dump(tmp_path, {f"{REGION}/{name}": content}))
    assert _records(snapshot, operation) == {json.dumps(params, sort_keys=True): content}
    assert (
        _coverage(
            snapshot,
            *next((r.key.service, operation) for r in snapshot.records if r.key.operation == operation),
        )[0]
        == "ok"
    )


def test_rest_api_reads_resolve_through_the_api_listing(tmp_path: Path) -> None:
    files = {
        f"{REGION}/apigateway-get-rest-apis.json": {
            "items": [{"id": "abc123", "name": "pay"}, {"id": "zzz", "name": "x"}]
        },
        f"{REGION}/apigateway-get-resources/abc123.json": {"items": [{"path": "/"}]},
        f"{REGION}/apigateway-get-stages/abc123.json": "",  # the CLI prints nothing: no stages
    }
    snapshot = _import(_dump(tmp_path, files))
    assert list(_records(snapshot, "GetResources")) == [
        json.dumps({"embed": ["methods"], "limit": 500, "restApiId": "abc123"}, sort_keys=True)
    ]
    assert _records(snapshot, "GetStages") == {json.dumps({"restApiId": "abc123"}): {}}
    assert _coverage(snapshot, "apigateway", "GetResources") == (
        "missing",
        "not in the dump for 1 of 2 REST APIs: zzz",
    )
    assert _coverage(snapshot, "apigateway", "GetAuthorizers") == ("missing", "not in the dump")
    orphan = _dump(tmp_path / "orphan", {**files, f"{REGION}/apigateway-get-stages/gone.json": {"item": []}})
    with pytest.raises(LambdascopeError, match="lists no REST API named 'gone'") as raised:
        _import(orphan)
    assert "apigateway-get-stages/gone.json" in str(raised.value)


def test_rule_targets_are_named_bus_at_rule_and_checked_against_the_rules(tmp_path: Path) -> None:
    files = {
        f"{REGION}/events-list-event-buses.json": {"EventBuses": [{"Name": "default"}, {"Name": "orders"}]},
        f"{REGION}/events-list-rules/default.json": {"Rules": [{"Name": "nightly"}]},
        f"{REGION}/events-list-rules/orders.json": {
            "Rules": [{"Name": "on-order", "EventBusName": "orders"}, {"Name": "late"}]
        },
        f"{REGION}/events-list-targets-by-rule/orders@on-order.json": {
            "Targets": [{"Id": "1", "Arn": FN + "a"}]
        },
        f"{REGION}/events-list-targets-by-rule/default@nightly.json": {
            "Targets": [{"Id": "1", "Arn": FN + "b"}]
        },
    }
    snapshot = _import(_dump(tmp_path, files))
    key = json.dumps({"EventBusName": "orders", "Limit": 100, "Rule": "on-order"}, sort_keys=True)
    assert key in _records(snapshot, "ListTargetsByRule")
    invokers = load_estate(snapshot).invokers
    assert invokers is not None
    rules = {(r.bus, r.name): (r.function_arns, r.targets_state) for r in invokers.event_rules}
    assert rules == {
        ("default", "nightly"): ((FN + "b",), "present"),
        ("orders", "on-order"): ((FN + "a",), "present"),
        ("orders", "late"): ((), "unknown"),
    }
    assert _coverage(snapshot, "events", "ListTargetsByRule") == (
        "missing",
        "not in the dump for 1 of 3 rules: orders@late",
    )
    stray = _dump(
        tmp_path / "stray",
        {**files, f"{REGION}/events-list-targets-by-rule/orders@ghost.json": {"Targets": []}},
    )
    with pytest.raises(LambdascopeError, match="lists no rule named 'orders@ghost'"):
        _import(stray)


def test_a_malformed_parent_file_is_a_gap_and_its_children_are_skipped(tmp_path: Path) -> None:
    files = {
        f"{REGION}/events-list-event-buses.json": {"EventBuses": [{"Name": "default"}]},
        f"{REGION}/events-list-rules/default.json": {"Rules": [{"Name": 7}]},
        f"{REGION}/events-list-targets-by-rule/default@nightly.json": {"Targets": []},
    }
    snapshot = _import(_dump(tmp_path, files))
    status, detail = _coverage(snapshot, "events", "ListRules")
    assert status == "error" and "events-list-rules/default.json" in detail and "$.Rules[0].Name" in detail
    assert _coverage(snapshot, "events", "ListTargetsByRule")[0] == "error"
    assert _records(snapshot, "ListTargetsByRule") == {}


def test_schedules_and_http_authorizers_take_two_ids(tmp_path: Path) -> None:
    route = {"RouteKey": "GET /x", "AuthorizerId": "au1", "AuthorizationType": "JWT"}
    files = {
        f"{REGION}/scheduler-list-schedules.json": {
            "Schedules": [{"Name": "tick", "GroupName": "ops"}, {"Name": "t2"}]
        },
        f"{REGION}/scheduler-get-schedule/ops@tick.json": {
            "Name": "tick",
            "GroupName": "ops",
            "Target": {"Arn": FN + "a"},
        },
        f"{REGION}/scheduler-get-schedule/default@t2.json": {"Name": "t2", "Target": {"Arn": FN + "b"}},
        f"{REGION}/apigatewayv2-get-apis.json": {"Items": [{"ApiId": "h1", "Name": "web"}]},
        f"{REGION}/apigatewayv2-get-routes/h1.json": {"Items": [route, {**route, "RouteKey": "GET /y"}]},
        f"{REGION}/apigatewayv2-get-authorizer/h1@au1.json": {
            "AuthorizerId": "au1",
            "Name": "jwt",
            "AuthorizerType": "JWT",
        },
    }
    snapshot = _import(_dump(tmp_path, files))
    assert set(_records(snapshot, "GetSchedule")) == {
        json.dumps({"GroupName": "ops", "Name": "tick"}),
        json.dumps({"GroupName": "default", "Name": "t2"}),
    }
    assert list(_records(snapshot, "GetAuthorizer")) == [json.dumps({"ApiId": "h1", "AuthorizerId": "au1"})]
    assert _coverage(snapshot, "apigatewayv2", "GetAuthorizer") == ("ok", "1 route authorizers")
    names = {r.authorizer_name for r in load_estate(snapshot).invokers.api_routes}  # type: ignore[union-attr]
    assert names == {"jwt"}


def test_organization_reads_and_an_account_outside_any_organization(tmp_path: Path) -> None:
    scp = {"Id": "p-1", "Name": "deny", "Type": "SERVICE_CONTROL_POLICY"}
    files = {
        "global/organizations-describe-organization.json": {
            "Organization": {"Id": "o-1", "MasterAccountId": "999999999999"}
        },
        "global/organizations-list-policies/SERVICE_CONTROL_POLICY.json": {"Policies": [scp]},
        "global/organizations-list-policies/RESOURCE_CONTROL_POLICY.json": "",
        "global/organizations-describe-policy/p-1.json": {"Policy": {"PolicySummary": scp, "Content": "{}"}},
        f"global/organizations-list-parents/{ACCOUNT}.json": {"Parents": [{"Id": "r-1", "Type": "ROOT"}]},
        **{
            f"global/organizations-list-policies-for-target/{t}@{k}.json": {
                "Policies": [scp] if k[0] == "S" else []
            }
            for t in (ACCOUNT, "r-1")
            for k in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
        },
    }
    snapshot = _import(_dump(tmp_path, files))
    assert json.dumps({"Filter": "SERVICE_CONTROL_POLICY", "TargetId": "r-1"}, sort_keys=True) in _records(
        snapshot, "ListPoliciesForTarget"
    )
    for operation in (
        "DescribeOrganization",
        "ListPolicies",
        "DescribePolicy",
        "ListParents",
        "ListPoliciesForTarget",
    ):
        assert _coverage(snapshot, "organizations", operation)[0] == "ok", operation
    scps = load_estate(snapshot).org_policies[ACCOUNT].scps
    assert scps.known and [p.name for _level, p in scps.policies()] == ["deny", "deny"]
    outside = _dump(
        tmp_path / "outside",
        {
            "global/organizations-describe-organization.json": "An error occurred "
            "(AWSOrganizationsNotInUseException) when calling the DescribeOrganization operation: no"
        },
    )
    snapshot = _import(outside)
    assert _coverage(snapshot, "organizations", "DescribeOrganization")[0] == "unsupported"
    status, detail = _coverage(snapshot, "organizations", "ListPolicies")
    assert status == "unsupported" and "holds a refusal" in detail


def test_layer_versions_and_their_policies(tmp_path: Path) -> None:
    files = {
        f"{REGION}/lambda-list-layers.json": {"Layers": [{"LayerName": "shared"}]},
        f"{REGION}/lambda-list-layer-versions/shared.json": {
            "LayerVersions": [{"Version": 1}, {"Version": 2}]
        },
        f"{REGION}/lambda-get-layer-version-policy/shared@1.json": {"Policy": "{}", "RevisionId": "r"},
        f"{REGION}/lambda-get-layer-version-policy/shared@2.json": "",  # none: not-found
    }
    snapshot = _import(_dump(tmp_path, files))
    policies = _records(snapshot, "GetLayerVersionPolicy")
    assert policies[json.dumps({"LayerName": "shared", "VersionNumber": 1})] == {
        "Policy": "{}",
        "RevisionId": "r",
    }
    assert (
        policies[json.dumps({"LayerName": "shared", "VersionNumber": 2})]["Error"]["Code"]
        == "ResourceNotFoundException"
    )
    assert _coverage(snapshot, "lambda", "GetLayerVersionPolicy") == ("ok", "2 layer versions")


def _metric_files(results: list[dict[str, Any]], start: str = "2026-10-31T00:00:00Z") -> dict[str, Any]:
    queries = list(collector_queries(["a", "b"], 300))
    request = {
        "MetricDataQueries": queries,
        "StartTime": start,
        "EndTime": "2026-11-01T00:00:00Z",
        "ScanBy": "TimestampAscending",
    }
    return {
        f"{REGION}/cloudwatch-get-metric-data-queries/q-0001.json": request,
        f"{REGION}/cloudwatch-get-metric-data/q-0001.json": {"MetricDataResults": results},
    }


def test_metric_batches_become_the_collector_records_and_series(tmp_path: Path) -> None:
    # q0 is a's Invocations (sorted names, the collector's ids); CLI v1 prints epoch seconds.
    results = [{"Id": "q0", "Timestamps": [1761955200, "2026-11-01T00:05:00+00:00"], "Values": [3.0, 4.0]}]
    snapshot = _import(_dump(tmp_path, _metric_files(results)))
    (params,) = [r.key.params for r in snapshot.records if r.key.operation == "GetMetricData"]
    assert (params["StartTime"], params["EndTime"]) == (
        "2026-10-31T00:00:00+00:00",
        "2026-11-01T00:00:00+00:00",
    )
    assert params["ScanBy"] == "TimestampAscending" and len(params["MetricDataQueries"]) == 10
    assert (snapshot.manifest.metrics_start, snapshot.manifest.metrics_end) == (
        params["StartTime"],
        params["EndTime"],
    )
    series = load_estate(snapshot).metrics[(ACCOUNT, REGION, "a", "Invocations")]
    assert series.values == (3.0, 4.0) and series.raw_timestamps[0] == "2025-11-01T00:00:00+00:00"
    assert _coverage(snapshot, "cloudwatch", "GetMetricData") == ("ok", "1 metric batches")


def test_metric_files_that_do_not_fit_are_gaps_or_one_line(tmp_path: Path) -> None:
    bad_time = _import(_dump(tmp_path / "t", _metric_files([], start="yesterday")))
    status, detail = _coverage(bad_time, "cloudwatch", "GetMetricData")
    assert (
        status == "error"
        and "cloudwatch-get-metric-data-queries/q-0001.json" in detail
        and "StartTime" in detail
    )
    assert bad_time.manifest.metrics_start is None
    assert not [r for r in bad_time.records if r.key.operation == "GetMetricData"]
    alone = {k: v for k, v in _metric_files([]).items() if "queries" not in k}
    with pytest.raises(LambdascopeError, match="needs cloudwatch-get-metric-data-queries/ files"):
        _import(_dump(tmp_path / "alone", alone))
    no_data = {k: v for k, v in _metric_files([]).items() if "queries" in k}
    assert _coverage(_import(_dump(tmp_path / "nodata", no_data)), "cloudwatch", "GetMetricData") == (
        "missing",
        "not in the dump",
    )


def test_a_dump_of_global_only_imports_for_a_given_region(tmp_path: Path) -> None:
    auth = {"RoleDetailList": [{"RoleName": "r", "Arn": f"arn:aws:iam::{ACCOUNT}:role/r", "RoleId": "AROA1"}]}
    root = tmp_path / "d"
    (root / "global").mkdir(parents=True)
    (root / "global/iam-get-account-authorization-details.json").write_text(json.dumps(auth))
    snapshot = _import(root, regions=(REGION,))
    assert snapshot.manifest.regions == (REGION,)
    assert _coverage(snapshot, "iam", "GetAccountAuthorizationDetails")[0] == "ok"
    assert _coverage(snapshot, "lambda", "ListFunctions") == ("missing", "not in the dump")
    (root / "us-east-1").mkdir()
    with pytest.raises(
        LambdascopeError, match=f"no directory for region {REGION} \\(the dump has us-east-1\\)"
    ):
        _import(root, regions=(REGION,))
    with pytest.raises(LambdascopeError, match="not a region name"):
        _import(root, regions=("eu-west-1/",))


_PROWLER_OCSF = [
    {
        "metadata": {"product": {"name": "Prowler", "vendor_name": "Prowler"}, "version": "1.5.0"},
        "class_uid": 2004,
        "finding_info": {"uid": "prowler-aws-awslambda_function_url_public-123456789012-eu-west-1-a"},
    }
]
_NEO4J = '{"type":"node","id":"1","labels":["AWSLambda"],"properties":{"id":"arn:x","lastupdated":1}}\n'


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("prowler-output.ocsf.json", _PROWLER_OCSF, "a Prowler OCSF findings file"),
        (
            "findings.asff.json",
            [{"SchemaVersion": "2018-10-08", "ProductArn": "arn:aws:securityhub:::product/prowler/prowler"}],
            "ASFF findings",
        ),
        ("cartography.json", _NEO4J, "a Cartography graph exported from Neo4j"),
        (
            "graph.json",
            '[{"n": {"identity": 1, "labels": ["Person"], "properties": {}}}]',
            "a Neo4j graph export",
        ),
        (
            "report.json",
            {"schema": "lambdascope.findings/1", "findings": []},
            "a lambdascope findings report",
        ),
        (
            "prowler.csv",
            "AUTH_METHOD;TIMESTAMP;ACCOUNT_UID;CHECK_ID;PROVIDER\n",
            "a Prowler CSV findings file",
        ),
    ],
)
def test_another_tools_file_gets_one_line_saying_what_it_is(
    tmp_path: Path, name: str, content: Any, phrase: str
) -> None:
    flat = _dump(tmp_path / "flat", {})
    (flat / name).write_text(content if isinstance(content, str) else json.dumps(content))
    for target in (flat, flat / name):  # in the dump directory, or given as DIR itself
        with pytest.raises(LambdascopeError) as raised:
            _import(target)
        message = str(raised.value)
        assert phrase in message and "expected AWS CLI JSON outputs" in message and "\n" not in message
        assert name in message


def test_an_unknown_file_that_is_no_known_tools_is_still_an_unknown_name(tmp_path: Path) -> None:
    (tmp_path / "lambda-list-functions.json").write_text(json.dumps(FUNCTIONS))
    (tmp_path / "notes.json").write_text(json.dumps({"hello": "world", "class_uid": 1}))
    with pytest.raises(LambdascopeError, match="unknown file name") as raised:
        _import(tmp_path)
    assert "OCSF" not in str(raised.value)
    nested = _dump(tmp_path / "nested", {"notes.json": {"hello": "world"}})
    with pytest.raises(LambdascopeError, match="unexpected in a dump directory"):
        _import(nested)


def test_nothing_collect_reads_is_left_unimportable() -> None:
    # CloudTrail's recent function changes were the last (tests/unit/estate/test_import_changes.py).
    assert NOT_IMPORTED == {"global": (), "region": ()}
    readme = (ROOT / "README.md").read_text()
    assert "not importable" not in readme.lower() and "does not give yet" not in readme
    assert "| region | `cloudtrail-lookup-events-request`" in readme  # the import table's row
