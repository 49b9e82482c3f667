"""`rereading_acted`: `lambdascope live`'s refresh asks for the reserved concurrency of the functions
isolated or restored since the last refresh (issue 18 point 3), once; a failed refresh keeps them
for the next one; read-only (no actions mode) asks for none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from estate.actions import AuditLog, FunctionIsolation
from estate.errors import LambdascopeError
from tui.viewmodels.actions_mode import ActionsMode, rereading_acted

A, B = "arn:aws:lambda:eu-west-1:123456789012:function:a", "arn:aws:lambda:eu-west-1:123456789012:function:b"


class Recorder:
    def __init__(self, fail: int = 0) -> None:
        self.asked: list[frozenset[str]] = []
        self.fail = fail

    def __call__(self, estate: Any, *, concurrency_of: frozenset[str]) -> Any:
        self.asked.append(frozenset(concurrency_of))
        if self.fail:
            self.fail -= 1
            raise LambdascopeError("metrics refresh failed: AccessDenied")
        return estate


def _mode(tmp_path: Path) -> ActionsMode:
    return ActionsMode(FunctionIsolation(lambda service, region: None, AuditLog(tmp_path / "a.jsonl")))


def test_each_function_acted_on_is_reread_once(tmp_path: Path) -> None:
    mode, refresh = _mode(tmp_path), Recorder()
    run = rereading_acted(refresh, mode)
    run("estate")
    mode.acted(A)
    mode.acted(B)
    mode.acted(A)
    run("estate")
    run("estate")
    assert refresh.asked == [frozenset(), frozenset({A, B}), frozenset()]


def test_a_failed_refresh_keeps_them_for_the_next(tmp_path: Path) -> None:
    mode, refresh = _mode(tmp_path), Recorder(fail=1)
    run = rereading_acted(refresh, mode)
    mode.acted(A)
    with pytest.raises(LambdascopeError):
        run("estate")
    assert run("estate") == "estate"
    assert refresh.asked == [frozenset({A}), frozenset({A})]


def test_read_only_asks_for_none() -> None:
    refresh = Recorder()
    rereading_acted(refresh, None)("estate")
    assert refresh.asked == [frozenset()]
