"""scripts/dump-estate.sh run for real: the AWS CLI against the moto server, then `import`.

The script is what a reviewer hands to an account owner, so it is tested end to end: its output
must import cleanly and give the same functions, invokers and public findings as a live collection
of the same state. Skipped where the AWS CLI or jq is not installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from analyzers.analysis import analyze
from estate.model.load import load_estate
from estate.sources.dumps import ImportOptions, import_dump
from estate.sources.live import CollectOptions, collect
from tests.integration.dump_services import ACCOUNT, METRICS_DAYS, METRICS_END, deploy_services
from tests.integration.lookup_events import history, planted_events
from tests.integration.test_import_moto import REGION, _deploy, _invokes, _public

pytestmark = pytest.mark.integration
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dump-estate.sh"


@pytest.mark.skipif(shutil.which("aws") is None or shutil.which("jq") is None, reason="needs aws and jq")
def test_the_dump_script_output_imports_like_a_live_collection(moto_endpoint: str, tmp_path: Path) -> None:
    arns = _deploy(moto_endpoint)
    deploy_services(moto_endpoint, arns, f"arn:aws:iam::{ACCOUNT}:role/fn")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ENDPOINT_URL_SQS": moto_endpoint,  # AWS CLI v1 builds SQS's legacy host otherwise
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_PAGER": "",
        # One attempt per call: the local AWS does not throttle, and the calls that fail here fail
        # for good (AWS CLI v1 sends SQS to its legacy host, which ignores AWS_ENDPOINT_URL*;
        # without a network that name does not resolve), so retrying only waits (~9 s).
        "AWS_RETRY_MODE": "standard",
        "AWS_MAX_ATTEMPTS": "1",
        "DUMP_METRICS_DAYS": str(METRICS_DAYS),
        "DUMP_METRICS_END": str(int(METRICS_END.timestamp())),
    }
    env.pop("AWS_PROFILE", None)
    # Three pages of Lambda events (uncapped): the history is known from the window start.
    start = METRICS_END - dt.timedelta(days=METRICS_DAYS)
    changes = history(["public", "worker"], 120, start=start, end=METRICS_END, account=ACCOUNT, region=REGION)
    with planted_events({REGION: changes}):
        done = subprocess.run(
            ["bash", str(SCRIPT), str(tmp_path / "dump"), REGION],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        snapshot = import_dump(ImportOptions(tmp_path / "dump"))
        imported = analyze(load_estate(snapshot))
        collected = collect(
            CollectOptions(
                regions=(REGION,),
                endpoint_url=moto_endpoint,
                metrics_days=METRICS_DAYS,
                metrics_end=METRICS_END,
                cache_dir=tmp_path / "c",
            )
        )
    live = analyze(load_estate(collected))
    assert [f.arn for f in imported.estate.functions] == [f.arn for f in live.estate.functions]
    assert _invokes(imported) == _invokes(live)
    assert _public(imported) == _public(live) == {arns["public"], arns["url"]}
    assert [(f.policy_state, f.url_state) for f in imported.estate.functions] == [
        (f.policy_state, f.url_state) for f in live.estate.functions
    ]
    # The services beyond functions, read by the script as the collector reads them.
    assert imported.estate.invokers == live.estate.invokers
    assert imported.estate.invokers is not None and len(imported.estate.invokers.api_routes) >= 3
    assert imported.estate.metrics == live.estate.metrics and imported.estate.metrics
    assert (snapshot.manifest.metrics_start, snapshot.manifest.metrics_end) == (
        collected.manifest.metrics_start,
        collected.manifest.metrics_end,
    )
    assert imported.estate.org_policies == live.estate.org_policies
    kinds = {"parameter", "db"}
    assert {a for a, s in imported.estate.data_stores.items() if s.kind in kinds} == {
        a for a, s in live.estate.data_stores.items() if s.kind in kinds
    }
    # CloudTrail's recent Lambda events: the script's window and filter are the collector's, its
    # joined pages the collector's pages (epoch EventTimes of AWS CLI v1 stored as ISO text).
    [mine] = snapshot.responses("cloudtrail", "LookupEvents")
    pages = sorted(
        collected.responses("cloudtrail", "LookupEvents"),
        key=lambda p: int(p.key.params.get("NextToken") or 0),
    )
    assert mine.key == pages[0].key and len(pages) == 3
    assert mine.response == {"Events": [e for p in pages for e in p.response["Events"]]}
    assert imported.estate.function_changes == live.estate.function_changes
    assert imported.estate.function_changes is not None
    assert imported.estate.function_changes.read_since == {(ACCOUNT, REGION): start}
