"""Condensing the coverage log for the manifest: one entry per account, region, operation and
outcome, with a count, instead of one per resource (5,000 functions denied GetPolicy is one gap
"... (5000 times)", not 5,000 lines)."""

from __future__ import annotations

from collections.abc import Iterable

from estate.snapshot import CoverageEntry

_MAX_DETAIL = 500


def condense(entries: Iterable[CoverageEntry]) -> tuple[CoverageEntry, ...]:
    grouped: dict[tuple[str, str, str, str, str], list[str]] = {}
    for entry in entries:
        key = (entry.account, entry.region, entry.service, entry.operation, entry.status)
        grouped.setdefault(key, []).append(entry.detail)
    out = []
    for key in sorted(grouped):
        details = grouped[key]
        distinct = list(dict.fromkeys(d for d in details if d))
        detail = "; ".join(distinct)
        if len(detail) > _MAX_DETAIL:
            detail = detail[: _MAX_DETAIL - 1] + "…"
        if key[4] != "ok" and len(details) > 1:
            detail = f"{detail} ({len(details)} times)"
        out.append(CoverageEntry(*key, detail=detail))
    return tuple(out)
