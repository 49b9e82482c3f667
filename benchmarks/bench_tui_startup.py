"""Time from `create_app` to the functions table painted, on the demo snapshot (or one given).

    python benchmarks/bench_tui_startup.py [SNAPSHOT] [--runs 5]

Prints load+analyse time and first-paint time per run and their medians. A benchmark, not a
test: wall-clock figures vary with the machine, so nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzers.analysis import analyze_snapshot  # noqa: E402
from estate.snapshot import load_snapshot  # noqa: E402
from tui.app import create_app  # noqa: E402
from tui.screens.estate import FunctionsScreen  # noqa: E402

DEMO = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"


async def first_paint(path: Path) -> float:
    started = time.perf_counter()
    app = create_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        while not isinstance(app.screen, FunctionsScreen):
            await pilot.pause(0.01)
        await pilot.pause()
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("snapshot", type=Path, nargs="?", default=DEMO)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    loads, paints = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        analyze_snapshot(load_snapshot(args.snapshot))
        loads.append(time.perf_counter() - started)
        paints.append(asyncio.run(first_paint(args.snapshot)))
    print(f"snapshot: {args.snapshot}")
    print(f"{'run':>4} {'load+analyse s':>15} {'first paint s':>14}")
    for i, (load, paint) in enumerate(zip(loads, paints, strict=True), 1):
        print(f"{i:>4} {load:>15.3f} {paint:>14.3f}")
    print(f"{'med':>4} {statistics.median(loads):>15.3f} {statistics.median(paints):>14.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
