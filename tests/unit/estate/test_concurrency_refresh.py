"""`merge_concurrency`: a live re-read of GetFunctionConcurrency folded into the estate (issue 18
point 3). Only the functions re-read change; a malformed answer is a gap, never a traceback."""

from __future__ import annotations

from typing import Any

from estate.model.concurrency_refresh import merge_concurrency, reserved_of
from estate.model.load import load_estate
from tests.builders import fn_arn, function, record, snapshot_of


def _estate() -> Any:
    extra = [record("lambda", "GetFunctionConcurrency", {}, FunctionName=fn_arn(n)) for n in ("a", "b")]
    return load_estate(snapshot_of([function("a"), function("b")], extra=extra))


def _reread(name: str, response: Any) -> Any:
    return record("lambda", "GetFunctionConcurrency", response, FunctionName=fn_arn(name))


def _reserved(estate: Any, name: str) -> tuple[int | None, str]:
    fn = estate.function(fn_arn(name))
    return fn.reserved_concurrency, fn.reserved_concurrency_state


def test_an_isolation_reread_changes_only_that_function() -> None:
    estate = _estate()
    assert _reserved(estate, "a") == _reserved(estate, "b") == (None, "absent")
    fresh, gaps = merge_concurrency(estate, [_reread("a", {"ReservedConcurrentExecutions": 0})])
    assert _reserved(fresh, "a") == (0, "present") and not gaps
    assert _reserved(fresh, "b") == (None, "absent")
    assert fresh.function(fn_arn("b")) is estate.function(fn_arn("b"))  # untouched, the same record
    assert fresh.metrics is estate.metrics and fresh.manifest is estate.manifest
    back, _ = merge_concurrency(fresh, [_reread("a", {})])  # restored: none reserved again
    assert _reserved(back, "a") == (None, "absent")


def test_nothing_reread_or_nothing_changed_keeps_the_estate() -> None:
    estate = _estate()
    assert merge_concurrency(estate, []) == (estate, ())
    same, _ = merge_concurrency(estate, [_reread("a", {})])
    assert same is estate
    other_op = record("lambda", "GetPolicy", {"ReservedConcurrentExecutions": 0}, FunctionName=fn_arn("a"))
    assert merge_concurrency(estate, [other_op])[0] is estate


def test_a_malformed_reread_is_a_gap_and_changes_nothing() -> None:
    estate = _estate()
    fresh, gaps = merge_concurrency(estate, [_reread("a", {"ReservedConcurrentExecutions": "zero"})])
    assert _reserved(fresh, "a") == (None, "absent")
    assert gaps and gaps[0].operation == "GetFunctionConcurrency" and gaps[0].status != "ok"


def test_reserved_of_each_answer() -> None:
    assert reserved_of({"ReservedConcurrentExecutions": 7}) == (7, "present")
    assert reserved_of({}) == (None, "absent")
    assert reserved_of({"Error": {"Code": "ResourceNotFoundException"}}) == (None, "absent")
    assert reserved_of(None) == (None, "unknown")
    assert reserved_of({"ReservedConcurrentExecutions": True}) == (None, "unknown")
