"""The one error type users can cause (bad path, bad file, bad flag, AWS refusal), and how an
internal error (a bug) is reported instead of a traceback.

The CLI catches `LambdascopeError` at the boundary and prints one line with exit code 2. Anything
else is a programming error: the CLI and the TUI print one line naming a file that holds the
traceback (`record_internal_error`), and the CLI exits with `EXIT_INTERNAL` (70, sysexits'
EX_SOFTWARE), so that neither `--fail-on` (1) nor "bad input" (2) is ever reported by a crash.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

EXIT_INTERNAL = 70
ENV_CACHE_DIR = "LAMBDASCOPE_CACHE_DIR"  # also where the analysis cache lives (tui/cli/analysis_cache.py)
_MESSAGE_MAX = 200


class LambdascopeError(Exception):
    """A problem the user can fix; its message is shown as-is, on one line."""


def crash_directory() -> Path:
    """`$LAMBDASCOPE_CACHE_DIR/crashes`, else the user's cache directory's `crashes`."""
    root = os.environ.get(ENV_CACHE_DIR)
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("lambdascope")
    return Path(root) / "crashes"


def _one_line(text: str) -> str:
    """The text on one bounded line, control characters (terminal escapes) shown as escapes."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text.replace("\n", " "))
    return shown if len(shown) <= _MESSAGE_MAX else shown[: _MESSAGE_MAX - 1] + "…"


def record_internal_error(error: BaseException, context: str = "") -> str:
    """Save the traceback to a new file (0600) under `crash_directory()` and return the one line
    to show: "internal error: TYPE: MESSAGE; details written to FILE" (or why it could not be)."""
    summary = _one_line(f"{type(error).__name__}: {error}")
    text = "".join(traceback.format_exception(error))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    directory = crash_directory()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = directory / f"internal-error-{stamp}-{os.getpid()}-{id(error):x}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"lambdascope {context}\n".rstrip() + "\n\n" + text)
    except OSError as exc:
        return f"internal error: {summary}; the details could not be saved ({exc.strerror or exc})"
    return f"internal error: {summary}; details written to {path}"
