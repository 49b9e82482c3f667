"""TUI startup on the demo and on synthetic estates: load + analyse, then first paint of the table.

    python benchmarks/bench_tui_startup.py [--sizes 1000 10000] [--no-demo] [--snapshot FILE]
                                           [--runs 3] [--end-to-end]

Per estate and run: load + analyse seconds (wall and CPU, outside the app), then "first paint":
from `create_app(analysis=...)` with the analysis in hand until the functions table is on screen
with its rows (DESIGN.md section 7 budgets 1.5 s after load). `--end-to-end` also times
`create_app(path)`, the real startup: loading and analysing in the app's worker, then painting.
Synthetic snapshots come cached from synth_estates.py. Medians over --runs (default 3). Wall
figures vary with the machine and its load, so CPU time sits beside them; nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from synth_estates import DEMO, synth_snapshot  # noqa: E402

from analyzers.analysis import Analysis, analyze_snapshot  # noqa: E402
from estate.snapshot import load_snapshot  # noqa: E402
from tui.app import create_app  # noqa: E402
from tui.screens.functions import FunctionsScreen  # noqa: E402

TODAY = dt.date(2026, 11, 1)


async def _until_painted(path: Path | None, analysis: Analysis | None) -> tuple[float, float]:
    """(wall, cpu) seconds from create_app to the functions table shown with its rows."""
    wall, cpu = time.perf_counter(), time.process_time()
    app = create_app(path, analysis=analysis, today=TODAY)
    async with app.run_test(size=(160, 48)) as pilot:
        while not (isinstance(app.screen, FunctionsScreen) and app.screen.table.row_count):
            await pilot.pause(0.01)
        await pilot.pause()  # let the screen refresh once with the rows
        return time.perf_counter() - wall, time.process_time() - cpu


def _load(path: Path) -> tuple[Analysis, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    analysis = analyze_snapshot(load_snapshot(path), TODAY)
    return analysis, time.perf_counter() - wall, time.process_time() - cpu


def bench(label: str, path: Path, runs: int, end_to_end: bool) -> None:
    loads, paints, whole = [], [], []
    functions = 0
    for _ in range(runs):
        analysis, wall, cpu = _load(path)
        functions = len(analysis.estate.functions)
        loads.append((wall, cpu))
        paints.append(asyncio.run(_until_painted(None, analysis)))
        del analysis
        if end_to_end:
            whole.append(asyncio.run(_until_painted(path, None)))

    def med(pairs: list[tuple[float, float]]) -> str:
        if not pairs:
            return f"{'-':>17}"
        wall, cpu = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        return f"{wall:>8.2f} /{cpu:>7.2f}"

    print(f"{label:<14} {functions:>9,}  {med(loads)}  {med(paints)}  {med(whole)}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000], help="synthetic estates")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo snapshot")
    parser.add_argument("--snapshot", type=Path, action="append", default=[], help="another snapshot")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--end-to-end", action="store_true", help="also time create_app(path)")
    args = parser.parse_args()
    estates = [] if args.no_demo else [("demo", DEMO)]
    estates += [(path.name[:14], path) for path in args.snapshot]
    estates += [(f"synth {n:,}", synth_snapshot(n, args.seed)) for n in args.sizes]
    print(f"medians of {args.runs} runs; wall / cpu seconds")
    print(f"{'estate':<14} {'functions':>9}  {'load+analyse':>17}  {'first paint':>17}  {'end to end':>17}")
    for label, path in estates:
        bench(label, path, args.runs, args.end_to_end)
    return 0


if __name__ == "__main__":
    sys.exit(main())
