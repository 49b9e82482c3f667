"""The app owns the analysis: a live metrics refresh and a suppression each reach every view (the
findings table, the functions table's counts, the posture pane, a detail screen left open), a
change computed while another landed is replayed rather than lost, a failed worker is reported
once by the app, and `lambdascope open` reads its snapshot once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import tui.app
from analyzers.analysis import Analysis
from analyzers.findings.model import Finding, Suppression
from analyzers.findings.settings import Settings
from estate.errors import LambdascopeError
from estate.model import Estate, MetricsUpdate, merge_metrics
from estate.snapshot import Snapshot, load_snapshot
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, wait_loaded
from tests.tui.live_refresh import CALM, live_app, storm, until
from tests.tui.test_posture_pane import (
    counts_row,
    focus_finding,
    open_counts,
    open_posture,
    suppress_from_posture,
)
from tui.app import create_app
from tui.cli import lambdascope as cli
from tui.messages import AnalysisChanged
from tui.screens.anomalies import AnomaliesScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.viewmodels.summary import TABLE_SEVERITIES
from tui.widgets.finding_card import FindingCard

pytestmark = pytest.mark.tui
SEVERITY_COLUMNS = 5  # the functions table: name, region, runtime, invokers, role, then the counts


def storm_refresh(estate: Estate) -> MetricsUpdate:
    record, end = storm(estate, CALM)
    return merge_metrics(estate, [record], end)


def function_counts(screen: FunctionsScreen, arn: str) -> list[int]:
    """What the functions table shows for `arn` under each severity column."""
    row = [r.key for r in screen.table.visible_rows].index(arn)
    cells = [screen.table.cell_text(row, SEVERITY_COLUMNS + i).strip() for i in range(len(TABLE_SEVERITIES))]
    return [0 if c == "·" else int(c) for c in cells]


def expected_counts(analysis: Analysis, arn: str) -> list[int]:
    counts = analysis.severity_counts(arn)
    return [counts[s] for s in TABLE_SEVERITIES]


async def show(pilot: Pilot[Any], key: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause()


async def assert_every_view_shows(pilot: Pilot[Any], analysis: Analysis, finding: Finding) -> None:
    """The findings table lists `finding`, the functions table counts its resource's findings as
    `analysis` does, and the posture pane's rule group counts it."""
    app = pilot.app
    await show(pilot, "2")
    findings = app.screen
    assert isinstance(findings, FindingsScreen) and findings.analysis is analysis
    assert finding.id in [r.key for r in findings.table.visible_rows]
    assert f"{len(analysis.findings)} of {len(analysis.findings)} findings" in screen_text(app)

    await show(pilot, "1")
    functions = app.screen
    assert isinstance(functions, FunctionsScreen) and functions.analysis is analysis
    assert function_counts(functions, finding.resource) == expected_counts(analysis, finding.resource)

    posture = await open_posture(pilot)
    assert posture.analysis is analysis
    keys = [r.key for r in posture.groups_table.visible_rows]
    row = keys.index(f"rule:{finding.rule.id}")
    members = [f for f in analysis.findings if f.rule.id == finding.rule.id]
    assert counts_row(posture.groups_table, row) == open_counts(members)
    assert posture.current_group is not None
    await focus_finding(pilot, posture, finding)


async def test_a_live_refresh_reaches_every_view(snapshot_path: Path) -> None:
    app = live_app(snapshot_path, storm_refresh, 3600)  # the test fires the refresh itself
    async with app.run_test(size=(160, 60)) as pilot:
        await wait_loaded(pilot)
        before = app.analysis
        assert before is not None
        calm = next(f for f in before.estate.functions if f.name == CALM)
        assert not [f for f in before.findings_for(calm.arn) if f.analyzer == "anomaly"]
        for key in ("2", "o", "1"):  # every view built from the analysis before the refresh
            await show(pilot, key)
        await show(pilot, "a")
        anomalies = app.screen
        assert isinstance(anomalies, AnomaliesScreen)
        await until(pilot, lambda: anomalies.board is not None, "the first scoring")
        await pilot.app.push_screen(FunctionDetailScreen(anomalies.analysis, calm.arn))  # left open
        await pilot.pause()

        anomalies.refresh_metrics()  # what the live timer does
        await until(
            pilot, lambda: getattr(app.screen, "analysis", before) is not before, "the redrawn detail"
        )
        await until(pilot, lambda: anomalies.last_update is not None, "the pane's status")
        after = app.analysis
        assert after is not None
        (throttles,) = [f for f in after.findings_for(calm.arn) if f.rule.id == "anomaly.throttles"]
        assert throttles.severity in TABLE_SEVERITIES  # so the functions table counts it
        assert before.estate.manifest.metrics_end != after.estate.manifest.metrics_end
        assert f"{len(after.findings)} findings" in app.sub_title
        assert len(after.findings) > len(before.findings)

        detail = app.screen  # the detail left open is redrawn from the new analysis
        assert isinstance(detail, FunctionDetailScreen) and detail.analysis is after
        await until(
            pilot,
            lambda: throttles.id in [card.finding.id for card in detail.query(FindingCard)],
            "the detail's new finding",
        )
        await show(pilot, "escape")
        assert app.screen is anomalies and anomalies.analysis is after
        await until(pilot, lambda: anomalies.generation > 0 and anomalies.board is not None, "re-scoring")

        await assert_every_view_shows(pilot, after, throttles)
        assert expected_counts(after, calm.arn) != expected_counts(before, calm.arn)


async def test_a_suppression_changes_the_counts_in_every_view(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("USER", "auditor")
    target = next(
        f for f in analysis.findings if f.rule.id == "config.no-tracing" and f.severity in TABLE_SEVERITIES
    )
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for key in ("2", "1"):  # built from the analysis before the suppression
            await show(pilot, key)
        functions = app.screen
        assert isinstance(functions, FunctionsScreen)
        before = function_counts(functions, target.resource)
        await suppress_from_posture(pilot, target, "sampled_elsewhere")

        after = app.analysis
        assert after is not analysis and after is not None and after.suppressed == 1
        assert [n.message for n in app._notifications][-1].startswith("suppressed; 1 suppressed in all")
        suppressed = next(f for f in after.findings if f.id == target.id)
        assert suppressed.suppression is not None
        await assert_every_view_shows(pilot, after, suppressed)
        await show(pilot, "1")
        assert isinstance(app.screen, FunctionsScreen)
        lowered = list(before)
        lowered[TABLE_SEVERITIES.index(target.severity)] -= 1
        assert function_counts(app.screen, target.resource) == lowered


async def test_a_failed_worker_is_reported_once_by_the_app(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("USER", "auditor")

    def refuse(path: Path, _suppression: object) -> Settings:
        raise LambdascopeError(f"{path}: cannot write [b]here[/b]")

    monkeypatch.setattr("tui.screens.posture.save_suppression", refuse)
    target = next(f for f in analysis.findings if f.rule.id == "config.no-tracing")
    app = create_app(analysis=analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await suppress_from_posture(pilot, target, "reason")
        assert app.is_running and app.screen is screen
        assert app.analysis is analysis and screen.analysis is analysis
        notes = list(app._notifications)
        assert [n.title for n in notes] == ["Not suppressed"]
        assert notes[0].message.endswith("cannot write [b]here[/b]") and not notes[0].markup


def _refreshed(analysis: Analysis) -> Analysis:
    update = storm_refresh(analysis.estate)
    return analysis.with_metrics(update)


def test_a_change_computed_while_another_landed_is_replayed(analysis: Analysis) -> None:
    target = next(f for f in analysis.findings if f.rule.id == "config.no-tracing")
    settings = Settings(suppressions=(Suppression(target.rule.id, "r", "a", target.resource),))
    suppressed = analysis.with_settings(settings)
    refreshed = _refreshed(analysis)
    # the suppression lands after the refresh: the refreshed estate keeps it
    kept = AnalysisChanged(suppressed, analysis).replayed_on(refreshed)
    assert kept.estate is refreshed.estate and kept.settings is settings and kept.suppressed == 1
    # the refresh lands after the suppression: the suppression stays in force
    kept = AnalysisChanged(refreshed, analysis).replayed_on(suppressed)
    assert kept.estate is refreshed.estate and kept.settings is settings and kept.suppressed == 1
    # nothing landed in between: the change as it was computed
    assert AnalysisChanged(refreshed, analysis).replayed_on(analysis) is refreshed


def test_open_reads_the_snapshot_once(snapshot_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    real = load_snapshot

    def counting(path: Path) -> Snapshot:
        reads.append(Path(path))
        return real(path)

    seen: dict[str, Any] = {}

    class _App:
        return_code = 0

        def run(self) -> None:
            return None

    def fake_create_app(path: Path, **kwargs: Any) -> _App:
        seen.update(kwargs, path=path)
        return _App()

    monkeypatch.setattr("estate.snapshot.load_snapshot", counting)
    monkeypatch.setattr(tui.app, "load_snapshot", counting)
    monkeypatch.setattr(tui.app, "create_app", fake_create_app)
    assert cli.main(["open", str(snapshot_path), "--as-of", TODAY.isoformat()]) == 0
    assert reads == [snapshot_path]  # once, by the CLI; the app is handed what it read
    assert seen["path"] == snapshot_path and isinstance(seen["snapshot"], Snapshot)


async def test_a_loaded_snapshot_is_analysed_not_read_again(
    snapshot_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = load_snapshot(snapshot_path)

    def never(path: Path) -> Snapshot:
        raise AssertionError(f"read {path} again")

    monkeypatch.setattr(tui.app, "load_snapshot", never)
    app = create_app(snapshot_path, snapshot=snapshot, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.analysis is not None and isinstance(app.screen, FunctionsScreen)
        assert app.analysis.estate.manifest.created_at == snapshot.manifest.created_at


def test_bad_snapshot_fails_before_the_tui(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.lsnap"
    bad.write_bytes(b"not a zip")
    assert cli.main(["open", str(bad)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("lambdascope: error:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_change_arrives_indexed_by_resource_and_so_does_an_analysis_given_to_the_app(
    demo_analysis: Analysis,
) -> None:
    """Indexed where it was made (a metrics refresh's worker thread, or before the app runs),
    so no pane builds the index on the UI thread."""
    fresh = demo_analysis.with_settings(Settings())
    assert fresh.resource_index is None
    assert AnalysisChanged(fresh, demo_analysis).analysis.resource_index is not None
    given = demo_analysis.with_settings(Settings())
    create_app(analysis=given, today=TODAY)
    assert given.resource_index is not None
