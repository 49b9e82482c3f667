"""Creates the functions (code, env, KMS, VPC, tracing, concurrency), their URLs, the
hand-written resource-policy statements, and the queue and stream event source mappings."""

from __future__ import annotations

from typing import Any

from . import arns
from .aws import Aws
from .catalogue import (
    EXTRA_PERMISSIONS,
    FUNCTIONS,
    FUNCTIONS_BY_NAME,
    PLACEMENTS,
    QUEUE_TRIGGERS,
    STREAM_TRIGGERS,
    URLS,
)
from .catalogue_common import COST_CENTRES
from .catalogue_stores import QUEUES
from .deploy_data import tag_map
from .package_code import build_zip, handler_for
from .refs import Refs
from .specs import FunctionSpec


def lambda_client(aws: Aws, function: str) -> Any:
    return aws("lambda", FUNCTIONS_BY_NAME[function].region)


def add_permission(
    aws: Aws,
    function: str,
    sid: str,
    principal: str,
    *,
    action: str = "lambda:InvokeFunction",
    source_arn: str | None = None,
    source_account: str | None = None,
    org_id: str | None = None,
    url_auth_type: str | None = None,
) -> None:
    """One resource-policy statement, with only the parameters the caller set (as AWS stores)."""
    kwargs: dict[str, str] = {}
    if source_arn:
        kwargs["SourceArn"] = source_arn
    if source_account:
        kwargs["SourceAccount"] = source_account
    if org_id:
        kwargs["PrincipalOrgID"] = org_id
    if url_auth_type:
        kwargs["FunctionUrlAuthType"] = url_auth_type
    lambda_client(aws, function).add_permission(
        FunctionName=function, StatementId=sid, Action=action, Principal=principal, **kwargs
    )


def function_tags(spec: FunctionSpec) -> dict[str, str]:
    tags = tag_map(
        spec.data_class, team=spec.team, **{"cost-centre": COST_CENTRES[spec.team]}, **spec.extra_tags
    )
    if not spec.from_code:
        tags.pop("managed-by", None)
    return tags


def _create_function(aws: Aws, refs: Refs, spec: FunctionSpec) -> None:
    kwargs: dict[str, Any] = {}
    if spec.env:
        kwargs["Environment"] = {"Variables": refs.resolve(dict(spec.env))}
    if spec.env_kms:
        kwargs["KMSKeyArn"] = refs.get("kms", spec.env_kms)
    if spec.network:
        placement = PLACEMENTS[spec.network]
        kwargs["VpcConfig"] = {
            "SubnetIds": [refs.get("subnet", key) for key in placement.subnets],
            "SecurityGroupIds": [refs.get("sg", key) for key in placement.security_groups],
        }
    client = aws("lambda", spec.region)
    client.create_function(
        FunctionName=spec.name,
        Runtime=spec.runtime,
        Role=refs.get("role", spec.role),
        Handler=handler_for(spec.runtime, spec.name),
        Description=spec.description,
        Code={"ZipFile": build_zip(spec.runtime, spec.name)},
        MemorySize=spec.memory,
        Timeout=spec.timeout,
        Architectures=[spec.arch],
        TracingConfig={"Mode": spec.tracing},
        Tags=function_tags(spec),
        Publish=False,
        **kwargs,
    )
    if spec.reserved is not None:
        client.put_function_concurrency(FunctionName=spec.name, ReservedConcurrentExecutions=spec.reserved)


def deploy_functions(aws: Aws, refs: Refs) -> None:
    for spec in FUNCTIONS:
        _create_function(aws, refs, spec)
    for url in URLS:
        config: dict[str, Any] = {"AuthType": url.auth}
        if url.cors_origins:
            config["Cors"] = {
                "AllowOrigins": list(url.cors_origins),
                "AllowMethods": ["POST"],
                "AllowHeaders": ["content-type", "x-partner-signature"],
            }
        lambda_client(aws, url.function).create_function_url_config(FunctionName=url.function, **config)
        if url.auth == "NONE":  # what the console adds when you pick "NONE"
            add_permission(
                aws,
                url.function,
                "FunctionURLAllowPublicAccess",
                "*",
                action="lambda:InvokeFunctionUrl",
                url_auth_type="NONE",
            )
    for extra in EXTRA_PERMISSIONS:
        add_permission(
            aws,
            extra.function,
            extra.sid,
            extra.principal,
            source_arn=extra.source_arn and refs.resolve(extra.source_arn),
            source_account=extra.source_account,
            org_id=extra.org_id,
        )


def deploy_event_source_mappings(aws: Aws, refs: Refs) -> None:
    queue_regions = {q.name: q.region for q in QUEUES}
    for trigger in QUEUE_TRIGGERS:
        lambda_client(aws, trigger.function).create_event_source_mapping(
            EventSourceArn=arns.queue(trigger.queue, queue_regions[trigger.queue]),
            FunctionName=trigger.function,
            BatchSize=trigger.batch_size,
            Enabled=True,
        )
    for stream in STREAM_TRIGGERS:
        lambda_client(aws, stream.function).create_event_source_mapping(
            EventSourceArn=refs.get("stream", stream.table),
            FunctionName=stream.function,
            BatchSize=stream.batch_size,
            StartingPosition="LATEST",
            Enabled=True,
        )
