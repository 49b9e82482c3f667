"""Lambda-shaped incidents over many seeds, and the 10,000-function scoring speed.

Usage: python benchmarks/bench_anomalies_lambda.py [--seeds 10] [--functions 200] [--speed 10000]
(--seeds 0 prints the speed only)

Recall: an injected incident counts as caught when a window of its metric overlaps the incident (from
its start to 1 hour after its end). False alerts: windows on control functions (no incident), per
control function-day, all metrics. Speed: scoring time of every metric of N functions x 14 days,
scored in blocks of 1,000 functions (generation excluded).

Series are scored as the findings score them: with the periods CloudWatch would return a datapoint
for (a period with invocations or throttles) as the function's presence, so idle days teach the
baseline nothing (analyzers/anomaly/coverage.py). With the README's run (--seeds 20 --functions
200) the figures published before issue 17 are printed beside today's, so a change that makes them
worse shows at once.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzers.anomaly.detect import WORKERS, Grid, make_grid, point_alerts, windows_of  # noqa: E402
from analyzers.anomaly.windows import Thresholds  # noqa: E402
from estate.sources.synth.metrics import (  # noqa: E402
    METRICS,
    PER_DAY,
    SyntheticFleet,
    SyntheticIncident,
    generate_fleet,
)

# The README's figures before issue 17 (20 seeds x 200 functions): caught / total per incident kind.
BASELINE_RUN = (20, 200)
BASELINE = {
    "duration-creep": (309, 461),
    "duration-spike": (250, 419),
    "error-burst": (155, 159),
    "invocation-drop": (151, 152),
    "invocation-spike": (270, 391),
    "throttle-storm": (381, 381),
}
BASELINE_FALSE = 35


def presence(fleet: SyntheticFleet) -> np.ndarray:
    """The periods CloudWatch returns a datapoint for: some invocation or throttle happened."""
    return (fleet.metrics["Invocations"] > 0) | (fleet.metrics["Throttles"] > 0)


def fleet_windows(fleet: SyntheticFleet, th: Thresholds) -> dict[int, list[tuple[str, int, int]]]:
    """Every window of every function of the fleet: (metric, first point, one past the last)."""
    grid = make_grid(fleet.epoch, 300)
    index = {name: i for i, name in enumerate(fleet.names)}
    windows: dict[int, list[tuple[str, int, int]]] = {i: [] for i in range(len(fleet.names))}
    inv = fleet.metrics["Invocations"]
    present = presence(fleet)
    for metric in METRICS:
        block = fleet.metrics[metric]
        exposure = inv if metric in {"Errors", "Duration", "Duration:p99"} else None
        alerts = point_alerts(grid, block, metric, th, exposure, present)
        for w in windows_of(fleet.names, metric, grid, block, alerts, th, exposure, present):
            first = int((w.start.timestamp() - grid.epoch[0]) // grid.step)
            windows[index[w.function]].append((metric, first, first + w.points))
    return windows


def observable(fleet: SyntheticFleet, inc: SyntheticIncident) -> bool:
    """A duration incident needs invocations to be seen: at least two invoked periods inside it."""
    if inc.metric != "Duration":
        return True
    return int(np.count_nonzero(fleet.metrics["Invocations"][inc.function, inc.start : inc.end] > 0)) >= 2


def run_seed(seed: int, functions: int, tally: dict[str, Counter[str]]) -> int:
    """Score one seed's fleet into `tally`; returns its number of control functions."""
    fleet = generate_fleet(seed, functions)
    windows = fleet_windows(fleet, Thresholds())
    hit = {inc.function for inc in fleet.incidents}
    for inc in fleet.incidents:
        seen = observable(fleet, inc)
        found = any(
            m == inc.metric and a <= inc.end + 12 and b >= inc.start for m, a, b in windows[inc.function]
        )
        tally["total"][inc.kind] += 1
        tally["caught"][inc.kind] += found
        tally["observable"][inc.kind] += seen
        tally["caught_observable"][inc.kind] += found and seen
    for i in range(functions):
        if i not in hit:
            for m, _, _ in windows[i]:
                tally["false"][m] += 1
    return functions - len(hit)


def speed(functions: int, block: int = 1000) -> tuple[float, float]:
    """Wall and CPU seconds (all threads) spent scoring; CPU time shows contention from others."""
    spent = cpu = 0.0
    for start in range(0, functions, block):
        fleet = generate_fleet(10_000 + start, min(block, functions - start), incident_share=0.1)
        grid: Grid = make_grid(fleet.epoch, 300)
        began, began_cpu = time.perf_counter(), time.process_time()
        present = presence(fleet)
        for metric in METRICS:
            exposure = (
                fleet.metrics["Invocations"] if metric in {"Errors", "Duration", "Duration:p99"} else None
            )
            point_alerts(grid, fleet.metrics[metric], metric, Thresholds(), exposure, present)
        spent += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
    return spent, cpu


def report_incidents(seeds: int, functions: int) -> None:
    """Recall per incident kind and false windows on control functions, over `seeds` fleets."""
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    controls = sum(run_seed(s, functions, tally) for s in range(seeds))
    caught, total, false = tally["caught"], tally["total"], tally["false"]
    compare = (seeds, functions) == BASELINE_RUN
    print(f"Lambda-shaped incidents, {seeds} seeds x {functions} functions x 14 days")
    head = f"  {'incident':18s} {'recall':>16s} {'observable recall':>22s}"
    print(head + (f"  {'before issue 17':>18s}" if compare else ""))
    for kind in sorted(total):
        seen, hit = tally["observable"][kind], tally["caught_observable"][kind]
        line = (
            f"  {kind:18s} {caught[kind]:>5d}/{total[kind]:<4d} ({caught[kind] / total[kind]:4.0%})"
            f" {hit:>9d}/{seen:<4d} ({hit / max(seen, 1):4.0%})"
        )
        if compare and kind in BASELINE:
            was, of = BASELINE[kind]
            worse = "  WORSE" if caught[kind] * of < was * total[kind] else ""
            line += f"  {was:>9d}/{of:<4d} ({was / of:4.0%}){worse}"
        print(line)
    days = controls * 14
    n_false = sum(false.values())
    print(f"  control functions: {controls}; false windows {n_false} ({n_false / days:.4f} per function-day)")
    if compare:
        worse = "  WORSE" if n_false > BASELINE_FALSE else ""
        print(f"  false windows before issue 17: {BASELINE_FALSE}{worse}")
    for metric, count in sorted(false.items()):
        print(f"    {metric:22s} {count}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--speed", type=int, default=10_000)
    args = parser.parse_args()
    if args.seeds:
        report_incidents(args.seeds, args.functions)
    if args.speed:
        spent, cpu = speed(args.speed)
        points = args.speed * len(METRICS) * 14 * PER_DAY
        print(
            f"speed: {args.speed} functions x {len(METRICS)} metrics x 14 days ({points:,} points)"
            f" scored in {spent:.1f} s wall, {cpu:.1f} s CPU over {WORKERS} threads"
        )


if __name__ == "__main__":
    main()
