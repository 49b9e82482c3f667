"""`analyzers.unique.unique` returns what `np.unique` does, without importing numpy.ma."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analyzers.unique import difference, union, unique


@given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40)))
def test_integers_as_numpy_has_them(values: np.ndarray) -> None:
    found = unique(values)
    assert found.dtype == np.unique(values).dtype
    assert np.array_equal(found, np.unique(values))


@given(hnp.arrays(np.float64, st.integers(0, 40), elements=st.floats(allow_infinity=True, allow_nan=True)))
def test_floats_with_nan_and_signed_zeros_as_numpy_has_them(values: np.ndarray) -> None:
    assert np.array_equal(unique(values), np.unique(values), equal_nan=True)


def test_lists_and_empty_input() -> None:
    assert unique([3, 1, 3, 2]).tolist() == [1, 2, 3]
    assert unique(np.empty(0, dtype=np.int64)).size == 0


def test_never_imports_numpy_ma() -> None:
    """The point of it: numpy 2's np.unique imports numpy.ma (65 ms) in every process."""
    code = (
        "import sys, numpy as np; from analyzers.unique import unique; "
        "from analyzers.unique import difference, union; a = np.array([3, 1, 3]); "
        "unique(a); union(a, a); difference(a, a); print('numpy.ma' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@given(
    hnp.arrays(np.int64, st.integers(0, 30), elements=st.integers(-5, 5)),
    hnp.arrays(np.int64, st.integers(0, 30), elements=st.integers(-5, 5)),
)
def test_union_and_difference_as_numpy_has_them(first: np.ndarray, second: np.ndarray) -> None:
    assert np.array_equal(union(first, second), np.union1d(first, second))
    assert np.array_equal(difference(first, second), np.setdiff1d(first, second))
    assert difference(first, second).dtype == np.setdiff1d(first, second).dtype
