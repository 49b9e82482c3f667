"""Score `detect` on the 17 real AWS CloudWatch series of the Numenta Anomaly Benchmark (NAB).

Usage: python benchmarks/bench_anomalies_nab.py [NAB_DIR]
(default ../shared/benchmarks/nab-aws-cloudwatch relative to the repo root).

Every series is scored causally with one global configuration and the generic metric kind. Alerts
are the points inside the detector's anomaly windows. Printed: labelled windows with at least one
alert inside (recall), false alert events (runs of alerts outside every labelled window), false
events per 1,000 points, and the mean delay from a window's start to its first alert as a fraction
of the window. The same figures are also printed counting only the moment each detector window
opens (its start), which is what a pager would see.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzers.anomalies import AnomalyWindow, detect  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "benchmarks" / "nab-aws-cloudwatch"


@dataclass(frozen=True)
class Series:
    name: str
    epoch: np.ndarray
    values: np.ndarray
    windows: list[tuple[float, float]]


@dataclass(frozen=True)
class Score:
    caught: int
    labelled: int
    false_events: int
    points: int
    delays: list[float]


def _epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def load(nab_dir: Path) -> list[Series]:
    labels = json.loads((nab_dir / "windows.json").read_text())
    out = []
    for path in sorted((nab_dir / "data").glob("*.csv")):
        with path.open() as fh:
            rows = list(csv.DictReader(fh))
        epoch = np.array([_epoch(r["timestamp"]) for r in rows])
        values = np.array([float(r["value"]) for r in rows])
        wins = [(_epoch(a), _epoch(b)) for a, b in labels.get(f"realAWSCloudwatch/{path.name}", [])]
        out.append(Series(path.stem, epoch, values, wins))
    return out


def alert_mask(series: Series, found: list[AnomalyWindow], starts_only: bool) -> np.ndarray:
    mask = np.zeros(series.epoch.size, dtype=bool)
    for w in found:
        lo, hi = w.start.timestamp(), w.end.timestamp()
        inside = (series.epoch >= lo) & (series.epoch < hi)
        if starts_only:
            first = np.flatnonzero(inside)[:1]
            mask[first] = True
        else:
            mask |= inside
    return mask


def score(series: Series, mask: np.ndarray) -> Score:
    labelled = np.zeros(series.epoch.size, dtype=bool)
    caught, delays = 0, []
    for lo, hi in series.windows:
        inside = (series.epoch >= lo) & (series.epoch <= hi)
        labelled |= inside
        hits = np.flatnonzero(inside & mask)
        if hits.size:
            caught += 1
            delays.append((series.epoch[hits[0]] - lo) / (hi - lo))
    outside = mask & ~labelled
    events = int(np.count_nonzero(outside[1:] & ~outside[:-1]) + int(outside[0]))
    return Score(caught, len(series.windows), events, series.epoch.size, delays)


def main() -> None:
    nab_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    if not nab_dir.exists():
        raise SystemExit(f"NAB data not found at {nab_dir}")
    data = load(nab_dir)
    began = time.perf_counter()
    results = {s.name: detect(s.epoch, s.values, "generic", function=s.name) for s in data}
    elapsed = time.perf_counter() - began
    for starts_only in (False, True):
        label = "window starts only" if starts_only else "every point inside a detector window"
        scores = [score(s, alert_mask(s, results[s.name], starts_only)) for s in data]
        caught = sum(x.caught for x in scores)
        labelled = sum(x.labelled for x in scores)
        events = sum(x.false_events for x in scores)
        points = sum(x.points for x in scores)
        delays = [d for x in scores for d in x.delays]
        print(f"\nNAB realAWSCloudwatch, alerts = {label}")
        if not starts_only:
            for s, x in zip(data, scores, strict=True):
                print(f"  {s.name:42s} caught {x.caught}/{x.labelled}  false events {x.false_events}")
        print(f"  window recall          {caught}/{labelled}")
        print(f"  false alert events     {events}")
        print(f"  false events / 1k pts  {1000 * events / points:.2f}  ({points} points)")
        print(
            f"  mean detection delay   {np.mean(delays):.3f} of the window" if delays else "  no detections"
        )
    print(f"\nscored {sum(s.epoch.size for s in data)} points in {elapsed:.2f} s")
    print("published: ARTime 26/30 61 FP; contextOSE 25/30 35; Numenta HTM 25/30 104; knncad 22/30 44")


if __name__ == "__main__":
    main()
