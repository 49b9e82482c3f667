"""TUI startup as `lambdascope open` does it: the functions table painted, then the analysis done.

    python benchmarks/bench_tui_startup.py [--sizes 1000 10000] [--no-demo] [--snapshot FILE]
                                           [--runs 3] [--preanalysed]

Every run is a fresh process, cold (no module, policy database or estate warm from an earlier
run), that does what `lambdascope open FILE` does: `load_snapshot` (the CLI reads the file first
to fail fast), then `create_app(path, snapshot=...)` under Textual's Pilot at 160x48. It reports
its moments, each in seconds from the `open` (the process' start, interpreter and imports
included, timed by this parent) with the child's CPU seconds beside:

- "imported" and "snapshot read": the interpreter started and the app's modules imported; the
  file read (`load_snapshot`), the steps before the app starts;
- "table painted": the functions table is on screen with every function's row, from the model
  alone (the columns that need the analysis pending), DESIGN.md section 7: <= 3 s at 10,000;
- "analysis done": the analysis has completed and the table shows its counts;
- "UI stall": while the analysis ran in its worker, the longest the UI's event loop answered late
  to a 50 ms ticker (a key pressed then waits about that long).

`--preanalysed` also times, in this process, load + analyse outside the app and the first paint of
`create_app(analysis=...)` with the analysis in hand (the view alone). Synthetic snapshots come
cached from synth_estates.py. Medians over --runs (default 3). Wall figures vary with the machine
and its load, so CPU time sits beside them; nothing here asserts.
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

from synth_estates import DEMO, synth_snapshot  # noqa: E402

TODAY = dt.date(2026, 11, 1)
SIZE = (160, 48)


# The child: one cold `open` ----------------------------------------------------------------
async def _open(path: Path) -> None:
    """Print one JSON line per moment: {"moment", "cpu", "functions", "stall"}."""
    from estate.snapshot import load_snapshot
    from tui.app import create_app
    from tui.screens.functions import FunctionsScreen
    from tui.viewmodels.loading import PENDING_MARK

    def say(moment: str, **extra: Any) -> None:
        record = {"moment": moment, "at": time.time(), "cpu": time.process_time(), **extra}
        print(json.dumps(record), flush=True)

    say("imported")
    snapshot = load_snapshot(path)  # as `lambdascope open` does before the app starts
    say("read")
    app = create_app(path, snapshot=snapshot, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, FunctionsScreen) and _rows(app.screen)):
            await asyncio.sleep(0.005)
        table = app.screen.table
        refreshed = asyncio.Event()
        app.call_after_refresh(refreshed.set)  # the screen has been drawn with the rows
        await refreshed.wait()
        say("painted", functions=table.row_count, pending=table.cell_text(0, 5) == PENDING_MARK)
        stall, last = 0.0, time.perf_counter()
        while app.analysis is None or table.cell_text(0, 5) == PENDING_MARK:
            await pilot.pause(0.05)
            now = time.perf_counter()
            stall, last = max(stall, now - last - 0.05), now
        await pilot.pause()
        say("analysed", findings=len(app.analysis.findings), stall=stall)


def _rows(screen: Any) -> int:
    """The rows of a screen's table, 0 until it is mounted."""
    from tui.widgets.resource_table import ResourceTable

    tables = screen.query(ResourceTable)
    return tables.first().row_count if tables else 0


def _child(path: Path) -> int:
    asyncio.run(_open(path))
    return 0


# The parent ----------------------------------------------------------------------------------
def _one_open(path: Path) -> dict[str, dict[str, Any]]:
    """Run one cold `open` in a fresh process; each moment with its wall time since the spawn."""
    started = time.time()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert child.stdout is not None
    moments: dict[str, dict[str, Any]] = {}
    for line in child.stdout:
        record = json.loads(line)
        record["wall"] = record.pop("at") - started
        moments[record.pop("moment")] = record
    if child.wait() != 0:
        raise SystemExit(f"the child for {path} failed ({child.returncode})")
    return moments


async def _until_painted(analysis: Any) -> tuple[float, float]:
    """(wall, cpu) seconds from create_app(analysis=...) to the functions table shown."""
    from tui.app import create_app
    from tui.screens.functions import FunctionsScreen

    wall, cpu = time.perf_counter(), time.process_time()
    app = create_app(analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, FunctionsScreen) and app.screen.table.row_count):
            await pilot.pause(0.01)
        await pilot.pause()
        return time.perf_counter() - wall, time.process_time() - cpu


def _preanalysed(path: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    from analyzers.analysis import analyze_snapshot
    from estate.snapshot import load_snapshot

    wall, cpu = time.perf_counter(), time.process_time()
    analysis = analyze_snapshot(load_snapshot(path), TODAY)
    load = (time.perf_counter() - wall, time.process_time() - cpu)
    return load, asyncio.run(_until_painted(analysis))


def _median(pairs: list[tuple[float, float]]) -> str:
    if not pairs:
        return f"{'-':>17}"
    wall, cpu = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    return f"{wall:>8.2f} /{cpu:>7.2f}"


def bench(label: str, path: Path, runs: int, preanalysed: bool) -> None:
    imported, read, painted, analysed, stalls, loads, paints = [], [], [], [], [], [], []
    functions = 0
    for _ in range(runs):
        moments = _one_open(path)
        functions = moments["painted"]["functions"]
        imported.append((moments["imported"]["wall"], moments["imported"]["cpu"]))
        read.append((moments["read"]["wall"], moments["read"]["cpu"]))
        painted.append((moments["painted"]["wall"], moments["painted"]["cpu"]))
        analysed.append((moments["analysed"]["wall"], moments["analysed"]["cpu"]))
        stalls.append(moments["analysed"]["stall"])
        if preanalysed:
            load, paint = _preanalysed(path)
            loads.append(load)
            paints.append(paint)
    stall = f"{statistics.median(stalls):>8.2f}"
    line = f"{label:<14} {functions:>9,}  {_median(imported)}  {_median(read)}"
    line += f"  {_median(painted)}  {_median(analysed)}  {stall}"
    if preanalysed:
        line += f"  {_median(loads)}  {_median(paints)}"
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000], help="synthetic estates")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo snapshot")
    parser.add_argument("--snapshot", type=Path, action="append", default=[], help="another snapshot")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--preanalysed", action="store_true", help="also load + analyse outside the app, then paint"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return _child(args.child)
    estates = [] if args.no_demo else [("demo", DEMO)]
    estates += [(path.name[:14], path) for path in args.snapshot]
    estates += [(f"synth {n:,}", synth_snapshot(n, args.seed)) for n in args.sizes]
    print(f"medians of {args.runs} cold runs; wall (from `open`) / cpu seconds; longest UI stall, s")
    header = f"{'estate':<14} {'functions':>9}  {'imported':>17}  {'snapshot read':>17}"
    header += f"  {'table painted':>17}  {'analysis done':>17}  {'UI stall':>8}"
    if args.preanalysed:
        header += f"  {'load+analyse':>17}  {'paint analysed':>17}"
    print(header)
    for label, path in estates:
        bench(label, path, args.runs, args.preanalysed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
