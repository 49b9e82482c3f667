"""Hold the app's analysis at the start of its `access` stage until the test lets it go.

`analyzers.analysis.add_access_edges` (the `access` stage's work) is replaced by one that waits
on an event, in whichever thread runs the analysis; everything before it (loading, the model, the
graph, IAM) has run, so the app is in its `Pending` state with the functions table painted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

import analyzers.analysis as analysis_module
from estate.errors import LambdascopeError
from tui.viewmodels.loading import Pending

HOLD_SECONDS = 30.0  # a test that never lets go fails after this, rather than hanging


class HeldAnalysis:
    """`reached` is set when the analysis gets to the stage; `release()` lets it go on."""

    stage = "access"

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._release = threading.Event()
        self.timed_out = False
        self.fail_with: Exception | None = None  # raised instead of going on, once released

    def release(self) -> None:
        self._release.set()

    @property
    def released(self) -> bool:
        return self._release.is_set()

    def hold(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Replace the stage's work with one that waits for `release()` first."""
        original = analysis_module.add_access_edges
        monkeypatch.setattr(analysis_module, "add_access_edges", self.wrap(original))

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.reached.set()
            if not self._release.wait(HOLD_SECONDS):
                self.timed_out = True
                raise LambdascopeError("the test never released the held analysis")
            if self.fail_with is not None:
                raise self.fail_with
            return original(*args, **kwargs)

        return held


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    """Let the app run until `condition()` holds (failing with `what` after `seconds`)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def held_at(app: Any, held: HeldAnalysis) -> bool:
    """The app shows the model and its analysis is held at `held.stage`."""
    state = getattr(app, "state", None)
    return held.reached.is_set() and isinstance(state, Pending) and state.progress.stage == held.stage
