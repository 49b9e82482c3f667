"""What the app holds while an estate loads, and how it loads it without blocking or holding up.

The app paints from the model as soon as it exists and fills in the analysis when it completes
(at 10,000 functions the model takes seconds, the analysis most of a minute). Its state is one of:

- `Pending`: the model is loaded (`estate`), the analysis runs; `progress` names the stage it
  has reached (`ANALYSIS_STAGES`). Views that draw from the model alone (the functions
  table, coverage, a function's configuration) show it; the rest say which stage they wait for.
- an `Analysis`: done. It carries the same `estate`, so code that needs only the model reads
  `state.estate` in either state without asking which. Opened from the analysis cache, the
  findings come first, with the graph the functions' invokers need, and the app names the
  stages still building the rest of the graph (`CACHED_STAGES`, tui/viewmodels/cached_open.py).

Nothing here imports the analyzers: the app paints before they are loaded (importing them takes
about 0.4 s of the first paint's 3 s at 10,000 functions), and the worker imports them after.

`run_abandonable` runs the load and analysis in a daemon thread the worker waits on: the
analyzers can only stop at a stage boundary (their progress callback raises), and one stage takes
tens of seconds at 10,000 functions, so a worker that ran the analysis itself would hold the
app's exit (the interpreter joins worker threads) until that stage ended. `long_lived` keeps what
the load and the analysis build out of the cyclic garbage collector's sight while the app shows
it, so the collector does not stall the UI re-scanning it.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeGuard, TypeVar, Union

from analyzers.gc_pause import cyclic_gc_paused
from estate.model import Estate
from tui.safe_text import clean

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from estate.snapshot import Snapshot

T = TypeVar("T")

ANALYSIS_STAGES: tuple[str, ...] = ("graph", "IAM escalation", "access", "rules")
"""`analyzers.analysis.STAGES`, named here so the progress line draws without importing the
analyzers (a test keeps the two equal)."""
CACHED_STAGES: tuple[str, ...] = ("cached findings", "graph", "IAM escalation", "access")
"""The stages of an open from the analysis cache: the findings (and the graph of who invokes
what, which the functions table needs), then the rest of the graph (reachability, IAM paths)."""

PENDING_MARK = "…"
"""What a table cell shows while the analysis it needs is still running."""


@dataclass(frozen=True, slots=True)
class StageProgress:
    """Where the analysis is: `stage` (one of `stages`) and, within it, `done` of `total` steps."""

    stage: str = ANALYSIS_STAGES[0]
    done: int = 0
    total: int = 1
    stages: tuple[str, ...] = ANALYSIS_STAGES

    @property
    def label(self) -> str:
        """ "analysing: <stage>", what every view waiting for the analysis says."""
        return f"analysing: {self.stage}"

    @property
    def step(self) -> int:
        """The stage's position, 1-based (0 for a stage the app does not know)."""
        return self.stages.index(self.stage) + 1 if self.stage in self.stages else 0

    @property
    def detail(self) -> str:
        """ "stage 3 of 4", and the steps within the stage when it reports them."""
        text = f"stage {self.step} of {len(self.stages)}" if self.step else "stage ?"
        if self.total > 1:
            text += f" · {self.done} of {self.total}"
        return text

    @property
    def fraction(self) -> float:
        """How far the whole analysis is, 0..1, counting each stage as an equal share."""
        if not self.step:
            return 0.0
        within = min(max(self.done / self.total, 0.0), 1.0) if self.total > 0 else 0.0
        return (self.step - 1 + within) / len(self.stages)


@dataclass(frozen=True, slots=True, eq=False)
class Pending:
    """The model is loaded and shown; the analysis is running (at `progress`)."""

    estate: Estate
    progress: StageProgress = field(default_factory=StageProgress)

    def at(self, stage: str, done: int, total: int) -> Pending:
        """The same estate with the analysis at (stage, done, total), as its callback reports."""
        return replace(self, progress=StageProgress(stage, done, total, self.progress.stages))


EstateState = Union[Pending, "Analysis"]  # a forward reference: no analyzers import
"""The app's state once the model exists: the analysis pending, or done."""


def is_analysed(state: object) -> TypeGuard[Analysis]:
    """`state` is an `Analysis` (told without importing the analyzers)."""
    return state is not None and not isinstance(state, Pending)


def sub_title(state: EstateState, building: StageProgress | None = None) -> str:
    """The header's line about the estate: source, date, size, then the findings, or the stage
    the analysis is at while it runs (plain text, escaped: names come from the manifest).
    `building`: the findings came from the analysis cache and the graph is still being built."""
    estate = state.estate
    manifest = estate.manifest
    head = f"{manifest.source} · {manifest.created_at} · {len(estate.functions)} functions"
    gaps = f" · {len(estate.gaps)} coverage gaps (c)" if estate.gaps else ""
    if isinstance(state, Pending):
        return clean(f"{head} · {state.progress.label}{gaps}")
    suppressed = f" · {state.suppressed} suppressed" if state.suppressed else ""
    still = f" · {building.label}" if building is not None else ""
    return clean(f"{head} · {len(state.findings)} findings{gaps}{suppressed}{still}")


class AnalysisCancelled(Exception):
    """The user quit (the worker was cancelled) while the estate loaded or was analysed."""


def run_abandonable(work: Callable[[], T], cancelled: threading.Event, poll: float = 0.05) -> T:
    """`work()`'s result, run in a daemon thread; raises AnalysisCancelled as soon as `cancelled`
    is set instead of waiting for it (a worker thread must end for the app to exit; a daemon
    thread need not). `work` should itself stop at its next chance once `cancelled` is set (the
    analysis does, at its next stage): it runs on meanwhile, and its result is dropped.

    `work`'s exception, if any, is raised here, in the caller's thread."""
    done = threading.Event()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the waiting thread
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=target, name="lambdascope-load", daemon=True).start()
    while not done.wait(poll):
        if cancelled.is_set():
            raise AnalysisCancelled
    if failure:
        raise failure[0]
    return outcome[0]


@contextmanager
def long_lived() -> Iterator[None]:
    """Build what the app keeps for its lifetime (the snapshot and model, the analysis) with the
    cyclic collector paused, then freeze it (`gc.freeze`) before the collector comes back.

    At 10,000 functions they are millions of objects, and nothing in them is garbage while the
    app shows them; left to the collector, every full collection the UI's own allocations set
    off re-scans them all, on whichever thread allocates: the functions table took 1.5 s to
    build instead of 0.7 s, and filling in the analysis stalled the UI for 4.5 s instead of 0.9 s
    (synthetic 10,000-function estate, December 2026). `release_long_lived` hands them back when
    the app ends. Frozen objects are still freed by reference counting; only cyclic garbage made
    meanwhile (the UI's own, while the collector was paused) waits for the app's end."""
    with cyclic_gc_paused():
        yield
        freeze_long_lived()


def snapshot_for_app(path: str | os.PathLike[str]) -> Snapshot:
    """A snapshot file read before the app starts (`lambdascope open`: a bad file fails before
    the screen), kept as `long_lived` keeps what the app builds. Read plainly, the collector came
    back as the read ended and its first full collection re-scanned the snapshot's millions of
    objects before the table could paint (0.3 s at 10,000 functions)."""
    from estate.snapshot import load_snapshot

    with long_lived():
        return load_snapshot(path)


def freeze_long_lived() -> None:
    """Keep everything alive now out of the cyclic collector's sight (an analysis the app was
    given ready-made, built before the app existed); see `long_lived`."""
    gc.freeze()


def release_long_lived() -> None:
    """Let the collector see again what `long_lived` froze (the app is ending)."""
    gc.unfreeze()
