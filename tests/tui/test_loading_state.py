"""The app's loading states and the abandonable run, headless (no app, no Pilot)."""

from __future__ import annotations

import gc
import threading

import pytest

from analyzers.analysis import STAGES, Analysis
from tests.paths import DEMO_SNAPSHOT
from tui.viewmodels.loading import (
    AnalysisCancelled,
    Pending,
    StageProgress,
    run_abandonable,
    snapshot_for_app,
    sub_title,
)


def test_stage_progress_names_the_stage_and_counts_the_whole() -> None:
    assert StageProgress().stage == STAGES[0]
    access = StageProgress("access", 0, 1)
    assert access.label == "analysing: access"
    assert access.detail == "stage 3 of 4"
    assert access.fraction == 0.5
    rules = StageProgress("rules", 17, 34)
    assert rules.detail == "stage 4 of 4 · 17 of 34"
    assert rules.fraction == pytest.approx(0.875)
    assert StageProgress("later", 0, 1).detail == "stage ?"
    assert StageProgress("later", 0, 1).fraction == 0.0


def test_pending_moves_through_the_stages_on_one_estate(analysis: Analysis) -> None:
    pending = Pending(analysis.estate)
    later = pending.at("rules", 3, 34)
    assert later.estate is pending.estate and later.progress == StageProgress("rules", 3, 34)
    assert pending.progress.stage == "graph"


def test_the_header_says_the_stage_then_the_findings(analysis: Analysis) -> None:
    functions = f"{len(analysis.estate.functions)} functions"
    pending = sub_title(Pending(analysis.estate).at("IAM escalation", 0, 1))
    assert functions in pending and "analysing: IAM escalation" in pending and "findings" not in pending
    done = sub_title(analysis)
    assert functions in done and f"{len(analysis.findings)} findings" in done and "analysing" not in done


def test_run_abandonable_returns_or_raises_what_the_work_did() -> None:
    never = threading.Event()
    assert run_abandonable(lambda: 42, never) == 42

    def failing() -> int:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_abandonable(failing, never)


def test_run_abandonable_stops_waiting_when_cancelled() -> None:
    cancelled, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow() -> int:
        release.wait(30)
        finished.set()
        return 1

    threading.Timer(0.05, cancelled.set).start()
    with pytest.raises(AnalysisCancelled):
        run_abandonable(slow, cancelled)
    assert not finished.is_set()  # the caller did not wait for the work
    release.set()
    assert finished.wait(30)  # which went on, on its own, and ended


def test_a_snapshot_read_for_the_app_is_frozen_out_of_the_collectors_sight() -> None:
    """`lambdascope open` reads the file before the app: its objects are frozen (`long_lived`),
    so no full collection re-scans them before the table paints; the collector is back after."""
    enabled = gc.isenabled()
    before = gc.get_freeze_count()
    try:
        snapshot = snapshot_for_app(DEMO_SNAPSHOT)
        assert gc.get_freeze_count() - before > 2 * len(snapshot.records)  # records and responses
        assert gc.isenabled() == enabled
    finally:
        gc.unfreeze()  # (what the app's end does: release_long_lived)
