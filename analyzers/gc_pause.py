"""Pause Python's cyclic garbage collector while an analysis builds its graph.

A 10,000-function estate builds ~1.6 million edge dicts and a million escalation records in one
go; the collector re-scans all of them each time allocations cross its thresholds, which cost a
quarter of the analysis time (60 s against 44 s without it, same peak memory). Nothing the
analysis builds is garbage until it finishes, so the collector has nothing to find meanwhile.
Reference counting still frees everything acyclic. Nested and concurrent pauses (the TUI analyses
in worker threads) are counted, and the collector comes back when the last one ends, if it was
running before the first.
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
