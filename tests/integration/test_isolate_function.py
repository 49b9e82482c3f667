"""Isolate and restore a function against the moto server over HTTP, and a refusal (AccessDenied,
injected with a botocore `before-send` hook as LOCAL-AWS.md advises) that changes nothing."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from estate.actions import ActionFailed, AuditLog, FunctionIsolation, boto3_clients
from estate.actions.audit_log import NONE

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _function(endpoint: str, name: str, reserved: int | None) -> str:
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        role = iam.get_role(RoleName="fn-role")["Role"]["Arn"]
    client = boto3.client("lambda", endpoint_url=endpoint, region_name=REGION)
    arn = client.create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": _zip()}
    )["FunctionArn"]
    if reserved is not None:
        client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
    return str(arn)


def _reserved(endpoint: str, arn: str) -> int | None:
    client = boto3.client("lambda", endpoint_url=endpoint, region_name=REGION)
    return client.get_function_concurrency(FunctionName=arn).get("ReservedConcurrentExecutions")


@pytest.mark.parametrize("reserved", [None, 25])
def test_isolate_then_restore_puts_back_exactly_what_was_there(
    moto_endpoint: str, tmp_path: Path, reserved: int | None
) -> None:
    arn = _function(moto_endpoint, "payments-webhook", reserved)
    audit = AuditLog(tmp_path / "actions" / "actions.jsonl")
    isolation = FunctionIsolation(boto3_clients(endpoint_url=moto_endpoint), audit)

    isolated = isolation.isolate(arn)
    assert _reserved(moto_endpoint, arn) == 0
    assert (isolated.action, isolated.before, isolated.after, isolated.result) == (
        "isolate",
        NONE if reserved is None else reserved,
        0,
        "ok",
    )
    assert isolated.actor.startswith("arn:aws:")  # sts:GetCallerIdentity
    assert "ReservedConcurrentExecutions=0" in isolated.aws_call

    restored = isolation.restore(arn)
    assert _reserved(moto_endpoint, arn) == reserved
    assert (restored.before, restored.after) == (0, NONE if reserved is None else reserved)
    assert ("DeleteFunctionConcurrency" in restored.aws_call) is (reserved is None)

    assert [r.action for r in audit.records()] == ["isolate", "restore"]
    assert stat.S_IMODE(audit.path.stat().st_mode) == 0o600
    lines = audit.path.read_text().splitlines()
    assert {"at", "actor", "function", "before", "after", "result"} <= set(json.loads(lines[0]))
    with pytest.raises(LookupError):
        isolation.restore(arn)  # restored: nothing left to put back


def _denying(client_for: Any, method: str, operation: str) -> Any:
    """A policy that denies `method` on paths containing `operation`: AWS's 403 as botocore reads it."""

    def denied(request: Any, **_kwargs: Any) -> AWSResponse | None:
        if request.method != method or operation not in request.url:
            return None
        body = json.dumps({"message": "User is not authorized to perform: lambda:PutFunctionConcurrency"})
        headers = {"x-amzn-errortype": "AccessDeniedException", "content-type": "application/json"}
        fields = HTTPHeaders()
        for name, value in headers.items():
            fields[name] = value
        return AWSResponse(request.url, 403, fields, _Raw(body.encode()))

    def wrapped(service: str, region: str) -> Any:
        client = client_for(service, region)
        if service == "lambda" and not getattr(client, "_denying", False):
            client.meta.events.register("before-send", denied)
            client._denying = True
        return client

    return wrapped


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Any:
        yield self._data


def test_access_denied_is_recorded_as_is_and_changes_nothing(moto_endpoint: str, tmp_path: Path) -> None:
    arn = _function(moto_endpoint, "ledger-writer", 10)
    audit = AuditLog(tmp_path / "actions.jsonl")
    isolation = FunctionIsolation(
        _denying(boto3_clients(endpoint_url=moto_endpoint), "PUT", "/concurrency"), audit
    )
    with pytest.raises(ActionFailed) as failed:
        isolation.isolate(arn)
    record = failed.value.record
    assert (record.result, record.error_code) == ("error", "AccessDeniedException")
    assert "not authorized" in (record.message or "")
    assert (record.before, record.after) == (10, 10)  # read before the refused write
    assert _reserved(moto_endpoint, arn) == 10  # unchanged
    assert audit.records() == [record] and audit.isolated_before(arn) is None
