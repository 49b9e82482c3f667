"""TUI startup as `lambdascope open` does it: the functions table painted, then the analysis done.

    python benchmarks/bench_tui_startup.py [--sizes 1000 10000] [--no-demo] [--snapshot FILE]
                                           [--runs 3] [--preanalysed] [--warm] [--no-bytecode]

Every run is a fresh process, cold (no module, policy database or estate warm from an earlier
run), that does what `lambdascope open FILE --no-cache` does: `load_snapshot` (the CLI reads the
file first to fail fast), then `create_app(path, snapshot=...)` under Textual's Pilot at 160x48.
It reports its moments, each in seconds from the `open` (the process' start, interpreter and
imports included, timed by this parent) with the child's CPU seconds beside:

- "imported" and "snapshot read": the interpreter started and the app's modules imported; the
  file read (`load_snapshot`), the steps before the app starts;
- "table painted": the functions table is on screen with every function's row, from the model
  alone (the columns that need the analysis pending), DESIGN.md section 7: <= 3 s at 10,000;
- "analysis done": the analysis has completed and the table shows its counts;
- "UI stall": while the analysis ran in its worker, the longest the UI's event loop answered late
  to a 50 ms ticker (a key pressed then waits about that long).

`--warm` then times the re-open (`lambdascope open FILE`, the analysis cache on): one run fills a
cache of the benchmark's own (a miss: analysed, then stored), then --runs runs read it, each
reporting "table painted", "analysis done" (the findings from the cache: every findings column and
pane filled, DESIGN.md section 7: <= 1 s) and "graph built" (reachability and IAM paths ready
too), and whether the entry was a hit (the code fingerprint changes when files of the analyzers
change mid-benchmark: then a run misses, and says so).

Cold means no process state, not no bytecode: `pip install` compiles the package, so the children
run with bytecode compiled once into the benchmark's own cache (PYTHONPYCACHEPREFIX; this
checkout's environment sets PYTHONDONTWRITEBYTECODE, which would compile every module on every
run, about 0.8 s); `--no-bytecode` measures that case.

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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from child_bytecode import child_env  # noqa: E402

TODAY = dt.date(2026, 11, 1)
SIZE = (160, 48)


# The child: one cold `open` ----------------------------------------------------------------
async def _open(path: Path, use_cache: bool) -> None:
    """Print one JSON line per moment: {"moment", "cpu", "functions", "stall"}."""
    from tui.app import create_app
    from tui.screens.functions import FunctionsScreen
    from tui.viewmodels.loading import PENDING_MARK, snapshot_for_app

    def say(moment: str, **extra: Any) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # GiB (Linux: KiB)
        record = {"moment": moment, "at": time.time(), "cpu": time.process_time(), "peak": peak, **extra}
        print(json.dumps(record), flush=True)

    say("imported")
    snapshot = snapshot_for_app(path)  # as `lambdascope open` does before the app starts
    say("read")
    app = create_app(path, snapshot=snapshot, today=TODAY, use_cache=use_cache)
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, FunctionsScreen) and _rows(app.screen)):
            _still_running(app)
            await asyncio.sleep(0.005)
        table = app.screen.table
        refreshed = asyncio.Event()
        app.call_after_refresh(refreshed.set)  # the screen has been drawn with the rows
        await refreshed.wait()
        say("painted", functions=table.row_count, pending=table.cell_text(0, 5) == PENDING_MARK)
        stall, last = 0.0, time.perf_counter()
        while app.analysis is None or table.cell_text(0, 5) == PENDING_MARK:
            _still_running(app)
            await pilot.pause(0.05)
            now = time.perf_counter()
            stall, last = max(stall, now - last - 0.05), now
        # Drawn, as for the paint: the next refresh after the table took the analysis (waiting
        # for the app to be idle would count the graph being built behind a cache hit).
        refreshed = asyncio.Event()
        app.call_after_refresh(refreshed.set)
        await refreshed.wait()
        cached = app.building is not None
        say("analysed", findings=len(app.analysis.findings), stall=stall, cached=cached)
        if use_cache:  # the graph built behind the cached findings; a miss's entry stored
            while app.building is not None or any(not w.is_finished for w in app.workers):
                _still_running(app)
                await pilot.pause(0.05)
            say("complete", cached=cached)


def _still_running(app: Any) -> None:
    """Stop waiting for a moment that will not come: the app ended (its load failed)."""
    if app.return_code is not None:
        raise SystemExit(f"the app ended with code {app.return_code} (see its crash report)")


def _rows(screen: Any) -> int:
    """The rows of a screen's table, 0 until it is mounted."""
    from tui.widgets.resource_table import ResourceTable

    tables = screen.query(ResourceTable)
    return tables.first().row_count if tables else 0


def _child(path: Path, use_cache: bool) -> int:
    asyncio.run(_open(path, use_cache))
    return 0


# The parent ----------------------------------------------------------------------------------
def _child_env(bytecode: bool, cache_dir: Path | None = None) -> dict[str, str]:
    env = child_env(bytecode)
    if cache_dir is not None:
        env["LAMBDASCOPE_CACHE_DIR"] = str(cache_dir)
    return env


def compile_bytecode() -> None:
    """What installing does, for the package and its dependencies: every module an `open` loads
    compiled once, by untimed opens of the demo (without the cache, a miss, a hit)."""
    from synth_estates import DEMO

    with tempfile.TemporaryDirectory(prefix="lambdascope-bench-warmup-") as cache_dir:
        _one_open(DEMO, True)
        _one_open(DEMO, True, Path(cache_dir))
        _one_open(DEMO, True, Path(cache_dir))


def _one_open(path: Path, bytecode: bool = True, cache_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Run one cold `open` in a fresh process; each moment with its wall time since the spawn.
    `cache_dir`: through the analysis cache there (else `--no-cache`)."""
    started = time.time()
    argv = [sys.executable, __file__, "--child", str(path)] + (["--use-cache"] if cache_dir else [])
    child = subprocess.Popen(
        argv, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=_child_env(bytecode, cache_dir)
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


def bench(label: str, path: Path, runs: int, preanalysed: bool, bytecode: bool = True) -> None:
    imported, read, painted, analysed, stalls, loads, paints = [], [], [], [], [], [], []
    peaks: list[float] = []
    functions = 0
    for _ in range(runs):
        moments = _one_open(path, bytecode)
        functions = moments["painted"]["functions"]
        imported.append((moments["imported"]["wall"], moments["imported"]["cpu"]))
        read.append((moments["read"]["wall"], moments["read"]["cpu"]))
        painted.append((moments["painted"]["wall"], moments["painted"]["cpu"]))
        analysed.append((moments["analysed"]["wall"], moments["analysed"]["cpu"]))
        stalls.append(moments["analysed"]["stall"])
        peaks.append(moments["analysed"]["peak"])
        each = ", ".join(
            f"{k} {moments[k]['wall']:.2f}/{moments[k]['cpu']:.2f}" for k in ("painted", "analysed")
        )
        print(f"  run: {each}", flush=True)
        if preanalysed:
            load, paint = _preanalysed(path)
            loads.append(load)
            paints.append(paint)
    stall = f"{statistics.median(stalls):>8.2f}"
    peak = f"{max(peaks):>6.2f}"
    line = f"{label:<14} {functions:>9,}  {_median(imported)}  {_median(read)}"
    line += f"  {_median(painted)}  {_median(analysed)}  {stall}  {peak}"
    if preanalysed:
        line += f"  {_median(loads)}  {_median(paints)}"
    print(line, flush=True)


def bench_warm(label: str, path: Path, runs: int, bytecode: bool = True) -> None:
    """A re-open through the analysis cache: one run to fill it, then `runs` that read it; every
    run's figures printed (wall / cpu seconds from the `open`), then the medians of the hits."""
    with tempfile.TemporaryDirectory(prefix="lambdascope-bench-cache-") as cache_dir:
        print(f"{label}: re-open through the analysis cache (first run fills it)")
        rows: list[tuple[float, float, float]] = []
        for run in range(runs + 1):
            m = _one_open(path, bytecode, Path(cache_dir))
            hit = m["analysed"]["cached"]
            painted, done, built = m["painted"]["wall"], m["analysed"]["wall"], m["complete"]["wall"]
            kind = "hit " if hit else "miss"
            print(
                f"  run {run}: {kind}  table painted {painted:6.2f} /{m['painted']['cpu']:6.2f}"
                f"  analysis done {done:6.2f} /{m['analysed']['cpu']:6.2f} (+{done - painted:.2f} after the"
                f" paint)  graph built {built:6.2f} /{m['complete']['cpu']:6.2f}  UI stall"
                f" {m['analysed']['stall']:.2f}  peak {m['complete']['peak']:.2f} GiB",
                flush=True,
            )
            if run and hit:
                rows.append((painted, done - painted, built))
        if rows:
            paint, after, built = (statistics.median(r[i] for r in rows) for i in range(3))
            print(
                f"  median of {len(rows)} hits: table painted {paint:.2f}, analysis done {after:.2f} s after"
                f" the paint, graph built {built:.2f}"
            )


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
    parser.add_argument("--warm", action="store_true", help="also re-open through the analysis cache")
    parser.add_argument("--no-bytecode", action="store_true", help="children compile every module")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--use-cache", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return _child(args.child, args.use_cache)
    # (the parent's alone: the child imports only what `open` does, not the generator and boto3)
    from synth_estates import DEMO, synth_snapshot

    bytecode = not args.no_bytecode
    if bytecode:
        compile_bytecode()
    estates = [] if args.no_demo else [("demo", DEMO)]
    estates += [(path.name[:14], path) for path in args.snapshot]
    estates += [(f"synth {n:,}", synth_snapshot(n, args.seed)) for n in args.sizes]
    print(f"medians of {args.runs} cold runs; wall (from `open`) / cpu seconds; longest UI stall, s")
    header = f"{'estate':<14} {'functions':>9}  {'imported':>17}  {'snapshot read':>17}"
    header += f"  {'table painted':>17}  {'analysis done':>17}  {'UI stall':>8}  {'GiB':>6}"
    if args.preanalysed:
        header += f"  {'load+analyse':>17}  {'paint analysed':>17}"
    print(header)
    for label, path in estates:
        bench(label, path, args.runs, args.preanalysed, bytecode)
    if args.warm:
        for label, path in estates:
            bench_warm(label, path, args.runs, bytecode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
