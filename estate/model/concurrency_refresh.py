"""Fold a re-read of functions' reserved concurrency into an estate (`lambdascope live`).

After `I` (isolate) or `U` (restore) in the TUI, the live refresh re-reads
`lambda:GetFunctionConcurrency` (read-only) for the functions acted on, so their rows show the
state AWS reports rather than what the session believes it did. Only the two concurrency fields
of those functions change; everything else in the estate is kept as it was (the same objects).

The re-read is untrusted like any response: a record of another shape is a gap (the function
keeps what it had), and a refused read (no record) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from estate.model.estate import Estate
from estate.model.raw import response_state
from estate.model.validate import malformed_coverage, split_records
from estate.snapshot import CoverageEntry, Record

OPERATION = ("lambda", "GetFunctionConcurrency")


def reserved_of(response: Any) -> tuple[int | None, str]:
    """(reserved concurrency, state) from one GetFunctionConcurrency response: `present` with the
    value, `absent` (none reserved: the unreserved pool; or a not-found answer), `unknown`."""
    state = response_state(response)
    if state != "present":
        return None, state
    value = response.get("ReservedConcurrentExecutions")
    if value is None:
        return None, "absent"
    if isinstance(value, bool) or not isinstance(value, int):
        return None, "unknown"
    return value, "present"


def merge_concurrency(estate: Estate, records: Iterable[Record]) -> tuple[Estate, tuple[CoverageEntry, ...]]:
    """The estate with the re-read reserved concurrency of the functions the records name (by ARN,
    the `FunctionName` the collector passes), and the gaps of malformed records."""
    kept, malformed = split_records(r for r in records if (r.key.service, r.key.operation) == OPERATION)
    fresh: dict[str, tuple[int | None, str]] = {}
    for record in kept:
        arn = record.key.params.get("FunctionName")
        if isinstance(arn, str):
            fresh[arn] = reserved_of(record.response)
    gaps = tuple(malformed_coverage(malformed))
    changed = False
    functions = []
    for fn in estate.functions:
        value = fresh.get(fn.arn)
        if value is None or value == (fn.reserved_concurrency, fn.reserved_concurrency_state):
            functions.append(fn)
            continue
        changed = True
        functions.append(replace(fn, reserved_concurrency=value[0], reserved_concurrency_state=value[1]))
    if not changed:
        return estate, gaps
    return replace(estate, functions=tuple(functions)), gaps
