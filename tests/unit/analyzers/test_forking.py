"""A forked child's result is taken as soon as its payload is complete, without waiting for the
child to exit; a child that fails part way gives no result and is reaped at once."""

from __future__ import annotations

from pathlib import Path

from tests.unit.analyzers.fork_check import run_check_script


def test_a_complete_result_is_taken_while_the_child_exits_and_a_failed_one_is_reaped() -> None:
    verdict = run_check_script(Path(__file__).with_name("forking_check.py"))
    assert verdict == {
        "result": [True, {"answer": 42}],
        "taken_while_the_child_lingers": True,
        "reaped_after": True,
        "failed": [False, None],
        "failed_reaped_at_once": True,
    }
