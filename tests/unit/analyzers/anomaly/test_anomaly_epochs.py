"""Metric timestamps parsed once per distinct string: the same seconds as parsing each series."""

from __future__ import annotations

import datetime as dt

import numpy as np

from analyzers.anomaly.rules import _Epochs
from estate.model import MetricSeries

STAMPS = ("2026-10-18T00:00:00+00:00", "2026-10-18T00:05:00+02:00", "2026-10-18T00:10:00")  # last: naive


def _series(name: str, stamps: tuple[str, ...]) -> MetricSeries:
    return MetricSeries(name, "eu-west-1", "Invocations", "Sum", stamps, tuple(1.0 for _ in stamps))


def test_shared_and_overlapping_timestamps_give_each_series_its_own_seconds() -> None:
    epochs = _Epochs()
    first, same, shifted = _series("a", STAMPS), _series("b", tuple(STAMPS)), _series("c", STAMPS[1:])
    expected = [dt.datetime.fromisoformat(t).timestamp() for t in STAMPS]
    a, b, c = epochs.of(first), epochs.of(same), epochs.of(shifted)
    assert a.tolist() == expected and b.tolist() == expected and c.tolist() == expected[1:]
    assert len(epochs.stamps) == 3 and len(epochs.series) == 2
    a[0] = -1.0  # a caller's array is its own
    assert epochs.of(same)[0] == expected[0]
    assert isinstance(epochs.of(_series("d", ())), np.ndarray) and epochs.of(_series("d", ())).size == 0
