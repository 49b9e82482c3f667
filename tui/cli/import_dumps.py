"""`lambdascope import DIR -o FILE.lsnap`: a snapshot from AWS CLI JSON outputs (offline review)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "import",
        help="build a snapshot from AWS CLI JSON outputs (scripts/dump-estate.sh)",
        description="Build a snapshot from a directory of AWS CLI outputs: DIR/global/<command>.json, "
        "DIR/<region>/<command>.json and DIR/<region>/<command>/<resource>.json (or one region's files "
        "flat in DIR). Reads the dump is missing are recorded as coverage gaps.",
    )
    parser.add_argument("directory", type=Path, metavar="DIR")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.lsnap")
    parser.add_argument(
        "--region",
        action="append",
        default=[],
        help="only this region's directory (repeatable); for a flat dump, its region",
    )
    parser.add_argument("--account", help="the account id (default: from the ARNs in the dump)")
    parser.add_argument(
        "--keep-secrets", action="store_true", help="store env var values in clear (default: redacted)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from estate.snapshot import export_snapshot
    from estate.sources.dumps import ImportOptions, import_dump

    options = ImportOptions(
        directory=args.directory,
        regions=tuple(args.region),
        account=args.account,
        keep_secrets=args.keep_secrets,
    )
    snapshot = import_dump(options)
    path = export_snapshot(snapshot, args.output)
    manifest = snapshot.manifest
    gaps = sum(1 for c in manifest.coverage if c.status != "ok")
    regions = ", ".join(manifest.regions) or "no regions"
    print(
        f"wrote {path}: account {manifest.accounts[0]}, {regions}, {len(snapshot.records)} records, "
        f"{gaps} coverage gaps",
        file=sys.stderr,
    )
    return 0
