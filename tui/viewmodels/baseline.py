"""The snapshot the open one is compared with (`--baseline OLD`, or the palette), and the diff.

Headless: the app computes `compare` in a worker once its own analysis is done (the baseline is
analysed with the same day and settings, so date-dependent rules and suppressions do not move),
then holds a `Baseline` that the Changes view renders and whose `new_row_keys` every table marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from estate.errors import LambdascopeError
from estate.model.load import load_estate
from estate.snapshot import Snapshot, load_snapshot

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from analyzers.diff import SnapshotDiff


@dataclass(frozen=True, slots=True)
class Baseline:
    """The baseline's path, and its diff with the open snapshot once computed (None meanwhile;
    `error` says why there is none when it failed)."""

    path: Path
    diff: SnapshotDiff | None = None
    error: str | None = None

    @property
    def new_row_keys(self) -> frozenset[str]:
        """Table row keys new since the baseline: finding ids, added functions and principals."""
        if self.diff is None:
            return frozenset()
        added = [f.arn for f in self.diff.functions.added] + [p.arn for p in self.diff.principals.added]
        return self.diff.new_finding_ids | frozenset(added)


def read_baseline(path: Path, against: Snapshot | None = None) -> Snapshot:
    """The baseline snapshot, checked against the open one when given (LambdascopeError, one
    line, when it cannot be read or compared)."""
    from analyzers.diff import comparison_problem

    baseline = load_snapshot(path)
    if against is not None:
        problem = comparison_problem(baseline.manifest, against.manifest)
        if problem is not None:
            raise LambdascopeError(f"cannot compare with {path}: {problem}")
    return baseline


def compare(baseline: Snapshot | Path, analysis: Analysis) -> SnapshotDiff:
    """The diff from the baseline to the open analysis (the baseline analysed here)."""
    from analyzers.analysis import analyze
    from analyzers.diff import comparison_problem, diff_analyses

    snapshot = read_baseline(baseline) if isinstance(baseline, Path) else baseline
    problem = comparison_problem(snapshot.manifest, analysis.estate.manifest)
    if problem is not None:
        raise LambdascopeError(f"cannot compare with the baseline: {problem}")
    before = analyze(load_estate(snapshot), analysis.today, analysis.settings)
    return diff_analyses(before, analysis)
