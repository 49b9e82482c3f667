"""Lambda: ListFunctions and the per-function reads (estate/model/functions.py, function_extras.py)."""

from __future__ import annotations

import msgspec

from estate.model.shapes.common import Shape


class RedactedValue(Shape):
    """What a snapshot keeps of an env var value by default (estate/secrets.py)."""

    length: int = 0
    secret: str | None = None
    hmac_sha256: str | None = None


class EnvironmentPart(Shape):
    Variables: dict[str, str | RedactedValue | None] | None = None


class VpcConfigPart(Shape):
    SubnetIds: list[str] | None = None
    SecurityGroupIds: list[str] | None = None
    VpcId: str | None = None


class TracingConfigPart(Shape):
    Mode: str | None = None


class Layer(Shape):
    Arn: str | None = None


class DeadLetterConfigPart(Shape):
    TargetArn: str | None = None


class LoggingConfigPart(Shape):
    LogGroup: str | None = None


class Function(Shape):
    FunctionArn: str
    FunctionName: str
    Runtime: str | None = None
    Handler: str | None = None
    Role: str | None = None
    Description: str | None = None
    MemorySize: int | None = None
    Timeout: int | None = None
    LastModified: str | None = None
    PackageType: str | None = None
    Architectures: list[str] | None = None
    KMSKeyArn: str | None = None
    Environment: EnvironmentPart | None = None
    VpcConfig: VpcConfigPart | None = None
    TracingConfig: TracingConfigPart | None = None
    Layers: list[Layer] | None = None
    DeadLetterConfig: DeadLetterConfigPart | None = None
    LoggingConfig: LoggingConfigPart | None = None


class ListFunctions(Shape):
    Functions: list[Function] = msgspec.field(default_factory=list)


class CorsPart(Shape):
    AllowOrigins: list[str] | None = None


class GetFunctionUrlConfig(Shape):
    FunctionUrl: str | None = None
    AuthType: str | None = None
    Cors: CorsPart | None = None


class GetPolicy(Shape):
    Policy: str | None = None
    RevisionId: str | None = None


class ListTags(Shape):
    Tags: dict[str, str] | None = None


class GetFunctionConcurrency(Shape):
    ReservedConcurrentExecutions: int | None = None


class GetFunctionCodeSigningConfig(Shape):
    CodeSigningConfigArn: str | None = None


class RoutingConfigPart(Shape):
    AdditionalVersionWeights: dict[str, float] | None = None


class Alias(Shape):
    AliasArn: str | None = None
    Name: str | None = None
    FunctionVersion: str | None = None
    RoutingConfig: RoutingConfigPart | None = None


class ListAliases(Shape):
    Aliases: list[Alias] | None = None


class VersionPart(Shape):
    Version: str | None = None


class ListVersionsByFunction(Shape):
    Versions: list[VersionPart] | None = None


class DestinationPart(Shape):
    Destination: str | None = None


class DestinationConfigPart(Shape):
    OnFailure: DestinationPart | None = None
    OnSuccess: DestinationPart | None = None


class EventInvokeConfig(Shape):
    FunctionArn: str | None = None
    DestinationConfig: DestinationConfigPart | None = None
    MaximumRetryAttempts: int | None = None
    MaximumEventAgeInSeconds: int | None = None


class ListFunctionEventInvokeConfigs(Shape):
    FunctionEventInvokeConfigs: list[EventInvokeConfig] | None = None


class EventSourceMapping(Shape):
    UUID: str
    EventSourceArn: str | None = None
    FunctionArn: str | None = None
    State: str | None = None
    BatchSize: int | None = None


class ListEventSourceMappings(Shape):
    EventSourceMappings: list[EventSourceMapping] = msgspec.field(default_factory=list)


class AccountLimitPart(Shape):
    ConcurrentExecutions: int | None = None
    UnreservedConcurrentExecutions: int | None = None
    CodeSizeZipped: int | None = None


class AccountUsagePart(Shape):
    TotalCodeSize: int | None = None


class GetAccountSettings(Shape):
    AccountLimit: AccountLimitPart | None = None
    AccountUsage: AccountUsagePart | None = None
