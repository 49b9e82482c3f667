"""The whole demo estate as data: one import point for deploy code, tests and the README."""

from __future__ import annotations

from .catalogue_audit import ALARMS, ASYNC_FAILURE_DESTINATIONS, LOG_GROUPS, TRAILS
from .catalogue_functions_ledger import LEDGER_FUNCTIONS
from .catalogue_functions_payments import PAYMENTS_FUNCTIONS
from .catalogue_functions_risk import RISK_FUNCTIONS
from .catalogue_functions_us import US_FUNCTIONS
from .catalogue_iam import GROUPS, MANAGED_POLICIES, ROLES, USERS
from .catalogue_invokers import (
    BUCKET_TRIGGERS,
    EXTRA_PERMISSIONS,
    HTTP_APIS,
    QUEUE_TRIGGERS,
    REST_APIS,
    RULES,
    STREAM_TRIGGERS,
    TOPIC_SUBSCRIPTIONS,
    URLS,
)
from .catalogue_network import PLACEMENTS, VPCS
from .catalogue_stores import (
    BUCKETS,
    DATABASES,
    KMS_KEYS,
    PARAMETERS,
    QUEUES,
    SECRETS,
    TABLES,
    TOPICS,
)
from .specs import FunctionSpec

EU_FUNCTIONS: tuple[FunctionSpec, ...] = PAYMENTS_FUNCTIONS + LEDGER_FUNCTIONS + RISK_FUNCTIONS
FUNCTIONS: tuple[FunctionSpec, ...] = EU_FUNCTIONS + US_FUNCTIONS
FUNCTIONS_BY_NAME: dict[str, FunctionSpec] = {f.name: f for f in FUNCTIONS}

__all__ = [
    "ALARMS",
    "ASYNC_FAILURE_DESTINATIONS",
    "BUCKETS",
    "BUCKET_TRIGGERS",
    "DATABASES",
    "EXTRA_PERMISSIONS",
    "FUNCTIONS",
    "FUNCTIONS_BY_NAME",
    "GROUPS",
    "HTTP_APIS",
    "KMS_KEYS",
    "LOG_GROUPS",
    "MANAGED_POLICIES",
    "PARAMETERS",
    "PLACEMENTS",
    "QUEUES",
    "QUEUE_TRIGGERS",
    "REST_APIS",
    "ROLES",
    "RULES",
    "SECRETS",
    "STREAM_TRIGGERS",
    "TABLES",
    "TOPICS",
    "TOPIC_SUBSCRIPTIONS",
    "TRAILS",
    "URLS",
    "USERS",
    "VPCS",
]
