"""Where the app finds (or keeps) one snapshot file's analysis: `CacheSlot`, the store and the
entry's key, with the same key as `lambdascope findings`, so either fills the entry the other
reads. Light to import (no analyzers but the findings model): the app's load worker looks the
snapshot up and reads its entry while the first view paints, before the analyzers are loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from analyzers.findings.settings import Settings
from tui.cache.entry import CachedAnalysis
from tui.cache.store import AnalysisCache, EntryKey, Verified, key_for, worth_caching

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from estate.model import Estate


@dataclass(frozen=True)
class CacheSlot:
    """Where a snapshot's analysis is (or will be) cached: the store and the entry's key."""

    cache: AnalysisCache
    key: EntryKey
    path: Path

    @classmethod
    def of(cls, path: Path, today: dt.date | None, settings: Settings | None) -> CacheSlot | None:
        """The slot of the snapshot file at `path`, analysed as of `today` (None: today's date
        for date rules, the snapshot's own time for time-bound conditions, as `analyze` and
        `lambdascope findings` take it); None if the file cannot be read."""
        day = today or dt.datetime.now(dt.UTC).date()
        key = key_for(path, day, settings or Settings(), today is not None)
        return None if key is None else cls(AnalysisCache(), key, path)

    def fetch(self) -> Verified | None:
        """The entry's bytes, MAC checked (see `AnalysisCache.fetch`), or None."""
        return self.cache.fetch(self.key)

    def load(self, estate: Estate, verified: Verified | None = None) -> CachedAnalysis | None:
        """The cached analysis of `estate` (from `verified`, else read now), if the store holds
        one for this key and it is this estate's: same manifest, same functions (the file may
        have been replaced between the read and the look-up)."""
        verified = verified or self.fetch()
        entry = self.cache.parse(self.key, verified) if verified is not None else None
        if entry is None or entry.functions != len(estate.functions):
            return None
        if entry.snapshot != orjson.loads(orjson.dumps(estate.manifest.summary())):
            return None
        return entry

    def store(self, analysis: Analysis) -> bool:
        """Keep `analysis` for the next open; not if the file changed since it was keyed (the
        analysis may be of the old one)."""
        if not worth_caching(len(analysis.raw_findings)):
            return False
        if key_for(self.path, self.key.today, analysis.settings, self.key.as_of) != self.key:
            return False
        return self.cache.store(self.key, CachedAnalysis.of(analysis))
