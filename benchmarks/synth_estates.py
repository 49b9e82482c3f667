"""Cached synthetic estates for the benchmarks: generate a size once, reuse the file afterwards.

`synth_snapshot(10_000)` returns ~/.cache/lambdascope-bench/synth-10000-7.lsnap, writing it with
`estate.sources.synth` (the generator behind `lambdascope synth`) only when it is missing, so
every benchmark measures the same byte-identical estate and none pays the generation time.
LAMBDASCOPE_BENCH_CACHE overrides the folder.

    python benchmarks/synth_estates.py 1000 10000 [--seed 7]   # pre-generate and print the paths
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from estate.sources.synth import SynthOptions, write_synthetic  # noqa: E402

DEMO = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"


def cache_dir() -> Path:
    configured = os.environ.get("LAMBDASCOPE_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "lambdascope-bench"


def synth_snapshot(functions: int, seed: int = 7, *, quiet: bool = False) -> Path:
    """The cached snapshot of a `functions`-function synthetic estate, generated on first use.

    Written to a temporary name and renamed, so an interrupted generation never leaves a
    truncated file that later runs would reuse.
    """
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"synth-{functions}-{seed}.lsnap"
    if target.exists():
        return target
    partial = target.with_name(f"{target.stem}.{os.getpid()}.partial.lsnap")
    started = time.perf_counter()
    write_synthetic(SynthOptions(functions, seed), partial)
    partial.replace(target)
    if not quiet:
        print(
            f"[synth] generated {target} ({functions:,} functions, seed {seed}) "
            f"in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("functions", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for functions in args.functions:
        path = synth_snapshot(functions, args.seed)
        print(f"{path}  {path.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
