"""Accepted dump files for account-wide and data reads: Lambda layers (and their policies), account
settings and code signing configs; Organizations (the organization, SCPs and RCPs, the parents
of the account); SSM parameters (metadata only); RDS instances and clusters; CloudWatch metrics.

The reads mirror estate/sources/live/lambda_account.py, organizations.py, ssm.py, rds.py and
cloudwatch.py. Metrics come as pairs of files per batch of at most 500 queries (what
scripts/dump-estate.sh writes): `cloudwatch-get-metric-data-queries/<batch>.json`, the
`--cli-input-json` request, and `cloudwatch-get-metric-data/<batch>.json`, its output; the
request is the record's parameters, so each result's Id maps back to its function as in a live
collection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import msgspec

from estate.sources.dumps.kinds import FileKind, Resource, ResourceType, by, by_name, const

POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")  # estate/sources/live/organizations.py


def _layers(response: Mapping[str, Any]) -> list[Resource]:
    return [
        Resource(item["LayerName"], item["LayerName"], item)
        for item in response.get("Layers") or ()
        if isinstance(item, Mapping) and isinstance(item.get("LayerName"), str) and item["LayerName"]
    ]


def _layer_versions(versions_by_layer: Mapping[str, Any]) -> list[Resource]:
    out = []
    for layer, response in sorted(versions_by_layer.items()):
        for item in response.get("LayerVersions") or ():
            version = item.get("Version") if isinstance(item, Mapping) else None
            if isinstance(version, int) and not isinstance(version, bool):
                extra = {"LayerName": layer, "VersionNumber": version}
                out.append(Resource(f"{layer}@{version}", str(version), extra))
    return out


def _policy_types(_organization: Mapping[str, Any]) -> list[Resource]:
    """An organization's policies are listed per type (the collector asks for both)."""
    return [Resource(t, t) for t in POLICY_TYPES]


def _policies(listed_by_type: Mapping[str, Any]) -> list[Resource]:
    ids = {
        str(p["Id"])
        for response in listed_by_type.values()
        for p in response.get("Policies") or ()
        if isinstance(p, Mapping) and isinstance(p.get("Id"), str) and p["Id"]
    }
    return [Resource(i, i) for i in sorted(ids)]


def _targets(parents_by_child: Mapping[str, Any]) -> list[Resource]:
    """The account and each parent up to the root, each asked for both policy types."""
    targets = set(parents_by_child)
    for response in parents_by_child.values():
        targets.update(
            str(p["Id"]) for p in response.get("Parents") or () if isinstance(p, Mapping) and p.get("Id")
        )
    return [
        Resource(f"{target}@{kind}", target, {"TargetId": target, "Filter": kind})
        for target in sorted(targets)
        for kind in POLICY_TYPES
    ]


def _free(_response: Mapping[str, Any]) -> list[Resource]:
    return []  # never called: a free resource type has no listing


def _batches(requests: Mapping[str, Any]) -> list[Resource]:
    return [Resource(name, name, request) for name, request in sorted(requests.items())]


def utc_text(text: Any) -> str:
    """An ISO 8601 time as the collector stores its datetimes (UTC, `+00:00`)."""
    stamp = msgspec.convert(text, dt.datetime)  # the parser the file's shape was checked with
    stamp = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
    return stamp.isoformat()


def iso_metric_timestamps(data: Any) -> Any:
    """GetMetricData output with epoch-second timestamps (AWS CLI v1 prints them so) as the ISO
    text the SDK's datetimes are stored as; anything else is left for the shape check."""
    if not isinstance(data, dict) or not isinstance(data.get("MetricDataResults"), list):
        return data
    for result in data["MetricDataResults"]:
        stamps = result.get("Timestamps") if isinstance(result, dict) else None
        if isinstance(stamps, list):
            result["Timestamps"] = [
                dt.datetime.fromtimestamp(s, dt.UTC).isoformat()
                if isinstance(s, int | float) and not isinstance(s, bool) and 0 <= s < 253402300800
                else s
                for s in stamps
            ]
    return data


def metric_params(resource: Resource | None) -> dict[str, Any]:
    """The GetMetricData request of a batch, times as the collector stores them."""
    assert resource is not None
    request = resource.extra
    params = {
        "MetricDataQueries": request.get("MetricDataQueries"),
        "StartTime": utc_text(request.get("StartTime")),
        "EndTime": utc_text(request.get("EndTime")),
    }
    if request.get("ScanBy") is not None:
        params["ScanBy"] = request["ScanBy"]
    return params


LAYER = ResourceType("layers", "lambda-list-layers", _layers)
LAYER_VERSION = ResourceType("layer versions", "lambda-list-layer-versions", _layer_versions, nested=True)
POLICY_TYPE = ResourceType("policy types", "organizations-describe-organization", _policy_types)
ORG_POLICY = ResourceType("policies", "organizations-list-policies", _policies, nested=True)
ORG_NODE = ResourceType("accounts and parents", None, _free)
ORG_TARGET = ResourceType("policy targets", "organizations-list-parents", _targets, nested=True)
METRIC_REQUEST = ResourceType("metric batches", None, _free)
METRIC_BATCH = ResourceType("metric batches", "cloudwatch-get-metric-data-queries", _batches, nested=True)

ACCOUNT_KINDS: tuple[FileKind, ...] = (
    # Organizations (account-wide; outside an organization the CLI's error is the answer).
    FileKind(
        "organizations-describe-organization",
        "organizations",
        "DescribeOrganization",
        "global",
        ("Organization",),
        const(),
    ),
    FileKind(
        "organizations-list-policies",
        "organizations",
        "ListPolicies",
        "global",
        ("Policies",),
        by("Filter"),
        POLICY_TYPE,
        empty="{}",
    ),
    FileKind(
        "organizations-describe-policy",
        "organizations",
        "DescribePolicy",
        "global",
        ("Policy",),
        by("PolicyId"),
        ORG_POLICY,
    ),
    FileKind(
        "organizations-list-parents",
        "organizations",
        "ListParents",
        "global",
        ("Parents",),
        by("ChildId"),
        ORG_NODE,
    ),
    FileKind(
        "organizations-list-policies-for-target",
        "organizations",
        "ListPoliciesForTarget",
        "global",
        ("Policies",),
        lambda r: {"TargetId": r.extra["TargetId"], "Filter": r.extra["Filter"]} if r else {},
        ORG_TARGET,
        empty="{}",
    ),
    # Lambda, region-wide.
    FileKind(
        "lambda-list-layers",
        "lambda",
        "ListLayers",
        "region",
        ("Layers",),
        const(),
        empty="{}",
        count_key="Layers",
    ),
    FileKind(
        "lambda-list-layer-versions",
        "lambda",
        "ListLayerVersions",
        "region",
        ("LayerVersions",),
        by_name("LayerName"),
        LAYER,
        empty="{}",
    ),
    FileKind(
        "lambda-get-layer-version-policy",
        "lambda",
        "GetLayerVersionPolicy",
        "region",
        ("Policy",),
        lambda r: {"LayerName": r.extra["LayerName"], "VersionNumber": r.extra["VersionNumber"]} if r else {},
        LAYER_VERSION,
        empty="ResourceNotFoundException",
    ),
    FileKind(
        "lambda-get-account-settings",
        "lambda",
        "GetAccountSettings",
        "region",
        ("AccountLimit", "AccountUsage"),
        const(),
    ),
    FileKind(
        "lambda-list-code-signing-configs",
        "lambda",
        "ListCodeSigningConfigs",
        "region",
        ("CodeSigningConfigs",),
        const(),
        empty="{}",
        count_key="CodeSigningConfigs",
    ),
    # SSM parameters (DescribeParameters: metadata, never values) and RDS.
    FileKind(
        "ssm-describe-parameters",
        "ssm",
        "DescribeParameters",
        "region",
        ("Parameters",),
        const(MaxResults=50),
        empty="{}",
        count_key="Parameters",
    ),
    FileKind(
        "rds-describe-db-instances",
        "rds",
        "DescribeDBInstances",
        "region",
        ("DBInstances",),
        const(MaxRecords=100),
        empty="{}",
        count_key="DBInstances",
    ),
    FileKind(
        "rds-describe-db-clusters",
        "rds",
        "DescribeDBClusters",
        "region",
        ("DBClusters",),
        const(MaxRecords=100),
        empty="{}",
        count_key="DBClusters",
    ),
    # CloudWatch metrics: the request of each batch, then its output.
    FileKind(
        "cloudwatch-get-metric-data-queries",
        "cloudwatch",
        "GetMetricDataQueries",
        "region",
        ("MetricDataQueries",),
        by_name("Batch"),
        METRIC_REQUEST,
        stored_as="GetMetricData",  # an unreadable request is a gap of the read it asks for
        stored=False,
    ),
    FileKind(
        "cloudwatch-get-metric-data",
        "cloudwatch",
        "GetMetricData",
        "region",
        ("MetricDataResults", "Messages"),
        metric_params,
        METRIC_BATCH,
        prepare=iso_metric_timestamps,
    ),
)
