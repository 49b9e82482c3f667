"""The demo estate, deployed into a moto server over HTTP, is what catalogue and plants declare.

Everything is read back through boto3 (HTTP to the server), the way a collector sees it. The last
tests check that the local AWS's CloudWatch speedup answers exactly like moto's own method.
The demo is the session's shared deployment (`deployed_demo`, read only); the determinism test
deploys a second one into the per-test local AWS and compares the two.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.settings import default_settings

from estate.sources.demo_builder import (
    DemoDeployment,
    cloudwatch_index,
    deploy_demo,
    moto_timestamps,
)
from estate.sources.demo_builder.aws import make_client
from estate.sources.demo_builder.catalogue import FUNCTIONS, FUNCTIONS_BY_NAME
from estate.sources.demo_builder.constants import DEMO_ACCOUNT, DEMO_METRICS_END, EU, US
from estate.sources.demo_builder.metrics import generate_series
from estate.sources.demo_builder.planted_values import HOSTILE_TEXT
from tests.ground_truth import plants

if TYPE_CHECKING:
    from tests.conftest import DeployedDemo

pytestmark = pytest.mark.integration

CURRENT_RUNTIMES = {"python3.12", "python3.13", "nodejs22.x", "java21"}
SCOPING_KEYS = {"aws:sourcearn", "aws:sourceaccount", "aws:principalorgid"}


class Demo:
    def __init__(self, endpoint_url: str, deployment: DemoDeployment) -> None:
        self.endpoint_url = endpoint_url
        self.deployment = deployment
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str = EU) -> Any:
        if (service, region) not in self._clients:
            self._clients[(service, region)] = make_client(service, region, self.endpoint_url)
        return self._clients[(service, region)]

    def function(self, name: str) -> dict[str, Any]:
        region = FUNCTIONS_BY_NAME[name].region
        return dict(self.client("lambda", region).get_function(FunctionName=name))

    def policy(self, name: str) -> list[dict[str, Any]]:
        region = FUNCTIONS_BY_NAME[name].region
        try:
            raw = self.client("lambda", region).get_policy(FunctionName=name)["Policy"]
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            return []
        return list(json.loads(raw)["Statement"])


@pytest.fixture(scope="module")
def demo(deployed_demo: DeployedDemo) -> Demo:
    return Demo(deployed_demo.endpoint_url, deployed_demo.deployment)


def _condition_keys(statement: dict[str, Any]) -> set[str]:
    return {k.lower() for block in statement.get("Condition", {}).values() for k in block}


def _principal(statement: dict[str, Any]) -> Any:
    principal = statement["Principal"]
    return principal.get("AWS", principal.get("Service")) if isinstance(principal, dict) else principal


# --- functions ------------------------------------------------------------------------------


def test_function_counts_per_region(demo: Demo) -> None:
    assert dict(demo.deployment.functions_per_region) == {EU: 48, US: 14}
    for region, names in plants.FUNCTIONS_BY_REGION.items():
        listed = demo.client("lambda", region).list_functions()["Functions"]
        assert sorted(f["FunctionName"] for f in listed) == sorted(names)
    assert {f.name for f in FUNCTIONS} == plants.ALL_FUNCTIONS


def test_runtimes_current_or_planted_deprecated(demo: Demo) -> None:
    for region in (EU, US):
        for config in demo.client("lambda", region).list_functions()["Functions"]:
            name, runtime = config["FunctionName"], config["Runtime"]
            expected = plants.DEPRECATED_RUNTIME_FUNCTIONS.get(name)
            assert runtime == expected if expected else runtime in CURRENT_RUNTIMES, name


def test_env_kms_keys_as_declared(demo: Demo) -> None:
    key_arns = set()
    for region in (EU, US):
        kms = demo.client("kms", region)
        key_arns |= {k["KeyArn"] for k in kms.list_keys()["Keys"]}
        for config in demo.client("lambda", region).list_functions()["Functions"]:
            name = config["FunctionName"]
            variables = config.get("Environment", {}).get("Variables", {})
            assert bool(variables) == (name not in plants.NO_ENV_FUNCTIONS), name
            has_cmk = bool(config.get("KMSKeyArn"))
            assert has_cmk == (bool(variables) and name not in plants.ENV_NO_CMK_FUNCTIONS), name
            if has_cmk:
                assert config["KMSKeyArn"] in key_arns


def _detect_secrets_types(key: str, value: str) -> set[str]:
    plugins: dict[str, Any] = get_mapping_from_secret_type_to_class()
    with default_settings():
        return {
            secret.type
            for plugin_class in plugins.values()
            for secret in plugin_class().analyze_line(filename="env", line=f'{key}="{value}"', line_number=1)
        }


def test_planted_env_secrets_are_real_detect_secrets_positives(demo: Demo) -> None:
    for name, keys in plants.ENV_SECRET_VARS.items():
        variables = demo.function(name)["Configuration"]["Environment"]["Variables"]
        assert plants.ENV_SECRET_FUNCTIONS[name] == keys[0]
        for key in keys:
            assert variables[key] in plants.PLANTED_SECRET_VALUES
            assert plants.ENV_SECRET_KINDS[key] in _detect_secrets_types(key, variables[key])


def test_only_the_planted_env_vars_look_secret(demo: Demo) -> None:
    from estate.secrets import detect_secret  # the project's detector, as the collector uses it

    flagged = set()
    for region in (EU, US):
        for config in demo.client("lambda", region).list_functions()["Functions"]:
            for key, value in config.get("Environment", {}).get("Variables", {}).items():
                if detect_secret(key, value):
                    flagged.add((config["FunctionName"], key))
    assert flagged == {(n, k) for n, keys in plants.ENV_SECRET_VARS.items() for k in keys}


def test_hostile_text_is_stored_verbatim(demo: Demo) -> None:
    got = demo.function(plants.HOSTILE_TEXT_FUNCTION)
    config = got["Configuration"]
    assert "\x1b[" in HOSTILE_TEXT and "[bold red]" in HOSTILE_TEXT
    assert config["Description"] == HOSTILE_TEXT
    assert config["Environment"]["Variables"]["BANNER_TEXT"] == HOSTILE_TEXT
    assert got["Tags"]["owner"] == HOSTILE_TEXT


def test_tracing_concurrency_and_tags(demo: Demo) -> None:
    for spec in FUNCTIONS:
        got = demo.function(spec.name)
        mode = got["Configuration"]["TracingConfig"]["Mode"]
        assert (mode == "PassThrough") == (spec.name in plants.NO_TRACING_FUNCTIONS), spec.name
        reserved = got.get("Concurrency", {}).get("ReservedConcurrentExecutions")
        assert reserved == plants.RESERVED_CONCURRENCY.get(spec.name), spec.name
        assert {"team", "cost-centre", "environment"} <= set(got["Tags"]), spec.name


# --- invocation paths -----------------------------------------------------------------------


def test_public_functions(demo: Demo) -> None:
    (public,) = [s for s in demo.policy("fx-rates-public") if s["Principal"] == "*"]
    assert "Condition" not in public and public["Action"] == "lambda:InvokeFunction"
    url = demo.client("lambda", US).get_function_url_config(FunctionName="partner-webhook-receiver")
    assert url["AuthType"] == "NONE" and url["Cors"]["AllowOrigins"] == ["*"]
    (url_grant,) = demo.policy("partner-webhook-receiver")
    assert url_grant["Principal"] == "*" and url_grant["Action"] == "lambda:InvokeFunctionUrl"
    assert url_grant["FunctionUrlAuthType"] == "NONE"  # moto's shape, see LOCAL-AWS.md


def test_only_the_planted_functions_have_an_unscoped_star(demo: Demo) -> None:
    unscoped = {
        spec.name
        for spec in FUNCTIONS
        for statement in demo.policy(spec.name)
        if _principal(statement) == "*" and not _condition_keys(statement) & SCOPING_KEYS
    }
    assert unscoped == set(plants.PUBLIC_FUNCTIONS)


def test_not_public_traps_are_scoped(demo: Demo) -> None:
    for name in plants.NOT_PUBLIC_TRAPS:
        statements = demo.policy(name)
        for statement in statements:
            principal = _principal(statement)
            if principal == "*":
                assert _condition_keys(statement) & SCOPING_KEYS, name
            else:
                assert str(principal).endswith(".amazonaws.com"), name
    assert demo.policy("feature-flags-api") == []
    url = demo.client("lambda").get_function_url_config(FunctionName="feature-flags-api")
    assert url["AuthType"] == "AWS_IAM"
    (s3_only_arn,) = demo.policy("settlement-file-ingest")
    assert _condition_keys(s3_only_arn) == {"aws:sourcearn"}
    (s3_both,) = demo.policy("statements-ingest")
    assert s3_both["Condition"]["StringEquals"]["AWS:SourceAccount"] == DEMO_ACCOUNT


def test_cross_account_grant(demo: Demo) -> None:
    for name, account in plants.CROSS_ACCOUNT_INVOKE_FUNCTIONS.items():
        principals = {str(_principal(s)) for s in demo.policy(name)}
        assert account in principals or f"arn:aws:iam::{account}:root" in principals


def test_rest_api_routes_and_permissions(demo: Demo) -> None:
    apigw = demo.client("apigateway")
    (api,) = apigw.get_rest_apis()["items"]
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]}
    method = apigw.get_method(
        restApiId=api["id"], resourceId=resources["/payments/{paymentId}"]["id"], httpMethod="GET"
    )
    assert method["authorizationType"] == "NONE"
    assert "payments-status" in method["methodIntegration"]["uri"]
    assert apigw.get_stage(restApiId=api["id"], stageName="prod")["stageName"] == "prod"
    (grant,) = demo.policy("payments-status")
    assert grant["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert grant["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(f"{api['id']}/*/GET/payments/*")
    assert any("/authorizers/" in str(s.get("Condition")) for s in demo.policy("payments-api-authorizer"))


def test_http_api_routes(demo: Demo) -> None:
    apigw2 = demo.client("apigatewayv2")
    (api,) = apigw2.get_apis()["Items"]
    routes = {r["RouteKey"]: r for r in apigw2.get_routes(ApiId=api["ApiId"])["Items"]}
    assert routes["GET /partner/fx/quote"]["AuthorizationType"] == "JWT"
    assert routes["POST /partner/onboarding"]["AuthorizationType"] == "AWS_IAM"
    (star,) = demo.policy("merchant-onboarding-hook")
    assert star["Principal"] == "*" and api["ApiId"] in star["Condition"]["ArnLike"]["AWS:SourceArn"]


def test_schedules_queues_streams_topics_buckets(demo: Demo) -> None:
    events = demo.client("events")
    rule = events.describe_rule(Name="settlement-nightly")
    assert rule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    (target,) = events.list_targets_by_rule(Rule="settlement-nightly")["Targets"]
    assert target["Arn"].endswith(":function:settlement-batch")
    mappings = demo.client("lambda").list_event_source_mappings()["EventSourceMappings"]
    sources = {(m["EventSourceArn"].split(":")[5], m["FunctionArn"].rsplit(":", 1)[1]) for m in mappings}
    assert ("ledger-events", "ledger-writer") in sources
    assert any(s.startswith("table/ledger-entries/stream/") and f == "ledger-projector" for s, f in sources)
    subs = demo.client("sns", US).list_subscriptions()["Subscriptions"]
    assert {s["Endpoint"].rsplit(":", 1)[1] for s in subs if s["Protocol"] == "lambda"} == {
        "notify-email",
        "notify-sms",
        "notify-push",
    }
    notification = demo.client("s3").get_bucket_notification_configuration(Bucket="fintech-kyc-documents-eu")
    (config,) = notification["LambdaFunctionConfigurations"]
    assert config["LambdaFunctionArn"].endswith(":function:kyc-document-check")


# --- network --------------------------------------------------------------------------------


def _default_route_targets(demo: Demo, region: str, subnet_ids: list[str]) -> set[str]:
    tables = demo.client("ec2", region).describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": subnet_ids}]
    )["RouteTables"]
    return {
        route.get("GatewayId") or route.get("NatGatewayId", "")
        for table in tables
        for route in table["Routes"]
        if route.get("DestinationCidrBlock") == "0.0.0.0/0"
    }


def test_vpc_placement_as_declared(demo: Demo) -> None:
    for spec in FUNCTIONS:
        vpc = demo.function(spec.name)["Configuration"].get("VpcConfig") or {}
        subnets = vpc.get("SubnetIds", [])
        assert bool(subnets) == (spec.name in plants.VPC_FUNCTIONS), spec.name
        if not subnets:
            continue
        zones = {
            s["AvailabilityZone"]
            for s in demo.client("ec2", spec.region).describe_subnets(SubnetIds=subnets)["Subnets"]
        }
        assert (len(zones) == 1) == (spec.name in plants.SINGLE_AZ_FUNCTIONS), spec.name
        if spec.region == EU:
            targets = _default_route_targets(demo, EU, subnets)
            expected = "igw-" if spec.name in plants.PUBLIC_SUBNET_FUNCTIONS else "nat-"
            assert targets and all(t.startswith(expected) for t in targets), spec.name


def test_gateway_endpoints_on_the_private_route_table(demo: Demo) -> None:
    endpoints = demo.client("ec2").describe_vpc_endpoints()["VpcEndpoints"]
    gateways = {e["ServiceName"].rsplit(".", 1)[1]: e for e in endpoints if e["VpcEndpointType"] == "Gateway"}
    assert set(gateways) == {"s3", "dynamodb"}
    private = demo.function("payments-authorize")["Configuration"]["VpcConfig"]["SubnetIds"]
    tables = demo.client("ec2").describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": private}]
    )["RouteTables"]
    assert {t["RouteTableId"] for t in tables} <= set(gateways["s3"]["RouteTableIds"])


# --- IAM ------------------------------------------------------------------------------------


def _inline_statements(iam: Any, role: str) -> list[dict[str, Any]]:
    return [
        statement
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
        for statement in iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]["Statement"]
    ]


def test_iam_plants(demo: Demo) -> None:
    iam = demo.client("iam")
    for role, managed in plants.MANAGED_ATTACHMENTS.items():
        attached = {
            p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        }
        assert set(managed) <= attached, role
    assert any(
        s["Action"] == "*" and s["Resource"] == "*" for s in _inline_statements(iam, "break-glass-role")
    )
    boundary = iam.get_role(RoleName="fraud-features-role")["Role"]["PermissionsBoundary"]
    assert boundary["PermissionsBoundaryArn"].endswith(":policy/fraud-dynamodb-read-boundary")
    arn = f"arn:aws:iam::{DEMO_ACCOUNT}:policy/ledger-data-access"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v1", "v2"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    assert any(s["Effect"] == "Deny" for s in _inline_statements(iam, "notify-role"))
    assert any("NotAction" in s for s in _inline_statements(iam, "reporting-role"))
    trust = iam.get_role(RoleName="partner-access-role")["Role"]["AssumeRolePolicyDocument"]
    assert "210987654321" in json.dumps(trust) and "ExternalId" not in json.dumps(trust)
    assert {u["UserName"] for u in iam.list_users()["Users"]} >= {"ci-deployer", "alice-analyst"}


def test_privesc_chain_hops_are_deployed(demo: Demo) -> None:
    iam = demo.client("iam")
    function, _, first_role = plants.PRIVESC_CHAIN[0]
    assert demo.function(function)["Configuration"]["Role"].endswith(f":role/{first_role}")
    for source, method, target in plants.PRIVESC_CHAIN[1:]:
        granted = {
            a
            for s in _inline_statements(iam, source)
            if s["Effect"] == "Allow"
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
        assert {m.strip() for m in method.split("+")} <= granted, (source, method)
        assert iam.get_role(RoleName=target)["Role"]["RoleName"] == target
    assert plants.PRIVESC_CHAIN[-1][2] in plants.ADMIN_ROLES
    trust = iam.get_role(RoleName="ops-automation-role")["Role"]["AssumeRolePolicyDocument"]
    assert ":role/fraud-score-role" in json.dumps(trust)
    admin = iam.get_role(RoleName="platform-admin-role")["Role"]["AssumeRolePolicyDocument"]
    assert "lambda.amazonaws.com" in json.dumps(admin)  # can be passed to a new function


# --- data stores ----------------------------------------------------------------------------


def test_store_plants(demo: Demo) -> None:
    (db,) = demo.client("rds").describe_db_instances()["DBInstances"]
    assert db["DBInstanceIdentifier"] == "ledger-db" and db["StorageEncrypted"] is False
    assert {"Key": "DataClassification", "Value": "pci"} in db["TagList"]
    with pytest.raises(ClientError):
        demo.client("s3").get_bucket_encryption(Bucket="fintech-raw-uploads-eu")
    sqs = demo.client("sqs")
    legacy = sqs.get_queue_url(QueueName="legacy-settlement-jobs")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=legacy, AttributeNames=["All"])["Attributes"]
    assert "KmsMasterKeyId" not in attributes and attributes["SqsManagedSseEnabled"] == "false"
    assert "DataClassification" not in sqs.list_queue_tags(QueueUrl=legacy).get("Tags", {})
    table = demo.client("dynamodb").describe_table(TableName="idempotency-keys")["Table"]
    tags = demo.client("dynamodb").list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert "DataClassification" not in {t["Key"] for t in tags}
    topic = f"arn:aws:sns:{EU}:{DEMO_ACCOUNT}:statements-ready"
    assert "KmsMasterKeyId" not in demo.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
    kms = demo.client("kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert kms.get_key_rotation_status(KeyId=aliases["alias/payments-cmk"])["KeyRotationEnabled"]
    assert not kms.get_key_rotation_status(KeyId=aliases["alias/ledger-cmk"])["KeyRotationEnabled"]


# --- audit and monitoring -------------------------------------------------------------------

# Asynchronously invoked functions (catalogue_invokers.py: rules, SNS, S3), written out by hand.
ASYNC_FUNCTIONS = {
    *("settlement-batch", "settlement-report", "ledger-reconcile", "ledger-export-legacy"),
    *("payouts-stripe-sync", "fx-rates-refresh", "fraud-model-refresh", "statements-render"),
    *("platform-janitor", "audit-log-shipper", "statements-render-dr", "notify-digest"),
    *("kyc-watchlist-sync", "dr-health-probe", "card-lifecycle-events", "statements-dispatch"),
    *("notify-email", "notify-sms", "notify-push", "statements-ingest", "kyc-document-check"),
    *("settlement-file-ingest", "statements-archive-dr"),
}


def test_log_groups_retention_as_planted(demo: Demo) -> None:
    retention: dict[str, int | None] = {}
    for region in (EU, US):
        for group in demo.client("logs", region).describe_log_groups(logGroupNamePrefix="/aws/lambda/")[
            "logGroups"
        ]:
            retention[group["logGroupName"].removeprefix("/aws/lambda/")] = group.get("retentionInDays")
    assert set(retention) == plants.ALL_FUNCTIONS
    odd = {name: days for name, days in retention.items() if days != plants.STANDARD_LOG_RETENTION_DAYS}
    assert odd == plants.LOG_RETENTION_PLANTS


def test_alarms_on_errors_and_throttles_but_the_planted(demo: Demo) -> None:
    watched: dict[str, set[str]] = {}
    for region in (EU, US):
        for alarm in demo.client("cloudwatch", region).describe_alarms()["MetricAlarms"]:
            assert alarm["Namespace"] == "AWS/Lambda" and alarm["AlarmActions"], alarm["AlarmName"]
            (dimension,) = alarm["Dimensions"]
            assert dimension["Name"] == "FunctionName"
            assert FUNCTIONS_BY_NAME[dimension["Value"]].region == region
            watched.setdefault(dimension["Value"], set()).add(alarm["MetricName"])
    assert set(watched) == plants.ALL_FUNCTIONS - set(plants.NO_ALARM_FUNCTIONS)
    assert all(metrics == {"Errors", "Throttles"} for metrics in watched.values())


def test_trail_logs_lambda_data_events_in_eu_only(demo: Demo) -> None:
    (trail,) = demo.client("cloudtrail").describe_trails()["trailList"]
    assert trail["HomeRegion"] == EU and trail["IsMultiRegionTrail"] is False
    cloudtrail = demo.client("cloudtrail")
    assert cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True
    (selector,) = cloudtrail.get_event_selectors(TrailName=trail["TrailARN"])["EventSelectors"]
    assert selector["DataResources"] == [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]
    assert demo.client("cloudtrail", US).describe_trails(includeShadowTrails=True)["trailList"] == []
    assert {US} == plants.TRAIL_GAP_REGIONS


def test_on_failure_destinations_on_async_functions_but_the_planted(demo: Demo) -> None:
    configured: dict[str, str] = {}
    for name in sorted(plants.ALL_FUNCTIONS):
        region = FUNCTIONS_BY_NAME[name].region
        configs = demo.client("lambda", region).list_function_event_invoke_configs(FunctionName=name)
        for config in configs["FunctionEventInvokeConfigs"]:
            configured[name] = config["DestinationConfig"]["OnFailure"]["Destination"]
    assert set(configured) == ASYNC_FUNCTIONS - set(plants.NO_DLQ_FUNCTIONS)
    for name, target in configured.items():
        region = FUNCTIONS_BY_NAME[name].region
        assert target.startswith(f"arn:aws:sqs:{region}:{DEMO_ACCOUNT}:lambda-async-failures-"), name


# --- metrics --------------------------------------------------------------------------------


def test_metrics_read_back_exactly(demo: Demo) -> None:
    assert demo.deployment.metric_datums > 0
    start = DEMO_METRICS_END - timedelta(days=1)
    expected = generate_series(FUNCTIONS_BY_NAME["payments-authorize"], 1)
    queries: list[dict[str, Any]] = [
        {
            "Id": f"m{i}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": "payments-authorize"}],
                },
                "Period": 300,
                "Stat": "Sum",
            },
        }
        for i, metric in enumerate(expected)
    ]
    results = demo.client("cloudwatch").get_metric_data(
        MetricDataQueries=queries, StartTime=start, EndTime=DEMO_METRICS_END, ScanBy="TimestampAscending"
    )["MetricDataResults"]
    for query, result in zip(queries, results, strict=True):
        metric = query["MetricStat"]["Metric"]["MetricName"]
        points = [(t.astimezone(UTC), v) for t, v in zip(result["Timestamps"], result["Values"], strict=True)]
        assert points == expected[metric] and len(points) > 200, metric


# --- the local AWS's speedups ---------------------------------------------------------------

_NAMESPACES = ("AWS/Lambda", "Custom/App")
_NAMES = ("Invocations", "Errors", "Latency")
_DIMENSION_SETS: tuple[list[dict[str, str]], ...] = (
    [],
    [{"Name": "FunctionName", "Value": "a"}],
    [{"Name": "FunctionName", "Value": "b"}],
    [{"Name": "FunctionName", "Value": "a"}, {"Name": "Resource", "Value": "a:live"}],
    [{"Name": "Resource", "Value": "a:live"}, {"Name": "FunctionName", "Value": "a"}],
)


def _random_datums(rng: random.Random, start: datetime, count: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(count):
        datum: dict[str, Any] = {
            "MetricName": rng.choice(_NAMES),
            "Dimensions": rng.choice(_DIMENSION_SETS),
            "Timestamp": start + timedelta(seconds=rng.randrange(0, 4 * 3600)),
            "Unit": rng.choice(["Count", "Milliseconds"]),
        }
        shape = rng.random()
        if shape < 0.7:
            datum["Value"] = round(rng.uniform(-5, 500), rng.choice([0, 3, 7]))
        elif shape < 0.85:
            datum["Values"] = [rng.uniform(0, 9) for _ in range(3)]
            datum["Counts"] = [1.0, 2.0, 1.0]
        else:
            low, high = sorted((rng.uniform(0, 50), rng.uniform(0, 50)))
            datum["StatisticValues"] = {
                "SampleCount": 4.0,
                "Sum": low + high * 3,
                "Minimum": low,
                "Maximum": high,
            }
        out.append(datum)
    return out


def _random_queries(rng: random.Random, count: int) -> list[dict[str, Any]]:
    queries = []
    for i in range(count):
        stat: dict[str, Any] = {
            "Metric": {
                "Namespace": rng.choice(_NAMESPACES),
                "MetricName": rng.choice(_NAMES),
                "Dimensions": rng.choice(_DIMENSION_SETS),
            },
            "Period": rng.choice([60, 300, 900, 3600]),
            "Stat": rng.choice(["Sum", "Average", "Minimum", "Maximum", "SampleCount"]),
        }
        if rng.random() < 0.2:
            stat["Unit"] = rng.choice(["Count", "Milliseconds"])
        query: dict[str, Any] = {"Id": f"q{i}", "MetricStat": stat}
        if rng.random() < 0.2:
            query["Label"] = f"label {i}"
        if rng.random() < 0.1:
            query["ReturnData"] = False
        queries.append(query)
    queries.append(
        {
            "Id": "s3",
            "MetricStat": {
                "Metric": {  # moto's computed S3 metrics
                    "Namespace": "AWS/S3",
                    "MetricName": "NumberOfObjects",
                },
                "Period": 86400,
                "Stat": "Sum",
            },
        }
    )
    return queries


def test_indexed_get_metric_data_equals_moto(moto_endpoint: str) -> None:
    """Against the worker's own local AWS: the two methods are called on its in-process backend."""
    from moto.cloudwatch.models import cloudwatch_backends

    rng = random.Random(7)
    region = "ap-southeast-2"
    start = datetime(2026, 10, 30, 9, 0, 7, tzinfo=UTC)
    client = make_client("cloudwatch", region, moto_endpoint)
    s3 = make_client("s3", EU, moto_endpoint)  # buckets: moto computes AWS/S3 metrics from them
    for bucket in ("metrics-a", "metrics-b"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": EU})
        s3.put_object(Bucket=bucket, Key="object", Body=b"x" * 10)
    for _round in range(2):  # the second round exercises the incremental index
        for namespace in _NAMESPACES:
            client.put_metric_data(Namespace=namespace, MetricData=_random_datums(rng, start, 400))
        backend = cloudwatch_backends[DEMO_ACCOUNT][region]
        day_start = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
        windows = [
            (
                start.replace(tzinfo=None) - timedelta(minutes=13),
                start.replace(tzinfo=None) + timedelta(hours=5),
            ),
            (
                start.replace(tzinfo=None) + timedelta(minutes=61, microseconds=500),
                start.replace(tzinfo=None) + timedelta(hours=2, seconds=1),
            ),
            (day_start - timedelta(days=1), day_start + timedelta(days=1)),
        ]
        for first, last in windows:
            for scan_by in ("TimestampAscending", "TimestampDescending"):
                queries = _random_queries(rng, 40)
                ours = cloudwatch_index.indexed_get_metric_data(backend, queries, first, last, scan_by)
                theirs = cloudwatch_index.ORIGINAL_GET_METRIC_DATA(backend, queries, first, last, scan_by)
                assert ours == theirs
                assert any(r["values"] for r in ours)


def test_indexed_get_metric_data_equals_moto_over_http(demo: Demo, deployed_demo: DeployedDemo) -> None:
    client = demo.client("cloudwatch")
    request = {
        "MetricDataQueries": [
            {
                "Id": "a",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": "Duration",
                        "Dimensions": [{"Name": "FunctionName", "Value": "ledger-writer"}],
                    },
                    "Period": 900,
                    "Stat": "Average",
                },
            },
            {
                "Id": "b",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors"},
                    "Period": 3600,
                    "Stat": "Maximum",
                },
            },
            {"Id": "e", "Expression": "a * 2"},  # metric math: served by moto's own method
        ],
        "StartTime": DEMO_METRICS_END - timedelta(hours=6, minutes=7),
        "EndTime": DEMO_METRICS_END,
    }
    indexed = client.get_metric_data(**request)["MetricDataResults"]
    deployed_demo.aws.set_cloudwatch_index(False)  # in the server's process
    try:
        original = client.get_metric_data(**request)["MetricDataResults"]
    finally:
        deployed_demo.aws.set_cloudwatch_index(True)
    assert indexed == original and len(indexed[0]["Values"]) == 25


def test_fast_timestamp_parser_equals_moto() -> None:
    values: list[Any] = [
        0,
        1,
        1761955200,
        1761955200.5,
        1761955200.123456,
        1761955200.9999995,
        -1.5,
        2**31 + 0.25,
        253402300799,
        "1761955200",
        "2026-10-31T12:00:00Z",
    ]
    values += [random.Random(3).uniform(0, 4e9) for _ in range(200)]
    for value in values:
        assert moto_timestamps.fast_timestamp_parser(value) == (
            moto_timestamps.ORIGINAL_TIMESTAMP_PARSER(value)
        ), value


# --- determinism (deploys a second demo into the per-test local AWS) ---------------------------


def _generated_ids(demo: Demo) -> dict[str, Any]:
    ec2, lam = demo.client("ec2"), demo.client("lambda")
    return {
        "subnets": sorted(
            s["SubnetId"]
            for s in ec2.describe_subnets()["Subnets"]
            if s["CidrBlock"].startswith("10.20.")  # moto's default VPC predates the seed
        ),
        "endpoints": sorted(e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]),
        "keys": sorted(k["KeyArn"] for k in demo.client("kms").list_keys()["Keys"]),
        "apis": [a["id"] for a in demo.client("apigateway").get_rest_apis()["items"]],
        "url": demo.client("lambda", US).get_function_url_config(FunctionName="partner-webhook-receiver")[
            "FunctionUrl"
        ],
        "secrets": sorted(s["ARN"] for s in demo.client("secretsmanager").list_secrets()["SecretList"]),
        "mappings": sorted(m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"]),
        "code": lam.get_function(FunctionName="ledger-writer")["Configuration"]["CodeSha256"],
    }


def test_redeploying_gives_the_same_ids(demo: Demo, deployed_demo: DeployedDemo, moto_endpoint: str) -> None:
    """A second deployment, into a reset server of another process, gives the same ids and datums."""
    before = _generated_ids(demo)
    from moto.cloudwatch.models import cloudwatch_backends

    datums = deployed_demo.aws.metric_data(DEMO_ACCOUNT, EU)
    again = deploy_demo(moto_endpoint, metrics_days=1)
    assert _generated_ids(Demo(moto_endpoint, again)) == before
    assert again.metric_datums == demo.deployment.metric_datums
    assert len(cloudwatch_backends[DEMO_ACCOUNT][EU].metric_data) == datums
