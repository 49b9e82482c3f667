"""What `--allow-actions` gives the app (headless: the CLI builds it, the screens read it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estate.actions import ActionRecord, FunctionIsolation

READ_ONLY_REASON = "read-only: start lambdascope with --allow-actions to isolate or restore functions"
ACTIONS_TITLE = "lambdascope · ACTIONS ENABLED"


@dataclass
class ActionsMode:
    """The isolation client and its audit log, and what this session did (function ARN -> the last
    successful action), which the function detail shows until the next collection says it."""

    isolation: FunctionIsolation
    done: dict[str, ActionRecord] = field(default_factory=dict)

    @property
    def log_path(self) -> Path:
        return self.isolation.audit.path


def actions_of(app: Any) -> ActionsMode | None:
    """The app's actions mode; None when read-only."""
    mode = getattr(app, "actions", None)
    return mode if isinstance(mode, ActionsMode) else None
