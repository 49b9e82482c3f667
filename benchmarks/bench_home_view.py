"""The home view at scale: its first paint as `lambdascope open` shows it, and its panels' cost.

    python benchmarks/bench_home_view.py [--snapshot FILE] [--runs 3]

Each run is a fresh, cold process doing what `lambdascope open FILE` does (`load_snapshot`, then
`create_app(path, snapshot=..., first_view="home")` under Pilot at 160x48), reporting, in seconds
from the process' start (CPU seconds beside):

- "home painted": the home view is on screen with the estate panel, from the model alone (the
  analysis panels say which stage they wait for); compare with bench_tui_startup.py's "table
  painted" (the functions table, the same moment for the previous first screen);
- "home filled": the analysis is done and every panel holds its items;
- "UI stall": the longest the UI's event loop answered late to a 50 ms ticker meanwhile.

Then, in this process, the panels computed from an analysis in hand (`home_panels`, what the
home view's thread worker runs) and how many items they put in front of a person. Nothing here
asserts; the default snapshot is the cached 10,000-function synthetic estate.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 1)
SIZE = (160, 48)
DEFAULT = Path.home() / ".cache" / "lambdascope-bench" / "synth-10000-7.lsnap"


async def _open(path: Path) -> None:
    from estate.snapshot import load_snapshot
    from tui.app import create_app
    from tui.screens.home import HomeScreen

    def say(moment: str, **extra: Any) -> None:
        print(
            json.dumps({"moment": moment, "at": time.time(), "cpu": time.process_time(), **extra}), flush=True
        )

    snapshot = load_snapshot(path)
    app = create_app(path, snapshot=snapshot, today=TODAY, first_view="home")
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, HomeScreen):
            await asyncio.sleep(0.005)
        home = app.screen
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        await painted.wait()
        say("painted")
        stall, last = 0.0, time.perf_counter()
        while home.board is None:
            await pilot.pause(0.05)
            now = time.perf_counter()
            stall, last = max(stall, now - last - 0.05), now
        await pilot.pause()
        items = sum(len(p.items) for p in home.board[0])
        say("filled", stall=stall, items=items)


def _one(path: Path) -> dict[str, dict[str, Any]]:
    started = time.time()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert child.stdout is not None
    moments = {}
    for line in child.stdout:
        record = json.loads(line)
        record["wall"] = record.pop("at") - started
        moments[record.pop("moment")] = record
    if child.wait() != 0:
        raise SystemExit(f"the child for {path} failed ({child.returncode})")
    return moments


def _panels(path: Path) -> None:
    from analyzers.analysis import analyze_snapshot
    from estate.snapshot import load_snapshot
    from tui.viewmodels.home import findings_glance, home_panels

    analysis = analyze_snapshot(load_snapshot(path), TODAY)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        panels = home_panels(analysis)
        findings_glance(analysis)
        times.append(time.perf_counter() - started)
    shown = sum(len(p.items) for p in panels)
    totals = ", ".join(f"{p.id} {len(p.items)} of {p.total}" for p in panels)
    took = statistics.median(times)
    print(f"panels from the analysis in hand: {took:.3f} s over {len(analysis.findings)} findings")
    print(f"items in front of a person: {shown} ({totals})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_open(args.child))
        return 0
    runs = [_one(args.snapshot) for _ in range(args.runs)]
    for moment, label in (("painted", "home painted"), ("filled", "home filled")):
        wall = statistics.median(r[moment]["wall"] for r in runs)
        cpu = statistics.median(r[moment]["cpu"] for r in runs)
        print(f"{label:>14}: {wall:6.2f} s wall, {cpu:6.2f} s CPU (median of {args.runs})")
    stall = statistics.median(r["filled"]["stall"] for r in runs)
    print(f"{'UI stall':>14}: {stall:6.2f} s (longest late tick while the analysis ran)")
    _panels(args.snapshot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
