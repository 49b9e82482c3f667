"""`lambdascope findings SNAP --format json` as a user runs it: cold, then warm (the analysis cache).

    python benchmarks/bench_findings_cli.py [--sizes 1000 10000] [--with-100k] [--seed 7] [--repeat 1]
                                            [--timeout 900] [--json FILE] [--no-bytecode]

Per synthetic estate size (synth_estates.py: the same cached file every run), in fresh child
processes: the interpreter's own start-up (`python -c pass`, subtracted: the issue's targets are
"beyond interpreter start-up"), a cold run (`--no-cache`; modules read from bytecode compiled once,
as installed: child_bytecode.py, `--no-bytecode` to compile them per run), a miss that fills a
private cache directory, and a warm run that hits it. Wall and CPU seconds (user + sys, from
`wait4`) are printed side by side because the machine may be shared; peak RSS is the child's own
(`ru_maxrss`). The growth line divides the cold wall of each size by the previous size's. Targets
(DESIGN.md section 7, issue 13): cold <= 3 s (never above 10 s) and <= 1.5 GB at 10,000 functions,
warm <= 1 s, 1k -> 10k at most x12, 100,000 functions <= 90 s and <= 6 GiB. Nothing asserts: a
benchmark.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.child_bytecode import child_env, compile_packages  # noqa: E402
from benchmarks.synth_estates import DEMO, synth_snapshot  # noqa: E402

AS_OF = "2026-11-01"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    rss_mib: float
    code: int
    findings: int | None = None


def _child(command: list[str], env: dict[str, str], timeout: float, out: Path | None = None) -> Run:
    started = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    count = None
    if out is not None and code in (0, 1):
        try:
            count = len(json.loads(out.read_bytes())["findings"])
        except (OSError, ValueError, KeyError):
            count = None
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code, count)


def _findings(snapshot: Path, *extra: str) -> list[str]:
    entry = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    command = ["findings", str(snapshot), "--format", "json", "--as-of", AS_OF, *extra]
    return [sys.executable, "-c", entry, *command]


def warm_bytecode(bytecode: bool) -> None:
    """Compile what a `findings` run imports into the children's bytecode cache, untimed
    (child_bytecode.py: as an installed package has it)."""
    if not bytecode:
        return
    env = child_env(True, {**os.environ, "PYTHONPATH": str(ROOT)})
    compile_packages(env)
    with tempfile.TemporaryDirectory(prefix="lambdascope-bench-cache-") as cache:
        _child(_findings(DEMO, "--no-cache"), {**env, "LAMBDASCOPE_CACHE_DIR": cache}, 300)


def bench(size: int, seed: int, timeout: float, repeat: int, bytecode: bool = True) -> dict[str, Any]:
    snapshot = synth_snapshot(size, seed)
    with tempfile.TemporaryDirectory(prefix="lambdascope-bench-cache-") as cache:
        env = child_env(bytecode, {**os.environ, "LAMBDASCOPE_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)})
        startup = min(
            (_child([sys.executable, "-c", "pass"], env, 60) for _ in range(3)), key=lambda r: r.wall
        )
        out = Path(cache) / "out.json"
        cold = min(
            (_child(_findings(snapshot, "--no-cache"), env, timeout, out) for _ in range(repeat)),
            key=lambda r: r.wall,
        )
        miss = _child(_findings(snapshot), env, timeout)
        warm = min(
            (_child(_findings(snapshot), env, timeout, out) for _ in range(max(repeat, 2))),
            key=lambda r: r.wall,
        )
    return {
        "functions": size,
        "snapshot_mib": snapshot.stat().st_size / 2**20,
        "startup": asdict(startup),
        "cold": asdict(cold),
        "miss": asdict(miss),
        "warm": asdict(warm),
    }


def _line(result: dict[str, Any]) -> str:
    start = result["startup"]["wall"]

    def cell(name: str) -> str:
        run = result[name]
        if run["code"] not in (0, 1) or (name != "miss" and run["findings"] is None):
            return f"{'failed (' + str(run['code']) + ')':>30}"
        return f"{run['wall'] - start:8.2f} / {run['cpu']:6.2f} s {run['rss_mib']:7,.0f} MiB"

    found = result["cold"]["findings"]
    return (
        f"{result['functions']:>9,}  {cell('cold')}  {cell('miss')}  {cell('warm')}  "
        f"{found if found is not None else '-':>8}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--with-100k", action="store_true", help="also 100,000 functions (minutes)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="cold runs per size (the fastest is kept)")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-bytecode", action="store_true", help="children compile every module")
    args = parser.parse_args(argv)
    warm_bytecode(not args.no_bytecode)
    sizes = [*args.sizes, *([100_000] if args.with_100k else [])]
    results = []
    print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine: above ~0.5, figures are noisy)")
    columns = ("cold (--no-cache)", "miss (fills cache)", "warm (cache hit)")
    print(f"{'functions':>9}  " + "  ".join(f"{c:>30}" for c in columns) + f"  {'findings':>8}")
    print(f"{'':>9}  {'wall beyond start-up / cpu, peak RSS':>30}")
    for size in sizes:
        result = bench(size, args.seed, args.timeout, args.repeat, not args.no_bytecode)
        results.append(result)
        print(_line(result), flush=True)
    for before, after in itertools.pairwise(results):
        start = after["startup"]["wall"]
        ratio = (after["cold"]["wall"] - start) / max(before["cold"]["wall"] - start, 1e-9)
        print(f"growth {before['functions']:,} -> {after['functions']:,}: cold wall x{ratio:.1f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
