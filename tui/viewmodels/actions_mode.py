"""What `--allow-actions` gives the app (headless: the CLI builds it, the screens read it)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estate.actions import ActionRecord, FunctionIsolation
from estate.model import Estate, MetricsUpdate

READ_ONLY_REASON = "read-only: start lambdascope with --allow-actions to isolate or restore functions"
ACTIONS_TITLE = "lambdascope · ACTIONS ENABLED"

# `lambdascope live`'s refresh: re-reads the metrics, and the reserved concurrency of the ARNs given
Refresh = Callable[..., MetricsUpdate]


@dataclass
class ActionsMode:
    """The isolation client and its audit log, and what this session did (function ARN -> the last
    successful action), which the function detail shows until the next collection says it.

    `acted(arn)` notes a function whose reserved concurrency the session changed; `lambdascope
    live`'s next refresh takes those ARNs (`take_acted`) and re-reads their concurrency, so the
    functions table shows what AWS now reports. Written from the action's worker thread, taken
    from the refresh's: a lock keeps the two apart."""

    isolation: FunctionIsolation
    done: dict[str, ActionRecord] = field(default_factory=dict)
    _acted: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def log_path(self) -> Path:
        return self.isolation.audit.path

    def acted(self, arn: str) -> None:
        with self._lock:
            self._acted.add(arn)

    def take_acted(self) -> frozenset[str]:
        """The functions acted on since the last take (and forgets them)."""
        with self._lock:
            taken = frozenset(self._acted)
            self._acted.clear()
            return taken

    def put_back(self, arns: Collection[str]) -> None:
        """A refresh that failed: its functions are re-read by the next one."""
        with self._lock:
            self._acted.update(arns)


@dataclass(frozen=True)
class RereadingActed:
    """`refresh(estate, concurrency_of=...)` asked, each time, for the functions acted on since the
    last refresh (none without `--allow-actions`); when it fails they wait for the next one."""

    refresh: Refresh
    mode: ActionsMode | None

    def __call__(self, estate: Estate) -> MetricsUpdate:
        acted = self.mode.take_acted() if self.mode is not None else frozenset()
        try:
            return self.refresh(estate, concurrency_of=acted)
        except BaseException:
            if self.mode is not None:
                self.mode.put_back(acted)
            raise


def rereading_acted(refresh: Refresh, mode: ActionsMode | None) -> Callable[[Estate], MetricsUpdate]:
    """`lambdascope live`'s metrics refresh, also re-reading what the session isolated or restored."""
    return RereadingActed(refresh, mode)


def actions_of(app: Any) -> ActionsMode | None:
    """The app's actions mode; None when read-only."""
    mode = getattr(app, "actions", None)
    return mode if isinstance(mode, ActionsMode) else None
