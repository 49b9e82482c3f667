"""The parts of a function's record: environment, VPC, URL, resource policy, aliases, async
invocation configs and layers.

Apart from LambdaFunction so that both the base parse (estate/model/functions.py) and the
per-function extras (estate/model/function_extras.py) can build them without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One environment variable; `value` is None unless the snapshot kept secrets."""

    key: str
    length: int
    secret_kind: str | None
    digest: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class VpcConfig:
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    vpc_id: str | None


@dataclass(frozen=True, slots=True)
class FunctionUrl:
    url: str
    auth_type: str
    cors_allow_origins: tuple[str, ...] = ()
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    """A function's resource policy as text (parsed by the policy engine where used)."""

    text: str
    revision_id: str | None = None


@dataclass(frozen=True, slots=True)
class Alias:
    """A function alias; `routing_weights` maps an extra version to its traffic share (0..1)."""

    name: str
    arn: str
    function_version: str
    routing_weights: Mapping[str, float] = field(default_factory=dict)
    policy: ResourcePolicy | None = None
    policy_state: str = "unknown"


@dataclass(frozen=True, slots=True)
class EventInvokeConfig:
    """How Lambda handles asynchronous invocations of one qualifier (None: the unqualified
    function / $LATEST): retries, maximum event age and the success and failure destinations."""

    qualifier: str | None
    on_failure: str | None = None
    on_success: str | None = None
    maximum_retry_attempts: int | None = None
    maximum_event_age_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class LayerRef:
    """A layer version a function uses; `cross_account` when another account owns it."""

    arn: str
    account: str | None
    cross_account: bool
