"""Access edges from forked workers: the same graph as one process draws, whatever fails."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from analyzers.reach import access_workers
from analyzers.reach.access_workers import (
    MIN_PER_WORKER,
    RUN,
    Begun,
    Claims,
    can_fork,
    in_workers,
    runs_of,
)
from tests.unit.analyzers.fork_check import run_check_script


def test_runs_are_contiguous_and_in_order() -> None:
    items = [f"p{i}" for i in range(RUN * 3 + 7)]
    runs = runs_of(items)
    assert [x for run in runs for x in run] == items
    assert [len(run) for run in runs] == [RUN, RUN, RUN, 7]
    assert runs_of([]) == []


def test_claims_take_every_run_once_this_process_a_prefix() -> None:
    claims = Claims(7)
    taken = [claims.front(), claims.back(), claims.back(), claims.front(), claims.front()]
    taken += [claims.back(), claims.front(), claims.front(), claims.back()]
    assert taken == [0, 6, 5, 1, 2, 4, 3, None, None]
    assert Claims(0).front() is None and Claims(0).back() is None


class _Analysis:
    """The little of an access analysis `in_workers` calls: one edge per principal."""

    blocks: tuple[object, ...] = ()

    def __init__(self) -> None:
        self.set_nodes: dict[str, object] = {}

    def edges_for(self, arn: str) -> list[tuple[str, dict[str, str]]]:
        return [(f"{arn}-target", {"kind": "can"})]

    def forget_principal(self) -> None:
        return None

    def set_edge_for_drawing(self, block_index: int, pattern: str) -> object:
        raise AssertionError("no worker ran")


def test_few_principals_stay_in_one_process_and_meanwhile_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[object] = []
    monkeypatch.setattr(access_workers, "can_fork", lambda: True)
    monkeypatch.setattr(access_workers, "start", lambda *args: forks.append(args))
    calls: list[int] = []
    items = [f"p{i}" for i in range(2 * MIN_PER_WORKER - 1)]
    got = list(in_workers(_Analysis(), items, 4, lambda: calls.append(len(forks))))
    assert [arn for arn, _edges in got] == items and not forks and calls == [0]


def test_runs_no_worker_could_take_are_answered_here_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_workers, "can_fork", lambda: True)
    monkeypatch.setattr(access_workers, "start", lambda *args: None)  # the fork failed
    calls: list[str] = []
    items = [f"p{i}" for i in range(2 * MIN_PER_WORKER + 3)]
    got = list(in_workers(_Analysis(), items, 2, lambda: calls.append("meanwhile")))
    assert [arn for arn, _edges in got] == items and calls == ["meanwhile"]
    assert got[0][1] == [("p0-target", {"kind": "can"})]


def test_too_few_known_early_the_workers_fork_on_the_whole_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """An IAM-dense account: a handful of execution roles, thousands of principals found by the
    escalation analysis. The workers are forked when the whole list is known, before
    `meanwhile` (the IAM rules) runs, not left to this process after it."""
    forks: list[object] = []
    monkeypatch.setattr(access_workers, "can_fork", lambda: True)
    monkeypatch.setattr(access_workers, "start", lambda *args: forks.append(args))  # (then failed)
    begun = Begun(_Analysis(), ["p0", "p1"], 2)
    assert not forks
    calls: list[int] = []
    items = [f"p{i}" for i in range(2 * MIN_PER_WORKER)]
    got = list(begun.edges(items, lambda: calls.append(len(forks))))
    assert [arn for arn, _edges in got] == items and calls == [1]
    assert got[-1][1] == [(f"{items[-1]}-target", {"kind": "can"})]


@pytest.mark.skipif(not can_fork(), reason="no os.fork on this platform")
def test_workers_draw_the_graph_one_process_draws() -> None:
    result = run_check_script(Path(__file__).with_name("access_workers_check.py"), "160")
    assert result["principals"] > 3 * 20  # enough to fork at the lowered minimum, many runs of 7
    assert result["can_edges"] > 0 and result["sets"] > 0
    assert result["two"] and result["three"]
    assert result["busy"]  # this process busy first while the worker claims runs: the same graph
    assert result["failed_worker"]  # the runs it claimed answered in the parent instead
    assert result["no_fork"]
    assert result["meanwhile_calls"] == ["meanwhile", "unforked"]  # once per drawing
    # begun before the IAM analysis on the execution roles, with a principal found only after
    assert result["demo_roles"] >= 2 * 5 and result["demo_late"] > 0
    assert result["begun_early"]
    assert result["made_where_needed"]  # each worker makes its own analysis; this process when read
    assert result["begun_early_failed"]  # the run a failed worker claimed answered here
    assert result["forked_late"]  # too few execution roles: one worker forked on the whole list


def test_a_process_running_other_threads_never_forks() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        other.join()


def test_the_workers_begin_on_every_principal_where_principals_outnumber_functions() -> None:
    """The execution roles are most principals where functions are many; on an IAM-dense account
    (2,000 roles, 20 functions) nearly every role is reached through the escalation edges, and
    the workers begin on all of them while this process runs the escalation analysis."""
    import dataclasses

    from analyzers.iam.principal_policies import IamModel
    from analyzers.reach.access_edges import _early_principals, _execution_roles
    from estate.model.load import load_estate
    from estate.snapshot import load_snapshot
    from tests.paths import DEMO_SNAPSHOT

    demo = load_estate(load_snapshot(DEMO_SNAPSHOT))
    model = IamModel(demo)
    assert len(demo.functions) >= len(demo.principals)
    assert _early_principals(demo, model) == _execution_roles(model)
    assert len(_execution_roles(model)) < len(model.actors)
    dense = dataclasses.replace(demo, functions=demo.functions[:3])
    assert _early_principals(dense, IamModel(dense)) == sorted(model.actors)
