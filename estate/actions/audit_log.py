"""The actions audit log: one JSON object per line, appended, file mode 0600.

Each line says who acted (the caller identity's ARN), when, on which function, what the reserved
concurrency was before and after, and how it ended (`ok`, or the AWS error code and message). The
log is also the memory of an isolation: `restore` reads the value an isolation replaced from it, so
the way back survives a restart of the TUI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import platformdirs

NONE = "none"
"""`before`/`after` when no reserved concurrency is configured (the account's unreserved pool)."""


def default_audit_path() -> Path:
    """Under the user's data directory (platformdirs), e.g. ~/.local/share/lambdascope/actions.jsonl."""
    return Path(platformdirs.user_data_dir("lambdascope", appauthor=False)) / "actions.jsonl"


@dataclass(frozen=True, slots=True)
class ActionRecord:
    at: str  # ISO 8601, UTC
    actor: str  # the caller identity's ARN, or "unknown (...)" when STS could not say
    action: str  # isolate | restore
    function: str  # the function ARN
    before: int | str  # reserved concurrency before, or NONE
    after: int | str  # what it is after the call (unchanged on failure)
    result: str  # ok | error
    aws_call: str  # the exact call made
    error_code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.result == "ok"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class AuditLog:
    """Append-only JSON lines at `path`, created 0600 (and its directory 0700)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, record: ActionRecord) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)  # an existing file with looser bits is tightened
            os.write(fd, (json.dumps(record.to_json(), sort_keys=True) + "\n").encode())
        finally:
            os.close(fd)

    def records(self) -> list[ActionRecord]:
        """Every well-formed line, oldest first; a damaged line is skipped, never fatal."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                data = json.loads(line)
                out.append(
                    ActionRecord(**{k: data[k] for k in ActionRecord.__dataclass_fields__ if k in data})
                )
            except (ValueError, TypeError):
                continue
        return out

    def isolated_before(self, function_arn: str) -> int | str | None:
        """The concurrency the last successful isolation of the function replaced, if the function
        is still isolated by us (no successful restore since); else None."""
        found: int | str | None = None
        for record in self.records():
            if record.function != function_arn or not record.ok:
                continue
            if record.action == "isolate":
                # isolating an isolated function keeps the value from before the first isolation
                found = record.before if found is None else found
            elif record.action == "restore":
                found = None
        return found
