"""Reachability query timings on a synthetic estate (DESIGN.md section 7: a query <= 50 ms).

    python benchmarks/bench_reach.py [--functions 10000] [--seed 7] [--snapshot FILE] [--repeat 15]

Uses the cached synthetic estate from synth_estates.py (generated on first use) unless
--snapshot names another file, analyses it once (the graph with every edge kind), then prints
the median of: a forward query from `internet`, forward
queries from sampled functions, backward queries from sampled data stores (or roles when the
estate has no stores), every path from `internet` to one store, and the blast radius of every
internet-invocable function (then again with every row, and every path, built: a query's rows
and paths are built as they are read).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from synth_estates import synth_snapshot  # noqa: E402

from analyzers.analysis import analyze_snapshot  # noqa: E402
from analyzers.reach.index import index_for  # noqa: E402
from analyzers.reach.query import (  # noqa: E402
    FORWARD_KINDS,
    STORE_KINDS,
    backward,
    blast_radius,
    forward,
    internet_invocable_functions,
)
from estate.snapshot import load_snapshot  # noqa: E402


def _timing(calls: list[Callable[[], object]], repeat: int, digits: int = 1) -> str:
    """Median and worst wall time, and median CPU time (ms), over `repeat` rounds of each call.

    CPU time sits beside wall time because the machine may be shared with other jobs.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        for call in calls:
            started, cpu = time.perf_counter(), time.process_time()
            call()
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    median, worst, cpu = statistics.median(walls), max(walls), statistics.median(cpus)
    return f"median {median:.{digits}f} ms (cpu {cpu:.{digits}f} ms), max {worst:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--snapshot", type=Path, help="measure this snapshot instead of a synthetic one")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sample", type=int, default=20, help="functions and stores sampled per query kind")
    args = parser.parse_args()
    path = args.snapshot or synth_snapshot(args.functions, args.seed)
    started, cpu = time.perf_counter(), time.process_time()
    graph = analyze_snapshot(load_snapshot(path)).graph
    print(
        f"load + analyse {path}: {time.perf_counter() - started:.1f}s wall, "
        f"{time.process_time() - cpu:.1f}s cpu"
    )
    print(f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges")
    started = time.perf_counter()
    index_for(graph, FORWARD_KINDS)
    elapsed = time.perf_counter() - started
    print(f"reach index (once per graph, from the edge table the analysis read): {elapsed:.2f} s")

    rng = random.Random(7)
    functions = sorted(n for n, k in graph.nodes(data="kind") if k == "function")
    stores = sorted(n for n, k in graph.nodes(data="kind") if k in STORE_KINDS)
    targets = stores or sorted(n for n, k in graph.nodes(data="kind") if k == "role")
    fn_sample = rng.sample(functions, min(args.sample, len(functions)))
    target_sample = rng.sample(targets, min(args.sample, len(targets)))

    result = forward(graph, "internet")
    timing = _timing([lambda: forward(graph, "internet")], args.repeat)
    print(f"forward from internet ({len(result.reached):,} reached): {timing}")
    from_functions: list[Callable[[], object]] = [partial(forward, graph, f) for f in fn_sample]
    timing = _timing(from_functions, max(1, args.repeat // 5), 2)
    print(f"forward from {len(fn_sample)} functions: {timing}")
    kind = "stores" if stores else "roles (no stores in this estate)"
    from_targets: list[Callable[[], object]] = [partial(backward, graph, t) for t in target_sample]
    timing = _timing(from_targets, max(1, args.repeat // 5), 2)
    print(f"backward from {len(target_sample)} {kind}: {timing}")
    if stores:
        to = target_sample[0]
        timing = _timing([lambda: forward(graph, "internet", to=to)], args.repeat)
        print(f"every path internet -> one store (limit 100): {timing}")

    public = internet_invocable_functions(graph)
    blast_radius(graph, public[0])  # the first query also lists node kinds and names once
    started, cpu = time.perf_counter(), time.process_time()
    reached = sum(len(blast_radius(graph, fn).reached) for fn in public)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"blast radius of {len(public):,} internet-invocable functions: {elapsed:.2f} s "
        f"(cpu {cpu:.2f} s; {reached:,} store hits; rows and paths built when read)"
    )
    # What reading the answers costs on top: every reached row, and every path.
    started = time.perf_counter()
    rows = sum(len(list(blast_radius(graph, fn).reached)) for fn in public)
    print(f"  ... with every reached row built: {time.perf_counter() - started:.2f} s ({rows:,} rows)")
    started = time.perf_counter()
    paths = sum(len(list(blast_radius(graph, fn).paths)) for fn in public)
    print(f"  ... with every path built: {time.perf_counter() - started:.2f} s ({paths:,} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
