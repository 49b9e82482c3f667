"""The findings report made from an analysis cache entry without the analysis: `cached_report`
settles the entry's findings under the current settings (overrides, suppressions) as the
analysis itself would, so a cached report equals an uncached one, format by format. (The entry
itself, `CachedAnalysis`, is in tui/cache/entry.py, shared with the app.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from analyzers.findings.model import Finding
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import settle
from analyzers.findings.triage import collected_at
from analyzers.gc_pause import cyclic_gc_paused
from tui.cache.entry import CachedAnalysis
from tui.cache.finding_text import Text
from tui.cli.reports import FindingsReport

__all__ = ["CachedAnalysis", "cached_report"]


def cached_report(
    cached: CachedAnalysis, settings: Settings, today: dt.date, evidence: bool = True
) -> FindingsReport:
    """The report of a cached analysis under `settings`, equal to the one of the analysis itself.

    With `evidence=False` (the JSON and CSV formats), a finding the settings leave as the rules
    emitted it brings its cached text, its evidence never parsed; a re-rated or suppressed one is
    printed from its settled self (its evidence parsed to add the note).
    """
    settings.check_rules(rule.id for rule in cached.rules)  # the error `analyze` would raise
    with cyclic_gc_paused():
        collected = collected_at(cached.snapshot.get("created_at"))
        settled = settle(cached.raw_findings, settings, today, collected)
        texts = [] if evidence else _cached_texts(cached, settled.findings)
    return FindingsReport(
        snapshot=cached.snapshot,
        functions=cached.functions,
        today=today,
        rules=cached.rules,
        findings=settled.findings,
        config=settings.source,
        triage_file=settings.triage.read_from,
        expired_suppressions=settled.expired,
        unused_suppressions=settled.unused,
        texts=texts,
    )


def _cached_texts(cached: CachedAnalysis, settled: Sequence[Finding]) -> list[Text | None]:
    """Each settled finding's cached text if no setting touched it, else None. Every settling
    step passes an untouched finding on as the very object it was given (and sorting only moves
    them), so identity tells them apart: a raw finding is alive as long as `cached` is, so no
    other object can share its id."""
    index = {id(finding): i for i, finding in enumerate(cached.raw_findings)}
    texts = cached.texts
    return [None if (i := index.get(id(f))) is None else texts[i] for f in settled]
