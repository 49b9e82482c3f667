"""The findings report made from an analysis cache entry without the analysis: `cached_report`
settles the entry's findings under the current settings (overrides, suppressions) as the
analysis itself would, so a cached report equals an uncached one, format by format. (The entry
itself, `CachedAnalysis`, is in tui/cache/entry.py, shared with the app.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from analyzers.findings.model import Finding, sort_findings
from analyzers.findings.settings import Settings
from analyzers.findings.suppressions import (
    SuppressionOutcome,
    apply_severity_overrides,
    apply_suppressions,
    settle,
)
from analyzers.findings.triage import apply_triage, collected_at
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
    emitted it stays bare and brings its cached text; a re-rated or suppressed one is settled
    again from its parsed text, alone (both settling steps treat each finding on its own).
    """
    settings.check_rules(rule.id for rule in cached.rules)  # the error `analyze` would raise
    with cyclic_gc_paused():
        if evidence:
            collected = collected_at(cached.snapshot.get("created_at"))
            settled = settle(cached.raw_findings, settings, today, collected)
            texts: list[Text | None] = []
        else:
            settled, texts = _settled_bare(cached, settings, today)
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


def _settled_bare(
    cached: CachedAnalysis, settings: Settings, today: dt.date
) -> tuple[SuppressionOutcome, list[Text | None]]:
    """`settle` over the bare findings, each result traced back to its raw finding by
    identity (every step maps one finding to one, and sorting only moves them): an untouched one
    keeps its cached text; a changed one is settled again with its evidence, and printed from it."""
    rated = apply_severity_overrides(cached.bare, settings.severity_overrides)
    position = {id(finding): index for index, finding in enumerate(rated)}
    ordered = sort_findings(rated)
    collected = collected_at(cached.snapshot.get("created_at"))
    outcome = apply_suppressions(ordered, settings.suppressions, today)
    triaged = apply_triage(outcome.findings, settings.triage, collected)
    outcome = dataclasses.replace(outcome, findings=triaged)
    findings: list[Finding] = []
    texts: list[Text | None] = []
    for before, after in zip(ordered, outcome.findings, strict=True):
        index = position[id(before)]
        if after is cached.bare[index]:
            findings.append(after)
            texts.append(cached.texts[index])
        else:
            findings.append(settle([cached.finding(index)], settings, today, collected).findings[0])
            texts.append(None)
    return dataclasses.replace(outcome, findings=findings), texts
