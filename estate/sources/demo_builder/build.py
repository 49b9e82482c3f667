"""Build the bundled demo snapshot with the project's own pipeline.

deploy the demo estate into a local AWS (moto server over HTTP) -> collect it live with the same
collector users run against AWS -> export the portable snapshot. Nothing here is hand-written
JSON: change the demo by changing its boto3 definition, then run

    python -m estate.sources.demo_builder.build            (or: make demo-snapshot)
    python -m estate.sources.demo_builder.build --later    (demo-later.lsnap, later.py's changes)
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).parent.parent / "demo" / "demo.lsnap"
LATER_OUTPUT = Path(__file__).parent.parent / "demo" / "demo-later.lsnap"
LATER_BY = dt.timedelta(days=1)
"""The later snapshot says it was taken a day after the demo; its metrics window is the demo's,
so the anomaly findings match and the diff shows the estate's changes alone."""


def build(output: Path, metrics_days: float, *, later: bool = False) -> Path:
    # Deterministic value hashes in the demo: a fixed, published key (the demo has no real secrets).
    os.environ.setdefault("LAMBDASCOPE_HASH_KEY", "lambdascope-demo")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "testing")
    os.environ.pop("AWS_PROFILE", None)

    from estate.snapshot import export_snapshot
    from estate.sources.demo_builder import deploy_demo
    from estate.sources.demo_builder.constants import DEMO_METRICS_END, DEMO_REGIONS
    from estate.sources.demo_builder.localaws import start_local_aws
    from estate.sources.live import CollectOptions, collect

    started = time.perf_counter()
    with start_local_aws() as aws, tempfile.TemporaryDirectory(prefix="lambdascope-demo-") as cache:
        deployment = deploy_demo(aws.endpoint_url, metrics_days=metrics_days)
        print(f"deployed: {deployment}", file=sys.stderr)
        if later:
            from estate.sources.demo_builder.aws import Aws
            from estate.sources.demo_builder.later import apply_later_changes

            print(f"later: {apply_later_changes(Aws(aws.endpoint_url))}", file=sys.stderr)
        snapshot = collect(
            CollectOptions(
                regions=DEMO_REGIONS,
                endpoint_url=aws.endpoint_url,
                cache_dir=Path(cache),
                refresh=True,
                metrics_days=metrics_days,
                metrics_end=DEMO_METRICS_END,
            )
        )
    created = DEMO_METRICS_END + LATER_BY if later else DEMO_METRICS_END
    snapshot.manifest = dataclasses.replace(snapshot.manifest, source="demo", created_at=created.isoformat())
    export_snapshot(snapshot, output)
    gaps = [c for c in snapshot.manifest.coverage if c.status != "ok"]
    print(
        f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB, {len(snapshot.records)} records, "
        f"{len(gaps)} coverage gaps) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--metrics-days", type=float, default=14.0)
    parser.add_argument(
        "--later", action="store_true", help="the demo a day later (later.py): demo-later.lsnap"
    )
    args = parser.parse_args(argv)
    output = args.output or (LATER_OUTPUT if args.later else DEFAULT_OUTPUT)
    build(output, args.metrics_days, later=args.later)
    return 0


if __name__ == "__main__":
    sys.exit(main())
