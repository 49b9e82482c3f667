"""Where a series has data: "no history" is not "zero traffic".

CloudWatch returns no datapoint for a period in which a Lambda function was not invoked, so inside
a function's history a missing count is a zero. Before its first datapoint, though, the function
may not have existed (deployed, or first invoked, inside the look-back): scoring those periods as
zero traffic made every new function's first hour a "spike" (issue 17). So:

- before a series' first datapoint nothing is learned or scored (no history);
- a day without any datapoint after that (the function idle) is scored, so a busy function gone
  silent still raises its drop, but not learned from, so when it starts again it is judged
  against what it did before the gap;
- after an idle stretch of at least `memory_days` (longer than the seasonal memory: the weekly
  baseline looks one week back) the baseline is forgotten and the series warms up again.

`present` is per (series x time) point: whether any metric of the function had a datapoint
(throttled calls are not invocations, so one metric alone can miss the function's start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]

MEMORY_DAYS = 8  # one week of seasonal memory, plus the day being compared


@dataclass(frozen=True, slots=True)
class DayCoverage:
    """Per (series x day) of a model's day grid: what the model may learn from, and when to forget."""

    covered: Mask  # (series x days x slots) at or after the series' first datapoint
    active: Mask  # (series x days) the day has at least one datapoint
    restart: Mask  # (series x days) forget the baseline before this day (after a long idle gap)


def covered(present: Mask) -> Mask:
    """Points at or after each series' first datapoint (a running OR along time)."""
    return np.logical_or.accumulate(present, axis=1)


def day_coverage(
    present: Mask, lead: int, n_days: int, day: int, memory_days: int = MEMORY_DAYS
) -> DayCoverage:
    """Lay `present` on the model's day grid (column 0 is `lead` points into its day)."""
    n, t = present.shape
    grid = np.zeros((n, n_days * day), dtype=bool)
    grid[:, lead : lead + t] = present
    days = grid.reshape(n, n_days, day)
    active: Mask = np.asarray(days.any(axis=2))
    seen = covered(grid).reshape(n, n_days, day)
    restart = np.zeros_like(active)
    idle = np.zeros(n, dtype=np.int64)
    started = np.zeros(n, dtype=bool)
    for d in range(n_days):
        restart[:, d] = active[:, d] & started & (idle >= memory_days)
        idle = np.where(active[:, d], 0, idle + 1)
        started |= active[:, d]
    return DayCoverage(seen, active, restart)
