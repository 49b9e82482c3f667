"""The `lambdascope` command: the headless commands of DESIGN.md section 6 and the TUI launchers.

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error (one line on stderr,
never a traceback), 70 internal error (one line on stderr naming the file that holds the
traceback, estate/errors.py). Textual is imported only by the commands that open the UI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from estate.errors import EXIT_INTERNAL, LambdascopeError, record_internal_error
from tui.cli import leave
from tui.cli.actions_arg import actions_mode, add_actions_args
from tui.cli.arg_types import (
    MAX_JOBS,
    add_as_of,
    add_config,
    default_jobs,
    iso_date,
    iso_datetime,
    non_negative,
    positive_int,
)

if TYPE_CHECKING:
    from analyzers.findings.settings import Settings
    from estate.snapshot import Snapshot
    from estate.sources.live import CollectOptions
    from tui.cli.reports import FindingsReport
    from tui.viewmodels.actions_mode import ActionsMode

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what the shell reports for a tool a closed pipe ended


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"lambdascope: error: {message} (see --help)\n")


def demo_snapshot_path(*, later: bool = False) -> Path:
    from estate.sources.demo import later_snapshot_path, snapshot_path

    path = later_snapshot_path() if later else snapshot_path()
    if not path.is_file():
        raise LambdascopeError(f"the bundled demo snapshot is missing ({path}); run `make demo-snapshot`")
    return path


def _account_ids(text: str) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    bad = [i for i in ids if not (len(i) == 12 and i.isdigit())]
    if not ids or bad:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of 12-digit account ids: {text!r}")
    return ids


def _add_live_args(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--region", action="append", help="region to collect (repeatable)")
    where.add_argument(
        "--all-regions",
        action="store_true",
        help="every region enabled for each account (EC2 DescribeRegions)",
    )
    p.add_argument("--profile", help="AWS profile from your config")
    p.add_argument("--endpoint-url", help="AWS endpoint (a local AWS such as moto); also AWS_ENDPOINT_URL")
    p.add_argument(
        "--assume-role",
        metavar="NAME",
        help="role name to assume in each account of --accounts / --organization (your own account is "
        "read with your credentials)",
    )
    accounts = p.add_mutually_exclusive_group()
    accounts.add_argument("--accounts", type=_account_ids, metavar="ID,...", help="accounts to collect")
    accounts.add_argument(
        "--organization", action="store_true", help="every active account of your organization (ListAccounts)"
    )
    p.add_argument(
        "--keep-secrets",
        action="store_true",
        help="store env var values in clear (default: redacted)",
    )
    p.add_argument(
        "--metrics-days",
        type=non_negative,
        default=14.0,
        help="CloudWatch look-back in days (0: none)",
    )
    p.add_argument("--metrics-end", type=iso_datetime, help=argparse.SUPPRESS)
    p.add_argument(
        "--refresh", action="store_true", help="ignore the collection cache and re-read everything"
    )
    p.add_argument("--cache-dir", type=Path, help="collection cache (resume log) directory")
    p.add_argument("--workers", type=int, default=8, help="concurrent API calls (default 8)")


def _add_config_arg(p: argparse.ArgumentParser) -> None:
    add_config(p)
    p.add_argument(
        "--triage",
        type=Path,
        metavar="PATH",
        help="triage states file (default: lambdascope-triage.toml beside the config, else in .)",
    )


def _add_no_cache_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse afresh: neither read nor write the analysis cache",
    )


def _settings(args: argparse.Namespace) -> Settings:
    from analyzers.findings.settings import load_settings
    from analyzers.findings.triage import default_path, load_triage

    settings = load_settings(args.config, Path.cwd())
    triage = args.triage or default_path(settings.source, Path.cwd())
    return replace(settings, triage=load_triage(triage))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lambdascope", description="Explore the security posture of an AWS Lambda estate.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("demo", help="open the TUI on the bundled demo estate")
    p.add_argument("--as-of", type=iso_date, help=argparse.SUPPRESS)
    p.add_argument(
        "--later",
        action="store_true",
        help="open the demo a day later, compared with the demo (the Changes view, key d)",
    )
    add_actions_args(p)
    _add_config_arg(p)
    _add_no_cache_arg(p)
    p = sub.add_parser("open", help="open the TUI on a snapshot file")
    p.add_argument("snapshot", type=Path)
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD",
        help="an earlier snapshot of the same accounts: the Changes view (key d) and new rows marked",
    )
    add_as_of(p)
    add_actions_args(p)
    _add_config_arg(p)
    _add_no_cache_arg(p)
    p = sub.add_parser("collect", help="collect a live estate into a snapshot file")
    _add_live_args(p)
    p.add_argument("-o", "--output", type=Path, required=True, help="snapshot file to write (.lsnap)")
    p = sub.add_parser("live", help="collect a live estate, then open the TUI on it")
    _add_live_args(p)
    p.add_argument("-o", "--output", type=Path, help="also keep the snapshot in this file")
    p.add_argument(
        "--refresh-seconds",
        type=non_negative,
        default=60.0,
        metavar="N",
        help="re-read the functions' CloudWatch metrics every N seconds while the Anomalies pane is "
        "open (default 60; 0: off; GetMetricData is billed per metric read)",
    )
    add_actions_args(p)
    _add_config_arg(p)
    _add_no_cache_arg(p)
    p = sub.add_parser("findings", help="print the findings of a snapshot")
    p.add_argument("snapshot", type=Path)
    p.add_argument("--format", choices=("json", "markdown", "csv", "sarif", "ocsf", "asff"), default="json")
    p.add_argument(
        "--fail-on",
        choices=("critical", "high", "medium", "low", "info"),
        help="exit 1 if an open (not suppressed) finding is at or above this severity",
    )
    add_as_of(p)
    p.add_argument(
        "--jobs",
        type=positive_int,
        metavar="N",
        help="processes the access analysis may use (default: the CPUs available, at most "
        f"{MAX_JOBS}; 1: one process). The findings are the same for every N",
    )
    _add_config_arg(p)
    _add_no_cache_arg(p)
    for register in _plugin_commands():
        register(sub)
    return parser


def _plugin_commands() -> list[Callable[[Any], None]]:
    """Subcommands that live in their own module: each `register(sub)` adds one parser and sets
    `handler` (a `(argparse.Namespace) -> int`) as its default, so `run` needs no branch for it."""
    from tui.cli import diff_command, graph_export, import_dumps, reach_command, synth

    return [
        synth.register,
        import_dumps.register,
        reach_command.register,
        graph_export.register,
        diff_command.register,
    ]


def _collect_options(args: argparse.Namespace) -> CollectOptions:
    """The collection the flags ask for, validated before any display takes the terminal."""
    from estate.sources.live import CollectOptions
    from estate.sources.live.collector import validate_options, validate_regions

    options = CollectOptions(
        regions=tuple(dict.fromkeys(args.region or ())),
        all_regions=args.all_regions,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        assume_role=args.assume_role,
        accounts=args.accounts or (),
        organization=args.organization,
        cache_dir=args.cache_dir,
        refresh=args.refresh,
        keep_secrets=args.keep_secrets,
        metrics_days=args.metrics_days,
        metrics_end=args.metrics_end,
        max_workers=max(1, args.workers),
    )
    validate_options(options)
    if options.regions and not args.endpoint_url:
        import boto3

        validate_regions(options.regions, boto3.session.Session())
    return options


def _collect(args: argparse.Namespace) -> Snapshot:
    """Headless collection with a Rich progress display on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from estate.sources.live import collect

    options = _collect_options(args)
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}
    totals: dict[str, int] = {}
    lock = threading.Lock()

    def progress(label: str, advance: int, total: int) -> None:
        with lock:  # called from the collector's worker threads
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=0)
            totals[label] = totals.get(label, 0) + total
            bar.update(tasks[label], advance=advance, total=totals[label])

    with bar:
        snapshot = collect(replace(options, progress=progress))
    console.print(_collected_summary(snapshot))
    return snapshot


def _collected_summary(snapshot: Snapshot) -> str:
    gaps = [c for c in snapshot.manifest.coverage if c.status != "ok"]
    functions = sum(
        len(r.response.get("Functions", ())) for r in snapshot.responses("lambda", "ListFunctions")
    )
    return (
        f"collected {functions} functions in {len(snapshot.manifest.accounts)} account(s) and "
        f"{len(snapshot.manifest.regions)} region(s): {len(snapshot.records)} records, "
        f"{len(gaps)} coverage gaps"
    )


def _live(args: argparse.Namespace) -> int:
    """Open the TUI at once; it collects in a worker behind per-account/region progress bars."""
    from estate.snapshot import export_snapshot
    from estate.sources.live import collect
    from estate.sources.live.metrics_refresh import MetricsRefresher
    from tui.app import create_app

    options = _collect_options(args)
    settings = _settings(args)  # a bad config fails before collecting

    def collection(progress: Callable[[str, int, int], None], cancelled: threading.Event) -> Snapshot:
        snapshot = collect(replace(options, progress=progress, cancelled=cancelled))
        if args.output:
            export_snapshot(snapshot, args.output)
        return snapshot

    from tui.viewmodels.actions_mode import rereading_acted

    refresher = MetricsRefresher(options)
    refresh = args.refresh_seconds > 0 and options.metrics_days > 0
    actions = actions_mode(args)
    app = create_app(
        collection=collection,
        settings=settings,
        # each refresh also re-reads the reserved concurrency of the functions isolated or restored
        refresh_metrics=rereading_acted(refresher.refresh, actions) if refresh else None,
        refresh_seconds=args.refresh_seconds,
        first_view="home",
        actions=actions,
    )
    app.run()
    refresher.cancel()  # a refresh still waiting on AWS stops instead of holding the exit
    if args.output and app.analysis is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    return int(app.return_code or 0)


def _run_tui(
    path: Path,
    snapshot: Snapshot | None = None,
    today: dt.date | None = None,
    settings: Settings | None = None,
    baseline: Path | None = None,
    actions: ActionsMode | None = None,
    use_cache: bool = True,
) -> int:
    """The TUI on a snapshot file; given the snapshot already loaded, the app only analyses it
    (or takes its findings from the analysis cache, unless `--no-cache`). A baseline is read and
    checked against it first: a bad one fails before the screen."""
    from tui.app import create_app

    old = None
    if baseline is not None:
        from estate.snapshot import load_snapshot
        from tui.viewmodels.baseline import read_baseline

        old = read_baseline(baseline, snapshot if snapshot is not None else load_snapshot(path))
    app = create_app(
        path,
        snapshot=snapshot,
        today=today,
        settings=settings,
        first_view="home",
        baseline=baseline,
        baseline_snapshot=old,
        actions=actions,
        use_cache=use_cache,
    )
    app.run()
    return int(app.return_code or 0)


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args))
    if args.command == "demo":
        if args.later:  # the later demo, compared with the demo
            later = demo_snapshot_path(later=True)
            return _run_tui(
                later,
                today=args.as_of,
                settings=_settings(args),
                baseline=demo_snapshot_path(),
                actions=actions_mode(args),
                use_cache=not args.no_cache,
            )
        return _run_tui(
            demo_snapshot_path(),
            today=args.as_of,
            settings=_settings(args),
            actions=actions_mode(args),
            use_cache=not args.no_cache,
        )
    if args.command == "open":
        from tui.viewmodels.loading import snapshot_for_app

        snapshot = snapshot_for_app(args.snapshot)  # read once: a bad file fails before the screen
        return _run_tui(
            args.snapshot,
            snapshot,
            today=args.as_of,
            settings=_settings(args),
            baseline=args.baseline,
            actions=actions_mode(args),
            use_cache=not args.no_cache,
        )
    if args.command == "collect":
        from estate.snapshot import export_snapshot

        snapshot = _collect(args)
        export_snapshot(snapshot, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return EXIT_OK
    if args.command == "live":
        return _live(args)
    if args.command == "findings":
        return _findings(args)
    raise AssertionError(args.command)


def _findings(args: argparse.Namespace) -> int:
    import gc

    from analyzers.findings.model import Severity
    from analyzers.gc_pause import cyclic_gc_paused
    from tui.cli.analysis_cache import findings_report

    settings = _settings(args)
    needs_evidence = args.format not in ("json", "csv")  # only json and csv can take cached texts
    with cyclic_gc_paused():  # nothing made here is garbage before the command ends
        jobs = args.jobs or default_jobs()
        report = findings_report(args.snapshot, args.as_of, settings, not args.no_cache, needs_evidence, jobs)
        _print_report(report, args.format)
        leave.keep(report)  # freed by the process ending, not object by object (tui/cli/leave.py)
        # The model, graph and findings live until the process ends: moved out of the collector's
        # reach, the collection the interpreter runs when the pause ends (and again at exit) does
        # not walk millions of objects that cannot be garbage (~2 s at 10,000 functions).
        gc.freeze()
    if args.fail_on:
        threshold = Severity(args.fail_on).rank
        if any(f.severity.rank >= threshold for f in report.open_findings):
            return EXIT_FINDINGS
    return EXIT_OK


def _print_report(report: FindingsReport, fmt: str) -> None:
    """JSON is streamed, as bytes: it is ASCII, the same in any encoding stdout could have."""
    from tui.cli.reports import STREAMED, render, write_report

    if fmt == "asff":
        from tui.cli.report_asff import unfiled

        left_out = unfiled(report.findings, report.snapshot)
        if left_out:
            print(
                f"lambdascope: {left_out} findings left out of the ASFF output: their resource names no "
                "account (an S3 bucket) and the snapshot holds several",
                file=sys.stderr,
            )
    out = getattr(sys.stdout, "buffer", None)
    if fmt not in STREAMED or out is None:  # out is None: a text-only stream (tests, embedding)
        sys.stdout.write(render(report, fmt) + "\n")
        return
    sys.stdout.flush()
    write_report(report, fmt, out)
    if fmt != "asff":  # ASFF is JSON lines: each batch ends its own line
        out.write(b"\n")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """The program (`argv` None: the process's own arguments) or a command run by a caller in
    this process (a test). As the program, a command that kept its objects ends the process
    here, its output written, without tearing them down (tui/cli/leave.py)."""
    code = _main(argv)
    if argv is None:
        leave.leave(code)
    leave.forget()
    return code


def _main(argv: Sequence[str] | None) -> int:
    try:
        return run(argv)
    except LambdascopeError as exc:
        print(f"lambdascope: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("lambdascope: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (`| head`): not a bug, and nothing more to say
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug: one line and a code of its own, the traceback kept in a file
        command = " ".join(sys.argv[1:2] if argv is None else list(argv)[:1])
        print(f"lambdascope: {record_internal_error(exc, command)}", file=sys.stderr)
        return EXIT_INTERNAL


def _stdout_to_devnull() -> None:
    """Later writes and the flush at exit go nowhere instead of failing again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor behind stdout (a test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())
