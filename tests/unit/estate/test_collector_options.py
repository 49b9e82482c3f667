"""Collector plumbing without AWS: option validation, the CLI flags, the call context's fan-out
and gap bookkeeping, the unit scheduler, and the published IAM policy."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from estate.errors import LambdascopeError
from estate.snapshot import CoverageEntry, SnapshotStore
from estate.sources.live import CollectOptions
from estate.sources.live.calls import CallContext, classify_error
from estate.sources.live.collector import validate_options
from estate.sources.live.coverage import condense
from estate.sources.live.operations import (
    READ_ONLY_OPERATIONS,
    SESSION_OPERATIONS,
    iam_action,
    minimal_iam_policy,
)
from estate.sources.live.scheduling import Cancellation, UnitRunner
from tests.paths import ROOT
from tests.unit.estate.test_collector_fetchers import Stub, error


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (CollectOptions(), "at least one --region"),
        (CollectOptions(regions=("eu-west-1",), all_regions=True), "not both"),
        (CollectOptions(regions=("eu-west-1",), accounts=("111122223333",)), "need --assume-role"),
        (CollectOptions(regions=("eu-west-1",), assume_role="Audit"), "needs --accounts"),
        (CollectOptions(regions=("eu-west-1",), assume_role="A", accounts=("12",)), "12 digits"),
        (
            CollectOptions(
                regions=("eu-west-1",), assume_role="A", accounts=("111122223333",), organization=True
            ),
            "not both",
        ),
    ],
)
def test_contradictory_options_are_user_errors(options: CollectOptions, message: str) -> None:
    with pytest.raises(LambdascopeError, match=message):
        validate_options(options)


def test_cli_flags_become_collect_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import estate.sources.live as live
    from tui.cli.lambdascope import main

    seen: list[CollectOptions] = []

    def fake_collect(options: CollectOptions) -> Any:
        seen.append(options)
        raise LambdascopeError("stop here")

    monkeypatch.setattr(live, "collect", fake_collect)
    argv = ["collect", "--all-regions", "--assume-role", "Audit", "--accounts", "111122223333,444455556666"]
    assert main([*argv, "--endpoint-url", "http://127.0.0.1:9", "-o", str(tmp_path / "x.lsnap")]) == 2
    [options] = seen
    assert options.all_regions and options.regions == ()
    assert options.assume_role == "Audit" and options.accounts == ("111122223333", "444455556666")
    seen.clear()
    assert main(["collect", "--region", "eu-west-1", "--organization", "--assume-role", "A", "-o", "x"]) == 2
    assert seen[0].organization


def test_cli_rejects_region_with_all_regions_and_bad_accounts(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.lambdascope import main

    with pytest.raises(SystemExit) as exit_info:
        main(["collect", "--region", "eu-west-1", "--all-regions", "-o", "x"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        main(["collect", "--region", "eu-west-1", "--accounts", "12,34", "-o", "x"])
    assert "12-digit" in capsys.readouterr().err


def _ctx(tmp_path: Path, stub: Any, **extra: Any) -> CallContext:
    return CallContext(
        "111122223333", "eu-west-1", lambda _s: stub, SnapshotStore(tmp_path / "s"), [], **extra
    )


def test_an_operation_the_endpoint_lacks_is_asked_once(tmp_path: Path) -> None:
    stub = Stub({"get_account_settings": error("404", 404)})
    ctx = _ctx(tmp_path, stub)
    assert ctx.call("lambda", "GetAccountSettings") is None
    assert ctx.call("lambda", "GetAccountSettings") is None
    assert stub.names() == ["get_account_settings"]
    assert {c.status for c in ctx.coverage} == {"unsupported"}


def test_best_effort_calls_use_their_own_clients(tmp_path: Path) -> None:
    normal, patient = Stub({"list_tags": {"Tags": {}}}), Stub({"list_tags": {"Tags": {"a": "b"}}})
    ctx = _ctx(tmp_path, normal, best_effort_clients=lambda _s: patient)
    assert ctx.call("lambda", "ListTags", best_effort=True, Resource="x") == {"Tags": {"a": "b"}}
    assert normal.calls == [] and len(patient.calls) == 1


def test_a_refused_listing_is_not_also_marked_ok(tmp_path: Path) -> None:
    stub = Stub({"list_layers": error("AccessDeniedException", 403)})
    ctx = _ctx(tmp_path, stub)
    assert ctx.items("lambda", "ListLayers", "Marker", "NextMarker", "Layers") == []
    ctx.mark_ok("lambda", "ListLayers", "again")
    assert [c.status for c in ctx.coverage] == ["denied"]


def test_fan_out_runs_on_the_pool_nests_inline_and_propagates_failures(tmp_path: Path) -> None:
    ticks: list[tuple[str, int, int]] = []
    with ThreadPoolExecutor(1) as pool:  # one worker: a nested fan-out must not wait on the pool
        ctx = _ctx(tmp_path, Stub({}), pool=pool, progress=lambda *event: ticks.append(event))
        seen: list[tuple[int, int]] = []
        ctx.each(range(3), lambda i: ctx.each(range(2), lambda j: seen.append((i, j))))
        assert sorted(seen) == [(i, j) for i in range(3) for j in range(2)]

        def boom(i: int) -> None:
            if i == 1:
                raise KeyError("bad answer")

        with pytest.raises(KeyError):
            ctx.each(range(3), boom)
    assert sum(t for _l, _a, t in ticks) == 3 + 3 * 2 + 3
    assert {label for label, _a, _t in ticks} == {"111122223333/eu-west-1"}


def test_the_first_failing_unit_cancels_the_rest() -> None:
    cancel = Cancellation()
    started = threading.Event()

    def slow() -> None:
        started.wait(5)

    def failing() -> None:
        raise RuntimeError("boom")

    with ThreadPoolExecutor(2) as pool:
        runner = UnitRunner(pool, cancel)
        runner.submit(failing)
        runner.submit(slow)
        with pytest.raises(RuntimeError):
            runner.run()
        started.set()
    assert cancel.is_set()


def test_the_callers_cancel_event_is_seen() -> None:
    outer = threading.Event()
    cancellation = Cancellation(outer)
    assert not cancellation.is_set()
    outer.set()
    assert cancellation.is_set()


@pytest.mark.parametrize(
    ("code", "status", "verdict"),
    [
        ("AccessDeniedException", 403, "denied"),
        ("UnauthorizedOperation", 403, "denied"),
        ("ThrottlingException", 400, "throttled"),
        ("SlowDown", 503, "throttled"),
        ("OptInRequired", 403, "region-disabled"),
        ("404", 404, "unsupported"),
        ("AWSOrganizationsNotInUseException", 400, "unsupported"),
        ("500", 500, "error"),
        ("InternalFailure", 500, "error"),
    ],
)
def test_refusals_are_classified(code: str, status: int, verdict: str) -> None:
    assert classify_error(code, status) == verdict


def test_coverage_is_condensed_with_counts() -> None:
    entries = [CoverageEntry("1", "r", "lambda", "GetPolicy", "denied", "AccessDenied: no") for _ in range(3)]
    entries += [CoverageEntry("1", "r", "lambda", "ListFunctions", "ok", "5 functions")] * 2
    condensed = condense(entries)
    assert [(c.operation, c.status, c.detail) for c in condensed] == [
        ("GetPolicy", "denied", "AccessDenied: no (3 times)"),
        ("ListFunctions", "ok", "5 functions"),
    ]


def test_every_operation_exists_and_only_reads() -> None:
    session = botocore.session.get_session()
    for service, operation in READ_ONLY_OPERATIONS | SESSION_OPERATIONS:
        assert operation in session.get_service_model(service).operation_names, (service, operation)
    assert all(op.startswith(("Get", "List", "Describe", "Lookup")) for _s, op in READ_ONLY_OPERATIONS)


def test_the_published_policy_names_real_read_actions() -> None:
    from policy_sentry.querying.actions import get_action_data

    statements = minimal_iam_policy()["Statement"]
    actions = [action for statement in statements for action in statement["Action"]]
    assert "sts:AssumeRole" in actions and "sts:GetCallerIdentity" not in actions
    assert {iam_action("s3", "GetBucketEncryption"), "apigateway:GET", "s3:ListAllMyBuckets"} <= set(actions)
    [gateway] = [s for s in statements if s["Action"] == ["apigateway:GET"]]
    assert not [r for r in gateway["Resource"] if "apikeys" in r or r.endswith("::*")]
    for action in actions:
        prefix, name = action.split(":")
        data = get_action_data(prefix, name)
        assert data and data.get(prefix), f"{action} is not an IAM action"
        levels = {
            entry["access_level"] for entry in data[prefix] if entry["action"].lower() == action.lower()
        }
        assert levels <= {"Read", "List"} or action == "sts:AssumeRole", (action, levels)


def test_a_refusal_for_one_resource_does_not_stop_asking_for_others(tmp_path: Path) -> None:
    answers = {"asym": error("UnsupportedOperationException"), "cmk": {"KeyRotationEnabled": True}}
    stub = Stub({"get_key_rotation_status": lambda KeyId: answers[KeyId]})
    ctx = _ctx(tmp_path, stub)
    assert ctx.call("kms", "GetKeyRotationStatus", KeyId="asym") is None
    assert ctx.call("kms", "GetKeyRotationStatus", KeyId="cmk") == {"KeyRotationEnabled": True}


def test_readme_publishes_the_exact_collector_policy() -> None:
    import json
    import re

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Permissions the collector needs") :]
    block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == minimal_iam_policy()
