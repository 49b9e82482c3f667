"""`lambdascope synth --functions N [--seed S] -o FILE.lsnap`: a deterministic synthetic estate."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from estate.errors import LambdascopeError


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "synth",
        help="write a deterministic synthetic estate of N functions as a snapshot (for benchmarks)",
        description="Write a realistic synthetic estate (IAM, invokers, network, stores, metrics) in the "
        "live collector's raw shapes. Same --functions and --seed give a byte-identical file.",
    )
    parser.add_argument("--functions", type=_count, required=True, metavar="N", help="number of functions")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument(
        "--metrics-functions",
        type=int,
        default=200,
        metavar="K",
        help="give CloudWatch series to the first K functions only (default 200; 0 for none)",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.lsnap")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from estate.sources.synth import SynthOptions, write_synthetic

    if args.metrics_functions < 0:
        raise LambdascopeError("--metrics-functions must not be negative")
    started = time.perf_counter()
    path = write_synthetic(SynthOptions(args.functions, args.seed, args.metrics_functions), args.output)
    elapsed = time.perf_counter() - started
    print(f"wrote {path} ({args.functions:,} functions, seed {args.seed}) in {elapsed:.1f}s", file=sys.stderr)
    return 0
