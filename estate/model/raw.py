"""Helpers that read raw AWS responses as the snapshot stores them (JSON-normalised dicts).

Every parser in estate/model reads responses through these, so "what does an error record look
like" and "which AWS tag shape is this" are answered once. Stdlib only: any module of the model
may import it without creating an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

PolicyJSON = Mapping[str, Any]


class _Key(Protocol):
    @property
    def account(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any]: ...


class RawRecord(Protocol):
    """What these helpers read of a snapshot record (estate.snapshot.Record has it)."""

    @property
    def key(self) -> _Key: ...
    @property
    def response(self) -> Any: ...


# JSON's other types: never a Mapping, answered without the ABC's check (60,000 asks at 10k functions)
_NOT_MAPPINGS = frozenset({str, list, int, float, bool, type(None)})


def is_mapping(value: Any) -> bool:
    """`isinstance(value, Mapping)`, answering the values JSON gives without the ABC's slower check
    (the model asks about 300,000 times at 10,000 functions)."""
    kind = type(value)
    return kind is dict or (kind not in _NOT_MAPPINGS and isinstance(value, Mapping))


def error_code(response: Any) -> str | None:
    """The error code of a stored failure (`{"Error": {"Code": ...}}`), else None."""
    if type(response) is dict:  # the common case, in one look-up: 90,000 asks at 10k functions
        error = response.get("Error")
        if error is None:
            return None
    elif is_mapping(response):
        error = response.get("Error")
    else:
        return None
    return str(error.get("Code", "Error")) if is_mapping(error) else None


def index_responses(
    records: Iterable[RawRecord], *params: str
) -> dict[tuple[str, str, tuple[str, ...]], list[Any]]:
    """Responses by (account, region, the named request params as text): one pass, for lookups."""
    out: dict[tuple[str, str, tuple[str, ...]], list[Any]] = {}
    for record in records:
        key = record.key
        values = key.params
        where = (key.account, key.region, tuple([str(values.get(p, "")) for p in params]))
        found = out.get(where)
        if found is None:
            out[where] = [record.response]
        else:
            found.append(record.response)
    return out


def first_responses(
    records: Iterable[RawRecord], *params: str
) -> dict[tuple[str, str, tuple[str, ...]], Any]:
    """`index_responses` keeping only the first response of each key (single-answer reads)."""
    out: dict[tuple[str, str, tuple[str, ...]], Any] = {}
    for record in records:
        key = record.key
        values = key.params
        where = (key.account, key.region, tuple([str(values.get(p, "")) for p in params]))
        if where not in out:
            out[where] = record.response
    return out


def response_state(response: Any) -> str:
    """present (an answer), absent (a not-found fact) or unknown (never read)."""
    if response is None:
        return "unknown"
    return "absent" if error_code(response) else "present"


def tag_map(tags: Any) -> dict[str, str]:
    """Tags as a dict, from either AWS shape: [{"Key": k, "Value": v}, ...] or {k: v}."""
    if isinstance(tags, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags or ():
        if isinstance(tag, Mapping) and "Key" in tag:
            out[str(tag["Key"])] = str(tag.get("Value", "") or "")
    return out


def arn_account(arn: str) -> str | None:
    """The account field of an ARN, None when it has none (S3 bucket ARNs, malformed text)."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4] else None
