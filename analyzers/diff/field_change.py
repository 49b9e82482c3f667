"""One changed field of a resource, as the diff reports it, and the statement canonical form.

Kept apart so that the function and principal comparisons share one shape (and one way of
writing a policy statement) without importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analyzers.findings.model import JSONValue


@dataclass(frozen=True, slots=True)
class FieldChange:
    """`field` went from `before` to `after` (JSON values; None: absent)."""

    field: str
    before: JSONValue
    after: JSONValue

    def to_json(self) -> dict[str, JSONValue]:
        return {"field": self.field, "before": self.before, "after": self.after}

    @property
    def signature(self) -> str:
        """The change without the resource it happened to: equal for every function that
        changed the same way, so a report can group them."""
        return json.dumps([self.field, self.before, self.after], sort_keys=True, default=str)


def canonical_statement(statement: Any) -> str:
    """One statement as sorted, compact JSON: the same statement written in another key order
    or spacing compares equal; any other difference is a different statement."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), default=str)


def statements_of(document: Any) -> frozenset[str] | None:
    """A policy document's statements in canonical form; None when the document has no readable
    statement list (such a policy is compared as a whole instead)."""
    if not isinstance(document, Mapping):
        return None
    body = document.get("Statement")
    if isinstance(body, Mapping):
        return frozenset({canonical_statement(body)})
    if isinstance(body, list):
        return frozenset(canonical_statement(s) for s in body)
    return None


def parse_policy_text(text: str) -> Any:
    """A resource policy's JSON text parsed; None when it is not JSON (then the text is compared)."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return None
