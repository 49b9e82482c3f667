"""Isolate a function (reserved concurrency 0: every invocation is throttled, nothing is deleted)
and restore it to exactly what it was (the old reserved value, or none).

The calls are `lambda:GetFunctionConcurrency`, `lambda:PutFunctionConcurrency` and
`lambda:DeleteFunctionConcurrency` on the one function, plus `sts:GetCallerIdentity` for the audit
log's "who". A refused or throttled call is recorded as it came back and raised as `ActionFailed`:
nothing is assumed to have changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from estate.actions.audit_log import NONE, ActionRecord, AuditLog, now

ClientFor = Callable[[str, str], Any]  # (service, region) -> boto3 client


class ActionFailed(Exception):
    """An action AWS refused or could not complete; `record` is what the audit log says."""

    def __init__(self, record: ActionRecord) -> None:
        super().__init__(f"{record.error_code}: {record.message}")
        self.record = record


def isolate_call(function_arn: str) -> str:
    return f"lambda:PutFunctionConcurrency FunctionName={function_arn} ReservedConcurrentExecutions=0"


def restore_call(function_arn: str, before: int | str) -> str:
    if before == NONE:
        return f"lambda:DeleteFunctionConcurrency FunctionName={function_arn}"
    return f"lambda:PutFunctionConcurrency FunctionName={function_arn} ReservedConcurrentExecutions={before}"


def _region(function_arn: str) -> str:
    parts = function_arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda":
        raise ValueError(f"not a function ARN: {function_arn!r}")
    return parts[3]


def _error(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error") or {}
        return str(error.get("Code") or "ClientError"), str(error.get("Message") or exc)
    return type(exc).__name__, str(exc)


class FunctionIsolation:
    """Isolates and restores functions through `client_for`, recording every attempt in `audit`."""

    def __init__(self, client_for: ClientFor, audit: AuditLog) -> None:
        self._client_for = client_for
        self.audit = audit
        self._actor: str | None = None

    def actor(self, region: str) -> str:
        if self._actor is None:
            try:
                self._actor = str(self._client_for("sts", region).get_caller_identity()["Arn"])
            except (ClientError, BotoCoreError, KeyError) as exc:
                return f"unknown ({_error(exc)[0]})"
        return self._actor

    def reserved(self, function_arn: str) -> int | str:
        """The function's reserved concurrency now, or NONE."""
        answer = self._client_for("lambda", _region(function_arn)).get_function_concurrency(
            FunctionName=function_arn
        )
        value = answer.get("ReservedConcurrentExecutions")
        return value if isinstance(value, int) and not isinstance(value, bool) else NONE

    def isolate(self, function_arn: str) -> ActionRecord:
        region = _region(function_arn)
        call = isolate_call(function_arn)
        before: int | str = NONE
        try:
            before = self.reserved(function_arn)
            self._client_for("lambda", region).put_function_concurrency(
                FunctionName=function_arn, ReservedConcurrentExecutions=0
            )
        except (ClientError, BotoCoreError) as exc:
            raise ActionFailed(self._fail("isolate", function_arn, region, before, call, exc)) from None
        if before == 0:  # already at zero by other means: the way back is what the log remembers
            before = self.audit.isolated_before(function_arn) or 0
        return self._ok("isolate", function_arn, region, before, 0, call)

    def restore(self, function_arn: str) -> ActionRecord:
        """Put back what the last isolation replaced (the audit log says what)."""
        region = _region(function_arn)
        before = self.audit.isolated_before(function_arn)
        if before is None:
            raise LookupError(
                f"{function_arn} was not isolated by lambdascope (nothing in {self.audit.path})"
            )
        call = restore_call(function_arn, before)
        client = self._client_for("lambda", region)
        try:
            if before == NONE:
                client.delete_function_concurrency(FunctionName=function_arn)
            else:
                client.put_function_concurrency(
                    FunctionName=function_arn, ReservedConcurrentExecutions=before
                )
        except (ClientError, BotoCoreError) as exc:
            raise ActionFailed(self._fail("restore", function_arn, region, 0, call, exc)) from None
        return self._ok("restore", function_arn, region, 0, before, call)

    def _ok(
        self, action: str, arn: str, region: str, before: int | str, after: int | str, call: str
    ) -> ActionRecord:
        record = ActionRecord(now(), self.actor(region), action, arn, before, after, "ok", call)
        self.audit.append(record)
        return record

    def _fail(
        self, action: str, arn: str, region: str, before: int | str, call: str, exc: Exception
    ) -> ActionRecord:
        code, message = _error(exc)
        record = ActionRecord(
            now(), self.actor(region), action, arn, before, before, "error", call, code, message
        )
        self.audit.append(record)
        return record


def boto3_clients(profile: str | None = None, endpoint_url: str | None = None) -> ClientFor:
    """Clients from the standard credential chain (`--profile`, SSO, env), standard retries, one
    per (service, region); `endpoint_url` (or AWS_ENDPOINT_URL) for a local AWS."""
    import os

    import boto3
    from botocore.config import Config

    session = boto3.session.Session(profile_name=profile)
    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=10, read_timeout=30)
    endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    cache: dict[tuple[str, str], Any] = {}

    def client_for(service: str, region: str) -> Any:
        if (service, region) not in cache:
            cache[(service, region)] = session.client(
                service,  # type: ignore[call-overload]
                region_name=region,
                endpoint_url=endpoint,
                config=config,
            )
        return cache[(service, region)]

    return client_for
