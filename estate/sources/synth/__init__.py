"""Synthetic estates of any size, as snapshots of the raw shapes the live collector stores.

`synthesize(SynthOptions(functions=10_000, seed=7))` returns a `Snapshot` whose records carry
the same account/region/service/operation/params keys and response shapes as a live collection,
so loading, modelling, graphing and analysis are exercised exactly as on real data. Same
functions and seed give byte-identical records (the manifest's created_at is fixed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from estate.errors import LambdascopeError
from estate.snapshot import Manifest, Snapshot, export_snapshot
from estate.sources.synth.functions import add_functions
from estate.sources.synth.iam import add_iam
from estate.sources.synth.invokers import Invokers, add_invokers
from estate.sources.synth.network import add_network
from estate.sources.synth.observability import (
    add_keys,
    add_logs_and_alarms,
    add_metrics,
    add_trail_and_account,
)
from estate.sources.synth.shape import ACCOUNT, CREATED_AT, REGION, Chooser, Scale
from estate.sources.synth.sink import RecordSink
from estate.sources.synth.stores import add_stores, stores_by_team

__all__ = ["MAX_FUNCTIONS", "Scale", "SynthOptions", "synthesize", "write_synthetic"]

MAX_FUNCTIONS = 1_000_000


@dataclass(frozen=True, slots=True)
class SynthOptions:
    functions: int
    seed: int = 7
    metrics_functions: int = 200  # functions that get CloudWatch series (the first ones by index)


def synthesize(options: SynthOptions) -> Snapshot:
    if not 1 <= options.functions <= MAX_FUNCTIONS:
        raise LambdascopeError(
            f"--functions must be between 1 and {MAX_FUNCTIONS:,} (got {options.functions})"
        )
    if options.metrics_functions < 0:
        raise LambdascopeError("--metrics-functions must not be negative")
    scale = Scale.for_functions(options.functions)
    chooser = Chooser(options.seed)
    sink = RecordSink(ACCOUNT, REGION)
    team_stores = stores_by_team(scale)
    invokers = Invokers(scale, chooser, team_stores)
    add_iam(sink, scale, chooser, team_stores)
    add_functions(sink, scale, chooser, invokers.kind, invokers.policy, invokers.url)
    add_invokers(sink, invokers)
    add_stores(sink, scale, chooser)
    add_network(sink, scale, chooser)
    add_keys(sink, scale, chooser)
    add_logs_and_alarms(sink, scale, chooser)
    add_trail_and_account(sink, scale)
    window = add_metrics(sink, scale, options.seed, options.metrics_functions)
    manifest = Manifest(
        created_at=CREATED_AT,
        source="synth",
        accounts=(ACCOUNT,),
        regions=(REGION,),
        coverage=sink.coverage(),
        metrics_start=window[0] if window else None,
        metrics_end=window[1] if window else None,
    )
    return Snapshot(manifest, sink.records)


def write_synthetic(options: SynthOptions, path: str | os.PathLike[str]) -> Path:
    return export_snapshot(synthesize(options), path)
