"""Synthetic estates end to end: generate, write, then load + model + graph + analyse.

    python benchmarks/bench_synth.py [--sizes 1000 10000] [--with-100k] [--seed 7]

Prints per size the generate+write seconds, file size, load / model / analyse seconds and the
peak memory (tracemalloc) of the load+analyse phase. A benchmark, not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.analysis import analyze
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from estate.sources.synth import SynthOptions, write_synthetic


def bench(functions: int, seed: int, folder: Path) -> None:
    target = folder / f"synth-{functions}.lsnap"
    started = time.perf_counter()
    write_synthetic(SynthOptions(functions, seed), target)
    generated = time.perf_counter() - started
    tracemalloc.start()
    t0 = time.perf_counter()
    snapshot = load_snapshot(target)
    t1 = time.perf_counter()
    estate = load_estate(snapshot)
    t2 = time.perf_counter()
    analysis = analyze(estate)
    t3 = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{functions:>8,} fn  generate {generated:6.2f}s  file {target.stat().st_size / 2**20:7.1f} MiB  "
        f"load {t1 - t0:6.2f}s  model {t2 - t1:6.2f}s  graph+analyse {t3 - t2:6.2f}s  "
        f"total {t3 - t0:6.2f}s  peak {peak / 2**20:7.0f} MiB  findings {len(analysis.findings):,}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--with-100k", action="store_true", help="also run 100,000 functions")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [*args.sizes, *([100_000] if args.with_100k else [])]
    with tempfile.TemporaryDirectory() as folder:
        for functions in sizes:
            bench(functions, args.seed, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
