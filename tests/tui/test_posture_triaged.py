"""Issue 15: the Posture pane's open counts follow the triage states, as the home view's do.

A false-positive, resolved or risk-accepted (suppressed) finding is not open: it leaves the
severity counts of its group and of the status line and is counted apart ("N open · M triaged");
an acknowledged or investigating one is still open. One rule (`Finding.is_open`) for both views.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Finding, Severity, Suppression
from analyzers.findings.settings import Settings
from analyzers.findings.triage import TriageBook, mark
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text
from tests.tui.test_posture_pane import COUNT_COLUMNS, TRIAGED_COLUMN, counts_row, focus_finding, open_posture
from tui.app import create_app
from tui.viewmodels.home import findings_glance
from tui.viewmodels.posture_groups import Grouping, group_findings, posture_counts

pytestmark = pytest.mark.tui

AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # after the demo was collected: nothing re-opens


def _rule_with(analysis: Analysis, n: int) -> list[Finding]:
    """The findings of the first rule with at least `n` findings of one severity."""
    by_rule: dict[str, list[Finding]] = {}
    for f in analysis.findings:
        by_rule.setdefault(f.rule.id, []).append(f)
    for members in by_rule.values():
        for sev in Severity:
            same = [f for f in members if f.severity is sev]
            if len(same) >= n:
                return same
    raise AssertionError(f"no rule with {n} findings of one severity in the demo")


def triaged(analysis: Analysis) -> tuple[Analysis, dict[str, Finding]]:
    """The demo with one finding each false-positive, resolved, acknowledged and risk-accepted, all
    of one rule and severity."""
    fp, done, ack, accepted = _rule_with(analysis, 4)[:4]
    book = TriageBook().merged(
        [
            mark(fp, "false-positive", "alice", "test account, no data", AT),
            mark(done, "resolved", "bob", "permission removed", AT),
            mark(ack, "acknowledged", "carol", "", AT),
        ]
    )
    suppression = Suppression(accepted.rule.id, "accepted until the migration", "dave", accepted.resource)
    settled = analysis.with_settings(Settings(suppressions=(suppression,), triage=book))
    return settled, {"fp": fp, "resolved": done, "ack": ack, "accepted": accepted}


def test_groups_and_counts_leave_out_every_triaged_finding(analysis: Analysis) -> None:
    settled, marked = triaged(analysis)
    rule = marked["fp"].rule.id
    (group,) = [g for g in group_findings(settled.findings, Grouping.RULE) if g.label == rule]
    before = next(g for g in group_findings(analysis.findings, Grouping.RULE) if g.label == rule)
    sev = marked["fp"].severity
    # false-positive, resolved, risk-accepted leave the open counts; acknowledged stays
    assert group.open_by_severity[sev] == before.open_by_severity[sev] - 3
    assert (group.open, group.triaged, group.suppressed) == (before.open - 3, 3, 1)
    counts = posture_counts(settled)
    assert counts.open == len(settled.findings) - 3 == len(settled.open_findings)
    assert counts.triaged == {"false-positive": 1, "risk-accepted": 1, "resolved": 1}
    # the home view counts open by the same rule
    glance = findings_glance(settled)
    assert sum(glance.open_by_severity.values()) == counts.open
    assert glance.statuses["acknowledged"] == 1 and glance.statuses["risk-accepted"] == 1


def test_without_triage_nothing_is_triaged(analysis: Analysis) -> None:
    counts = posture_counts(analysis)
    assert counts.open == len(analysis.findings) and counts.triaged == {} and counts.triaged_total == 0


async def test_the_pane_shows_open_and_triaged_apart(analysis: Analysis) -> None:
    settled, marked = triaged(analysis)
    app = create_app(analysis=settled, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_posture(pilot)
        text = screen_text(app)
        open_now = len(settled.findings) - 3
        assert (
            f"{open_now} open · 3 triaged (1 false-positive, 1 risk-accepted, 1 resolved; shown dimmed"
            in text
        )
        keys = [r.key for r in screen.groups_table.visible_rows]
        row = keys.index(f"rule:{marked['fp'].rule.id}")
        sev = marked["fp"].severity
        before = sum(1 for f in analysis.findings if f.rule.id == marked["fp"].rule.id and f.severity is sev)
        assert counts_row(screen.groups_table, row)[sev] == before - 3
        assert screen.groups_table.cell_text(row, TRIAGED_COLUMN).strip() == "3"
        assert COUNT_COLUMNS[sev] < TRIAGED_COLUMN
        await focus_finding(pilot, screen, marked["fp"])
        text = screen_text(app)
        assert "false-positive: tes" in text  # the findings table (the note cut to fit)
        assert "Status: false-positive by alice at 2026-12-01 09:30 UTC: test account" in text  # the detail
        await focus_finding(pilot, screen, marked["ack"])
        assert "Status: acknowledged by carol" in screen_text(app)  # still open
        shown = screen.findings_table.row_count
        await pilot.press("S")  # hide the triaged: the acknowledged one stays
        await pilot.pause()
        visible = {r.key for r in screen.findings_table.visible_rows}
        assert screen.findings_table.row_count == shown - 3 and marked["ack"].id in visible
        assert not visible & {marked[k].id for k in ("fp", "resolved", "accepted")}
        assert "hidden, S shows" in screen_text(app)
