"""The diff between the two bundled demo snapshots (demo.lsnap, then demo-later.lsnap, built by
`make demo-snapshot` from estate/sources/demo_builder/later.py), asserted exactly."""

from __future__ import annotations

import functools

import pytest

from analyzers.analysis import analyze_snapshot
from analyzers.diff import SnapshotDiff, diff_analyses
from analyzers.diff.change_rows import change_rows
from estate.snapshot import load_snapshot
from tests.paths import DEMO_SNAPSHOT, DEMO_TODAY, analysed_demo

LATER = DEMO_SNAPSHOT.with_name("demo-later.lsnap")
ACCOUNT = "123456789012"
EU = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function"
US = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function"


@functools.cache
def _diff() -> SnapshotDiff:
    later = analyze_snapshot(load_snapshot(LATER), DEMO_TODAY)
    return diff_analyses(analysed_demo(DEMO_TODAY), later)


@pytest.fixture(scope="module")
def diff() -> SnapshotDiff:
    if not (DEMO_SNAPSHOT.exists() and LATER.exists()):
        pytest.skip("the bundled demo snapshots are absent")
    return _diff()


def test_findings_new_resolved_and_changed(diff: SnapshotDiff) -> None:
    f = diff.findings
    assert [(x.rule.id, x.severity.value, x.resource) for x in f.new] == [
        ("reach.public-invoke", "critical", f"{EU}:ledger-balance-api"),
        ("reach.public-to-sensitive", "high", f"{EU}:ledger-balance-api"),
        ("config.no-reserved-concurrency", "medium", f"{EU}:ledger-balance-api"),
    ]
    assert [(x.rule.id, x.resource) for x in f.resolved] == [
        ("config.runtime-deprecated", f"{US}:kyc-watchlist-sync"),
        ("config.env-no-cmk", f"{EU}:promo-banner-render"),
    ]
    assert f.changed == ()
    assert [(c.new.rule.id, c.new.resource) for c in f.retitled] == [
        ("iam.wildcard", f"arn:aws:iam::{ACCOUNT}:role/reporting-role"),
        ("config.env-no-cmk", f"{US}:dr-health-probe"),  # 4 env vars, then 5
    ]
    assert f.retitled[0].new.title.endswith("NotAction iam:*, s3:*")
    assert len(f.unchanged) == 177


def test_estate_changes_per_function(diff: SnapshotDiff) -> None:
    fns = diff.functions
    assert fns.added == ()
    assert [f.name for f in fns.removed] == ["promo-banner-render"]
    changes = {c.name: [(x.field, x.before, x.after) for x in c.changes] for c in fns.changed}
    public_statement = (
        '{"Action":"lambda:InvokeFunctionUrl","Effect":"Allow","FunctionUrlAuthType":"NONE",'
        f'"Principal":"*","Resource":"{EU}:ledger-balance-api","Sid":"FunctionURLAllowPublicAccess"}}'
    )
    assert changes == {
        "fraud-score": [("memory", 1769, 2048)],
        "ledger-balance-api": [
            ("url auth type", None, "NONE"),
            ("resource policy statements added", None, [public_statement]),
        ],
        "dr-health-probe": [("env keys added", None, ["PROBE_TIMEOUT_MS"])],
        "kyc-watchlist-sync": [("runtime", "python3.8", "python3.12")],
        "notify-digest": [("env values changed", None, ["BATCH_SIZE"])],  # by keyed hash
    }


def test_roles_whose_policies_changed(diff: SnapshotDiff) -> None:
    p = diff.principals
    assert p.added == () and p.removed == ()
    (reporting,) = p.changed
    assert reporting.name == "reporting-role"
    assert [(s.source, s.statement) for s in reporting.added] == [
        ("inline:adhoc-export-debug", '{"Action":"s3:*","Effect":"Allow","Resource":"*","Sid":"DebugExport"}')
    ]
    assert reporting.removed == ()


def test_exposure_drift(diff: SnapshotDiff) -> None:
    e = diff.exposure
    assert e.sensitive_opened == (
        (f"{EU}:ledger-balance-api", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/ledger-entries"),
    )
    assert e.sensitive_closed == () and e.escalation_opened == () and e.escalation_closed == ()
    invokers = {c.function.rsplit(":", 1)[-1]: c for c in e.invokers}
    assert sorted(invokers) == ["fraud-features", "ledger-balance-api", "ledger-projector"]
    public = invokers["ledger-balance-api"]
    assert "internet" in public.added and public.removed == ()
    (url,) = (a for a in public.added if a != "internet")
    assert url.endswith(".lambda-url.eu-west-1.on.aws")
    for name in ("fraud-features", "ledger-projector"):  # streams re-created by the rebuild
        change = invokers[name]
        assert len(change.added) == len(change.removed) == 1
        assert "/stream/" in change.added[0] and "/stream/" in change.removed[0]


def test_fail_on_new_gate(diff: SnapshotDiff) -> None:
    from analyzers.findings.model import Severity

    assert [f.rule.id for f in diff.new_at_or_above(Severity.CRITICAL)] == ["reach.public-invoke"]
    assert len(diff.new_at_or_above(Severity.MEDIUM)) == 3


def test_rows_a_person_reads(diff: SnapshotDiff) -> None:
    rows = change_rows(diff)
    assert len(rows) == 19
    assert [(r.section, r.change) for r in rows[:3]] == [("findings", "new")] * 3
    assert ("functions", "removed", "functions removed") in [(r.section, r.change, r.summary) for r in rows]
