"""A finding's text in the findings JSON document: what `lambdascope findings --format json`
prints for it, and what an analysis cache entry keeps of it (so a cache hit copies texts instead
of re-serialising 100,000 findings). Kept here, below both the CLI's reports and the cache, so
the app can fill and read the cache without importing the CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence

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
    return _text_of(finding.to_json())


def _text_of(data: dict[str, object]) -> bytes:
    """`finding_text` of a finding's `to_json()`."""
    text = _plain_json(data)
    if text is None:
        text = json.dumps(data, indent=2, ensure_ascii=True).encode("ascii")
    return text.replace(b"\n", b"\n    ")


def _plain_json(data: object) -> bytes | None:
    """orjson's indented text of `data` where it is what json.dumps(..., indent=2,
    ensure_ascii=True) writes (plain ASCII, no DEL); None where it is not, or orjson refuses."""
    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return None
    return text if text.isascii() and b"\x7f" not in text else None


_BLOCK_HEAD = b'{\n  "findings": [\n    '
_BLOCK_TAIL = b"\n  ]\n}"
SEPARATOR = b",\n    "  # between two findings' texts in the document


def joined_texts(findings: Sequence[Finding]) -> bytes:
    """`SEPARATOR.join(finding_text(f) for f in findings)`, made by one orjson call where every
    text is plain: the findings as a list at the document's depth, already indented there, so
    no text is made, checked and re-indented one by one (at 100,000 functions the JSON is the
    one stage on one core after the analysis). Anything else, text by text."""
    data = [f.to_json() for f in findings]
    text = _plain_json({"findings": data}) if data else None
    if text is None:
        return SEPARATOR.join(_text_of(d) for d in data)
    return text[len(_BLOCK_HEAD) : -len(_BLOCK_TAIL)]
