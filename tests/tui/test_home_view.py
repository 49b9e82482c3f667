"""The home view (issue 15 point 1): shown first by the CLI, the estate at a glance, one panel per
analysis with its worst items and its key, `enter` opens an item's detail, the panels wait for
the analysis without holding up the UI, and a new analysis (a live refresh) refills them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from analyzers.analysis import Analysis
from analyzers.findings.model import Evidence, Finding, Severity
from analyzers.findings.registry import RULES
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tests.tui.helpers import screen_text, wait_loaded
from tests.tui.live_refresh import CALM, live_app, storm
from tui.app import create_app
from tui.cli import lambdascope as cli
from tui.screens.detail import FunctionDetailScreen
from tui.screens.home import HomeScreen
from tui.screens.principal import PrincipalDetailScreen
from tui.viewmodels.home import PANEL_ITEMS, home_panels, is_admin_escalation

pytestmark = pytest.mark.tui


def _panels(analysis: Analysis) -> dict[str, Any]:
    return {p.id: p for p in home_panels(analysis)}


def test_panels_hold_each_analysis_worst_open_items(analysis: Analysis) -> None:
    panels = _panels(analysis)
    open_findings = [f for f in analysis.findings if f.is_open]
    exposure = [f for f in open_findings if f.rule.id == "reach.public-to-sensitive"]
    assert panels["exposure"].total == len(exposure) > 0
    assert panels["exposure"].key == "e" and panels["escalation"].key == "i"
    assert panels["posture"].key == "o" and panels["anomalies"].key == "a"
    admin = [f for f in open_findings if is_admin_escalation(f)]
    assert panels["escalation"].total == len(admin) > 0
    posture = [f for f in open_findings if f.analyzer == "config" and f.severity.rank >= Severity.HIGH.rank]
    assert panels["posture"].total == len(posture)
    assert len(panels["posture"].items) == min(PANEL_ITEMS, len(posture))
    ranks = [i.severity.rank for i in panels["posture"].items]
    assert ranks == sorted(ranks, reverse=True)  # worst first
    anomalous = {f.resource for f in open_findings if f.analyzer == "anomaly"}
    assert panels["anomalies"].total == len(anomalous)  # one line per function
    assert "changes" not in panels  # no baseline


def test_admin_escalation_reads_the_gain_evidence_and_nothing_else() -> None:
    rule = RULES.get("iam.privesc")
    admin = Finding(
        rule,
        "arn:aws:iam::1:role/a",
        "t",
        Severity.CRITICAL,
        evidence=(Evidence("gain", {"outcome": "an administrator"}),),
    )
    lesser = Finding(
        rule,
        "arn:aws:iam::1:role/b",
        "t",
        Severity.HIGH,
        evidence=(Evidence("gain", {"outcome": "pci data"}),),
    )
    odd = Finding(
        rule, "arn:aws:iam::1:role/c", "t", Severity.HIGH, evidence=(Evidence("gain", "an administrator"),)
    )
    other = Finding(
        RULES.get("iam.admin"), "arn:aws:iam::1:role/d", "t", Severity.CRITICAL, evidence=admin.evidence
    )
    assert is_admin_escalation(admin)
    assert not any(is_admin_escalation(f) for f in (lesser, odd, other))


def test_a_suppressed_finding_leaves_its_panel(analysis: Analysis) -> None:
    from analyzers.findings.model import Suppression

    first = _panels(analysis)["exposure"].items[0].finding
    accepted = Suppression(first.rule.id, "partner", "alice", resource=first.resource)
    settled = analysis.with_settings(analysis.settings.__class__(suppressions=(accepted,)))
    assert first.id not in {i.finding.id for i in _panels(settled)["exposure"].items}


async def test_the_cli_opens_on_home(
    snapshot_path: Path, analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Any] = []
    real = cli.__dict__.get("create_app")

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs)
        raise SystemExit(0)

    import tui.app

    monkeypatch.setattr(tui.app, "create_app", spy)
    with pytest.raises(SystemExit):
        cli.run(["open", str(snapshot_path)])
    assert made and made[0]["first_view"] == "home"
    assert real is None  # the CLI imports the factory lazily, from tui.app


async def test_home_shows_the_estate_and_every_panel(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="home")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await until(pilot, lambda: home.board is not None, "the panels")
        text = screen_text(app)
        manifest = analysis.estate.manifest
        assert f"{len(analysis.estate.functions)} functions" in text
        assert all(account in text for account in manifest.accounts)
        assert all(region in text for region in manifest.regions)
        assert f"{len(analysis.estate.gaps)} coverage gaps (c)" in text
        for title in ("Internet → sensitive data · e", "Escalations to admin · i"):
            assert title in text
        assert "Critical and high posture findings · o" in text and "Functions anomalous now · a" in text
        worst = _panels(analysis)["exposure"].items[0]
        assert worst.name in text


async def test_enter_opens_a_function_and_a_principal_detail(snapshot_path: Path, analysis: Analysis) -> None:
    app = create_app(snapshot_path, analysis=analysis, today=TODAY, first_view="home")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await until(pilot, lambda: home.board is not None, "the panels")
        panels = _panels(analysis)
        app.screen.query_one("#list-exposure", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, FunctionDetailScreen)
        assert detail.selected_arn == panels["exposure"].items[0].target
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.screen.query_one("#list-escalation", OptionList).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        principal = app.screen
        assert isinstance(principal, PrincipalDetailScreen)
        assert principal.selected_arn == panels["escalation"].items[1].target
        await pilot.press("escape", "e")  # and the panel's key opens its view
        await app.workers.wait_for_complete()
        assert app.current_mode == "reach"


async def test_panels_name_the_stage_they_wait_for_then_fill_in(
    snapshot_path: Path, held_analysis: HeldAnalysis
) -> None:
    app = create_app(snapshot_path, today=TODAY, first_view="home")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the analysis held")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        text = screen_text(app)
        assert "waiting for the analysis' access stage (now: access)" in text
        assert "waiting for the analysis' rules stage" in text
        assert f"{len(home.estate.functions)} functions" in text  # the model is there already
        await pilot.press("down", "tab")  # the UI answers while the analysis is held
        held_analysis.release()
        await wait_loaded(pilot)
        await until(pilot, lambda: home.board is not None, "the panels")
        assert "waiting for the analysis" not in screen_text(app)
        assert app.analysis is not None and home.state is app.analysis


async def test_a_live_metrics_refresh_refills_home_and_every_count(
    snapshot_path: Path, analysis: Analysis
) -> None:
    """Point 5: the app's own timer re-reads the metrics while the home view is on show; the home
    panels, the header's count and the views shown next all take the refreshed analysis."""

    def refresh(estate: Any) -> Any:
        from estate.model import merge_metrics

        record, end = storm(estate, CALM)
        return merge_metrics(estate, [record], end)

    calm = next(f for f in analysis.estate.functions if f.name == CALM)
    assert calm.arn not in {i.target for i in _panels(analysis)["anomalies"].items}  # calm as collected
    app = live_app(snapshot_path, refresh, seconds=0.2)
    app.first_view = "home"
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await until(
            pilot,
            lambda: home.board is not None and calm.arn in {i.target for p in home.board[0] for i in p.items},
            "the storm on the home view",
        )
        after = app.analysis
        assert after is not None and home.state is after
        assert after.estate.manifest.metrics_end != analysis.estate.manifest.metrics_end
        assert f"{len(after.findings)} findings" in app.sub_title
        await pilot.press("f")
        await app.workers.wait_for_complete()
        assert app.screen.analysis is app.analysis  # type: ignore[attr-defined]
        await pilot.press("F")
        await app.workers.wait_for_complete()
        assert app.screen.analysis is app.analysis  # type: ignore[attr-defined]
        assert any(f.resource == calm.arn and f.analyzer == "anomaly" for f in app.analysis.findings)  # type: ignore[union-attr]


async def test_with_a_baseline_the_changes_panel_lists_the_new_findings(snapshot_path: Path) -> None:
    """`demo --later`: the later demo compared with the demo; the panel marks what is new, and
    `enter` on it opens the finding's function."""
    later_path = snapshot_path.with_name("demo-later.lsnap")
    if not later_path.exists():
        pytest.skip("no later demo snapshot")
    from analyzers.analysis import analyze_snapshot
    from estate.snapshot import load_snapshot

    later = analyze_snapshot(load_snapshot(later_path), TODAY)
    app = create_app(later_path, analysis=later, today=TODAY, first_view="home", baseline=snapshot_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await until(
            pilot,
            lambda: home.board is not None and any(p.id == "changes" for p in home.board[0]),
            "the diff",
        )
        assert home.board is not None
        (changes,) = [p for p in home.board[0] if p.id == "changes"]
        diff = app.baseline.diff  # type: ignore[union-attr]
        assert diff is not None
        assert {i.finding.id for i in changes.items} <= diff.new_finding_ids
        assert changes.total == len([f for f in later.findings if f.id in diff.new_finding_ids]) > 0
        assert all(i.new for i in changes.items) and changes.key == "d"
        text = screen_text(app)
        assert "Changed since the baseline · d" in text and "NEW " in text
        home.query_one("#list-changes", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        assert app.screen.selected_arn == changes.items[0].target
