"""Pause Python's cyclic garbage collector while a snapshot is read and its model derived.

Reading a 10,000-function snapshot makes millions of small dicts, lists and strings (80 MB of
JSON), and the model a million records more; none is garbage until the estate is dropped, and
none is part of a reference cycle. The collector still re-scans all of them each time
allocations cross its thresholds: 1.0 s of the 2.2 s load and 0.5 s of the 1.4 s model
(synthetic 10,000-function estate, December 2026; the graph is built inside the analysis's own
pause). Reference counting still frees everything acyclic while the collector is paused.

Nested and concurrent pauses (the TUI loads and analyses in worker threads) are counted; the
collector comes back when the last one ends, if it was running before the first. The analysis
(`analyzers.gc_pause`) uses this same counter.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
