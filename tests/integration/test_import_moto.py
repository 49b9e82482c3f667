"""Import an AWS CLI dump of a moto estate and compare it with a live collection of the same state.

The dump is written the way the AWS CLI prints responses (json of the boto3 response minus
ResponseMetadata, datetimes as ISO strings) into the layout scripts/dump-estate.sh produces;
functions, invokers and reach.public-invoke findings must be the same as the live collector's.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from analyzers.analysis import analyze
from estate.model.load import load_estate
from estate.snapshot import export_snapshot, load_snapshot
from estate.sources.dumps import ImportOptions, import_dump
from estate.sources.live import CollectOptions, collect
from tests.integration.dump_services import ACCOUNT, METRICS_DAYS, METRICS_END, deploy_services, dump_services
from tests.integration.lambda_code import TRUST
from tests.integration.lambda_code import handler_zip as _zip
from tests.integration.lookup_events import history, planted_events

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
# More Lambda events than the collector's 20 pages of 50: both stop at the same 1000, newest first.
CHANGES = history(
    ["public", "url", "worker", "private"],
    1100,
    start=METRICS_END - dt.timedelta(days=METRICS_DAYS),
    end=METRICS_END,
    account=ACCOUNT,
    region=REGION,
)


def _cli_json(response: Any) -> str:
    """What `aws ... --output json` prints for a boto3 response."""
    data = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return (
        ""
        if data == {}
        else json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.datetime) else str(v))
    )


def _write(path: Path, response: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_cli_json(response))


def _deploy(endpoint: str) -> dict[str, str]:
    client = lambda service: boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # noqa: E731
    role = client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.2.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
    group = ec2.create_security_group(GroupName="fn", Description="functions", VpcId=vpc)["GroupId"]
    lam = client("lambda")
    arns = {}
    for name in ("public", "url", "worker", "private"):
        extra: dict[str, Any] = {}
        if name == "private":
            extra["VpcConfig"] = {"SubnetIds": subnets, "SecurityGroupIds": [group]}
        arns[name] = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code={"ZipFile": _zip()},
            Environment={"Variables": {"API_TOKEN": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"}},
            **extra,
        )["FunctionArn"]
    lam.add_permission(
        FunctionName="public", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*"
    )
    lam.create_function_url_config(FunctionName="url", AuthType="NONE")
    lam.add_permission(
        FunctionName="url",
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    queue = client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="worker")
    return arns


def _dump(endpoint: str, root: Path, arns: dict[str, str]) -> None:
    """The files scripts/dump-estate.sh writes for the parts this test covers."""
    client = lambda service: boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # noqa: E731
    _write(
        root / "global/iam-get-account-authorization-details.json",
        client("iam").get_account_authorization_details(),
    )
    lam, ec2, r = client("lambda"), client("ec2"), root / REGION
    _write(r / "lambda-list-functions.json", lam.list_functions())
    _write(r / "lambda-list-event-source-mappings.json", lam.list_event_source_mappings())
    for name, arn in arns.items():
        try:
            _write(r / f"lambda-get-policy/{name}.json", lam.get_policy(FunctionName=name))
        except lam.exceptions.ResourceNotFoundException as exc:
            (r / "lambda-get-policy").mkdir(exist_ok=True)
            (r / f"lambda-get-policy/{name}.json").write_text(
                f"\nAn error occurred (ResourceNotFoundException) "
                f"when calling the GetPolicy operation: {exc}\n"
            )
        try:
            _write(
                r / f"lambda-get-function-url-config/{name}.json",
                lam.get_function_url_config(FunctionName=name),
            )
        except lam.exceptions.ResourceNotFoundException:
            _write(r / f"lambda-get-function-url-config/{name}.json", {})  # an empty file: no URL
        _write(r / f"lambda-list-tags/{name}.json", lam.list_tags(Resource=arn))
    for op, stem in (
        ("describe_vpcs", "ec2-describe-vpcs"),
        ("describe_subnets", "ec2-describe-subnets"),
        ("describe_route_tables", "ec2-describe-route-tables"),
        ("describe_security_groups", "ec2-describe-security-groups"),
        ("describe_internet_gateways", "ec2-describe-internet-gateways"),
    ):
        _write(r / f"{stem}.json", getattr(ec2, op)())


@pytest.fixture(scope="module")
def compared(local_aws: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    """Deployed, dumped, imported and collected once for the module: the tests only read the results
    (in memory, so a later reset of the server cannot change them)."""
    local_aws.reset()
    moto_endpoint = str(local_aws.endpoint_url)
    tmp_path = tmp_path_factory.mktemp("compared")
    arns = _deploy(moto_endpoint)
    deploy_services(moto_endpoint, arns, f"arn:aws:iam::{ACCOUNT}:role/fn")
    with planted_events({REGION: CHANGES}):
        _dump(moto_endpoint, tmp_path / "dump", arns)
        dump_services(moto_endpoint, tmp_path / "dump")
        imported = import_dump(ImportOptions(tmp_path / "dump"))
        live = collect(
            CollectOptions(
                regions=(REGION,),
                endpoint_url=moto_endpoint,
                metrics_days=METRICS_DAYS,
                metrics_end=METRICS_END,
                cache_dir=tmp_path / "cache",
            )
        )
    return imported, live, arns


def _invokes(analysis: Any) -> set[tuple[str, str]]:
    return {(u, v) for u, v, k in analysis.graph.edges(keys=True) if k == "invokes"}


def _public(analysis: Any) -> set[str]:
    return {f.resource for f in analysis.findings if f.rule.id == "reach.public-invoke"}


def test_import_matches_live_collection(compared: tuple[Any, Any, Any], tmp_path: Path) -> None:
    imported, live, arns = compared
    path = export_snapshot(imported, tmp_path / "import.lsnap")
    assert path.stat().st_mode & 0o777 == 0o600
    mine, theirs = analyze(load_estate(load_snapshot(path))), analyze(load_estate(live))
    assert [f.arn for f in mine.estate.functions] == [f.arn for f in theirs.estate.functions]
    assert [(f.policy_state, f.url_state) for f in mine.estate.functions] == [
        (f.policy_state, f.url_state) for f in theirs.estate.functions
    ]
    assert _invokes(mine) == _invokes(theirs)
    assert [m.function_arn for m in mine.estate.event_source_mappings] == [arns["worker"]]
    assert mine.estate.event_source_mappings == theirs.estate.event_source_mappings
    assert _public(mine) == _public(theirs) == {arns["public"], arns["url"]}
    vpc_fn, live_fn = mine.estate.function(arns["private"]), theirs.estate.function(arns["private"])
    assert vpc_fn is not None and live_fn is not None
    assert mine.estate.function_vpc_id(vpc_fn) == theirs.estate.function_vpc_id(live_fn)


def test_import_redacts_like_the_collector_and_records_gaps(compared: tuple[Any, Any, Any]) -> None:
    imported, live, _arns = compared
    listing = next(r for r in imported.records if r.key.operation == "ListFunctions")
    assert "sk_live_" not in json.dumps(listing.response)
    live_listing = next(r for r in live.records if r.key.operation == "ListFunctions")
    assert listing.key == live_listing.key
    mine = {(e.service, e.operation): e for e in imported.manifest.coverage if e.region == REGION}
    assert mine[("lambda", "GetPolicy")].status == "ok"
    assert mine[("ec2", "DescribeNatGateways")].status == "missing"
    assert mine[("ec2", "DescribeNatGateways")].detail == "not in the dump"
    assert mine[("lambda", "ListAliases")].status == "missing"
    keys = {
        (r.key.service, r.key.operation, json.dumps(r.key.params, sort_keys=True)) for r in imported.records
    }
    live_keys = {
        (r.key.service, r.key.operation, json.dumps(r.key.params, sort_keys=True)) for r in live.records
    }
    assert keys <= live_keys  # every imported record sits where the collector puts the same data


def test_import_reads_the_other_services_as_collect_does(compared: tuple[Any, Any, Any]) -> None:
    """API Gateway, EventBridge, Scheduler, SSM, RDS, Organizations, layers, settings, metrics."""
    imported, live, arns = compared
    mine, theirs = load_estate(imported), load_estate(live)
    assert mine.invokers is not None and theirs.invokers is not None
    assert mine.invokers == theirs.invokers
    routes = {(r.api_kind, r.path, r.authorization_type, r.function_arn) for r in mine.invokers.api_routes}
    assert ("rest", "/pay", "CUSTOM", arns["public"]) in routes
    assert ("http", "/web", "JWT", arns["url"]) in routes and ("http", "/open", "NONE", arns["url"]) in routes
    authorizers = {r.authorizer_name for r in mine.invokers.api_routes if r.authorizer_id}
    assert authorizers == {"token", "jwt"}
    assert {d.name for d in mine.invokers.api_domains} == {"api.example.com", "web.example.com"}
    rules = {(r.bus, r.name): r.function_arns for r in mine.invokers.event_rules}
    assert rules == {("orders", "on-order"): (arns["worker"],), ("default", "nightly"): (arns["private"],)}
    assert sorted((s.group, s.function_arn) for s in mine.invokers.schedules) == [
        ("default", arns["private"]),
        ("ops", arns["private"]),
    ]
    stores = {a: s for a, s in mine.data_stores.items() if s.kind in {"parameter", "db"}}
    assert stores == {a: s for a, s in theirs.data_stores.items() if s.kind in {"parameter", "db"}}
    # The Aurora cluster is left out: moto (like AWS) gives a cluster's DBSubnetGroup as a name,
    # which the model's response shape does not accept yet (a gap on both sides alike).
    assert {s.name for s in stores.values()} >= {"/payments/api-key", "feature-flags", "ledger"}
    assert mine.org_policies == theirs.org_policies
    # The account is the organization's management account (SCPs do not apply to it), so the
    # policy is checked as read: its document, and the account's attachment, as collect stores them.
    assert mine.org_policies[ACCOUNT].organization_id is not None
    described = [r for r in imported.records if r.key.operation == "DescribePolicy"]
    assert "no-deletes" in {r.response["Policy"]["PolicySummary"]["Name"] for r in described}
    attached = {
        (r.key.params["TargetId"], r.key.params["Filter"]): [p["Name"] for p in r.response["Policies"]]
        for r in imported.records
        if r.key.operation == "ListPoliciesForTarget"
    }
    assert "no-deletes" in attached[(ACCOUNT, "SERVICE_CONTROL_POLICY")]
    assert mine.account_settings == theirs.account_settings
    assert mine.metrics == theirs.metrics
    assert {k[2:] for k in mine.metrics} >= {("public", "Invocations"), ("worker", "Errors")}
    assert imported.manifest.metrics_start == live.manifest.metrics_start
    assert imported.manifest.metrics_end == live.manifest.metrics_end


def test_the_new_reads_sit_under_the_collector_keys(compared: tuple[Any, Any, Any]) -> None:
    """For every service point 4 of issue 16 added, the import stores exactly the records (account,
    region, service, operation, request parameters) the collector stores: the model cannot tell
    them apart."""
    imported, live, _arns = compared
    services = {"apigateway", "apigatewayv2", "events", "scheduler", "ssm", "rds", "organizations"}
    operations = {
        ("cloudwatch", "GetMetricData"),
        *(("lambda", op) for op in ("ListLayers", "ListLayerVersions", "GetLayerVersionPolicy")),
        *(("lambda", op) for op in ("GetAccountSettings", "ListCodeSigningConfigs")),
    }
    skipped: set[tuple[str, str]] = set()  # reads the two may answer differently (none today)

    def keys(snapshot: Any) -> set[str]:
        return {
            r.key.encode()
            for r in snapshot.records
            if (r.key.service in services or (r.key.service, r.key.operation) in operations)
            and (r.key.service, r.key.operation) not in skipped
        }

    mine, theirs = keys(imported), keys(live)
    assert mine == theirs, (sorted(mine - theirs)[:5], sorted(theirs - mine)[:5])
    assert len({json.loads(k)[3] for k in mine}) >= 20  # most of the 27 new reads answered here
    gaps = {(c.service, c.operation): c.status for c in imported.manifest.coverage if c.status != "ok"}
    assert ("rds", "DescribeDBClusters") not in gaps  # a cluster names its subnet group: it validates
    assert not {k for k in gaps if k[0] in services - {"rds"}}


def test_function_changes_import_as_collected(compared: tuple[Any, Any, Any]) -> None:
    """CloudTrail LookupEvents: the dump's one joined output sits under the collector's first-page
    key and holds the events of its 20 pages, in order; the model reads the same history from both,
    the 1000-event cap included (known from the oldest event read, not from the window start)."""
    imported, live, _arns = compared
    [mine] = imported.responses("cloudtrail", "LookupEvents")
    pages = live.responses("cloudtrail", "LookupEvents")
    first = next(p for p in pages if "NextToken" not in p.key.params)
    assert mine.key == first.key
    assert len(pages) == 20 and pages[-1].response.get("NextToken")  # capped as the script caps
    ordered = sorted(pages, key=lambda p: int(p.key.params.get("NextToken") or 0))
    assert mine.response["Events"] == [e for p in ordered for e in p.response["Events"]]
    assert len(mine.response["Events"]) == 1000 and mine.response.get("NextToken")
    sources = {json.loads(e["CloudTrailEvent"])["eventSource"] for e in mine.response["Events"]}
    assert sources == {"lambda.amazonaws.com"}  # the SNS AddPermission is outside the filter
    changes, collected = load_estate(imported).function_changes, load_estate(live).function_changes
    assert changes is not None and changes == collected
    assert changes.read_since[(ACCOUNT, REGION)] > METRICS_END - dt.timedelta(days=METRICS_DAYS)
    assert sum(len(c) for c in changes.by_function.values()) == 800  # 4 of every 5 are changes
    mine_ok = {(c.operation, c.status) for c in imported.manifest.coverage if c.service == "cloudtrail"}
    assert ("LookupEvents", "ok") in mine_ok
    [entry] = [c for c in imported.manifest.coverage if c.operation == "LookupEvents"]
    assert entry.detail == (
        f"1000 Events from {REGION}/cloudtrail-lookup-events.json; "
        "cut short by --max-items (NextToken), the rest not read"
    )
