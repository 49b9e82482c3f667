"""`lambdascope reach --from account:ID` for an account that only trust policies name (issue 14.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estate.snapshot import export_snapshot
from tests.builders import snapshot_of
from tests.unit.analyzers.iam.iam_estates import LAMBDA, IamEstate, role_arn, trusts
from tui.cli.lambdascope import main

CI = "999988887777"
ELSEWHERE = "111122223333"


@pytest.fixture
def iam_only(tmp_path: Path) -> Path:
    """An IAM-only import: two roles trust the CI account, one only Lambda, one a CI role by ARN."""
    e = IamEstate()
    e.admin_role("deployer", trust=trusts({"AWS": f"arn:aws:iam::{CI}:root"}))
    e.role("reader", trust=trusts({"AWS": CI}, condition={"StringEquals": {"sts:ExternalId": "x"}}))
    e.role("worker", trust=trusts(LAMBDA))
    e.role("named", trust=trusts({"AWS": f"arn:aws:iam::{ELSEWHERE}:role/builder"}))
    return export_snapshot(snapshot_of([], iam=e.details()), tmp_path / "iam.lsnap")


def _reach(snap: Path, node: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["reach", str(snap), "--from", node, "--format", "json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_account_named_only_in_trust_is_a_start(iam_only: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _reach(iam_only, f"account:{CI}", capsys)
    reached = {r["node"] for r in out["reached"]}  # type: ignore[attr-defined]
    assert {role_arn("deployer"), role_arn("reader")} <= reached
    assert role_arn("worker") not in reached and role_arn("named") not in reached
    hops = [p["hops"][0] for p in out["paths"]]  # type: ignore[attr-defined]
    assert hops and all(h["kind"] == "can-assume" and h["conditional"] for h in hops)


def test_account_named_nowhere_is_unknown(iam_only: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a role ARN of another account names that role, not any principal of the account
    assert main(["reach", str(iam_only), "--from", f"account:{ELSEWHERE}"]) == 2
    assert capsys.readouterr().err.startswith("lambdascope: error: unknown node")
