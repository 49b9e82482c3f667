"""Access edges from forked workers: the same graph as one process draws, whatever fails."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from analyzers.reach.access_workers import MIN_PER_WORKER, can_fork, chunks
from tests.unit.analyzers.fork_check import run_check_script


def test_chunks_are_contiguous_runs_in_order() -> None:
    items = [f"p{i}" for i in range(MIN_PER_WORKER * 3 + 7)]
    parts = chunks(items, 3)
    assert len(parts) == 3
    assert [x for part in parts for x in part] == items
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_few_principals_stay_in_one_process() -> None:
    items = [f"p{i}" for i in range(MIN_PER_WORKER + 1)]
    assert chunks(items, 4) == [items]
    assert chunks([], 4) == [[]]
    assert chunks(items * 4, 1) == [items * 4]


@pytest.mark.skipif(not can_fork(), reason="no os.fork on this platform")
def test_workers_draw_the_graph_one_process_draws() -> None:
    result = run_check_script(Path(__file__).with_name("access_workers_check.py"), "160")
    assert result["principals"] > 3 * 20  # enough for three chunks at the lowered minimum
    assert result["can_edges"] > 0 and result["sets"] > 0
    assert result["two"] and result["three"]
    assert result["failed_worker"]  # its chunk answered in the parent instead
    assert result["no_fork"]


def test_a_process_running_other_threads_never_forks() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        other.join()
