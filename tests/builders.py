"""Build small snapshots in code for pure analyzer tests (AWS-shaped dicts, no server)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from estate.snapshot import Manifest, Record, RecordKey, Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"


def rule_case(rule_id: str, kind: str) -> Any:
    """Tag a test as a positive or negative case of a rule (checked by the registry test)."""
    assert kind in {"positive", "negative"}
    return pytest.mark.rule_case(rule_id, kind)


def fn_arn(name: str, region: str = REGION) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def function(
    name: str,
    *,
    region: str = REGION,
    runtime: str | None = "python3.12",
    env: dict[str, str] | None = None,
    kms: str | None = None,
    role: str = "app-role",
    description: str = "",
    package_type: str = "Zip",
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": fn_arn(name, region),
        "Role": f"arn:aws:iam::{ACCOUNT}:role/{role}",
        "Handler": "app.handler",
        "Description": description,
        "MemorySize": 256,
        "Timeout": 30,
        "PackageType": package_type,
    }
    if runtime:
        raw["Runtime"] = runtime
    if env is not None:
        raw["Environment"] = {"Variables": env}
    if kms:
        raw["KMSKeyArn"] = kms
    return raw


def record(service: str, operation: str, response: Any, region: str = REGION, **params: Any) -> Record:
    """One stored response of this test account (for `snapshot_of(extra=...)`)."""
    return Record(RecordKey(ACCOUNT, region, service, operation, params), response)


def statement(
    principal: Any, action: Any = "lambda:InvokeFunction", condition: Any = None, **extra: Any
) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Sid": extra.pop("Sid", "s1"),
        "Effect": extra.pop("Effect", "Allow"),
        "Principal": principal,
    }
    if action is not None:
        stmt["Action"] = action
    stmt["Resource"] = extra.pop("Resource", "*")
    if condition is not None:
        stmt["Condition"] = condition
    stmt.update(extra)
    return stmt


def snapshot_of(
    functions: list[dict[str, Any]],
    *,
    policies: dict[str, list[dict[str, Any]]] | None = None,
    urls: dict[str, dict[str, Any]] | None = None,
    iam: dict[str, Any] | None = None,
    extra: list[Record] | None = None,
) -> Snapshot:
    """A snapshot where every listed function's policy and URL were collected (plus `extra` records)."""
    records = [Record(RecordKey(ACCOUNT, REGION, "lambda", "ListFunctions", {}), {"Functions": functions})]
    for fn in functions:
        arn, region = fn["FunctionArn"], fn["FunctionArn"].split(":")[3]
        stmts = (policies or {}).get(fn["FunctionName"])
        policy = (
            {"Policy": json.dumps({"Version": "2012-10-17", "Statement": stmts})}
            if stmts is not None
            else {"Error": {"Code": "ResourceNotFoundException"}}
        )
        url = (urls or {}).get(fn["FunctionName"], {"Error": {"Code": "ResourceNotFoundException"}})
        records.append(
            Record(RecordKey(ACCOUNT, region, "lambda", "GetPolicy", {"FunctionName": arn}), policy)
        )
        records.append(
            Record(
                RecordKey(ACCOUNT, region, "lambda", "GetFunctionUrlConfig", {"FunctionName": arn}),
                url,
            )
        )
    if iam is not None:
        records.append(Record(RecordKey(ACCOUNT, "global", "iam", "GetAccountAuthorizationDetails", {}), iam))
    records.extend(extra or ())
    manifest = Manifest(
        created_at="2026-11-01T00:00:00+00:00",
        source="test",
        accounts=(ACCOUNT,),
        regions=(REGION,),
    )
    return Snapshot(manifest, records)
