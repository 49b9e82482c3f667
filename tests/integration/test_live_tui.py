"""`lambdascope live` end to end against the moto server: the TUI opens at once, collects in a
worker behind one progress bar per account and region, then shows the collected functions."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from estate.snapshot import Snapshot
from estate.sources.live import CollectOptions, collect
from tests.integration.lambda_code import TRUST
from tests.integration.lambda_code import handler_zip as _zip
from tui.app import create_app
from tui.screens.functions import FunctionsScreen

pytestmark = pytest.mark.integration


def _deploy(endpoint: str) -> list[str]:
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint)
    role = iam.create_role(RoleName="live-tui-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
        "Arn"
    ]
    names = []
    for region in ("eu-west-1", "us-east-1"):
        client = boto3.client("lambda", region_name=region, endpoint_url=endpoint)
        name = f"live-tui-{region}"
        client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code={"ZipFile": _zip()},
        )
        names.append(name)
    return names


def test_live_collects_in_the_tui_with_progress(moto_endpoint: str, tmp_path: Path) -> None:
    names = _deploy(moto_endpoint)
    options = CollectOptions(
        regions=("eu-west-1", "us-east-1"),
        endpoint_url=moto_endpoint,
        cache_dir=tmp_path / "cache",
        metrics_days=0,
        max_workers=4,
    )
    labels: dict[str, list[int]] = {}

    def collection(progress: Any, cancelled: threading.Event) -> Snapshot:
        lock = threading.Lock()

        def spy(label: str, advance: int, total: int) -> None:
            with lock:
                counts = labels.setdefault(label, [0, 0])
                counts[0] += advance
                counts[1] += total
            progress(label, advance, total)

        return collect(replace(options, progress=spy, cancelled=cancelled))

    async def drive() -> list[str]:
        app = create_app(collection=collection)
        async with app.run_test(size=(140, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, FunctionsScreen)
            assert app.analysis is not None
            return sorted(f.name for f in app.analysis.estate.functions)

    assert asyncio.run(drive()) == sorted(names)
    # every account/region had its own bar, and each bar ran to its end
    assert {label.split("/")[-1] for label in labels} >= {"eu-west-1", "us-east-1"}, labels
    assert all(done == total and total > 0 for done, total in labels.values()), labels
