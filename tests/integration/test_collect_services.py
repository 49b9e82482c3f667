"""Collect every kind of resource the analyses need from a moto server, in two regions and two
accounts, and check the raw records are there with the fields that matter.

The estate is small and self-contained (a few resources of each kind, deployed with boto3 here),
so the module's one deployment and one collection take seconds. `deploy_estate` is also used by
test_collect_faults.py.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from estate.snapshot import Record, Snapshot
from estate.sources.live import CollectOptions, collect
from tests.integration.lambda_code import TRUST
from tests.integration.lambda_code import handler_zip as _zip

pytestmark = pytest.mark.integration

REGIONS = ("eu-west-1", "us-east-1")
SECOND_ACCOUNT = "210987654321"
SECRET_VALUE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"  # a planted env var value: must never be stored


@dataclass(frozen=True)
class Deployed:
    endpoint: str
    account: str
    functions: dict[str, str]  # "region/name" -> ARN
    rest_api: str
    key_id: str
    table_arn: str
    bucket: str


def _session(endpoint: str, credentials: dict[str, str] | None = None) -> Any:
    settings: dict[str, Any] = dict(credentials or {})
    session = boto3.session.Session(**settings)
    return lambda service, region: session.client(service, region_name=region, endpoint_url=endpoint)


def deploy_region(client: Any, region: str, role: str, functions: dict[str, str]) -> dict[str, str]:
    """One region's invokers, network, stores and monitoring around three functions."""
    lam = client("lambda", region)
    layer = lam.publish_layer_version(LayerName="shared", Content={"ZipFile": _zip()})["LayerVersionArn"]
    lam.add_layer_version_permission(
        LayerName="shared", VersionNumber=1, StatementId="org", Action="lambda:GetLayerVersion", Principal="*"
    )
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip)
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", RouteTableIds=[table])
    group = ec2.create_security_group(GroupName="fn", Description="functions", VpcId=vpc)["GroupId"]
    kms = client("kms", region)
    key = kms.create_key(Description="estate")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    kms.create_alias(AliasName="alias/estate", TargetKeyId=key)
    for name in ("api", "worker", "private"):
        extra: dict[str, Any] = {}
        if name == "private":
            extra["VpcConfig"] = {"SubnetIds": subnets, "SecurityGroupIds": [group]}
        fn = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code={"ZipFile": _zip()},
            Environment={"Variables": {"STRIPE_KEY": SECRET_VALUE, "STAGE": "prod"}},
            KMSKeyArn=f"arn:aws:kms:{region}:{role.split(':')[4]}:key/{key}",
            Layers=[layer],
            Tags={"team": name},
            Publish=True,
            **extra,
        )
        functions[f"{region}/{name}"] = fn["FunctionArn"]
    arn = functions[f"{region}/api"]
    lam.create_alias(FunctionName="api", Name="live", FunctionVersion="1")
    lam.put_function_concurrency(FunctionName="worker", ReservedConcurrentExecutions=5)
    lam.add_permission(
        FunctionName="api",
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    uri = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    agw = client("apigateway", region)
    api = agw.create_rest_api(name="payments", policy=json.dumps({"Version": "2012-10-17", "Statement": []}))[
        "id"
    ]
    root = agw.get_resources(restApiId=api)["items"][0]["id"]
    res = agw.create_resource(restApiId=api, parentId=root, pathPart="pay")["id"]
    auth = agw.create_authorizer(
        restApiId=api,
        name="tok",
        type="TOKEN",
        authorizerUri=uri,
        identitySource="method.request.header.Authorization",
    )["id"]
    agw.put_method(
        restApiId=api, resourceId=res, httpMethod="POST", authorizationType="CUSTOM", authorizerId=auth
    )
    agw.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="NONE")
    for method in ("POST", "GET"):
        agw.put_integration(
            restApiId=api,
            resourceId=res,
            httpMethod=method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=uri,
        )
    agw.create_deployment(restApiId=api, stageName="prod")
    domain = f"api.{region}.example.com"
    agw.create_domain_name(
        domainName=domain,
        securityPolicy="TLS_1_0",
        regionalCertificateArn=f"arn:aws:acm:{region}:123456789012:certificate/x",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    agw.create_base_path_mapping(domainName=domain, restApiId=api, stage="prod")
    v2 = client("apigatewayv2", region)
    http = v2.create_api(Name="hooks", ProtocolType="HTTP")["ApiId"]
    jwt = v2.create_authorizer(
        ApiId=http,
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        Name="jwt",
        JwtConfiguration={"Audience": ["hooks"], "Issuer": "https://issuer.example.com"},
    )["AuthorizerId"]
    integration = v2.create_integration(
        ApiId=http, IntegrationType="AWS_PROXY", IntegrationUri=arn, PayloadFormatVersion="2.0"
    )["IntegrationId"]
    v2.create_route(
        ApiId=http,
        RouteKey="POST /hook",
        Target=f"integrations/{integration}",
        AuthorizationType="JWT",
        AuthorizerId=jwt,
    )
    v2.create_stage(ApiId=http, StageName="$default")
    v2.create_domain_name(
        DomainName=f"hooks.{region}.example.com",
        DomainNameConfigurations=[{"SecurityPolicy": "TLS_1_2", "EndpointType": "REGIONAL"}],
    )
    v2.create_api_mapping(DomainName=f"hooks.{region}.example.com", ApiId=http, Stage="$default")
    events = client("events", region)
    events.create_event_bus(Name="partners")
    events.put_permission(
        EventBusName="partners", Action="events:PutEvents", Principal="*", StatementId="all"
    )
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "worker", "Arn": functions[f"{region}/worker"]}])
    events.put_rule(
        Name="partner-events", EventBusName="partners", EventPattern=json.dumps({"source": ["p"]})
    )
    events.put_targets(Rule="partner-events", EventBusName="partners", Targets=[{"Id": "api", "Arn": arn}])
    client("scheduler", region).create_schedule(
        Name="hourly",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": functions[f"{region}/worker"], "RoleArn": role},
    )
    sns = client("sns", region)
    topic = sns.create_topic(Name="alerts", Tags=[{"Key": "team", "Value": "ops"}])["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=functions[f"{region}/worker"])
    sqs = client("sqs", region)
    queue = sqs.create_queue(QueueName="jobs", Attributes={"KmsMasterKeyId": key}, tags={"team": "ops"})[
        "QueueUrl"
    ]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="worker")
    logs = client("logs", region)
    logs.create_log_group(logGroupName="/aws/lambda/api")
    logs.put_retention_policy(logGroupName="/aws/lambda/api", retentionInDays=7)
    logs.put_subscription_filter(
        logGroupName="/aws/lambda/api",
        filterName="ship",
        filterPattern="",
        destinationArn=functions[f"{region}/worker"],
    )
    logs.create_log_group(logGroupName="/aws/lambda/worker")
    ddb = client("dynamodb", region)
    table_arn = ddb.create_table(
        TableName="ledger",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        Tags=[{"Key": "data", "Value": "pci"}],
    )["TableDescription"]["TableArn"]
    client("secretsmanager", region).create_secret(
        Name="db-password", SecretString="hunter2-hunter2", KmsKeyId=key
    )
    client("ssm", region).put_parameter(Name="/estate/token", Value="t0ken-value", Type="SecureString")
    rds = client("rds", region)
    rds.create_db_instance(
        DBInstanceIdentifier="ledger-db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword="password-password",
        AllocatedStorage=20,
        StorageEncrypted=True,
    )
    rds.create_db_cluster(
        DBClusterIdentifier="ledger-cluster",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="password-password",
        StorageEncrypted=False,
    )
    s3 = client("s3", region)
    bucket = f"trail-{region}"
    s3.create_bucket(Bucket=bucket, **_location(region))
    trail = client("cloudtrail", region)
    trail.create_trail(Name=f"audit-{region}", S3BucketName=bucket, IsMultiRegionTrail=region == "eu-west-1")
    trail.put_event_selectors(
        TrailName=f"audit-{region}",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
            }
        ],
    )
    trail.start_logging(Name=f"audit-{region}")
    client("cloudwatch", region).put_metric_alarm(
        AlarmName="api-errors",
        MetricName="Errors",
        Namespace="AWS/Lambda",
        Dimensions=[{"Name": "FunctionName", "Value": "api"}],
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    return {"rest_api": api, "key_id": key, "table_arn": table_arn}


def _location(region: str) -> dict[str, Any]:
    return {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}


def deploy_estate(endpoint: str, regions: tuple[str, ...] = REGIONS, second_account: bool = True) -> Deployed:
    """The estate in `regions` of the default account, plus one function in a second account."""
    client = _session(endpoint)
    iam = client("iam", regions[0])
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="fn-role",
        PolicyName="tables",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}],
            }
        ),
    )
    functions: dict[str, str] = {}
    first: dict[str, str] = {}
    for region in regions:
        ids = deploy_region(client, region, role, functions)
        first = first or ids
    s3 = client("s3", regions[0])
    bucket = "estate-uploads"
    s3.create_bucket(Bucket=bucket, **_location(regions[0]))
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": functions[f"{regions[0]}/worker"], "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "data", "Value": "public"}]})
    org = client("organizations", regions[0])
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    scp = org.create_policy(
        Name="regions",
        Description="only two regions",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(regions)}},
                    }
                ],
            }
        ),
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=root)
    account = client("sts", regions[0]).get_caller_identity()["Account"]
    if second_account:
        _deploy_second_account(endpoint, client, regions[0])
    return Deployed(
        endpoint, account, functions, first["rest_api"], first["key_id"], first["table_arn"], bucket
    )


def _deploy_second_account(endpoint: str, client: Any, region: str) -> None:
    credentials = client("sts", region).assume_role(
        RoleArn=f"arn:aws:iam::{SECOND_ACCOUNT}:role/OrganizationAccountAccessRole", RoleSessionName="deploy"
    )["Credentials"]
    other = _session(
        endpoint,
        {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        },
    )
    role = other("iam", region).create_role(
        RoleName="other-role", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]
    other("lambda", region).create_function(
        FunctionName="partner-sync",
        Runtime="python3.12",
        Role=role["Arn"],
        Handler="handler.handle",
        Code={"ZipFile": _zip()},
    )


def responses(snap: Snapshot, service: str, operation: str, **where: Any) -> list[Record]:
    """Records of one operation, optionally filtered by key fields or request parameters."""
    out = []
    for record in snap.responses(service, operation):
        key = record.key
        fields = {"account": key.account, "region": key.region, **key.params}
        if all(fields.get(k) == v for k, v in where.items()):
            out.append(record)
    return out


@contextlib.contextmanager
def without_managed_policies() -> Iterator[None]:
    """moto without its 1,600 AWS managed policies (read when a backend is reset): they cost
    seconds per account to load and to list, and nothing here needs them. Later modules reset
    the server with the session's setting restored."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
        yield


@pytest.fixture(scope="module")
def estate(local_aws: Any) -> Iterator[Deployed]:
    with without_managed_policies():
        local_aws.reset()
        yield deploy_estate(str(local_aws.endpoint_url))


@pytest.fixture(scope="module")
def snapshot(estate: Deployed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    events: list[tuple[str, int, int]] = []
    options = CollectOptions(
        regions=REGIONS,
        endpoint_url=estate.endpoint,
        cache_dir=tmp_path_factory.mktemp("collect") / "cache",
        metrics_days=0,
        assume_role="OrganizationAccountAccessRole",
        accounts=(estate.account, SECOND_ACCOUNT),
        progress=lambda label, advance, total: events.append((label, advance, total)),
    )
    snap = collect(options)
    advanced = {label: sum(a for _l, a, _t in events if _l == label) for label, *_ in events}
    totals = {label: sum(t for _l, _a, t in events if _l == label) for label, *_ in events}
    assert advanced == totals, "progress must finish every task it announces"
    yield snap


def test_manifest_names_both_accounts_and_regions(snapshot: Snapshot, estate: Deployed) -> None:
    assert set(snapshot.manifest.accounts) == {estate.account, SECOND_ACCOUNT}
    assert set(snapshot.manifest.regions) == set(REGIONS)
    ok = {(c.account, c.service, c.operation) for c in snapshot.manifest.coverage if c.status == "ok"}
    assert (SECOND_ACCOUNT, "sts", "AssumeRole") in ok


def test_second_account_is_collected_through_the_assumed_role(snapshot: Snapshot) -> None:
    functions = [
        f["FunctionName"]
        for r in responses(snapshot, "lambda", "ListFunctions", account=SECOND_ACCOUNT, region=REGIONS[0])
        for f in r.response["Functions"]
    ]
    assert functions == ["partner-sync"]
    roles = [
        role["RoleName"]
        for r in responses(snapshot, "iam", "GetAccountAuthorizationDetails", account=SECOND_ACCOUNT)
        for role in r.response["RoleDetailList"]
    ]
    assert "other-role" in roles and "fn-role" not in roles


def test_lambda_per_function_reads(snapshot: Snapshot, estate: Deployed) -> None:
    arn = estate.functions["eu-west-1/worker"]
    [tags] = responses(snapshot, "lambda", "ListTags", Resource=arn)
    assert tags.response["Tags"] == {"team": "worker"}
    [reserved] = responses(snapshot, "lambda", "GetFunctionConcurrency", FunctionName=arn)
    assert reserved.response["ReservedConcurrentExecutions"] == 5
    assert responses(snapshot, "lambda", "GetFunctionCodeSigningConfig", FunctionName=arn)
    [aliases] = responses(snapshot, "lambda", "ListAliases", FunctionName="api", region="eu-west-1")
    alias_arn = aliases.response["Aliases"][0]["AliasArn"]
    assert responses(snapshot, "lambda", "GetPolicy", FunctionName=alias_arn)
    [versions] = responses(
        snapshot, "lambda", "ListVersionsByFunction", FunctionName="api", region="eu-west-1"
    )
    assert {v["Version"] for v in versions.response["Versions"]} >= {"$LATEST", "1"}
    [mappings] = responses(
        snapshot, "lambda", "ListEventSourceMappings", region="eu-west-1", account=estate.account
    )
    assert mappings.response["EventSourceMappings"][0]["FunctionArn"] == arn


def test_env_values_are_redacted_in_functions_and_versions(snapshot: Snapshot) -> None:
    text = json.dumps([r.response for r in snapshot.records])
    assert SECRET_VALUE not in text
    assert "STRIPE_KEY" in text


def test_layers_and_account_settings(snapshot: Snapshot, estate: Deployed) -> None:
    [versions] = responses(snapshot, "lambda", "ListLayerVersions", LayerName="shared", region="eu-west-1")
    assert versions.response["LayerVersions"][0]["Version"] == 1
    [policy] = responses(snapshot, "lambda", "GetLayerVersionPolicy", LayerName="shared", region="eu-west-1")
    assert "lambda:GetLayerVersion" in policy.response["Policy"]
    gaps = {(c.operation, c.status) for c in snapshot.manifest.coverage if c.service == "lambda"}
    # moto lacks these: recorded as gaps, not crashes
    assert ("GetAccountSettings", "unsupported") in gaps
    assert ("ListProvisionedConcurrencyConfigs", "unsupported") in gaps
    assert ("ListCodeSigningConfigs", "unsupported") in gaps


def test_rest_api_methods_authorizers_stages_and_domains(snapshot: Snapshot, estate: Deployed) -> None:
    [apis] = responses(snapshot, "apigateway", "GetRestApis", region="eu-west-1", account=estate.account)
    assert apis.response["items"][0]["policy"]
    [resources] = responses(snapshot, "apigateway", "GetResources", restApiId=estate.rest_api)
    methods = {
        (item["path"], verb): method["authorizationType"]
        for item in resources.response["items"]
        for verb, method in (item.get("resourceMethods") or {}).items()
    }
    assert methods == {("/pay", "POST"): "CUSTOM", ("/pay", "GET"): "NONE"}
    [authorizers] = responses(snapshot, "apigateway", "GetAuthorizers", restApiId=estate.rest_api)
    assert authorizers.response["items"][0]["type"] == "TOKEN"
    assert responses(snapshot, "apigateway", "GetStages", restApiId=estate.rest_api)[0].response["item"]
    [domains] = responses(
        snapshot, "apigateway", "GetDomainNames", region="eu-west-1", account=estate.account
    )
    assert domains.response["items"][0]["securityPolicy"] == "TLS_1_0"
    assert responses(snapshot, "apigateway", "GetBasePathMappings", domainName="api.eu-west-1.example.com")


def test_http_api_routes_integrations_and_route_authorizers(snapshot: Snapshot, estate: Deployed) -> None:
    [routes] = responses(snapshot, "apigatewayv2", "GetRoutes", region="eu-west-1", account=estate.account)
    route = routes.response["Items"][0]
    assert route["AuthorizationType"] == "JWT"
    [authorizer] = responses(snapshot, "apigatewayv2", "GetAuthorizer", AuthorizerId=route["AuthorizerId"])
    assert authorizer.response["JwtConfiguration"]["Issuer"] == "https://issuer.example.com"
    [integrations] = responses(
        snapshot, "apigatewayv2", "GetIntegrations", region="eu-west-1", account=estate.account
    )
    assert integrations.response["Items"][0]["IntegrationUri"] == estate.functions["eu-west-1/api"]
    assert responses(snapshot, "apigatewayv2", "GetStages", region="eu-west-1", account=estate.account)
    [mappings] = responses(
        snapshot, "apigatewayv2", "GetApiMappings", DomainName="hooks.eu-west-1.example.com"
    )
    assert mappings.response["Items"][0]["Stage"] == "$default"


def test_eventbridge_and_scheduler(snapshot: Snapshot, estate: Deployed) -> None:
    [bus] = responses(snapshot, "events", "DescribeEventBus", Name="partners", region="eu-west-1")
    assert "events:PutEvents" in bus.response["Policy"]
    [targets] = responses(snapshot, "events", "ListTargetsByRule", Rule="partner-events", region="eu-west-1")
    assert targets.response["Targets"][0]["Arn"] == estate.functions["eu-west-1/api"]
    assert responses(snapshot, "events", "ListTargetsByRule", Rule="nightly", EventBusName="default")
    [schedule] = responses(snapshot, "scheduler", "GetSchedule", Name="hourly", region="eu-west-1")
    assert schedule.response["Target"]["Arn"] == estate.functions["eu-west-1/worker"]


def test_s3_buckets_are_global_with_their_notifications(snapshot: Snapshot, estate: Deployed) -> None:
    [notification] = responses(snapshot, "s3", "GetBucketNotificationConfiguration", Bucket=estate.bucket)
    assert notification.key.region == "global"
    config = notification.response["LambdaFunctionConfigurations"][0]
    assert config["LambdaFunctionArn"] == estate.functions["eu-west-1/worker"]
    [policy] = responses(snapshot, "s3", "GetBucketPolicy", Bucket=estate.bucket)
    assert "s3:GetObject" in policy.response["Policy"]
    [encryption] = responses(snapshot, "s3", "GetBucketEncryption", Bucket=estate.bucket)
    assert encryption.response["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError"
    [block] = responses(snapshot, "s3", "GetPublicAccessBlock", Bucket=estate.bucket)
    assert "Error" in block.response  # not configured: a fact, not a gap
    [location] = responses(snapshot, "s3", "GetBucketLocation", Bucket="trail-us-east-1")
    assert location.response["LocationConstraint"] is None
    assert responses(snapshot, "s3", "GetBucketTagging", Bucket=estate.bucket)[0].response["TagSet"]


def test_sns_sqs_and_logs(snapshot: Snapshot, estate: Deployed) -> None:
    [topic] = responses(snapshot, "sns", "GetTopicAttributes", region="eu-west-1", account=estate.account)
    assert "Policy" in topic.response["Attributes"]
    [subscriptions] = responses(
        snapshot, "sns", "ListSubscriptions", region="eu-west-1", account=estate.account
    )
    assert subscriptions.response["Subscriptions"][0]["Protocol"] == "lambda"
    assert responses(snapshot, "sns", "ListTagsForResource", region="eu-west-1")[0].response["Tags"]
    [queue] = responses(snapshot, "sqs", "GetQueueAttributes", region="eu-west-1", account=estate.account)
    assert queue.response["Attributes"]["KmsMasterKeyId"] == estate.key_id
    assert responses(snapshot, "sqs", "ListQueueTags", region="eu-west-1")[0].response["Tags"] == {
        "team": "ops"
    }
    [groups] = responses(snapshot, "logs", "DescribeLogGroups", region="eu-west-1", account=estate.account)
    retention = {g["logGroupName"]: g.get("retentionInDays") for g in groups.response["logGroups"]}
    assert retention == {"/aws/lambda/api": 7, "/aws/lambda/worker": None}
    [filters] = responses(
        snapshot, "logs", "DescribeSubscriptionFilters", logGroupName="/aws/lambda/api", region="eu-west-1"
    )
    assert (
        filters.response["subscriptionFilters"][0]["destinationArn"] == estate.functions["eu-west-1/worker"]
    )


def test_network(snapshot: Snapshot, estate: Deployed) -> None:
    def listing(operation: str, key: str) -> list[Any]:
        [record] = responses(snapshot, "ec2", operation, region="eu-west-1", account=estate.account)
        return list(record.response[key])

    subnets = [s for s in listing("DescribeSubnets", "Subnets") if s["CidrBlock"].startswith("10.1.")]
    assert len(subnets) == 2
    routes = [r for t in listing("DescribeRouteTables", "RouteTables") for r in t["Routes"]]
    assert any(r.get("GatewayId", "").startswith("igw-") for r in routes)
    assert listing("DescribeInternetGateways", "InternetGateways")
    assert listing("DescribeNatGateways", "NatGateways")
    assert listing("DescribeVpcEndpoints", "VpcEndpoints")[0]["ServiceName"].endswith(".s3")
    assert any(g["GroupName"] == "fn" for g in listing("DescribeSecurityGroups", "SecurityGroups"))
    assert len(listing("DescribeVpcs", "Vpcs")) >= 2


def test_keys_and_stores(snapshot: Snapshot, estate: Deployed) -> None:
    [rotation] = responses(snapshot, "kms", "GetKeyRotationStatus", KeyId=estate.key_id)
    assert rotation.response["KeyRotationEnabled"] is True
    assert responses(snapshot, "kms", "GetKeyPolicy", KeyId=estate.key_id)[0].response["Policy"]
    assert responses(snapshot, "kms", "DescribeKey", KeyId=estate.key_id)
    [table] = responses(snapshot, "dynamodb", "DescribeTable", TableName="ledger", region="eu-west-1")
    assert table.response["Table"]["SSEDescription"]["Status"] == "ENABLED"
    assert table.response["Table"]["StreamSpecification"]["StreamEnabled"] is True
    [policy] = responses(snapshot, "dynamodb", "GetResourcePolicy", ResourceArn=estate.table_arn)
    assert policy.response["Error"]["Code"] == "PolicyNotFoundException"
    assert responses(snapshot, "dynamodb", "ListTagsOfResource", ResourceArn=estate.table_arn)[0].response[
        "Tags"
    ]
    [secrets] = responses(
        snapshot, "secretsmanager", "ListSecrets", region="eu-west-1", account=estate.account
    )
    assert secrets.response["SecretList"][0]["KmsKeyId"] == estate.key_id
    assert responses(snapshot, "secretsmanager", "GetResourcePolicy", region="eu-west-1")
    [parameters] = responses(
        snapshot, "ssm", "DescribeParameters", region="eu-west-1", account=estate.account
    )
    assert parameters.response["Parameters"][0]["Type"] == "SecureString"
    [instances] = responses(
        snapshot, "rds", "DescribeDBInstances", region="eu-west-1", account=estate.account
    )
    assert instances.response["DBInstances"][0]["StorageEncrypted"] is True
    [clusters] = responses(snapshot, "rds", "DescribeDBClusters", region="eu-west-1", account=estate.account)
    assert clusters.response["DBClusters"][0]["StorageEncrypted"] is False
    text = json.dumps([r.response for r in snapshot.records])
    assert "hunter2-hunter2" not in text and "t0ken-value" not in text


def test_trails_alarms_and_organization(snapshot: Snapshot, estate: Deployed) -> None:
    arn = f"arn:aws:cloudtrail:eu-west-1:{estate.account}:trail/audit-eu-west-1"
    [selectors] = responses(snapshot, "cloudtrail", "GetEventSelectors", TrailName=arn)
    assert selectors.response["EventSelectors"][0]["DataResources"][0]["Type"] == "AWS::Lambda::Function"
    assert selectors.key.region == "eu-west-1"  # read once, by its home region
    [status] = responses(snapshot, "cloudtrail", "GetTrailStatus", Name=arn)
    assert status.response["IsLogging"] is True
    [us_trails] = responses(
        snapshot, "cloudtrail", "DescribeTrails", region="us-east-1", account=estate.account
    )
    assert {t["Name"] for t in us_trails.response["trailList"]} == {"audit-eu-west-1", "audit-us-east-1"}
    [alarms] = responses(snapshot, "cloudwatch", "DescribeAlarms", region="eu-west-1", account=estate.account)
    assert alarms.response["MetricAlarms"][0]["MetricName"] == "Errors"
    scps = [
        r.response["Policy"]["Content"]
        for r in responses(snapshot, "organizations", "DescribePolicy", account=estate.account)
    ]
    assert any("aws:RequestedRegion" in content for content in scps)
    attached = responses(
        snapshot,
        "organizations",
        "ListPoliciesForTarget",
        account=estate.account,
        Filter="SERVICE_CONTROL_POLICY",
    )
    assert {p["Name"] for r in attached for p in r.response["Policies"]} >= {"regions", "FullAWSAccess"}


def test_every_record_is_in_a_collected_account_and_region(snapshot: Snapshot) -> None:
    for record in snapshot.records:
        assert record.key.account in snapshot.manifest.accounts
        assert record.key.region in {*snapshot.manifest.regions, "global"}


def test_all_regions_uses_the_enabled_regions(estate: Deployed, tmp_path: Path) -> None:
    from estate.snapshot import SnapshotStore
    from estate.sources.live.accounts import account_regions
    from estate.sources.live.calls import CallContext
    from estate.sources.live.clients import ClientFactory

    factory = ClientFactory(boto3.session.Session(), endpoint_url=estate.endpoint)
    with SnapshotStore(tmp_path / "c") as store:
        ctx = CallContext(estate.account, "global", factory.for_region("eu-west-1"), store, [])
        regions = account_regions(ctx, (), True, factory.session, "eu-west-1")
    assert set(REGIONS) <= set(regions)
    assert "ap-east-1" not in regions  # moto lists it as not opted in
    assert not [r for r in regions if r.startswith(("cn-", "us-gov-"))]  # other partitions
