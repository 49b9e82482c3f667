"""The Posture pane, driven with real keys: groupings, a finding, suppressing it, the toggle."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from analyzers.analysis import Analysis
from analyzers.findings.compliance import framework_of, requirement_sort_key, requirement_title
from analyzers.findings.model import Evidence, Finding, Rule, Severity, Suppression
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings, load_settings
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, type_text, wait_loaded
from tui.app import create_app
from tui.cache.deferred_evidence import DeferredEvidence
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingDetailScreen, FindingsScreen
from tui.screens.posture import PostureScreen, open_status
from tui.screens.suppress import SuppressScreen, exact_pattern, parse_expiry
from tui.severity import SHORT
from tui.viewmodels.posture_groups import Grouping, group_findings
from tui.viewmodels.summary import resource_name
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui

COUNT_COLUMNS = {s: 2 + i for i, s in enumerate(Severity)}  # after Group and Title
TRIAGED_COLUMN = 2 + len(Severity)


async def open_posture(pilot: Pilot[Any]) -> PostureScreen:
    await wait_loaded(pilot)
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PostureScreen)
    return screen


def groups(screen: PostureScreen) -> list[str]:
    table = screen.groups_table
    return [table.cell_text(row, 0) for row in range(table.row_count)]


def counts_row(table: ResourceTable, row: int) -> dict[Severity, int]:
    return {
        s: int(t) if (t := table.cell_text(row, c).strip()) != "·" else 0 for s, c in COUNT_COLUMNS.items()
    }


def open_counts(findings: list[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        if f.is_open:
            counts[f.severity] += 1
    return counts


async def focus_finding(pilot: Pilot[Any], screen: PostureScreen, finding: Finding) -> None:
    """Put the cursors on `finding` (grouped by rule): its group, then its row."""
    keys = [r.key for r in screen.groups_table.visible_rows]
    screen.groups_table.cursor_row = keys.index(f"rule:{finding.rule.id}")
    await pilot.pause()
    rows = [r.key for r in screen.findings_table.visible_rows]
    screen.findings_table.focus()
    screen.findings_table.cursor_row = rows.index(finding.id)
    await pilot.pause()
    assert screen.current_finding is not None and screen.current_finding.id == finding.id


async def settle(pilot: Pilot[Any]) -> None:
    """Let the dialog close, the write-and-resettle worker run and its result land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def suppress_from_posture(pilot: Pilot[Any], finding: Finding, reason: str) -> PostureScreen:
    """Open the Posture view, put the cursor on `finding`, press `x`, give a reason and confirm;
    returns the Posture screen once the write-and-resettle worker's result has landed."""
    screen = await open_posture(pilot)
    await focus_finding(pilot, screen, finding)
    await pilot.press("x")
    await pilot.pause()
    await type_text(pilot, reason)
    await pilot.press("enter")
    await settle(pilot)
    return screen


# Pure parts ----------------------------------------------------------------------------------
def test_rule_groups_put_config_first_and_count_open_findings(analysis: Analysis) -> None:
    found = group_findings(analysis.findings, Grouping.RULE)
    ordered = sorted(found, key=lambda g: g.order)
    analyzers = [g.findings[0].analyzer == "config" for g in ordered]
    assert analyzers == sorted(analyzers, reverse=True), "config rules come first"
    for group in found:
        members = [f for f in analysis.findings if f.rule.id == group.label]
        assert group.open_by_severity == open_counts(members)
        assert group.suppressed == 0 and group.triaged == 0


def test_requirement_groups_include_checked_requirements_without_findings() -> None:
    rule = next(r for r in RULES if r.compliance)
    found = group_findings([], Grouping.REQUIREMENT, rules=[rule])
    assert [g.label for g in found] == sorted(rule.compliance, key=requirement_sort_key)
    assert {g.label for g in found} == set(rule.compliance)
    assert all(g.open == 0 and g.rules == (rule.id,) for g in found)
    assert group_findings([], Grouping.REQUIREMENT, rules=[rule], include_unfound=False) == []
    frameworks = group_findings([], Grouping.FRAMEWORK, rules=[rule])
    assert {g.label for g in frameworks} == {framework_of(c) for c in rule.compliance}


def test_exact_pattern_matches_only_that_resource() -> None:
    arn = "arn:aws:iam::123456789012:policy/weird*name?[x]"
    pattern = exact_pattern(arn)
    assert fnmatch.fnmatchcase(arn, pattern)
    assert not fnmatch.fnmatchcase("arn:aws:iam::123456789012:policy/weirdXnameY[x]", pattern)
    assert exact_pattern("arn:aws:lambda:eu-west-1:1:function:f") == "arn:aws:lambda:eu-west-1:1:function:f"


def test_parse_expiry() -> None:
    today = dt.date(2026, 11, 1)
    assert parse_expiry("", today) is None
    assert parse_expiry(" 2026-11-01 ", today) == today
    for bad in ("2026-13-01", "tomorrow", "20261231", "2026-10-31"):
        with pytest.raises(ValueError):
            parse_expiry(bad, today)


# The pane --------------------------------------------------------------------------------------
async def test_o_opens_posture_by_rule_with_counts(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_posture(pilot)
        rule_ids = {f.rule.id for f in analysis.findings}
        labels = groups(screen)
        assert set(labels) == rule_ids
        first_other = next(i for i, r in enumerate(labels) if not r.startswith("config."))
        assert all(not r.startswith("config.") for r in labels[first_other:]), "config rules first"
        for row, rule_id in enumerate(labels):
            members = [f for f in analysis.findings if f.rule.id == rule_id]
            assert counts_row(screen.groups_table, row) == open_counts(members)
            assert screen.groups_table.cell_text(row, 1) == members[0].rule.title
        text = screen_text(app)
        # open and triaged apart (nothing is triaged in the demo as collected)
        assert f"{len(rule_ids)} rule groups · {len(analysis.findings)} open · 0 triaged · " in text
        assert "0 expired suppressions" in text
        for key in ("Group by", "Suppress", "Triaged", "Filter"):
            assert key in text  # the footer
        assert all(SHORT[s] in text for s in Severity)


async def test_b_cycles_resource_requirement_framework(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_posture(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert screen.grouping is Grouping.RESOURCE
        resources = {f.resource for f in analysis.findings}
        assert screen.groups_table.row_count == len(resources)
        names = set(groups(screen))
        assert names == {resource_name(analysis, arn) for arn in resources}
        assert "resource groups" in screen_text(app)

        await pilot.press("b")
        await pilot.pause()
        assert screen.grouping is Grouping.REQUIREMENT
        found_ids = {c for f in analysis.findings for c in f.compliance}
        labels = groups(screen)
        assert found_ids <= set(labels)
        table = screen.groups_table
        for row, cid in enumerate(labels):
            assert table.cell_text(row, 1) == (requirement_title(cid) or "")
            members = [f for f in analysis.findings if cid in f.compliance]
            assert counts_row(table, row) == open_counts(members)
        assert "Posture by compliance requirement" in screen_text(app)

        await pilot.press("b")
        await pilot.pause()
        assert screen.grouping is Grouping.FRAMEWORK
        assert {framework_of(c) for c in found_ids} <= set(groups(screen))
        await pilot.press("b")
        await pilot.pause()
        assert screen.grouping is Grouping.RULE


async def test_finding_detail_and_enter(analysis: Analysis) -> None:
    fn_finding = next(f for f in analysis.findings if f.rule.id == "config.env-secret")
    other = next(f for f in analysis.findings if analysis.estate.function(f.resource) is None)
    app = create_app(analysis=analysis)
    async with app.run_test(size=(160, 80)) as pilot:
        screen = await open_posture(pilot)
        await focus_finding(pilot, screen, fn_finding)
        text = screen_text(app)
        assert "Why it matters" in text and "Fix" in text and "Evidence" in text
        assert fn_finding.rule.remediation.split()[0] in text
        for cid in fn_finding.compliance:
            assert cid in text
            title = requirement_title(cid)
            assert title is None or title[:30] in text
        assert "Status: open" in text
        assert "hmac_sha256" in text  # secret evidence is the model's mask, never a value
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        assert app.screen.function is not None and app.screen.function.arn == fn_finding.resource
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await focus_finding(pilot, screen, other)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingDetailScreen)
        assert app.screen.finding.id == other.id


async def test_suppress_writes_the_file_and_updates_every_count(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("USER", "auditor")
    target = next(f for f in analysis.findings if f.rule.id == "config.no-tracing")
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_posture(pilot)
        await focus_finding(pilot, screen, target)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SuppressScreen)
        assert dialog.query_one("#suppress-author", Input).value == "auditor"
        await pilot.press("enter")  # no reason yet: refused
        await pilot.pause()
        assert app.screen is dialog
        assert "a reason is required" in screen_text(app)
        await type_text(pilot, "tracing_not_needed")
        await pilot.press("tab")
        await type_text(pilot, "2027-01-31")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen

        written = load_settings(tmp_path / "lambdascope.toml")
        assert written.suppressions == (
            Suppression(
                rule="config.no-tracing",
                reason="tracing_not_needed",
                author="auditor",
                resource=target.resource,
                expires=dt.date(2027, 1, 31),
            ),
        )
        assert app.analysis is screen.analysis and app.analysis is not analysis
        assert app.analysis.suppressed == 1 and analysis.suppressed == 0
        assert app.settings is not None and app.settings.source == tmp_path / "lambdascope.toml"
        text = screen_text(app)
        # a suppression is triaged (risk-accepted), not open: the status line counts it apart
        assert (
            f"{len(analysis.findings) - 1} open · 1 triaged (1 risk-accepted; shown dimmed, S hides)" in text
        )
        assert "risk-accepted: tracing" in text  # the findings table (the reason is cut to fit)
        assert "Status: risk-accepted by auditor until 2027-01-31" in text  # the detail
        assert "1 suppressed" in app.sub_title
        row = screen.groups_table.visible_rows.index(
            next(r for r in screen.groups_table.visible_rows if r.key == "rule:config.no-tracing")
        )
        assert screen.groups_table.cell_text(row, TRIAGED_COLUMN).strip() == "1"
        shown = screen.findings_table.row_count
        assert target.id in [r.key for r in screen.findings_table.visible_rows]

        await pilot.press("S")
        await pilot.pause()
        assert screen.findings_table.row_count == shown - 1
        assert target.id not in [r.key for r in screen.findings_table.visible_rows]
        assert "1 triaged (1 risk-accepted; hidden, S shows)" in screen_text(app)
        await pilot.press("S")
        await pilot.pause()
        assert screen.findings_table.row_count == shown

        await pilot.press("F")  # another view, built from the new analysis
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        assert app.screen.analysis is app.analysis


async def test_suppress_refuses_bad_input_and_cancel_writes_nothing(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("USER", "auditor")
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_posture(pilot)
        screen.findings_table.focus()
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SuppressScreen)
        await type_text(pilot, "ok")
        await pilot.press("tab")
        await type_text(pilot, "2020-01-01")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "is in the past" in screen_text(app)
        dialog.query_one("#suppress-expires", Input).value = "2027-02-30"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "not a date" in screen_text(app)
        dialog.query_one("#suppress-expires", Input).value = ""
        dialog.query_one("#suppress-author", Input).value = "  "
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "an author is required" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert not (tmp_path / "lambdascope.toml").exists()
        assert app.analysis is analysis


async def test_suppression_goes_to_the_given_config_file(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "bob")
    config = tmp_path / "team.toml"
    config.write_text("# our accepted risks\nmin_log_retention_days = 400\n", encoding="utf-8")
    settings = load_settings(config)
    target = next(f for f in analysis.findings if f.rule.id == "iam.wildcard")
    app = create_app(analysis=analysis.with_settings(settings), settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await suppress_from_posture(pilot, target, "break-glass")
        text = config.read_text(encoding="utf-8")
        assert text.startswith("# our accepted risks\n")  # comments kept
        (written,) = load_settings(config).suppressions
        assert (written.rule, written.resource, written.author) == ("iam.wildcard", target.resource, "bob")
        assert screen.analysis.findings_for(target.resource)
        assert any(f.id == target.id and f.suppression for f in screen.analysis.findings)


async def test_expired_suppression_reopens_its_finding(analysis: Analysis) -> None:
    target = next(f for f in analysis.findings if f.rule.id == "config.no-tracing")
    lapsed = Suppression(
        "config.no-tracing", "was a pilot", "alice", target.resource, expires=TODAY - dt.timedelta(days=1)
    )
    app = create_app(analysis=analysis.with_settings(Settings(suppressions=(lapsed,))))
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await open_posture(pilot)
        await focus_finding(pilot, screen, target)
        text = screen_text(app)
        assert "0 triaged · 1 expired suppression (1 finding open again)" in text
        assert "open (expired)" in text
        assert f"open again: the suppression expired on {lapsed.expires} (was a pilot)" in text


def test_the_status_cell_reads_evidence_only_when_a_suppression_has_lapsed(analysis: Analysis) -> None:
    """A finding from the analysis cache parses its evidence when first read: the Posture rows
    must not read every finding's to look for a lapsed suppression's note when none lapsed."""
    finding = analysis.findings[0]
    note = Evidence("suppression expired", {"rule": finding.rule.id})
    text = orjson.dumps({"evidence": [note.to_json()]})
    deferred = DeferredEvidence(text)
    cached = replace(finding, evidence=deferred, suppression=None, triage=None)
    assert open_status(cached, lapsed=False).plain == "open" and not deferred.parsed
    assert open_status(cached, lapsed=True).plain == "open (expired)" and deferred.parsed
    assert open_status(replace(cached, evidence=()), lapsed=True).plain == "open"


async def test_filter_narrows_groups_and_findings(analysis: Analysis) -> None:
    target = next(f for f in analysis.findings if f.rule.id == "reach.public-invoke")
    name = resource_name(analysis, target.resource)
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_posture(pilot)
        await pilot.press("slash")
        await type_text(pilot, name)
        await pilot.press("enter")
        await pilot.pause()
        expected = {f.rule.id for f in analysis.findings if name in f.resource or name in f.title}
        assert set(groups(screen)) == expected
        await pilot.press("b", "b")  # by requirement: only those with a matching finding
        await pilot.pause()
        ids = {c for f in analysis.findings if name in f.resource or name in f.title for c in f.compliance}
        assert set(groups(screen)) == ids
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter_text == ""
        assert set(groups(screen)) >= ids


async def test_palette_opens_posture_by_requirement(analysis: Analysis) -> None:
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "posture by requirement")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PostureScreen)
        assert app.screen.grouping is Grouping.REQUIREMENT


async def test_hostile_rule_and_evidence_render_literally(analysis: Analysis) -> None:
    rule = Rule(
        id="config.hostile-probe",
        analyzer="config",
        severity=Severity.HIGH,
        title="[bold red]pwned[/]",
        rationale="[link=https://evil.example]click[/link]",
        remediation="run [reverse]this[/]",
        compliance=("PCI-DSS-4.0:7.2.1",),
    )
    probe = Finding(
        rule=rule,
        resource="arn:aws:lambda:eu-west-1:123456789012:function:probe",
        title="[red]evil[/red]\x1b[2J",
        severity=Severity.HIGH,
        evidence=(Evidence("variable [b]X[/b]", "\x1b]0;owned\x07"),),
    )
    hostile = replace(analysis, raw_findings=[*analysis.raw_findings, probe]).with_settings(analysis.settings)
    app = create_app(analysis=hostile)
    async with app.run_test(size=(160, 80)) as pilot:
        screen = await open_posture(pilot)
        await focus_finding(pilot, screen, hostile.findings[[f.id for f in hostile.findings].index(probe.id)])
        text = screen_text(app)
        assert "[bold red]pwned[/]" in text  # the groups table's title column
        assert "[red]evil[/red]\\x1b[2J" in text
        assert "[link=https://evil.example]click[/link]" in text
        assert "run [reverse]this[/]" in text
        assert "variable [b]X[/b]: \\x1b]0;owned\\x07" in text
        assert "\x1b" not in text
