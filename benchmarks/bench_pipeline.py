"""The whole offline pipeline per estate size: load, model, graph, analyse (DESIGN.md section 7).

    python benchmarks/bench_pipeline.py [--sizes 1000 10000] [--with-100k] [--seed 7] [--timeout 3600]
                                        [--max-gib 12] [--json FILE]

Each size runs in a fresh child process (so peak RSS, `ru_maxrss`, belongs to that size alone)
on the cached synthetic snapshot from synth_estates.py. The child calls the real
`analyzers.analysis.analyze` with its stage functions wrapped by stopwatches, so the breakdown
(graph, IAM, access edges, anomalies, and the remaining rules + suppressions) always matches what
the TUI runs. Wall and CPU seconds (`time.process_time`) are printed side by side because the
machine may be shared; no tracemalloc, which would slow the code it measures. The growth line
divides each size's time by the previous size's. A benchmark, not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STAGES = ("load", "model", "graph", "iam", "access", "anomalies", "rules", "total")
# The names `analyzers.analysis.analyze` calls, wrapped for the breakdown; "rules" is the rest.
WRAPPED = {"build_graph": "graph", "analyze_iam": "iam", "add_access_edges": "access"}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


class Clock:
    """Accumulated (wall, cpu) seconds per stage, with progress on stderr (where a long run is)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        print(f"  [{self.label}] {name} ...", file=sys.stderr, flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu
            print(
                f"  [{self.label}] {name} done: {time.perf_counter() - wall:.2f}s wall, "
                f"{time.process_time() - cpu:.2f}s cpu, peak RSS {_rss_mib():,.0f} MiB",
                file=sys.stderr,
                flush=True,
            )

    def timed(self, name: str, call: Callable[..., Any], materialise: bool = False) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                result = call(*args, **kwargs)
                return list(result) if materialise else result  # generators run inside the clock

        return wrapper


@contextmanager
def _instrumented(clock: Clock) -> Iterator[None]:
    """Wrap the stage functions analyze() looks up in its module (and the anomaly rules' shared
    scoring in theirs), restoring them afterwards."""
    import analyzers.analysis as analysis
    import analyzers.anomaly.rules as anomaly_rules

    originals = {name: getattr(analysis, name) for name in WRAPPED}
    scoring = anomaly_rules.anomaly_findings
    try:
        for name, stage in WRAPPED.items():
            setattr(analysis, name, clock.timed(stage, originals[name]))
        anomaly_rules.anomaly_findings = clock.timed("anomalies", scoring)
        yield
    finally:
        for name, call in originals.items():
            setattr(analysis, name, call)
        anomaly_rules.anomaly_findings = scoring


def _estate_counts(estate: Any) -> dict[str, int]:
    return {
        "functions": len(estate.functions),
        "roles": sum(1 for p in estate.principals.values() if p.kind == "role"),
        "principals": len(estate.principals),
        "subnets": sum(len(n.subnets) for n in estate.networks.values()),
        "stores": len(estate.data_stores),
    }


def run_one(functions: int, seed: int) -> dict[str, Any]:
    """Measure one size in this process (the child side)."""
    import datetime as dt

    from synth_estates import synth_snapshot

    from analyzers.analysis import analyze
    from estate.model.load import load_estate
    from estate.snapshot import load_snapshot

    path = synth_snapshot(functions, seed)
    clock = Clock(f"{functions:,}")
    rss: dict[str, float] = {"start": _rss_mib()}
    with clock.stage("total"):
        with clock.stage("load"):
            snapshot = load_snapshot(path)
        rss["load"] = _rss_mib()
        with clock.stage("model"):
            estate = load_estate(snapshot)
        rss["model"] = _rss_mib()
        with _instrumented(clock), clock.stage("analyse"):
            analysis = analyze(estate, today=dt.date(2026, 11, 1))
        rss["analyse"] = _rss_mib()
    for key in ("wall", "cpu"):
        spent = getattr(clock, key)
        parts = sum(spent.get(s, 0.0) for s in (*WRAPPED.values(), "anomalies"))
        spent["rules"] = spent.pop("analyse") - parts
    graph = analysis.graph
    edge_kinds = Counter(str(key).split(":", 1)[0] for _u, _v, key in graph.edges(keys=True))
    return {
        "functions": functions,
        "file_mib": path.stat().st_size / 2**20,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "rss_mib": rss,
        "counts": {
            **_estate_counts(estate),
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "findings": len(analysis.findings),
        },
        "edge_kinds": dict(edge_kinds.most_common()),
    }


def _child(functions: int, seed: int, timeout: float, max_gib: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(functions), "--seed", str(seed)]
    command += ["--max-gib", str(max_gib)]
    started = time.perf_counter()
    try:
        # stderr (stage progress, tracebacks) streams through; stdout carries the JSON result
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"functions": functions, "error": f"timed out after {time.perf_counter() - started:.0f}s"}
    if done.returncode != 0:
        reason = f"killed by signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        reason += " (MemoryError)" if done.returncode == 3 else ""
        elapsed = time.perf_counter() - started
        return {"functions": functions, "error": f"{reason} after {elapsed:.0f}s (see stderr above)"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _print_table(results: list[dict[str, Any]]) -> None:
    print(f"{'functions':>10}  " + "  ".join(f"{s:>15}" for s in STAGES) + f"  {'peak RSS':>9}  findings")
    print(f"{'':>10}  " + "  ".join(f"{'wall / cpu s':>15}" for _ in STAGES) + f"  {'MiB':>9}")
    for r in results:
        if "error" in r:
            print(f"{r['functions']:>10,}  FAILED: {r['error']}")
            continue
        cells = "  ".join(f"{r['wall'].get(s, 0):>7.2f} /{r['cpu'].get(s, 0):>6.2f}" for s in STAGES)
        peak, findings = r["rss_mib"]["analyse"], r["counts"]["findings"]
        print(f"{r['functions']:>10,}  {cells}  {peak:>9,.0f}  {findings:,}")
    print()
    for r in results:
        if "error" not in r:
            c, m = r["counts"], r["rss_mib"]
            print(
                f"{r['functions']:>10,} fn: {c['roles']:,} roles, {c['principals']:,} principals, "
                f"{c['subnets']:,} subnets, {c['stores']:,} stores; graph {c['nodes']:,} nodes / "
                f"{c['edges']:,} edges; file {r['file_mib']:.1f} MiB; RSS after load {m['load']:,.0f}, "
                f"model {m['model']:,.0f}, analyse {m['analyse']:,.0f} MiB"
            )
            kinds = ", ".join(f"{kind} {count:,}" for kind, count in r["edge_kinds"].items())
            print(f"{'':>10}     edges by kind: {kinds}")
    ok = [r for r in results if "error" not in r]
    for small, big in itertools.pairwise(ok):
        factor = big["functions"] / small["functions"]
        wall = big["wall"]["total"] / small["wall"]["total"]
        cpu = big["cpu"]["total"] / small["cpu"]["total"]
        mem = big["rss_mib"]["analyse"] / small["rss_mib"]["analyse"]
        stages = ", ".join(
            f"{s} x{big['cpu'][s] / small['cpu'][s]:.1f}"
            for s in STAGES[:-1]
            if small["cpu"].get(s, 0) > 0.01
        )
        print(
            f"growth {small['functions']:,} -> {big['functions']:,} (x{factor:g} functions): "
            f"wall x{wall:.1f}, cpu x{cpu:.1f}, peak RSS x{mem:.1f}; cpu by stage: {stages}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--with-100k", action="store_true", help="also run 100,000 functions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per size")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--max-gib",
        type=float,
        default=12.0,
        help="address-space cap per size (GiB, default 12): a runaway size fails with MemoryError "
        "instead of waking the OOM killer on a shared machine; 0 for none",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        if args.max_gib > 0:
            cap = int(args.max_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        code = 0
        try:
            print(json.dumps(run_one(args.child, args.seed)))
        except MemoryError:
            traceback.print_exc()
            print(f"  [{args.child:,}] MemoryError at peak RSS {_rss_mib():,.0f} MiB", file=sys.stderr)
            code = 3
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # skip tearing down a multi-GiB heap object by object (minutes at 100k)
    sizes = sorted({*args.sizes, *([100_000] if args.with_100k else [])})
    from synth_estates import synth_snapshot

    for functions in sizes:  # generate outside the timed children
        synth_snapshot(functions, args.seed)
    results = []
    for functions in sizes:
        results.append(_child(functions, args.seed, args.timeout, args.max_gib))
        print(f"[{functions:,} done]", file=sys.stderr, flush=True)
    _print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
