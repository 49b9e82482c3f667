"""One computation in a forked child, its result sent back over a pipe: how the headless commands
use a second core for the stages whose inputs are complete before they start (access edges, the
rules over the frozen graph).

The child is a copy-on-write fork: nothing to re-load, it sees the parent's model and graph as they
were. It sends back plain data, pickled (our own child's bytes, never data from outside), and
leaves with `os._exit`, running none of the parent's cleanup. A child that cannot be forked, fails
or sends a truncated payload gives None: the caller computes that part itself, so forking costs
time, never an answer.

Work cut into items the processes take as they go (`Claims`) follows what each finds to do, so
neither waits while the other still has a queue.

Only a single-threaded process forks: a lock another thread holds at the fork (an import, a
stream) would be held forever in the child. The CLI is; the TUI and test runners' workers are not.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import mmap
import multiprocessing
import os
import pickle
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any


def can_fork() -> bool:
    """Whether this process may fork a worker (a single-threaded process, on a platform with fork)."""
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


@dataclass(frozen=True)
class Child:
    pid: int
    fd: int  # the read end of the pipe the child writes its result to


Dump = Callable[[object, io.BufferedWriter], None]
Load = Callable[[io.BufferedReader], Any]


def _dump(payload: object, out: io.BufferedWriter) -> None:
    pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)


def _load(src: io.BufferedReader) -> Any:
    return pickle.load(src)


class Pickled:
    """Values a child pickles one by one as it makes them, through one pickler (a value several
    of them share is written once, and shared again when read back), and sends as bytes at the
    end with their keys (`payload`; read back with `unpickled`). Pickled only at the end, a
    large result was written at the pace the parent read it, after all the work: at 100,000
    functions the parent waited 3.9 s for the access worker's edges and 3.3 s for the rules
    child's findings. Pickled as they come, the pickling is spread over the child's work, whose
    claims (`Claims`) balance with the parent's."""

    def __init__(self, pickler: Callable[[IO[bytes]], pickle.Pickler] | None = None) -> None:
        self._out = io.BytesIO()
        self._pickler = pickler(self._out) if pickler else pickle.Pickler(self._out, pickle.HIGHEST_PROTOCOL)
        self._keys: list[int] = []

    def put(self, key: int, value: object) -> None:
        self._pickler.dump(value)
        self._keys.append(key)

    def payload(self) -> tuple[list[int], bytes]:
        return self._keys, self._out.getvalue()


def unpickled(payload: tuple[list[int], bytes]) -> dict[int, Any]:
    """A `Pickled` payload's values by key (our own child's bytes, never data from outside)."""
    keys, data = payload
    loader = pickle.Unpickler(io.BytesIO(data))
    return {key: loader.load() for key in keys}


def start(compute: Callable[[], object], dump: Dump = _dump) -> Child | None:
    """`compute()` running in a forked child, which writes its result with `dump`; None when the
    process cannot fork (the caller computes it itself)."""
    reap_exited()  # (earlier children that have exited since their results were read)
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: compute, send, and leave without running any cleanup of the parent's
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                dump(compute(), out)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    return Child(pid, read)


def result(child: Child | None, load: Load = _load) -> tuple[bool, Any]:
    """(True, the child's result), or (False, None) when it was not forked, failed or sent a
    truncated payload (then the child is reaped at once).

    A complete payload is the child's whole answer (a pickle ends with its own STOP): this
    process goes on while the child exits, which for a copy of a large process takes a while
    (the kernel tears down its address space: 0.06-0.08 s per child at 10,000 functions), and
    reaps it later (`reap_exited`)."""
    if child is None:
        return False, None
    try:
        with os.fdopen(child.fd, "rb") as src:
            value = load(src)
    except Exception:  # a truncated or missing payload: the caller recomputes
        _reap(child.pid)
        return False, None
    _EXITING.append(child.pid)
    reap_exited()
    return True, value


_EXITING: list[int] = []
"""Children whose result is in, not reaped yet (all reaped at exit, so that the time a command
reports covers theirs)."""


def reap_exited(wait: bool = False) -> None:
    """Reap the children `result` left to exit that have (all of them, waiting, if `wait`)."""
    for pid in list(_EXITING):
        try:
            done, _status = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:  # reaped already
            done = pid
        if done:
            _EXITING.remove(pid)


atexit.register(reap_exited, True)  # (long exited by then: the time a command reports covers theirs)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


class Claims:
    """Items 0..count-1 taken once each, by processes forked after it was made: one side from
    the front, the other from the back (two counters in a shared anonymous mapping, under a
    lock that survives the fork). Whoever takes from the front takes a prefix, in order."""

    def __init__(self, count: int) -> None:
        self._ends = mmap.mmap(-1, 16)  # (next from the front, one past the next from the back)
        struct.pack_into("qq", self._ends, 0, 0, count)
        self._lock = multiprocessing.get_context("fork").Lock()

    def front(self) -> int | None:
        with self._lock:
            low, high = struct.unpack_from("qq", self._ends)
            if low >= high:
                return None
            struct.pack_into("q", self._ends, 0, low + 1)
            return int(low)

    def back(self) -> int | None:
        with self._lock:
            low, high = struct.unpack_from("qq", self._ends)
            if low >= high:
                return None
            struct.pack_into("q", self._ends, 8, high - 1)
            return int(high - 1)
