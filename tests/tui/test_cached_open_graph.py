"""The app's open from the analysis cache builds what `analyze` builds (tui/viewmodels/cached_open.py
repeats its graph stages without the rules): the same graph, IAM analysis and anomaly scoring,
the same findings; and an entry of another snapshot is never taken for this one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analyzers.analysis import STAGES, Analysis
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from tests.tui.conftest import TODAY
from tui.cache.entry import CachedAnalysis
from tui.viewmodels.cached_findings import findings_first
from tui.viewmodels.cached_open import CacheSlot, with_graph
from tui.viewmodels.loading import ANALYSIS_STAGES, CACHED_STAGES


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("estate.secrets.hash_key", lambda: b"tui-test-local-key")
    monkeypatch.setattr("tui.cache.store.code_fingerprint", lambda: "tui-test-code")
    return tmp_path / "cache" / "analysis"


def test_the_progress_line_names_the_analyzers_stages() -> None:
    assert ANALYSIS_STAGES == STAGES  # named in tui/viewmodels/loading.py to paint without them
    assert set(CACHED_STAGES[1:]) < set(STAGES)


def test_the_cached_open_builds_what_the_analysis_builds(snapshot_path: Path, analysis: Analysis) -> None:
    estate = load_estate(load_snapshot(snapshot_path))
    entry = CachedAnalysis.of(analysis)
    first = findings_first(estate, entry, TODAY, None)
    assert first.findings == analysis.findings
    assert first.iam is None and first.anomalies is None
    invokes = {(u, v) for u, v, k in analysis.graph.edges(keys=True) if k == "invokes"}
    assert {(u, v) for u, v, k in first.graph.edges(keys=True) if k == "invokes"} == invokes
    stages: list[str] = []
    complete = with_graph(first, TODAY, lambda stage, _done, _total: stages.append(stage))
    assert stages == list(CACHED_STAGES[1:])
    assert complete.findings == analysis.findings and complete.raw_findings == analysis.raw_findings
    assert sorted(complete.graph.nodes) == sorted(analysis.graph.nodes)
    assert sorted(complete.graph.edges(keys=True)) == sorted(analysis.graph.edges(keys=True))
    assert complete.iam is not None and analysis.iam is not None
    assert complete.iam.model.actors.keys() == analysis.iam.model.actors.keys()
    assert complete.anomalies == analysis.anomalies
    assert complete.graph is not first.graph  # the one on show is never written to


def test_an_entry_of_another_estate_is_not_taken(snapshot_path: Path, analysis: Analysis) -> None:
    slot = CacheSlot.of(snapshot_path, TODAY, None)
    assert slot is not None
    estate = load_estate(load_snapshot(snapshot_path))
    other = dataclasses.replace(analysis.estate.manifest, created_at="2020-01-01T00:00:00+00:00")
    assert slot.cache.store(slot.key, CachedAnalysis.of(analysis))
    assert slot.load(estate) is not None
    moved = dataclasses.replace(analysis, estate=dataclasses.replace(analysis.estate, manifest=other))
    assert slot.cache.store(slot.key, CachedAnalysis.of(moved))
    assert slot.load(estate) is None  # same key, but not this estate's manifest


def test_the_app_keeps_no_entry_for_an_analysis_with_too_many_findings(
    snapshot_path: Path, analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot = CacheSlot.of(snapshot_path, TODAY, None)
    assert slot is not None
    monkeypatch.setattr("tui.cache.store.MAX_FINDINGS", len(analysis.raw_findings) - 1)
    assert not slot.store(analysis) and slot.cache.load(slot.key) is None
    monkeypatch.setattr("tui.cache.store.MAX_FINDINGS", len(analysis.raw_findings))
    assert slot.store(analysis) and slot.cache.load(slot.key) is not None


def test_the_cached_findings_are_shown_without_loading_the_analyzers(tmp_path: Path) -> None:
    """What the app runs before the cached findings are drawn (the entry read back, settled,
    the functions table's summaries) loads no analyzer: loading them took 0.3 s of the second a
    re-open at 10,000 functions may take. They load after, to build the graph."""
    import os
    import subprocess
    import sys

    from tests.paths import DEMO_SNAPSHOT, ROOT, analysed_demo

    key = {"test": "imports"}
    entry = tmp_path / "entry"
    entry.write_bytes(b"".join(CachedAnalysis.of(analysed_demo()).payload(key)))
    probe = (
        "import sys\n"
        "from estate.model.load import load_estate\n"
        "from estate.snapshot import load_snapshot\n"
        "from tui.cache.entry import CachedAnalysis\n"
        "from tui.viewmodels.cached_findings import findings_first\n"
        "from tui.viewmodels.summary import summarise_functions\n"
        f"estate = load_estate(load_snapshot({str(DEMO_SNAPSHOT)!r}))\n"
        f"entry = CachedAnalysis.from_payload(open({str(entry)!r}, 'rb').read(), {key!r})\n"
        f"first = findings_first(estate, entry, __import__('datetime').date(2026, 11, 1), None)\n"
        "rows = summarise_functions(first)\n"
        "assert rows and any(r.invoker_count for r in rows) and first.findings\n"
        "print('\\n'.join(sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    assert "analyzers.analysis_result" in loaded
    heavy = (
        "analyzers.analysis",
        "analyzers.reach",
        "analyzers.iam",
        "analyzers.config",
        "analyzers.anomaly",
    )
    assert not {m for m in loaded if m == heavy[0] or m.startswith(heavy[1:])}
    assert not {m for m in loaded if m.split(".")[0] in ("numpy", "policy_sentry", "textual")}
