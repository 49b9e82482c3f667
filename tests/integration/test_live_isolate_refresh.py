"""Issue 18 point 3 against the moto server over HTTP: in `lambdascope live`, after an isolation
(or a restore) the function's row shows its new reserved concurrency at the next refresh.

The refresh re-reads `lambda:GetFunctionConcurrency` (read-only, the collector's own call) for the
functions acted on since the last refresh, and only for them; a refused isolation marks nothing,
so the row keeps what AWS still says."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from estate.actions import AuditLog, FunctionIsolation, boto3_clients
from estate.model import Estate
from estate.model.load import load_estate
from estate.snapshot import Snapshot
from estate.sources.live import CollectOptions, collect
from estate.sources.live.metrics_refresh import MetricsRefresher
from estate.sources.live.operations import READ_ONLY_OPERATIONS, SESSION_OPERATIONS
from tests.integration.api_calls import recorded_calls
from tests.integration.test_collect_services import without_managed_policies
from tests.integration.test_isolate_function import REGION, _denying, _function
from tests.tui.helpers import type_text
from tui.app import create_app
from tui.screens.functions import ISOLATED, FunctionsScreen
from tui.viewmodels.actions_mode import ActionsMode, rereading_acted

pytestmark = pytest.mark.integration
NAME = "payments-webhook"
RESERVED_COLUMN = 9  # name, region, runtime, invokers, role, C H M L, then Reserved


def _options(endpoint: str, cache: Path) -> CollectOptions:
    return CollectOptions(
        regions=(REGION,),
        endpoint_url=endpoint,
        cache_dir=cache,
        metrics_days=1,
        metrics_end=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        max_workers=2,
    )


def _collected(endpoint: str, tmp_path: Path) -> tuple[str, Estate]:
    arn = _function(endpoint, NAME, None)
    return arn, load_estate(collect(_options(endpoint, tmp_path / "cache")))


def _reserved(estate: Estate, arn: str) -> tuple[int | None, str]:
    fn = estate.function(arn)
    assert fn is not None
    return fn.reserved_concurrency, fn.reserved_concurrency_state


def test_the_refresh_rereads_the_concurrency_of_the_functions_acted_on(
    moto_endpoint: str, tmp_path: Path
) -> None:
    with without_managed_policies():
        arn, estate = _collected(moto_endpoint, tmp_path)
    assert _reserved(estate, arn) == (None, "absent")
    isolation = FunctionIsolation(boto3_clients(endpoint_url=moto_endpoint), AuditLog(tmp_path / "a.jsonl"))
    refresher = MetricsRefresher(_options(moto_endpoint, tmp_path / "cache"))
    isolation.isolate(arn)
    with recorded_calls() as made:
        untouched = refresher.refresh(estate)  # nothing acted on: the concurrency is not re-read
        assert ("lambda", "GetFunctionConcurrency") not in made
        isolated = refresher.refresh(estate, concurrency_of={arn})
    assert _reserved(untouched.estate, arn) == (None, "absent")
    assert _reserved(isolated.estate, arn) == (0, "present") and not isolated.gaps
    assert made.count(("lambda", "GetFunctionConcurrency")) == 1
    assert set(made) <= READ_ONLY_OPERATIONS | SESSION_OPERATIONS  # the refresh never writes
    isolation.restore(arn)
    restored = refresher.refresh(isolated.estate, concurrency_of={arn})
    assert _reserved(restored.estate, arn) == (None, "absent")


def test_a_refused_concurrency_read_keeps_the_row_as_it_was(moto_endpoint: str, tmp_path: Path) -> None:
    from tests.integration.test_collect_faults import denying_hook

    with without_managed_policies():
        arn, estate = _collected(moto_endpoint, tmp_path)
    options = _options(moto_endpoint, tmp_path / "cache")
    deny = denying_hook(lambda service, _region, op: service == "lambda")
    refresher = MetricsRefresher(replace(options, client_hook=deny))
    update = refresher.refresh(estate, concurrency_of={arn})
    assert _reserved(update.estate, arn) == (None, "absent")
    assert any(g.operation == "GetFunctionConcurrency" for g in update.gaps)


def _cell(app: Any, arn: str) -> str:
    screen = app.screen
    assert isinstance(screen, FunctionsScreen)
    table = screen.table
    row = next(i for i, r in enumerate(table.visible_rows) if r.key == arn)
    return table.cell_text(row, RESERVED_COLUMN).strip()


async def _wait(pilot: Any, done: Any, what: str) -> None:
    for _ in range(400):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("refused", [False, True])
def test_live_tui_row_shows_the_isolation_at_the_next_refresh(
    moto_endpoint: str, tmp_path: Path, refused: bool
) -> None:
    """Pilot, with the TUI collecting from moto over HTTP: `I` in the detail, the name typed, then
    `f`; the next refresh re-reads the function and its row reads `0 (isolated)`. Refused
    (AccessDenied on PutFunctionConcurrency): nothing is marked and the row stays `–`."""
    with without_managed_policies():
        arn = _function(moto_endpoint, NAME, None)
        options = _options(moto_endpoint, tmp_path / "cache")
        clients = boto3_clients(endpoint_url=moto_endpoint)
        if refused:
            clients = _denying(clients, "PUT", "/concurrency")
        mode = ActionsMode(FunctionIsolation(clients, AuditLog(tmp_path / "actions.jsonl")))
        refresher = MetricsRefresher(options)
        reread: list[frozenset[str]] = []

        def refresh(estate: Estate, **kwargs: Any) -> Any:
            reread.append(frozenset(kwargs["concurrency_of"]))
            return refresher.refresh(estate, **kwargs)

        def collection(progress: Any, cancelled: threading.Event) -> Snapshot:
            return collect(options)

        async def drive() -> None:
            app = create_app(
                collection=collection,
                refresh_metrics=rereading_acted(refresh, mode),
                refresh_seconds=0.3,
                actions=mode,
            )
            async with app.run_test(size=(180, 48)) as pilot:
                await _wait(pilot, lambda: app.analysis is not None, "the collection")
                await pilot.pause()
                assert _cell(app, arn) == "–"  # none reserved, as collected
                await app.open_function(arn)
                await pilot.pause()
                await pilot.press("I")
                await pilot.pause()
                await type_text(pilot, NAME)
                await pilot.press("enter")
                await _wait(pilot, lambda: mode.isolation.audit.records(), "the isolation")
                await pilot.press("f")  # back to the table, which is on show for the refresh
                await pilot.pause()
                if refused:
                    await _wait(pilot, lambda: len(reread) >= 2, "two refreshes")
                    assert _cell(app, arn) == "–" and not any(reread)
                    return
                await _wait(pilot, lambda: _cell(app, arn) == ISOLATED, "the isolated row")
                assert frozenset({arn}) in reread
                await _wait(pilot, lambda: len(reread) >= reread.index(frozenset({arn})) + 2, "next refresh")
                assert not reread[-1]  # taken once: later refreshes re-read nothing

        asyncio.run(drive())
