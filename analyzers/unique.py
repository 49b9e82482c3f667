"""`np.unique` of one array (sorted, repeats dropped), without numpy 2's masked-array check.

Why: numpy 2's `np.unique(a)`, asked for no index, inverse or counts, calls `np.ma.is_masked`,
and the first use of `np.ma` imports numpy.ma: 65 ms, once in every process that calls it. The
headless commands fork, so at 10,000 functions the parent (the anomaly rules' grids) and the
rules child (the unclassified stores' reach) each paid it, inside the rules stage. The analyses
never make masked arrays; sorting and dropping repeats is all they ask of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def unique(values: ArrayLike) -> NDArray[Any]:
    """What `np.unique(values)` returns (flattened, sorted, each value once); arrays holding NaN
    go to numpy itself, which keeps one NaN (its `equal_nan`)."""
    ordered = np.sort(np.asarray(values), axis=None)  # a sorted, flattened copy
    if ordered.size == 0:
        return ordered
    if ordered.dtype.kind in "fc" and np.isnan(ordered[-1]):  # NaN sorts last
        return np.unique(ordered)
    keep = np.empty(ordered.shape, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def union(first: ArrayLike, second: ArrayLike) -> NDArray[Any]:
    """What `np.union1d` returns (it calls `np.unique`)."""
    return unique(np.concatenate((np.ravel(first), np.ravel(second))))


def difference(first: ArrayLike, second: ArrayLike) -> NDArray[Any]:
    """What `np.setdiff1d` returns: the values of `first` not in `second`, sorted, each once (it
    calls `np.unique` on both)."""
    mine = unique(first)
    return mine[np.isin(mine, unique(second), assume_unique=True, invert=True)]
