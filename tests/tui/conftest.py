"""Fixtures for the TUI tests: the estate they run on, its analysis, and a fixed date and size.

Every Pilot test and SVG snapshot runs on `snapshot_path`. Until the bundled demo snapshot
exists they run on the fintech fixture built in code (fixture_estate.py); flipping
`PREFER_DEMO` is the one-line switch to the demo (then regenerate the SVGs with
`pytest tests/tui --snapshot-update`). The Pilot tests derive what they expect from the
analysis, so they pass on either estate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzers.analysis import Analysis, analyze_snapshot
from estate.snapshot import export_snapshot, load_snapshot
from tests.paths import DEMO_SNAPSHOT
from tests.tui.fixture_estate import fixture_snapshot, hostile_snapshot
from tests.tui.held_analysis import HeldAnalysis

PREFER_DEMO = True  # the demo estate (bundled); False runs on the in-code fixture
TODAY = dt.date(2026, 11, 1)  # the demo snapshot's creation day, so SVGs are deterministic
SIZE = (160, 48)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests (Pilot) on a fresh event loop, without an asyncio plugin."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(scope="session")
def snapshot_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The estate the TUI tests run on: the demo if switched on and present, else the fixture."""
    if PREFER_DEMO and DEMO_SNAPSHOT.exists():
        return DEMO_SNAPSHOT
    path = tmp_path_factory.mktemp("estate") / "fixture.lsnap"
    export_snapshot(fixture_snapshot(), path)
    return path


@pytest.fixture(scope="session")
def analysis(snapshot_path: Path) -> Analysis:
    """`snapshot_path` analysed on TODAY once per worker. Tests that are not about loading start the
    app with it, `create_app(snapshot_path, analysis=analysis, today=TODAY)`: the same screens and
    title as the loading worker gives (the SVGs match either way), without re-analysing the estate
    (about a second each); a few tests keep the real loading path (first paint, a bad file)."""
    return analyze_snapshot(load_snapshot(snapshot_path), TODAY)


@pytest.fixture(scope="session")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.lsnap"
    export_snapshot(hostile_snapshot(), path)
    return path


@pytest.fixture(scope="session")
def hostile_analysis(hostile_path: Path) -> Analysis:
    return analyze_snapshot(load_snapshot(hostile_path), TODAY)


@pytest.fixture
def held_analysis(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldAnalysis]:
    """The app's analysis held at the start of its `access` stage until `release()` (always
    released when the test ends, so no thread is left waiting)."""
    held = HeldAnalysis()
    held.hold(monkeypatch)
    try:
        yield held
    finally:
        held.release()
