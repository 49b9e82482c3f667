"""`lambdascope findings` through the analysis cache (tui/cache/store.py): the report from the
cached analysis when there is one, else from a fresh analysis, which is then cached.

The store, its key and its trust rules live in tui/cache (shared with the app); the names the
CLI and its tests use are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analyzers.findings.settings import Settings
from tui.cache.store import (
    CACHE_FORMAT,
    CODE_PACKAGES,
    ENV_DIR,
    SIZE_LIMIT,
    AnalysisCache,
    EntryKey,
    code_fingerprint,
    default_directory,
    key_for,
    rule_settings,
    snapshot_digest,
    worth_caching,
)
from tui.cli.cached_analysis import CachedAnalysis, cached_report
from tui.cli.reports import FindingsReport

__all__ = [
    "CACHE_FORMAT",
    "CODE_PACKAGES",
    "ENV_DIR",
    "SIZE_LIMIT",
    "AnalysisCache",
    "EntryKey",
    "code_fingerprint",
    "default_directory",
    "findings_report",
    "key_for",
    "rule_settings",
    "snapshot_digest",
]


def findings_report(
    path: Path,
    today: dt.date | None,
    settings: Settings,
    use_cache: bool = True,
    evidence: bool = True,
    workers: int = 1,
) -> FindingsReport:
    """The snapshot's findings under `settings`, as `lambdascope findings` prints them: from the
    cache when it holds this snapshot's analysis (then neither the estate model nor the graph is
    built), else analysed (`workers` processes for the access stage), and the analysis cached.
    `today` None: today's date for date rules (and the cache key), the snapshot's own time for
    time-bound conditions; a day moves both. `evidence=False`: see `cached_report`."""
    as_of = today  # None: date rules on today, time-bound IAM conditions at the snapshot's time
    today = today or dt.datetime.now(dt.UTC).date()  # the day `analyze` would pick
    cache = AnalysisCache() if use_cache else None
    key = key_for(path, today, settings, as_of is not None) if cache is not None else None
    cached = cache.load(key) if cache is not None and key is not None else None
    if cached is not None:
        return cached_report(cached, settings, today, evidence)
    from analyzers.analysis import analyze_snapshot
    from estate.snapshot import load_snapshot

    analysis = analyze_snapshot(load_snapshot(path), today=as_of, settings=settings, workers=workers)
    if cache is None or key is None or not worth_caching(len(analysis.raw_findings)):
        return FindingsReport.of(analysis)  # streamed from the findings, no texts held
    entry = CachedAnalysis.of(analysis)
    if key_for(path, today, settings, as_of is not None) == key:  # the file was not replaced meanwhile
        cache.store(key, entry)
    # the findings' texts are made once, for the entry and for this report
    return FindingsReport.of(analysis) if evidence else cached_report(entry, settings, today, evidence)
