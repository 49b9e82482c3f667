"""A finding's text in the findings JSON document: what `lambdascope findings --format json`
prints for it, and what an analysis cache entry keeps of it (so a cache hit copies texts instead
of re-serialising 100,000 findings). Kept here, below both the CLI's reports and the cache, so
the app can fill and read the cache without importing the CLI."""

from __future__ import annotations

import json

import orjson

from analyzers.findings.model import Finding

Text = bytes | memoryview  # a finding's JSON text: made here, or a view into an analysis cache entry


def finding_text(finding: Finding) -> bytes:
    """One finding as the findings document holds it: `json.dumps(finding.to_json(), indent=2,
    ensure_ascii=True)`, indented for its place in the list (ASCII only).

    orjson writes it where the two agree; on anything but plain ASCII or on DEL (orjson writes
    both raw, json escapes them), or on a value orjson does not take, json.dumps writes it.
    orjson spells floats between 1e-9 and 1e-4 without an exponent (0.00001, not 1e-05: the same
    number, parsed) and NaN or infinity, which are not JSON, as null (json.dumps: NaN)."""
    data = finding.to_json()
    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2)
        plain = text.isascii() and b"\x7f" not in text
    except (TypeError, orjson.JSONEncodeError):
        plain = False
    if not plain:
        text = json.dumps(data, indent=2, ensure_ascii=True).encode("ascii")
    return text.replace(b"\n", b"\n    ")
