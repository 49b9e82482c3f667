"""The services beyond functions, for the import-equals-collect tests: API Gateway (REST with a
custom authorizer and a custom domain; HTTP with a JWT authorizer and a domain), EventBridge (a
custom bus and the default one), Scheduler (two groups), SSM, RDS, a Lambda layer,
Organizations (an SCP on the account), CloudWatch metrics and CloudTrail's recent Lambda events
(planted: moto lacks LookupEvents, tests/integration/lookup_events.py); deployed into moto, and
dumped as scripts/dump-estate.sh writes them (the CLI's JSON, or its error text when moto refuses).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from tests.integration.lambda_code import handler_zip

REGION = "eu-west-1"
ACCOUNT = "123456789012"
# The metrics window both the dump and the live collection read: one day ending here.
METRICS_END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
METRICS_DAYS = 1
_CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0a1b2c3d"


def _uri(function_arn: str) -> str:
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def deploy_services(endpoint: str, arns: dict[str, str], role: str) -> None:
    client = lambda service: boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # noqa: E731
    rest = client("apigateway")
    api = rest.create_rest_api(name="payments")["id"]
    root = rest.get_resources(restApiId=api)["items"][0]["id"]
    resource = rest.create_resource(restApiId=api, parentId=root, pathPart="pay")["id"]
    authorizer = rest.create_authorizer(
        restApiId=api,
        name="token",
        type="TOKEN",
        authorizerUri=_uri(arns["worker"]),
        identitySource="method.request.header.Authorization",
    )["id"]
    rest.put_method(
        restApiId=api,
        resourceId=resource,
        httpMethod="POST",
        authorizationType="CUSTOM",
        authorizerId=authorizer,
    )
    rest.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="POST",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=_uri(arns["public"]),
    )
    rest.create_deployment(restApiId=api, stageName="prod")
    rest.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn=_CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_0",
    )
    rest.create_base_path_mapping(domainName="api.example.com", restApiId=api, stage="prod")

    http = client("apigatewayv2")
    hapi = http.create_api(Name="web", ProtocolType="HTTP")["ApiId"]
    integration = http.create_integration(
        ApiId=hapi, IntegrationType="AWS_PROXY", IntegrationUri=arns["url"], PayloadFormatVersion="2.0"
    )["IntegrationId"]
    jwt = http.create_authorizer(
        ApiId=hapi,
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        Name="jwt",
        JwtConfiguration={"Audience": ["web"], "Issuer": "https://issuer.example.com"},
    )["AuthorizerId"]
    http.create_route(
        ApiId=hapi,
        RouteKey="GET /web",
        Target=f"integrations/{integration}",
        AuthorizationType="JWT",
        AuthorizerId=jwt,
    )
    http.create_route(ApiId=hapi, RouteKey="POST /open", Target=f"integrations/{integration}")
    http.create_stage(ApiId=hapi, StageName="$default")
    http.create_domain_name(
        DomainName="web.example.com",
        DomainNameConfigurations=[
            {"CertificateArn": _CERT, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
        ],
    )
    http.create_api_mapping(DomainName="web.example.com", ApiId=hapi, Stage="$default")

    events = client("events")
    events.create_event_bus(Name="orders")
    events.put_rule(Name="on-order", EventBusName="orders", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="on-order", EventBusName="orders", Targets=[{"Id": "1", "Arn": arns["worker"]}])
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "1", "Arn": arns["private"]}])

    scheduler = client("scheduler")
    scheduler.create_schedule_group(Name="ops")
    for group in ("default", "ops"):
        scheduler.create_schedule(
            Name="tick",
            GroupName=group,
            ScheduleExpression="rate(5 minutes)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": arns["private"], "RoleArn": role},
        )

    ssm = client("ssm")
    ssm.put_parameter(Name="/payments/api-key", Value="not-stored", Type="SecureString")
    ssm.put_parameter(Name="feature-flags", Value="on", Type="String")
    rds = client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="ledger",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="ledger",
        MasterUserPassword="not-a-real-pass-1",
        StorageEncrypted=False,
    )
    rds.create_db_cluster(
        DBClusterIdentifier="statements",
        Engine="aurora-postgresql",
        MasterUsername="statements",
        MasterUserPassword="not-a-real-pass-1",
        StorageEncrypted=True,
    )

    lam = client("lambda")
    lam.publish_layer_version(LayerName="shared", Content={"ZipFile": handler_zip()})
    # Not every moto version keeps layer policies; the read is then a refusal on both sides.
    with contextlib.suppress(ClientError):
        lam.add_layer_version_permission(
            LayerName="shared",
            VersionNumber=1,
            StatementId="any",
            Action="lambda:GetLayerVersion",
            Principal="*",
        )

    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "lambda:DeleteFunction", "Resource": "*"}],
    }
    policy = org.create_policy(
        Content=json.dumps(deny), Description="no deletes", Name="no-deletes", Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=ACCOUNT)

    cloudwatch = client("cloudwatch")
    for hours, value in ((2, 5.0), (3, 7.0)):
        stamp = METRICS_END - dt.timedelta(hours=hours)
        cloudwatch.put_metric_data(
            Namespace="AWS/Lambda",
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": name}],
                    "Timestamp": stamp,
                    "Value": value,
                }
                for name in ("public", "worker")
                for metric in ("Invocations", "Errors")
            ],
        )


def cli_json(response: Any) -> str:
    """What `aws ... --output json` prints for a boto3 response (nothing for an empty answer)."""
    data = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return (
        ""
        if data == {}
        else json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.datetime) else str(v))
    )


def save(path: Path, client: Any, method: str, **params: Any) -> Any:
    """`client.method(**params)` as the CLI saves it in `path` (its JSON, or its error text when the
    call fails); the response, or None on an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        response = getattr(client, method)(**params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "Error")
        operation = client.meta.method_to_api_mapping[method]
        message = error.get("Message", "")
        path.write_text(f"\nAn error occurred ({code}) when calling the {operation} operation: {message}\n")
        return None
    path.write_text(cli_json(response))
    return response


def _items(response: Any, key: str) -> list[Any]:
    return list((response or {}).get(key, []))


def dump_services(endpoint: str, root: Path) -> None:
    """The files scripts/dump-estate.sh writes for the services above."""
    c = lambda service: boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # noqa: E731
    r, g = root / REGION, root / "global"
    _dump_invokers(c, r)
    lam = c("lambda")
    for layer in _items(save(r / "lambda-list-layers.json", lam, "list_layers"), "Layers"):
        name = layer["LayerName"]
        versions = save(
            r / f"lambda-list-layer-versions/{name}.json", lam, "list_layer_versions", LayerName=name
        )
        for version in _items(versions, "LayerVersions"):
            number = version["Version"]
            path = r / f"lambda-get-layer-version-policy/{name}@{number}.json"
            save(path, lam, "get_layer_version_policy", LayerName=name, VersionNumber=number)
    save(r / "lambda-get-account-settings.json", lam, "get_account_settings")
    save(r / "lambda-list-code-signing-configs.json", lam, "list_code_signing_configs")
    kms = c("kms")  # the aliases say which key alias/aws/ssm is (a SecureString's encryption)
    save(r / "kms-list-keys.json", kms, "list_keys", Limit=1000)
    save(r / "kms-list-aliases.json", kms, "list_aliases", Limit=100)
    save(r / "ssm-describe-parameters.json", c("ssm"), "describe_parameters")
    save(r / "rds-describe-db-instances.json", c("rds"), "describe_db_instances")
    save(r / "rds-describe-db-clusters.json", c("rds"), "describe_db_clusters")
    _dump_organization(c, g)
    _dump_metrics(c, r)
    _dump_changes(c, r)


def _dump_invokers(c: Callable[[str], Any], r: Path) -> None:
    rest = c("apigateway")
    for api in _items(save(r / "apigateway-get-rest-apis.json", rest, "get_rest_apis"), "items"):
        i = api["id"]
        save(r / f"apigateway-get-resources/{i}.json", rest, "get_resources", restApiId=i, embed=["methods"])
        save(r / f"apigateway-get-authorizers/{i}.json", rest, "get_authorizers", restApiId=i)
        save(r / f"apigateway-get-stages/{i}.json", rest, "get_stages", restApiId=i)
    for domain in _items(save(r / "apigateway-get-domain-names.json", rest, "get_domain_names"), "items"):
        d = domain["domainName"]
        save(r / f"apigateway-get-base-path-mappings/{d}.json", rest, "get_base_path_mappings", domainName=d)
    http = c("apigatewayv2")
    for api in _items(save(r / "apigatewayv2-get-apis.json", http, "get_apis"), "Items"):
        i = api["ApiId"]
        routes = save(r / f"apigatewayv2-get-routes/{i}.json", http, "get_routes", ApiId=i)
        save(r / f"apigatewayv2-get-integrations/{i}.json", http, "get_integrations", ApiId=i)
        save(r / f"apigatewayv2-get-stages/{i}.json", http, "get_stages", ApiId=i)
        for auth in sorted({x["AuthorizerId"] for x in _items(routes, "Items") if x.get("AuthorizerId")}):
            path = r / f"apigatewayv2-get-authorizer/{i}@{auth}.json"
            save(path, http, "get_authorizer", ApiId=i, AuthorizerId=auth)
    for domain in _items(save(r / "apigatewayv2-get-domain-names.json", http, "get_domain_names"), "Items"):
        d = domain["DomainName"]
        save(r / f"apigatewayv2-get-api-mappings/{d}.json", http, "get_api_mappings", DomainName=d)
    events = c("events")
    for bus in _items(save(r / "events-list-event-buses.json", events, "list_event_buses"), "EventBuses"):
        b = bus["Name"]
        save(r / f"events-describe-event-bus/{b}.json", events, "describe_event_bus", Name=b)
        rules = save(r / f"events-list-rules/{b}.json", events, "list_rules", EventBusName=b)
        for rule in _items(rules, "Rules"):
            path = r / f"events-list-targets-by-rule/{b}@{rule['Name']}.json"
            save(path, events, "list_targets_by_rule", Rule=rule["Name"], EventBusName=b)
    scheduler = c("scheduler")
    for schedule in _items(
        save(r / "scheduler-list-schedules.json", scheduler, "list_schedules"), "Schedules"
    ):
        group, name = schedule.get("GroupName") or "default", schedule["Name"]
        save(
            r / f"scheduler-get-schedule/{group}@{name}.json",
            scheduler,
            "get_schedule",
            Name=name,
            GroupName=group,
        )


def _dump_organization(c: Callable[[str], Any], g: Path) -> None:
    org = c("organizations")
    if save(g / "organizations-describe-organization.json", org, "describe_organization") is None:
        return
    types = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
    ids: set[str] = set()
    for kind in types:
        listed = save(g / f"organizations-list-policies/{kind}.json", org, "list_policies", Filter=kind)
        ids.update(p["Id"] for p in _items(listed, "Policies"))
    for i in sorted(ids):
        save(g / f"organizations-describe-policy/{i}.json", org, "describe_policy", PolicyId=i)
    child, last = ACCOUNT, ""
    while True:
        for kind in types:
            path = g / f"organizations-list-policies-for-target/{child}@{kind}.json"
            save(path, org, "list_policies_for_target", TargetId=child, Filter=kind)
        if last == "ROOT":
            return
        parents = _items(
            save(g / f"organizations-list-parents/{child}.json", org, "list_parents", ChildId=child),
            "Parents",
        )
        if not parents:
            return
        child, last = parents[0]["Id"], parents[0]["Type"]


def _dump_metrics(c: Callable[[str], Any], r: Path) -> None:
    """As dump_metrics in the script: the collector's queries, 500 a batch, request beside output."""
    from estate.sources.live.cloudwatch import METRIC_STATS, PERCENTILE_STATS, metric_window
    from estate.sources.live.cloudwatch import _queries as collector_queries

    names = [
        f["FunctionName"] for f in json.loads((r / "lambda-list-functions.json").read_text())["Functions"]
    ]
    start, end = metric_window(METRICS_DAYS, METRICS_END, 300)
    cloudwatch = c("cloudwatch")
    for prefix, stats in (("q", METRIC_STATS), ("p", PERCENTILE_STATS)):
        queries = list(collector_queries(names, 300, stats, prefix))
        for n, i in enumerate(range(0, len(queries), 500), start=1):
            batch = queries[i : i + 500]
            request = {
                "MetricDataQueries": batch,
                "StartTime": start.isoformat().replace("+00:00", "Z"),
                "EndTime": end.isoformat().replace("+00:00", "Z"),
                "ScanBy": "TimestampAscending",
            }
            path = r / f"cloudwatch-get-metric-data-queries/{prefix}-{n:04d}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(request))
            output = r / f"cloudwatch-get-metric-data/{prefix}-{n:04d}.json"
            save(
                output,
                cloudwatch,
                "get_metric_data",
                MetricDataQueries=batch,
                StartTime=start,
                EndTime=end,
                ScanBy="TimestampAscending",
            )


def _dump_changes(c: Callable[[str], Any], r: Path) -> None:
    """As dump_changes in the script: the request (the window) beside what the CLI prints for it,
    the CLI's paginator joining pages of 50 up to --max-items 1000."""
    from estate.sources.live.cloudwatch import metric_window

    start, end = metric_window(METRICS_DAYS, METRICS_END, 300)
    request = {
        "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": "lambda.amazonaws.com"}],
        "StartTime": start.isoformat().replace("+00:00", "Z"),
        "EndTime": end.isoformat().replace("+00:00", "Z"),
    }
    path = r / "cloudtrail-lookup-events-request.json"
    path.write_text(json.dumps(request))
    pages = (
        c("cloudtrail")
        .get_paginator("lookup_events")
        .paginate(**request, PaginationConfig={"PageSize": 50, "MaxItems": 1000})
    )
    (r / "cloudtrail-lookup-events.json").write_text(cli_json(pages.build_full_result()))
