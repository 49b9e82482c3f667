"""Lambda functions as ListFunctions pages and the live collector's per-function reads.

Environment values are stored in the collector's default redacted shape (key, length, keyed
hash, detector verdict); the hash here is keyed by the seed, not the user's hash key, so the file
is reproducible. A few variables carry a secret verdict, as a leaked credential would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from estate.sources.synth.network import function_network, sg_id, subnet_id
from estate.sources.synth.shape import (
    ACCOUNT,
    REGION,
    Chooser,
    Scale,
    function_arn,
    function_name,
    kms_key_arn,
    role_arn,
    role_of,
    team_of,
)
from estate.sources.synth.sink import RecordSink

RUNTIMES = ("python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java21", "python3.11", "provided.al2023")
DEPRECATED = ("python3.7", "nodejs14.x", "python3.8", "nodejs16.x", "go1.x", "dotnet6")
_SECRETS = (
    ("DB_PASSWORD", "Secret-named variable"),
    ("AWS_SECRET_ACCESS_KEY", "AWS Access Key"),
    ("STRIPE_API_KEY", "Secret Keyword"),
    ("UPSTREAM_URL", "Credentials in URL"),
)
_NOT_FOUND = {
    "Error": {"Code": "ResourceNotFoundException", "Message": "The resource you requested does not exist."}
}


def _redacted(chooser: Chooser, name: str, length: int, secret: str | None) -> dict[str, Any]:
    digest = hashlib.sha256(f"{chooser.hexid('env', 0, 8)}:{name}:{length}".encode()).hexdigest()[:32]
    return {"__lambdascope_redacted__": True, "hmac_sha256": digest, "length": length, "secret": secret}


def _environment(chooser: Chooser, function: int) -> dict[str, Any]:
    name = function_name(function)
    variables = {
        "ENVIRONMENT": _redacted(chooser, "prod", 4, None),
        "LOG_LEVEL": _redacted(chooser, "INFO", 4, None),
        "POWERTOOLS_SERVICE_NAME": _redacted(chooser, name, len(name), None),
    }
    if chooser.unit("env-table", function) < 0.6:
        variables["TABLE_NAME"] = _redacted(chooser, f"table-{function}", 21, None)
    if chooser.unit("env-secret", function) < 0.03:
        key, verdict = _SECRETS[chooser.pick("env-secret-kind", function, len(_SECRETS))]
        variables[key] = _redacted(chooser, f"secret-{function}", 40, verdict)
    return {"Variables": variables}


def function_config(scale: Scale, chooser: Chooser, function: int, invoker: str) -> dict[str, Any]:
    """One entry of ListFunctions, as AWS returns it (after the collector's env var redaction)."""
    runtime_roll = chooser.unit("runtime", function)
    runtime = (
        DEPRECATED[chooser.pick("old-runtime", function, len(DEPRECATED))]
        if runtime_roll < 0.08
        else RUNTIMES[chooser.pick("new-runtime", function, len(RUNTIMES))]
    )
    config: dict[str, Any] = {
        "Architectures": ["arm64" if chooser.unit("arch", function) < 0.4 else "x86_64"],
        "CodeSha256": hashlib.sha256(f"code:{function}".encode()).hexdigest()[:43] + "=",
        "CodeSize": 2000 + chooser.pick("size", function, 5_000_000),
        "Description": f"{team_of(function)} service function ({invoker})",
        "Environment": _environment(chooser, function),
        "EphemeralStorage": {"Size": 512},
        "FunctionArn": function_arn(function),
        "FunctionName": function_name(function),
        "Handler": "index.handler" if runtime.startswith("nodejs") else "app.handler",
        "LastModified": "2026-10-01T09:30:00.000+0000",
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function_name(function)}"},
        "MemorySize": (128, 256, 512, 1024, 2048)[chooser.pick("memory", function, 5)],
        "PackageType": "Zip",
        "RevisionId": chooser.uuid("revision", function),
        "Role": role_arn(role_of(scale, function)),
        "Runtime": runtime,
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "Timeout": (3, 15, 30, 60, 900)[chooser.pick("timeout", function, 5)],
        "TracingConfig": {"Mode": "Active" if chooser.unit("tracing", function) < 0.45 else "PassThrough"},
        "Version": "$LATEST",
    }
    if chooser.unit("env-cmk", function) < 0.3:
        config["KMSKeyArn"] = kms_key_arn(chooser, chooser.pick("env-key", function, scale.kms_keys))
    if chooser.unit("dlq", function) < 0.25:
        config["DeadLetterConfig"] = {
            "TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{function_name(function)}-dlq"
        }
    if chooser.unit("layer", function) < 0.2:
        owner = "580247275435" if chooser.unit("layer-owner", function) < 0.3 else ACCOUNT
        config["Layers"] = [
            {
                "Arn": f"arn:aws:lambda:{REGION}:{owner}:layer:shared-deps:{7 + function % 5}",
                "CodeSize": 1_048_576,
            }
        ]
    placed = function_network(scale, chooser, function)
    if placed:
        vpc, subnets = placed
        config["VpcConfig"] = {
            "SecurityGroupIds": [sg_id(chooser, vpc, 1 + chooser.pick("sg", function, 2))],
            "SubnetIds": [subnet_id(chooser, s) for s in subnets],
            "VpcId": "vpc-" + chooser.hexid("vpc", vpc, 17),
        }
    return config


def add_functions(
    sink: RecordSink,
    scale: Scale,
    chooser: Chooser,
    invoker_of: Callable[[int], str],
    policy_of: Callable[[int], dict[str, Any] | None],
    url_of: Callable[[int], dict[str, Any] | None],
) -> None:
    """ListFunctions pages (50 a page, as AWS), then each function's reads, one record each."""
    configs = [function_config(scale, chooser, f, invoker_of(f)) for f in range(scale.functions)]
    sink.pages("lambda", "ListFunctions", configs, "Functions", 50, ("Marker", "NextMarker"))
    for function, config in enumerate(configs):
        for operation, response, params in _reads(scale, chooser, function, config, policy_of, url_of):
            sink.add("lambda", operation, response, **params)


def _reads(
    scale: Scale,
    chooser: Chooser,
    function: int,
    config: dict[str, Any],
    policy_of: Callable[[int], dict[str, Any] | None],
    url_of: Callable[[int], dict[str, Any] | None],
) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    arn, name = function_arn(function), function_name(function)
    by_arn = {"FunctionName": arn}
    yield "GetPolicy", policy_of(function) or _NOT_FOUND, by_arn
    yield "GetFunctionUrlConfig", url_of(function) or _NOT_FOUND, by_arn
    tags = {"team": team_of(function), "environment": "prod", "managed-by": "terraform"}
    yield "ListTags", {"Tags": tags}, {"Resource": arn}
    reserved = chooser.unit("reserved", function) < 0.15
    yield "GetFunctionConcurrency", ({"ReservedConcurrentExecutions": 50} if reserved else {}), by_arn
    yield "ListProvisionedConcurrencyConfigs", {"ProvisionedConcurrencyConfigs": []}, by_arn
    yield "GetFunctionCodeSigningConfig", {"CodeSigningConfigArn": "", "FunctionName": name}, by_arn
    yield "ListAliases", {"Aliases": []}, {"FunctionName": name}
    latest = dict(config, FunctionArn=f"{arn}:$LATEST")
    yield "ListVersionsByFunction", {"Versions": [latest]}, {"FunctionName": name}
