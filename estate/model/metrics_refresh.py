"""Fold a later re-read of the metrics (`lambdascope live`'s refresh) into an estate's series.

Apart from the series parse (estate/model/metrics.py) because it returns a whole Estate, and the
Estate record imports every domain module, the metrics one included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from estate.model.estate import Estate
from estate.model.metrics import series_from_records
from estate.model.validate import malformed_coverage, split_records
from estate.snapshot import CoverageEntry, Record


@dataclass(frozen=True, slots=True)
class MetricsUpdate:
    """An estate whose metrics were re-read up to `data_end`: `new_points` were not there before."""

    estate: Estate
    data_end: dt.datetime
    new_points: int
    gaps: tuple[CoverageEntry, ...] = ()  # what this re-read failed to get (the rest was merged)


def merge_metrics(estate: Estate, records: Iterable[Record], data_end: dt.datetime) -> MetricsUpdate:
    """The estate with the re-read series merged in; nothing else is re-parsed.

    A re-read overlaps the previous end (late datapoints), so points are merged by timestamp,
    the newer read winning. Series the re-read did not touch are kept as they are. The manifest's
    `metrics_end` moves to `data_end` (its `created_at` stays: the rest is as collected).
    """
    kept, malformed = split_records(records)  # a re-read is untrusted too: a bad one is a gap
    fresh = series_from_records(kept)
    merged = dict(estate.metrics)
    added = 0
    for key, new in fresh.items():
        old = merged.get(key)
        points = dict(zip(old.raw_timestamps, old.values, strict=True)) if old is not None else {}
        before = len(points)
        points.update(zip(new.raw_timestamps, new.values, strict=True))
        added += len(points) - before
        # Timestamps are ISO text in UTC from one normaliser, so text order is time order.
        ordered = sorted(points.items())
        merged[key] = replace(
            new, raw_timestamps=tuple(t for t, _ in ordered), values=tuple(v for _, v in ordered)
        )
    manifest = replace(estate.manifest, metrics_end=data_end.isoformat())
    gaps = malformed_coverage(malformed)
    return MetricsUpdate(replace(estate, metrics=merged, manifest=manifest), data_end, added, gaps)
