"""Re-opening a snapshot in the app through the analysis cache (issue 13 point 4).

A cached entry fills every findings view without the rules running, the views that need the
whole graph wait while it is built (the stage named), and then open on the complete analysis;
an entry that is not ours (tampered with, or written under another key) is never shown: the app
analyses afresh and rebuilds it. `--no-cache` (use_cache=False) neither reads nor writes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import analyzers.analysis as analysis_module
import tui.viewmodels.cached_open as cached_open
from analyzers.analysis import Analysis
from estate.graph.builder import invokers_of
from tests.tui.conftest import SIZE, TODAY
from tests.tui.held_analysis import HeldAnalysis, until
from tests.tui.helpers import screen_text
from tui.app import LambdascopeApp, create_app
from tui.cache.entry import CachedAnalysis
from tui.cache.store import AnalysisCache
from tui.screens.analysis_pending import AnalysisPendingScreen
from tui.screens.detail import FunctionDetailScreen
from tui.screens.findings import FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.screens.posture import PostureScreen
from tui.screens.reach import ReachScreen
from tui.viewmodels.cached_findings import CachedFindings
from tui.viewmodels.cached_open import CacheSlot
from tui.viewmodels.summary import summarise_functions
from tui.widgets.invoker_card import InvokerCard
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui

COUNTS = slice(5, 9)  # the C H M L columns of the functions table
INVOKERS = 3


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of this test's own, under a fixed local key and code fingerprint (the checkout's
    files may change while tests run: an expected hit must not become a miss)."""
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("estate.secrets.hash_key", lambda: b"tui-test-local-key")
    monkeypatch.setattr("tui.cache.store.code_fingerprint", lambda: "tui-test-code")
    return tmp_path / "cache" / "analysis"


class Analyses:
    """Counts the fresh analyses the app runs (`analyze`), or refuses them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, refuse: bool) -> None:
        self.calls = 0
        original = analysis_module.analyze

        def counted(*args: Any, **kwargs: Any) -> Analysis:
            self.calls += 1
            if refuse:
                raise AssertionError("the app analysed although the cache holds the analysis")
            return original(*args, **kwargs)

        monkeypatch.setattr(analysis_module, "analyze", counted)


def _slot(snapshot_path: Path) -> CacheSlot:
    slot = CacheSlot.of(snapshot_path, TODAY, None)
    assert slot is not None
    return slot


def _counts(table: ResourceTable) -> dict[str, tuple[str, ...]]:
    return {row.key: tuple(cell.plain for cell in row.cells[COUNTS]) for row in table.visible_rows}


def _expected_counts(analysis: Analysis) -> dict[str, tuple[str, ...]]:
    return {
        s.function.arn: tuple(str(n) if n else "·" for n in s.counts) for s in summarise_functions(analysis)
    }


def _invokers(table: ResourceTable) -> dict[str, str]:
    return {row.key: row.cells[INVOKERS].plain for row in table.visible_rows}


def _expected_invokers(analysis: Analysis) -> dict[str, str]:
    return {s.function.arn: s.invokers_label for s in summarise_functions(analysis)}


@pytest.fixture
def held_graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldAnalysis]:
    """The graph built behind the cached findings, held at its `access` stage until released."""
    held = HeldAnalysis()
    monkeypatch.setattr(cached_open, "add_access_edges", held.wrap(cached_open.add_access_edges))
    try:
        yield held
    finally:
        held.release()


def _findings_first(app: LambdascopeApp, held: HeldAnalysis) -> bool:
    """The app shows the cached findings; the graph behind them is held at its access stage."""
    return app.analysis is not None and held.reached.is_set()


def _ids(analysis: Analysis | None) -> list[tuple[str, str, str]]:
    assert analysis is not None
    return [(f.id, f.severity.value, f.status) for f in analysis.findings]


async def test_a_cached_entry_fills_the_panes_without_the_analysis(
    snapshot_path: Path, analysis: Analysis, held_graph: HeldAnalysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _slot(snapshot_path).store(analysis)
    analyses = Analyses(monkeypatch, refuse=True)
    app = create_app(snapshot_path, today=TODAY, use_cache=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: _findings_first(app, held_graph), "the cached findings")
        assert app.building is not None and app.building.stage == "access"
        shown = app.analysis
        assert shown is not None and shown.iam is None  # the graph is still being built
        assert isinstance(shown, CachedFindings) and shown.graph.number_of_nodes() == 0
        assert _ids(shown) == _ids(analysis)
        screen = app.screen
        assert isinstance(screen, FunctionsScreen)
        assert _counts(screen.table) == _expected_counts(analysis)
        # who invokes each function, from the entry: as the complete analysis's graph says
        invokers = _invokers(screen.table)
        assert invokers == _expected_invokers(analysis)
        assert any(label.startswith("internet") for label in invokers.values())
        assert any(label == "–" for label in invokers.values())
        text = screen_text(app)
        assert f"{len(analysis.findings)} findings" in text and "analysing: access" in text

        await pilot.press("F")  # the findings, every one, from the cache
        assert isinstance(app.screen, FindingsScreen)
        assert app.screen.query_one(ResourceTable).row_count == len(analysis.findings)
        await pilot.press("o")  # Posture reads findings only
        assert isinstance(app.screen, PostureScreen)
        for key in ("e", "i", "a"):  # reachability, IAM, anomalies need the whole graph
            await pilot.press(key)
            assert isinstance(app.screen, AnalysisPendingScreen), key
            assert "the whole graph" in screen_text(app) and "analysing: access" in screen_text(app)

        await pilot.press("e")
        held_graph.release()
        await until(pilot, lambda: app.building is None, "the graph built")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReachScreen)  # the waiting view opened in place
        complete = app.analysis
        assert complete is not None and complete.iam is not None
        assert _ids(complete) == _ids(analysis)
        assert sorted(complete.graph.edges(keys=True)) == sorted(analysis.graph.edges(keys=True))
        assert "analysing" not in screen_text(app)
    assert analyses.calls == 0 and not held_graph.timed_out


async def test_a_function_opened_while_the_graph_is_built_names_its_invokers_then_shows_them(
    snapshot_path: Path, analysis: Analysis, held_graph: HeldAnalysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detail counts the invokers from the entry and says the grants come with the graph;
    once it is built, the same screen shows every invoker's card."""
    assert _slot(snapshot_path).store(analysis)
    Analyses(monkeypatch, refuse=True)
    public = next(s for s in summarise_functions(analysis) if s.public)
    app = create_app(snapshot_path, today=TODAY, use_cache=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: _findings_first(app, held_graph), "the cached findings")
        screen = app.screen
        assert isinstance(screen, FunctionsScreen)
        screen.open_row(public.function.arn)
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        text = screen_text(app)
        assert f"{public.invoker_count} invoker(s) (the internet among them)" in text
        assert "once the graph is built" in text
        assert "analysing: access" in text
        held_graph.release()
        await until(pilot, lambda: app.building is None, "the graph built")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FunctionDetailScreen)
        text = screen_text(app)
        assert "once the graph is built" not in text
        assert f"Who can invoke it and why ({len(invokers_of(analysis.graph, public.function.arn))})" in text
        assert len(app.screen.query(InvokerCard)) == len(invokers_of(analysis.graph, public.function.arn))


async def test_a_suppression_made_while_the_graph_is_built_is_kept(
    snapshot_path: Path, analysis: Analysis, held_graph: HeldAnalysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The complete analysis arrives under the settings in force, not those it started with."""
    from analyzers.findings.model import Suppression
    from tui.messages import AnalysisChanged

    assert _slot(snapshot_path).store(analysis)
    Analyses(monkeypatch, refuse=True)
    app = create_app(snapshot_path, today=TODAY, use_cache=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: _findings_first(app, held_graph), "the cached findings")
        base = app.analysis
        assert base is not None
        target = base.findings[0]
        settings = dataclasses.replace(
            base.settings, suppressions=(Suppression(target.rule.id, "accepted", "alice", target.resource),)
        )
        app.post_message(AnalysisChanged(base.with_settings(settings), base))
        await until(pilot, lambda: app.analysis is not base, "the suppression adopted")
        held_graph.release()
        await until(pilot, lambda: app.building is None, "the graph built")
        await pilot.app.workers.wait_for_complete()
        complete = app.analysis
        assert complete is not None and complete.iam is not None
        assert complete.settings == settings and complete.suppressed >= 1


def _tamper(cache: AnalysisCache, key_name: str) -> None:
    """Flip one byte in the stored entry (its MAC no longer matches)."""
    blob = cache._read(key_name)
    assert isinstance(blob, bytes)
    flipped = bytearray(blob)
    flipped[len(flipped) // 2] ^= 0x01
    with cache._open() as store:
        store.set(key_name, bytes(flipped))


def _forged(analysis: Analysis) -> CachedAnalysis:
    """An entry claiming the snapshot has no critical or high finding."""
    kept = tuple(f for f in analysis.raw_findings if f.severity.rank < 3)
    return CachedAnalysis.of(dataclasses.replace(analysis, raw_findings=kept))


@pytest.mark.parametrize("how", ["tampered", "foreign key"])
async def test_an_entry_that_is_not_ours_is_ignored_and_rebuilt(
    snapshot_path: Path, analysis: Analysis, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    slot = _slot(snapshot_path)
    if how == "tampered":
        assert slot.store(analysis)
        _tamper(slot.cache, slot.key.store_key())
    else:  # written under another local key, with forged findings
        assert AnalysisCache(key=b"someone else's key").store(slot.key, _forged(analysis))
    assert slot.cache.load(slot.key) is None
    analyses = Analyses(monkeypatch, refuse=False)
    app = create_app(snapshot_path, today=TODAY, use_cache=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.analysis is not None, "the analysis")
        await pilot.app.workers.wait_for_complete()
        assert app.building is None and app.analysis is not None and app.analysis.iam is not None
        assert _ids(app.analysis) == _ids(analysis)
    assert analyses.calls == 1
    rebuilt = slot.cache.load(slot.key)  # the miss stored a good entry in its place
    assert rebuilt is not None
    assert [f.id for f in rebuilt.raw_findings] == [f.id for f in analysis.raw_findings]


async def test_no_cache_neither_reads_nor_writes(
    snapshot_path: Path, analysis: Analysis, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyses = Analyses(monkeypatch, refuse=False)
    for use_cache in (False, True, False):
        app = create_app(snapshot_path, today=TODAY, use_cache=use_cache)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda app=app: app.analysis is not None, "the analysis")
            await pilot.app.workers.wait_for_complete()
            assert _ids(app.analysis) == _ids(analysis)
        if not use_cache and analyses.calls == 1:
            assert not cache_dir.exists()  # the first open, without the cache, kept nothing
    # analysed every time: the entry the second open stored is not read by the third
    assert analyses.calls == 3
    assert _slot(snapshot_path).cache.load(_slot(snapshot_path).key) is not None


async def test_a_miss_is_cached_for_the_next_open(
    snapshot_path: Path, analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyses = Analyses(monkeypatch, refuse=False)
    for _ in range(2):
        app: LambdascopeApp = create_app(snapshot_path, today=TODAY, use_cache=True)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda app=app: app.analysis is not None, "the analysis")
            await pilot.app.workers.wait_for_complete()
            await until(pilot, lambda app=app: app.building is None, "the graph built")
            await pilot.app.workers.wait_for_complete()
            assert _ids(app.analysis) == _ids(analysis)
    assert analyses.calls == 1  # the second open read what the first stored
