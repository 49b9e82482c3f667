"""iam.privesc under time-bound conditions, decided at the snapshot's time (or the --as-of day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analyzers.analysis import analyze_snapshot
from analyzers.findings.model import Finding
from analyzers.iam.clock import evaluation_time
from analyzers.iam.principal_policies import IamModel
from tests.builders import snapshot_of
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow, conditional, findings, role_arn

DEV = role_arn("dev")
SNAPSHOT_DAY = dt.date(2026, 11, 1)  # tests.builders.snapshot_of's created_at


def _estate(condition: dict[str, Any]) -> IamEstate:
    e = IamEstate()
    mine = e.policy("dev-managed", allow("s3:GetObject", "arn:aws:s3:::dev/*"))
    e.role("dev", allow("iam:CreatePolicyVersion", mine, Condition=condition), managed=(mine,))
    return e


def _privesc(e: IamEstate, as_of: dt.date) -> list[Finding]:
    analysis = analyze_snapshot(snapshot_of(e.functions, iam=e.details()), as_of)
    return findings(analysis, "iam.privesc", DEV)


def test_token_issued_before_2020_never_holds() -> None:
    old = {"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    assert _privesc(_estate(old), SNAPSHOT_DAY) == []


def test_token_issued_after_2020_always_holds() -> None:
    recent = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    (found,) = _privesc(_estate(recent), SNAPSHOT_DAY)
    assert not conditional(found)


def test_token_window_edge_stays_conditional() -> None:
    # a token issued in the last 36 hours may be older or newer than a day before the snapshot
    edge = {"DateGreaterThan": {"aws:TokenIssueTime": "2026-10-31T00:00:00Z"}}
    (found,) = _privesc(_estate(edge), SNAPSHOT_DAY)
    assert conditional(found)


def test_current_time_moves_with_as_of() -> None:
    until = {"DateLessThan": {"aws:CurrentTime": "2026-12-01T00:00:00Z"}}
    (found,) = _privesc(_estate(until), dt.date(2026, 11, 30))
    assert not conditional(found)
    assert _privesc(_estate(until), dt.date(2026, 12, 1)) == []  # from that day on, never
    assert _privesc(_estate(until), dt.date(2026, 12, 2)) == []


def test_evaluation_time_is_the_snapshots_unless_as_of_moves_it() -> None:
    estate = _estate({}).estate()
    created = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert evaluation_time(estate) == created
    assert evaluation_time(estate, SNAPSHOT_DAY) == created  # its own day: its own time
    assert evaluation_time(estate, dt.date(2027, 1, 5)) == dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    assert IamModel(estate).at == created
