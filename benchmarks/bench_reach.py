"""Reachability query timings on a synthetic estate (DESIGN.md section 7: a query <= 50 ms).

    python benchmarks/bench_reach.py [--functions 10000] [--snapshot /tmp/x.lsnap] [--repeat 15]

Generates the snapshot with `lambdascope synth` if it is missing, analyses it once (the graph
with every edge kind), then prints the median of: a forward query from `internet`, forward
queries from sampled functions, backward queries from sampled data stores (or roles when the
estate has no stores), and the blast radius of every internet-invocable function.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from analyzers.analysis import analyze_snapshot
from analyzers.reach_query import STORE_KINDS, backward, blast_radius, forward, internet_invocable_functions
from estate.snapshot import load_snapshot


def _median_ms(calls: list[Callable[[], object]], repeat: int) -> tuple[float, float]:
    """Median and worst wall time (ms) over `repeat` rounds of each call."""
    times = []
    for _ in range(repeat):
        for call in calls:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--snapshot", type=Path, default=Path("/tmp/x.lsnap"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sample", type=int, default=20, help="functions and stores sampled per query kind")
    args = parser.parse_args()
    if not args.snapshot.exists():
        command = [sys.executable, "-m", "tui.cli", "synth", "--functions", str(args.functions)]
        subprocess.run([*command, "-o", str(args.snapshot)], check=True)
    started = time.perf_counter()
    graph = analyze_snapshot(load_snapshot(args.snapshot)).graph
    print(f"load + analyse {args.snapshot}: {time.perf_counter() - started:.1f}s")
    print(f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges")

    rng = random.Random(7)
    functions = sorted(n for n, k in graph.nodes(data="kind") if k == "function")
    stores = sorted(n for n, k in graph.nodes(data="kind") if k in STORE_KINDS)
    targets = stores or sorted(n for n, k in graph.nodes(data="kind") if k == "role")
    fn_sample = rng.sample(functions, min(args.sample, len(functions)))
    target_sample = rng.sample(targets, min(args.sample, len(targets)))

    result = forward(graph, "internet")
    median, worst = _median_ms([lambda: forward(graph, "internet")], args.repeat)
    print(
        f"forward from internet ({len(result.reached):,} reached): median {median:.1f} ms, max {worst:.1f} ms"
    )
    from_functions: list[Callable[[], object]] = [partial(forward, graph, f) for f in fn_sample]
    median, worst = _median_ms(from_functions, max(1, args.repeat // 5))
    print(f"forward from {len(fn_sample)} functions: median {median:.2f} ms, max {worst:.1f} ms")
    kind = "stores" if stores else "roles (no stores in this estate)"
    from_targets: list[Callable[[], object]] = [partial(backward, graph, t) for t in target_sample]
    median, worst = _median_ms(from_targets, max(1, args.repeat // 5))
    print(f"backward from {len(target_sample)} {kind}: median {median:.2f} ms, max {worst:.1f} ms")
    if stores:
        to = target_sample[0]
        median, worst = _median_ms([lambda: forward(graph, "internet", to=to)], args.repeat)
        print(f"every path internet -> one store (limit 100): median {median:.1f} ms")

    public = internet_invocable_functions(graph)
    started = time.perf_counter()
    reached = sum(len(blast_radius(graph, fn).reached) for fn in public)
    elapsed = time.perf_counter() - started
    print(
        f"blast radius of {len(public):,} internet-invocable functions: {elapsed:.2f} s "
        f"({reached:,} store hits)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
