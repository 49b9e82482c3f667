"""The count model for sparse counts (Errors, Throttles): a causal Poisson rate per series.

The rate is learned once per day from earlier days, vectorised over series, like the continuous
model in `scoring`; the surprise of a count is `scoring.poisson_surprise`, computed by the caller
for candidate points only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzers.anomaly.coverage import DayCoverage, day_coverage
from analyzers.anomaly.scoring import Array, ModelConfig, day_table, zero_nan


@dataclass(frozen=True, slots=True)
class CountScores:
    """Per point: the expected count (surprise is computed by the caller, for candidates only)."""

    expected: Array
    scored: NDArray[np.bool_]  # the series had a day of history at this point


def score_counts(
    counts: Array,
    first_step: int,
    cfg: ModelConfig,
    exposure: Array | None = None,
    present: NDArray[np.bool_] | None = None,
) -> CountScores:
    """Score sparse counts (series x time). With `exposure` (invocations) the rate is modelled.

    The rate is learned per day from earlier days (capped counts, so an earlier burst barely moves
    it); the first day of a series is only learned from. With `present` (see `coverage`) only the
    series' history counts: a day before its first datapoint, or idle, teaches nothing, and only
    periods from the first datapoint on are scored.
    """
    S = cfg.day
    x = zero_nan(np.maximum(counts, 0.0))
    n, t = x.shape
    lead = first_step % S
    n_days = -(-(lead + t) // S)
    xd = day_table(x, lead, n_days, S, 0.0)
    cov = _full_coverage(n, n_days, S) if present is None else day_coverage(present, lead, n_days, S)
    inv = None if exposure is None else day_table(zero_nan(np.maximum(exposure, 0.0)), lead, n_days, S, 0.0)
    expected = np.zeros((n, n_days, S))
    num = np.zeros(n)
    den = np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    scored_day = np.zeros((n, n_days), dtype=bool)
    for d in range(n_days):
        seen &= ~cov.restart[:, d]  # back after a long idle gap: warm up again
        scored_day[:, d] = seen
        if inv is None:
            lam = np.repeat(num[:, None], S, axis=1)
        else:
            rate = np.where(den > 0, num / np.maximum(den, 1e-9), 0.0)
            lam = rate[:, None] * inv[:, d]
        expected[:, d] = lam
        cap = lam + 3.0 * np.sqrt(lam + cfg.count_floor) + 1.0
        xc = np.where(seen[:, None], np.minimum(xd[:, d], cap), xd[:, d]).sum(axis=1)
        learn = cov.active[:, d]
        a = np.where(learn, np.where(seen, cfg.count_alpha, 1.0), 0.0)
        if inv is None:
            span = np.maximum(cov.covered[:, d].sum(axis=1), 1)  # a first day may start late
            num += a * (xc / span - num)
        else:
            num += a * (xc - num)
            den += a * (inv[:, d].sum(axis=1) - den)
        seen |= learn
    sl = slice(lead, lead + t)
    scored = (np.repeat(scored_day, S, axis=1) & cov.covered.reshape(n, -1))[:, sl]
    return CountScores(expected.reshape(n, -1)[:, sl], scored)


def _full_coverage(n: int, n_days: int, day: int) -> DayCoverage:
    """Coverage of series known to be history at every point (no presence given)."""
    return DayCoverage(
        np.ones((n, n_days, day), dtype=bool),
        np.ones((n, n_days), dtype=bool),
        np.zeros((n, n_days), dtype=bool),
    )
