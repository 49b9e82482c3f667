"""Ending the program without freeing what a headless command built.

After `findings` has written its report, the model, graph and findings of a large estate are
garbage all at once: returning from the command frees them object by object, and the
interpreter's shutdown then tears down the modules holding the rest (at 100,000 functions 0.7 s
and then 0.8 s after the last byte was written). The process is about to end, so a command that
opts in (`keep`) hands those objects here, and the program's entry point (`leave`, only when it
is the program: never for a caller in the same process, such as a test) flushes the standard
streams, runs the exit handlers (children reaped, caches and temporary files closed as at any
exit) and ends the process with the command's code without the teardown.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

_KEPT: list[object] = []


def keep(*objects: object) -> None:
    """Hold `objects` until the process ends: the command returning does not free them."""
    _KEPT.extend(objects)


def forget() -> None:
    """Let the kept objects go (a command run by a caller in this process, which goes on)."""
    _KEPT.clear()


def leave(code: int) -> None:
    """End the process now with `code` if a command kept its objects (else return: the usual
    exit, as for every command that did not opt in)."""
    if not _KEPT:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be written
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)
