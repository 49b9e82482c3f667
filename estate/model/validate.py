"""The model's boundary: every raw response is checked against its shape before any parser reads it.

A snapshot or an import may come from someone else, from an older or newer lambdascope, or from an
AWS API that changed; the per-member sha256 proves the bytes arrived intact, not that they have the
shape the parsers rely on. A record that does not validate is left out of the model and becomes a
coverage gap with status "error" and the detail
"malformed response: OPERATION (account/region/params): FIELD: expected X, got Y", exactly as
a refused read would be: the analyses that needed it say "not collected", the rest run as usual.

Cost: one `msgspec.convert` per operation, over all its responses, against a shape of the fields
read (0.15 s of CPU for the 100,000 records of a 10,000-function estate); a snapshot with nothing
malformed is returned as is. Every text a gap quotes from the file is bounded and ASCII (terminal
escapes and other control characters become JSON escapes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import msgspec

from estate.model.shapes import PARAM_SHAPES, SHAPES
from estate.model.shapes.audit import GetMetricDataText
from estate.model.shapes.common import AwareTime
from estate.snapshot import CoverageEntry, Record, Snapshot

MALFORMED = "malformed response"
_PARAMS_SHOWN = 120  # characters of the request parameters a gap's detail quotes
_DETAIL_MAX = 400


@dataclass(frozen=True, slots=True)
class Malformed:
    """One record that failed its shape: where it came from and what was wrong (`field`: `problem`)."""

    record: Record
    field: str
    problem: str

    def detail(self) -> str:
        key = self.record.key
        where = f"{_ascii(key.account)}/{_ascii(key.region)}/{_params_text(key.params)}"
        text = f"{MALFORMED}: {_ascii(key.operation)} ({where}): {_ascii(self.field)}: {self.problem}"
        return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1] + "…"


def _ascii(text: str) -> str:
    """Text from the file as printable ASCII: JSON's escapes without the quotes."""
    return json.dumps(str(text))[1:-1]


def _params_text(params: Any) -> str:
    """The request parameters as one bounded line of ASCII JSON (escape codes stay \\u escapes)."""
    try:
        text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):
        text = repr(params)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= _PARAMS_SHOWN else text[: _PARAMS_SHOWN - 1] + "…"


def explain(exc: msgspec.ValidationError, root: str = "$") -> tuple[str, str]:
    """(field path, "expected X, got Y") from msgspec's "Expected `X`, got `Y` - at `$.path`"."""
    message, _, where = str(exc).partition(" - at `")
    path = where.rstrip("`") or "$"
    if root != "$":
        path = root + path[1:]
    message = message.replace("`", "")
    return path, message[:1].lower() + message[1:]


def check_record(record: Record) -> Malformed | None:
    """The record's first problem against its shape, or None (also for reads the model ignores).
    A stored refusal (`{"Error": {...}}`) fits every shape: no response shape requires a field."""
    key = record.key
    shape = SHAPES.get((key.service, key.operation))
    if shape is None:
        return None
    try:
        msgspec.convert(record.response, shape)
    except msgspec.ValidationError as exc:
        return Malformed(record, *explain(exc))
    params_shape = PARAM_SHAPES.get((key.service, key.operation))
    if params_shape is not None:
        try:
            msgspec.convert(key.params, params_shape)
        except msgspec.ValidationError as exc:
            return Malformed(record, *explain(exc, "params"))
    return None


def split_records(records: Iterable[Record]) -> tuple[list[Record], list[Malformed]]:
    """(the records that validate, the ones that do not), in their order."""
    kept: list[Record] = []
    bad: list[Malformed] = []
    for record in records:
        problem = check_record(record)
        if problem is None:
            kept.append(record)
        else:
            bad.append(problem)
    return kept, bad


def malformed_coverage(bad: Iterable[Malformed]) -> tuple[CoverageEntry, ...]:
    """One "error" coverage entry per account, region and operation, naming its first bad record."""
    grouped: dict[tuple[str, str, str, str], list[Malformed]] = {}
    for item in bad:
        key = item.record.key
        grouped.setdefault((key.account, key.region, key.service, key.operation), []).append(item)
    out = []
    for (account, region, service, operation), items in grouped.items():
        detail = items[0].detail()
        if len(items) > 1:
            detail += f" (and {len(items) - 1} more {operation} record(s))"
        out.append(CoverageEntry(account, region, service, operation, "error", detail))
    return tuple(out)


_METRICS = ("cloudwatch", "GetMetricData")


def _check_metric_times(pages: list[GetMetricDataText]) -> None:
    """Raise msgspec.ValidationError unless every distinct timestamp is an ISO 8601 time with a
    zone (what `GetMetricData`'s strict shape says, for a fraction of the parses)."""
    stamps: set[str] = set().union(
        *[result.Timestamps for page in pages for result in page.MetricDataResults or () if result.Timestamps]
    )
    msgspec.convert(list(stamps), list[AwareTime])


def validated(snapshot: Snapshot) -> Snapshot:
    """The snapshot without its malformed records, each a coverage gap in its manifest; the same
    object when every record validates.

    Each operation's responses are checked in one call (`list[shape]`), so the common case costs
    no Python per record; only an operation that fails is checked record by record, to name them.
    """
    bad: list[Malformed] = []
    for (service, operation), records in snapshot.index().items():
        shape = SHAPES.get((service, operation))
        if shape is None:
            continue
        params_shape = PARAM_SHAPES.get((service, operation))
        responses = [r.response for r in records]
        try:
            if (service, operation) == _METRICS:
                _check_metric_times(msgspec.convert(responses, list[GetMetricDataText]))
            else:
                msgspec.convert(responses, list[shape])  # type: ignore[valid-type]
            if params_shape is not None:
                msgspec.convert([r.key.params for r in records], list[params_shape])  # type: ignore[valid-type]
        except msgspec.ValidationError:
            bad.extend(found for found in map(check_record, records) if found is not None)
    if not bad:
        return snapshot
    dropped = {id(item.record) for item in bad}
    manifest = replace(snapshot.manifest, coverage=(*snapshot.manifest.coverage, *malformed_coverage(bad)))
    return Snapshot(manifest, [r for r in snapshot.records if id(r) not in dropped])
