"""Typed records parsed from a snapshot's raw AWS responses, one module per domain.

Imports inside the model form a tree: `raw` (helpers, stdlib only) and the records of each domain,
then `estate` (the Estate holding them all), then `load` and `metrics_refresh`. Modules of the
model import each other by their full names, never through this package. Before any parser runs,
`load` passes the snapshot through `validate`, which checks every raw response against its shape
(`shapes/`, msgspec Structs of the fields the parsers read): a malformed record is a coverage gap.
"""

from estate.model.audit import Alarm, ChangeHistory, FunctionChange, LogGroup, Trail
from estate.model.estate import Estate
from estate.model.function_extras import AccountSettings
from estate.model.function_parts import (
    Alias,
    EnvVar,
    EventInvokeConfig,
    FunctionUrl,
    LayerRef,
    ResourcePolicy,
    VpcConfig,
)
from estate.model.functions import EventSourceMapping, LambdaFunction
from estate.model.iam import IamPrincipal, InlinePolicy, ManagedPolicy
from estate.model.load import load_estate
from estate.model.metrics import MetricSeries
from estate.model.metrics_refresh import MetricsUpdate, merge_metrics
from estate.model.network import Network
from estate.model.org import AccountOrgPolicies
from estate.model.raw import PolicyJSON
from estate.model.store_records import DataStore, KmsKey
from estate.model.triggers import Invokers

__all__ = [
    "AccountOrgPolicies",
    "AccountSettings",
    "Alarm",
    "Alias",
    "ChangeHistory",
    "DataStore",
    "EnvVar",
    "Estate",
    "EventInvokeConfig",
    "EventSourceMapping",
    "FunctionChange",
    "FunctionUrl",
    "IamPrincipal",
    "InlinePolicy",
    "Invokers",
    "KmsKey",
    "LambdaFunction",
    "LayerRef",
    "LogGroup",
    "ManagedPolicy",
    "MetricSeries",
    "MetricsUpdate",
    "Network",
    "PolicyJSON",
    "ResourcePolicy",
    "Trail",
    "VpcConfig",
    "load_estate",
    "merge_metrics",
]
