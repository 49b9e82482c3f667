"""A bug in the TUI's work is one notification naming the saved traceback, never a traceback on
the terminal; without an estate to show, the app ends with the internal-error code (70)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerFailed

from estate.errors import EXIT_INTERNAL, LambdascopeError
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tui.app import create_app


async def _run_failing(snapshot_path: Path, held: HeldAnalysis, error: Exception) -> tuple[Any, list]:
    held.fail_with = error
    notices: list[tuple[str, str]] = []
    app = create_app(snapshot_path, today=TODAY)

    def notify(message: str, *, title: str = "", **_kwargs: Any) -> None:
        notices.append((title, message))

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held), "the analysis held")
        held.release()
        with contextlib.suppress(WorkerFailed):  # Textual re-raises a failed worker to its waiter
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return app, notices


async def test_a_bug_in_the_analysis_is_one_notice_and_exit_70(
    snapshot_path: Path, held_analysis: HeldAnalysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path))
    app, notices = await _run_failing(snapshot_path, held_analysis, KeyError("[bold]Functions[/bold]"))
    assert app.return_code == EXIT_INTERNAL
    (saved,) = (tmp_path / "crashes").iterdir()
    assert notices == [
        (
            "Internal error",
            f"internal error: KeyError: '[bold]Functions[/bold]'; details written to {saved}",
        )
    ]
    assert "KeyError" in saved.read_text()


async def test_a_user_error_is_not_reported_as_a_bug(
    snapshot_path: Path, held_analysis: HeldAnalysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path))
    app, notices = await _run_failing(snapshot_path, held_analysis, LambdascopeError("unreadable"))
    assert app.return_code == 2
    assert [title for title, _ in notices] == ["Cannot analyse the estate"]
    assert not (tmp_path / "crashes").exists()
