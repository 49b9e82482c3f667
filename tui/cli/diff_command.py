"""`lambdascope diff OLD NEW [--format text|json|markdown] [--fail-on-new SEVERITY]`.

Both snapshots are analysed afresh (the diff needs both graphs, which the analysis cache does not
keep). Exit codes: 0, 1 when `--fail-on-new` finds a new open finding at or above that severity
(a nightly job's gate), 2 when the snapshots cannot be compared (different accounts, another
schema, unreadable: one line naming why).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estate.errors import LambdascopeError
from tui.cli.arg_types import add_as_of, add_config

if TYPE_CHECKING:
    from analyzers.diff import SnapshotDiff
    from analyzers.findings.settings import Settings

SEVERITIES = ("critical", "high", "medium", "low", "info")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "diff",
        help="what changed between two snapshots: findings, estate, exposure",
        description="Findings new, resolved and changed (matched by id); per-function and IAM changes "
        "(env values by keyed hash, never the value); invokers and internet -> sensitive and "
        "escalation paths opened or closed. JSON follows `lambdascope.diff/1`.",
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="the earlier snapshot (.lsnap)")
    parser.add_argument("new", type=Path, metavar="NEW", help="the later snapshot (.lsnap)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument(
        "--fail-on-new",
        choices=SEVERITIES,
        metavar="SEVERITY",
        help="exit 1 if a new open finding is at or above this severity (critical|high|medium|low|info)",
    )
    add_as_of(parser)
    add_config(parser)
    parser.set_defaults(handler=run)


def snapshot_diff(
    old_path: Path, new_path: Path, today: dt.date | None = None, settings: Settings | None = None
) -> SnapshotDiff:
    """Load, check and analyse both snapshots, then diff them; LambdascopeError when they cannot
    be compared. The same day is used for both sides, so date-dependent rules do not move."""
    from analyzers.analysis import analyze_snapshot
    from analyzers.diff import comparison_problem, diff_analyses
    from estate.snapshot import load_snapshot

    old, new = load_snapshot(old_path), load_snapshot(new_path)
    problem = comparison_problem(old.manifest, new.manifest)
    if problem is not None:
        raise LambdascopeError(f"cannot diff {old_path} and {new_path}: {problem}")
    day = today or dt.datetime.now(dt.UTC).date()
    before = analyze_snapshot(old, day, settings)
    del old
    after = analyze_snapshot(new, day, settings)
    return diff_analyses(before, after)


def run(args: argparse.Namespace) -> int:
    from analyzers.findings.model import Severity
    from analyzers.findings.settings import load_settings
    from analyzers.gc_pause import cyclic_gc_paused
    from tui.cli.diff_render import diff_markdown, diff_text

    settings = load_settings(args.config, Path.cwd())
    with cyclic_gc_paused():  # millions of objects live until the end: none is cyclic garbage
        diff = snapshot_diff(args.old, args.new, args.as_of, settings)
        if args.format == "json":
            sys.stdout.write(json.dumps(diff.to_json(), indent=2, ensure_ascii=True) + "\n")
        elif args.format == "markdown":
            sys.stdout.write(diff_markdown(diff))
        else:
            sys.stdout.write(diff_text(diff))
    if args.fail_on_new and diff.new_at_or_above(Severity(args.fail_on_new)):
        return 1
    return 0
