"""The vocabulary the demo catalogue is written in: small frozen records, no behaviour.

The estate is declared as data (these records) and deployed by separate code, so a reader can
review what exists without following call paths, and the ground truth in plants.py can be
checked against the declaration rather than against whatever the deploy code happened to do.
Strings of the form ``${kind:name}`` are references to ids only known after deployment (KMS key
ARNs, VPC endpoint ids, API ids); refs.py resolves them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PolicyDoc = dict[str, Any]
Pattern = Literal["business", "flat", "batch", "sparse"]


@dataclass(frozen=True)
class Traffic:
    """How busy a function is; drives the CloudWatch series generator (metrics.py)."""

    per_5min: float  # mean invocations per 5 minutes at the weekday peak (or per batch slot)
    duration_ms: float  # typical average duration
    pattern: Pattern = "business"
    batch_at: tuple[tuple[int, int], ...] = ()  # UTC (hour, minute) a batch run starts
    batch_minutes: int = 30


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    region: str
    team: str
    description: str
    runtime: str
    role: str
    traffic: Traffic
    memory: int = 256
    timeout: int = 30
    arch: Literal["x86_64", "arm64"] = "x86_64"
    tracing: Literal["Active", "PassThrough"] = "Active"
    env: Mapping[str, str] = field(default_factory=dict)
    env_kms: str | None = None  # KMS alias (without "alias/") encrypting the environment
    network: str | None = None  # placement key in catalogue_network.PLACEMENTS
    reserved: int | None = None  # reserved concurrency
    data_class: str | None = None  # DataClassification tag
    extra_tags: Mapping[str, str] = field(default_factory=dict)
    from_code: bool = True  # False: created by hand, without the managed-by deployment tag


@dataclass(frozen=True)
class ManagedPolicySpec:
    """A customer managed policy; the last version is the default one."""

    name: str
    description: str
    versions: tuple[PolicyDoc, ...]


@dataclass(frozen=True)
class RoleSpec:
    name: str
    description: str
    trust: PolicyDoc
    inline: Mapping[str, PolicyDoc] = field(default_factory=dict)
    managed: tuple[str, ...] = ()  # policy ARNs (AWS managed or customer)
    boundary: str | None = None  # permissions boundary policy ARN
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupSpec:
    name: str
    inline: Mapping[str, PolicyDoc] = field(default_factory=dict)
    managed: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserSpec:
    name: str
    groups: tuple[str, ...] = ()
    inline: Mapping[str, PolicyDoc] = field(default_factory=dict)
    managed: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubnetSpec:
    key: str
    cidr: str
    az: str
    public: bool = False


@dataclass(frozen=True)
class SecurityGroupSpec:
    key: str
    description: str
    egress: tuple[tuple[str, int, int, str], ...]  # (protocol, from, to, cidr); () = none
    ingress: tuple[tuple[str, int, int, str], ...] = ()


@dataclass(frozen=True)
class VpcSpec:
    region: str
    name: str
    cidr: str
    subnets: tuple[SubnetSpec, ...]
    security_groups: tuple[SecurityGroupSpec, ...]
    nat_subnet: str | None = None  # public subnet key hosting the NAT gateway
    gateway_endpoints: tuple[str, ...] = ()  # "s3", "dynamodb"
    interface_endpoints: tuple[str, ...] = ()  # "secretsmanager", ...


@dataclass(frozen=True)
class Placement:
    """Where a VPC function's ENIs go."""

    region: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]


@dataclass(frozen=True)
class KmsKeySpec:
    alias: str
    region: str
    description: str
    rotation: bool
    data_class: str | None


@dataclass(frozen=True)
class TableSpec:
    name: str
    region: str
    data_class: str | None
    hash_key: str
    range_key: str | None = None
    stream: str | None = None  # StreamViewType
    kms: str | None = None  # KMS alias for SSE; None = AWS owned key
    pitr: bool = True  # point-in-time recovery


@dataclass(frozen=True)
class BucketSpec:
    name: str
    region: str
    data_class: str | None
    encryption: Literal["aws:kms", "AES256"] | None
    kms: str | None = None
    public_read: bool = False
    cloudtrail_delivery: bool = False  # bucket policy for CloudTrail log delivery, TLS only
    versioning: bool = True


@dataclass(frozen=True)
class SecretSpec:
    name: str
    region: str
    data_class: str | None
    description: str
    kms: str | None = None  # None = aws/secretsmanager


@dataclass(frozen=True)
class DbSpec:
    identifier: str
    region: str
    data_class: str | None
    engine: str
    encrypted: bool
    subnets: tuple[str, ...]


@dataclass(frozen=True)
class QueueSpec:
    name: str
    region: str
    data_class: str | None
    sse: Literal["kms", "sqs"] | None
    kms: str | None = None
    dlq: str | None = None


@dataclass(frozen=True)
class TopicSpec:
    name: str
    region: str
    data_class: str | None
    kms: str | None = None


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    region: str
    data_class: str | None
    type: Literal["String", "SecureString"]
    value: str
    kms: str | None = None


@dataclass(frozen=True)
class RestRoute:
    path: str
    method: str
    function: str
    auth: Literal["NONE", "AWS_IAM", "CUSTOM"]


@dataclass(frozen=True)
class RestApiSpec:
    name: str
    region: str
    description: str
    authorizer_function: str
    routes: tuple[RestRoute, ...]
    stage: str = "prod"


@dataclass(frozen=True)
class HttpRoute:
    route_key: str  # "POST /partner/settlements"
    function: str
    auth: Literal["NONE", "AWS_IAM", "JWT"]
    permission_principal: str = "apigateway.amazonaws.com"  # "*" = scoped only by SourceArn


@dataclass(frozen=True)
class HttpApiSpec:
    name: str
    region: str
    description: str
    jwt_issuer: str
    jwt_audience: str
    routes: tuple[HttpRoute, ...]


@dataclass(frozen=True)
class RuleSpec:
    name: str
    region: str
    function: str
    description: str
    schedule: str | None = None  # "rate(1 day)" / "cron(...)"
    pattern: PolicyDoc | None = None


@dataclass(frozen=True)
class QueueTrigger:
    queue: str
    function: str
    batch_size: int = 10


@dataclass(frozen=True)
class StreamTrigger:
    table: str
    function: str
    batch_size: int = 100


@dataclass(frozen=True)
class TopicSubscription:
    topic: str
    function: str


@dataclass(frozen=True)
class BucketTrigger:
    bucket: str
    function: str
    prefix: str
    with_source_account: bool = True


@dataclass(frozen=True)
class UrlSpec:
    function: str
    auth: Literal["NONE", "AWS_IAM"]
    cors_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtraPermission:
    """A hand-written resource-policy statement (not generated for an invoker)."""

    function: str
    sid: str
    principal: str
    source_arn: str | None = None
    source_account: str | None = None
    org_id: str | None = None


@dataclass(frozen=True)
class LogGroupSpec:
    """A function's CloudWatch log group, /aws/lambda/<function>; retention None = never expire."""

    function: str
    region: str
    retention_days: int | None


@dataclass(frozen=True)
class AlarmSpec:
    """An alarm on one AWS/Lambda metric of one function (Sum over 5 minutes), notifying a topic."""

    function: str
    region: str
    metric: Literal["Errors", "Throttles"]
    threshold: float
    topic: str
    evaluation_periods: int = 1


@dataclass(frozen=True)
class TrailSpec:
    """A CloudTrail trail: management events plus Lambda data events for `lambda_data_values`
    (ARN prefixes; "arn:aws:lambda" = every function)."""

    name: str
    region: str
    bucket: str
    multi_region: bool
    lambda_data_values: tuple[str, ...]
    logging: bool = True


@dataclass(frozen=True)
class AsyncFailureDestination:
    """Where asynchronous invocations that exhaust their retries go (an SQS queue or SNS topic)."""

    function: str
    kind: Literal["queue", "topic"]
    target: str
    maximum_retry_attempts: int = 2
    maximum_event_age_seconds: int = 21600
