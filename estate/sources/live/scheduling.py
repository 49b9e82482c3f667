"""Running a collection's units of work on a bounded pool, in dependency order.

The main thread submits units and reacts as each finishes (an account entered -> its regions'
probes; a region probed -> its services), so no worker ever waits on another and any pool size,
including one, is deadlock-free. The first failure cancels the rest and propagates; so does a
user's cancellation, which every pending call notices through `Cancellation`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any


class Cancellation(threading.Event):
    """Set by the collector on failure; also reports set when the caller's own event is set."""

    def __init__(self, outer: threading.Event | None = None) -> None:
        super().__init__()
        self._outer = outer

    def is_set(self) -> bool:
        return super().is_set() or (self._outer is not None and self._outer.is_set())


class UnitRunner:
    """Submit units with an optional follow-up run on the main thread with their result."""

    def __init__(self, pool: Executor, cancellation: Cancellation) -> None:
        self._pool = pool
        self._cancellation = cancellation
        self._pending: dict[Future[Any], Callable[[Any], None] | None] = {}

    def submit(self, unit: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None) -> None:
        self._pending[self._pool.submit(unit, *args)] = then

    def run(self) -> None:
        """Until every unit (and every unit they led to) is done; re-raises the first failure."""
        try:
            while self._pending:
                done, _ = wait(self._pending, return_when=FIRST_COMPLETED)
                for future in done:
                    then = self._pending.pop(future)
                    result = future.result()
                    if then is not None:
                        then(result)
        except BaseException:
            self._cancellation.set()
            for future in self._pending:
                future.cancel()
            raise
