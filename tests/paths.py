"""Where tests find the checkout, the bundled demo snapshot and the shared benchmark data; the demo
snapshot analysed once per process (`analysed_demo`, also the `demo_analysis` fixture)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
DEMO_SNAPSHOT = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"
SHARED = ROOT.parent / "shared"  # the team's shared folder beside the checkout; tests skip without it
DEMO_TODAY = dt.date(2026, 11, 29)  # the day most tests analyse the demo on


@functools.cache
def analysed_demo(today: dt.date = DEMO_TODAY) -> Analysis:
    """`analyze_snapshot(load_snapshot(DEMO_SNAPSHOT), today)` with default settings, computed once
    per process (pytest-xdist worker) and shared: `Analysis` is immutable, never change it."""
    from analyzers.analysis import analyze_snapshot
    from estate.snapshot import load_snapshot

    return analyze_snapshot(load_snapshot(DEMO_SNAPSHOT), today)
