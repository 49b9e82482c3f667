"""`--allow-actions` for `demo`, `open` and `live`: the opt-in to isolate / restore functions from
the TUI. Off by default (lambdascope is read-only); the actions use the standard credential chain
(`--profile`, `--endpoint-url` where the command has them) and append to an audit log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.viewmodels.actions_mode import ActionsMode


def add_actions_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-actions",
        action="store_true",
        help="allow isolating a function (reserved concurrency 0) and restoring it from the function "
        "detail; every action is confirmed and logged (off: read-only)",
    )
    p.add_argument(
        "--actions-log",
        type=Path,
        metavar="PATH",
        help="the actions audit log (JSON lines; default under your user data directory)",
    )


def actions_mode(args: argparse.Namespace) -> ActionsMode | None:
    """The app's actions mode, or None (read-only) without --allow-actions."""
    if not getattr(args, "allow_actions", False):
        return None
    from estate.actions import AuditLog, FunctionIsolation, boto3_clients, default_audit_path
    from tui.viewmodels.actions_mode import ActionsMode

    clients = boto3_clients(getattr(args, "profile", None), getattr(args, "endpoint_url", None))
    return ActionsMode(FunctionIsolation(clients, AuditLog(args.actions_log or default_audit_path())))
