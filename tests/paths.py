"""Where tests find the checkout, the bundled demo snapshot and the shared benchmark data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
DEMO_SNAPSHOT = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"
SHARED = ROOT.parent / "shared"  # the team's shared folder beside the checkout; tests skip without it
