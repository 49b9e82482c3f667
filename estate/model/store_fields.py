"""Fields every data store kind reads alike: first answers by resource, classification, resource
policy, tags, account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.model.raw import arn_account, error_code, tag_map
from estate.snapshot import Snapshot


def first_by_param(
    snapshot: Snapshot, service: str, operation: str, param: str
) -> dict[tuple[str, str, str], Any]:
    """The first response per (account, region, param value): one pass over the operation."""
    out: dict[tuple[str, str, str], Any] = {}
    for record in snapshot.responses(service, operation):
        out.setdefault(
            (record.key.account, record.key.region, str(record.key.params.get(param, ""))), record.response
        )
    return out


def classify(tags: Mapping[str, str], tag_key: str) -> str | None:
    """The classification tag's value, lower-cased (the key matched exactly, else ignoring case)."""
    value = tags.get(tag_key)
    if value is None:
        lowered = tag_key.lower()
        value = next((v for k, v in tags.items() if k.lower() == lowered), None)
    value = (value or "").strip().lower()
    return value or None


def policy_of(response: Any, key: str = "Policy") -> tuple[str | None, str]:
    if response is None:
        return None, "unknown"
    if error_code(response):
        return None, "absent"
    text = response.get(key)
    return (str(text), "present") if text else (None, "absent")


def tags_of(response: Any, key: str) -> tuple[dict[str, str], str]:
    if response is None:
        return {}, "unknown"
    if error_code(response):
        return {}, "absent"
    found = tag_map(response.get(key))
    return found, "present" if found else "absent"


def store_account(arn: str, default: str) -> str:
    return arn_account(arn) or default
