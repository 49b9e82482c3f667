"""Collect the demo estate live from a moto server over HTTP through the CLI, then analyse it.

This is the walking skeleton end to end: deploy (boto3) -> collect (boto3, read-only) ->
snapshot file -> findings. Ground truth comes from the demo's hand-written plants.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from estate.snapshot import load_snapshot
from estate.sources.demo_builder.constants import DEMO_METRICS_END
from estate.sources.live.calls import READ_ONLY_OPERATIONS
from tests.ground_truth import plants
from tests.integration.api_calls import recorded_calls
from tui.cli.lambdascope import main

if TYPE_CHECKING:
    from tests.conftest import DeployedDemo

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def deployed(deployed_demo: DeployedDemo) -> str:
    """The session's shared demo deployment (one day of metrics); collecting only reads it."""
    return deployed_demo.endpoint_url


@pytest.fixture(scope="module")
def collected(
    deployed: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, list[tuple[str, str]]]]:
    """Run `lambdascope collect` and record every AWS operation the collector made."""
    out = tmp_path_factory.mktemp("collect") / "demo.lsnap"
    with recorded_calls() as made:
        code = main(
            [
                "collect",
                "--endpoint-url",
                deployed,
                "--region",
                "eu-west-1",
                "--region",
                "us-east-1",
                "--metrics-days",
                "1",
                "--metrics-end",
                DEMO_METRICS_END.isoformat(),
                "--cache-dir",
                str(out.parent / "cache"),
                "-o",
                str(out),
            ]
        )
    assert code == 0
    yield out, made


def test_collector_makes_only_read_only_calls(
    collected: tuple[Path, list[tuple[str, str]]],
) -> None:
    _path, made = collected
    assert made, "the spy saw no calls"
    assert set(made) <= READ_ONLY_OPERATIONS, set(made) - READ_ONLY_OPERATIONS
    # O(1) calls per function beyond the list pages
    per_function = [op for _svc, op in made if op in {"GetPolicy", "GetFunctionUrlConfig"}]
    functions = sum(1 for _svc, op in made if op == "ListFunctions")
    assert functions >= 2 and len(per_function) == 2 * len(plants.ALL_FUNCTIONS)


def test_snapshot_file_is_private_and_redacted(
    collected: tuple[Path, list[tuple[str, str]]],
) -> None:
    path, _made = collected
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    snap = load_snapshot(path)
    assert set(snap.manifest.regions) == {"eu-west-1", "us-east-1"}
    text = json.dumps([r.response for r in snap.records])
    for secret in plants.PLANTED_SECRET_VALUES:
        assert secret not in text


def test_findings_match_the_demo_plants(
    collected: tuple[Path, list[tuple[str, str]]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _made = collected
    capsys.readouterr()
    assert main(["findings", str(path), "--format", "json", "--as-of", "2026-11-29"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]

    def names(rule: str) -> set[str]:
        return {f["resource"].rsplit(":", 1)[-1] for f in findings if f["rule"] == rule}

    public = set(plants.PUBLIC_FUNCTIONS) | set(plants.PUBLIC_API_ROUTE_FUNCTIONS)
    assert names("reach.public-invoke") == public
    assert not names("reach.public-invoke") & set(plants.NOT_PUBLIC_TRAPS)
    assert names("config.runtime-deprecated") >= set(plants.DEPRECATED_RUNTIME_FUNCTIONS)
    assert names("config.env-no-cmk") == set(plants.ENV_NO_CMK_FUNCTIONS)


def test_metrics_are_collected_in_batches(collected: tuple[Path, list[tuple[str, str]]]) -> None:
    path, made = collected
    snap = load_snapshot(path)
    calls = [op for _svc, op in made if op == "GetMetricData"]
    # per region: 5 standard series per function in batches of <= 500 queries, plus the p99 batch
    per_region = len(plants.ALL_FUNCTIONS) * 5 // 500 + 1 + 1
    assert 0 < len(calls) <= 2 * per_region
    from estate.model.load import load_estate

    estate = load_estate(snap)
    fn = next(f for f in estate.functions if f.name == "payments-authorize")
    series = estate.series(fn, "Invocations")
    assert series is not None and len(series.values) > 200  # a day of 5-minute points


def test_unknown_region_and_unreachable_endpoint_are_user_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], aws_credentials: None, fast_clock: None
) -> None:
    """With the fake credentials (not left to whichever test ran before), so the refused connection
    is what fails; botocore retries it (adaptive mode, 8 attempts) on `fast_clock`."""
    assert (
        main(
            [
                "collect",
                "--region",
                "eu-west-1",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "-o",
                str(tmp_path / "x.lsnap"),
            ]
        )
        == 2
    )
    assert "cannot reach AWS" in capsys.readouterr().err
