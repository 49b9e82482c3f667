"""The opt-in isolate action in the function detail, driven with real keys: without
--allow-actions the key says why and does nothing; in the confirmation a wrong name or `esc` does
nothing; the exact name isolates (through a stand-in for boto3: the AWS calls themselves are proven
against moto in tests/integration/test_isolate_function.py); a refusal is shown and changes nothing.
Plus an SVG snapshot of the dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from estate.actions import AuditLog, FunctionIsolation
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, type_text, wait_loaded
from tui.app import create_app
from tui.screens.actions import ActionsScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.isolate import IsolateScreen
from tui.viewmodels.actions_mode import ACTIONS_TITLE, READ_ONLY_REASON, ActionsMode

pytestmark = pytest.mark.tui
NAME = "payments-capture"


class FakeAws:
    """The three Lambda calls and STS, in memory; `deny` refuses the writes as AWS would."""

    def __init__(self, reserved: int | None = 40, deny: bool = False) -> None:
        self.reserved = reserved
        self.deny = deny
        self.calls: list[str] = []

    def __call__(self, service: str, region: str) -> Any:
        return self

    def get_caller_identity(self) -> dict[str, str]:
        return {"Arn": "arn:aws:iam::123456789012:user/responder"}

    def get_function_concurrency(self, FunctionName: str) -> dict[str, Any]:
        return {} if self.reserved is None else {"ReservedConcurrentExecutions": self.reserved}

    def put_function_concurrency(self, FunctionName: str, ReservedConcurrentExecutions: int) -> None:
        self.calls.append(f"put {ReservedConcurrentExecutions}")
        if self.deny:
            error = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized [b]x[/b]"}}
            raise ClientError(error, "PutFunctionConcurrency")  # type: ignore[arg-type]
        self.reserved = ReservedConcurrentExecutions

    def delete_function_concurrency(self, FunctionName: str) -> None:
        self.calls.append("delete")
        self.reserved = None


def _app(snapshot_path: Path, analysis: Analysis, aws: FakeAws | None, log: Path) -> Any:
    mode = ActionsMode(FunctionIsolation(aws, AuditLog(log))) if aws is not None else None
    return create_app(snapshot_path, analysis=analysis, today=TODAY, actions=mode)


async def _detail(pilot: Pilot[Any], analysis: Analysis) -> FunctionDetailScreen:
    await wait_loaded(pilot)
    fn = next(f for f in analysis.estate.functions if f.name == NAME)
    await pilot.app.push_screen(FunctionDetailScreen(analysis, fn.arn))
    await pilot.pause()
    assert isinstance(pilot.app.screen, FunctionDetailScreen)
    return pilot.app.screen


async def test_without_allow_actions_the_key_says_why_and_does_nothing(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    app = _app(snapshot_path, analysis, None, tmp_path / "log.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await _detail(pilot, analysis)
        assert "Isolate" not in screen_text(app).splitlines()[-1]  # not offered in the footer
        await pilot.press("I")
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)  # no dialog
        assert [n.message for n in app._notifications] == [READ_ONLY_REASON]
        assert app.title != ACTIONS_TITLE
    assert not (tmp_path / "log.jsonl").exists()


async def test_a_wrong_name_or_esc_changes_nothing(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    aws = FakeAws()
    app = _app(snapshot_path, analysis, aws, tmp_path / "log.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await _detail(pilot, analysis)
        assert app.title == ACTIONS_TITLE and "Isolate" in screen_text(app).splitlines()[-1]
        await pilot.press("I")
        await pilot.pause()
        assert isinstance(app.screen, IsolateScreen)
        text = screen_text(app)
        assert "PutFunctionConcurrency" in text and "ReservedConcurrentExecutions=0" in text
        await type_text(pilot, NAME[:-1])  # one letter short
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IsolateScreen)
        assert "does not match" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, FunctionDetailScreen)
    assert aws.calls == [] and aws.reserved == 40
    assert not (tmp_path / "log.jsonl").exists()


async def test_the_exact_name_isolates_and_restore_puts_it_back(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    aws = FakeAws(reserved=40)
    app = _app(snapshot_path, analysis, aws, tmp_path / "log.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await _detail(pilot, analysis)
        await pilot.press("I")
        await pilot.pause()
        await type_text(pilot, NAME)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert aws.reserved == 0 and aws.calls == ["put 0"]
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, IsolateScreen) and "ReservedConcurrentExecutions=40" in screen_text(app)
        await type_text(pilot, NAME)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert aws.reserved == 40 and aws.calls == ["put 0", "put 40"]
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        text = screen_text(app)
        assert str(tmp_path / "log.jsonl") in text.replace("\n", "") or "log.jsonl" in text
        assert "restore" in text and "isolate" in text and "user/responder" in text
    assert [r.action for r in AuditLog(tmp_path / "log.jsonl").records()] == ["isolate", "restore"]


async def test_a_refusal_is_shown_as_is_and_changes_nothing(
    snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    aws = FakeAws(reserved=None, deny=True)
    app = _app(snapshot_path, analysis, aws, tmp_path / "log.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await _detail(pilot, analysis)
        await pilot.press("I")
        await pilot.pause()
        await type_text(pilot, NAME)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("AccessDeniedException: not authorized [b]x[/b]") for m in messages)
        assert app.actions.done == {}
        await pilot.press("U")  # nothing was isolated: nothing to restore
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
    assert aws.reserved is None
    [record] = AuditLog(tmp_path / "log.jsonl").records()
    assert (record.result, record.error_code) == ("error", "AccessDeniedException")


def test_isolate_dialog_snapshot(
    snap_compare: Callable[..., bool], snapshot_path: Path, analysis: Analysis, tmp_path: Path
) -> None:
    app = _app(snapshot_path, analysis, FakeAws(), Path("/var/lib/lambdascope/actions.jsonl"))

    async def open_dialog(pilot: Pilot[Any]) -> None:
        await _detail(pilot, analysis)
        await pilot.press("I")
        await pilot.pause()
        await type_text(pilot, "payments")

    assert snap_compare(app, terminal_size=SIZE, run_before=open_dialog)
