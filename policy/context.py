"""The request context a policy's conditions and variables read, and how complete it is.

Keys are case-insensitive (AWS defines condition key names so), values are kept as strings.
A key can be present (one or more values), known to be absent, or unknown: in a COMPLETE context
every key not given is absent; in an INCOMPLETE one (the default for static analysis: nobody knows
the caller's source IP) a key not given is unknown, and what depends on it becomes conditional.
A value of None (or an empty list) marks a key as known-absent even in an incomplete context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

Scalar: TypeAlias = str | bool | int | float | dt.datetime
ContextInput: TypeAlias = Scalar | Sequence[Scalar] | None


class _UnknownKey:
    """The type of UNKNOWN_KEY: a key whose presence and value we cannot know."""

    _instance: _UnknownKey | None = None

    def __new__(cls) -> _UnknownKey:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN_KEY"


UNKNOWN_KEY: Final = _UnknownKey()
KeyValues: TypeAlias = tuple[str, ...] | _UnknownKey | None


def context_string(value: Scalar) -> str:
    """How AWS renders a context value for comparison (booleans are lower-case words)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def _normalise(value: ContextInput) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bool | int | float | dt.datetime):
        return (context_string(value),)
    values = tuple(context_string(v) for v in value)
    return values or None  # an empty set behaves as an absent key everywhere


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Normalised context: lower-case keys to value tuples (None = known absent)."""

    values: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)
    complete: bool = False

    @classmethod
    def build(
        cls,
        given: Mapping[str, ContextInput],
        *,
        complete: bool = False,
        derived: Mapping[str, ContextInput] | None = None,
    ) -> RequestContext:
        """Given keys win over derived ones (derived = what the request itself tells us)."""
        values: dict[str, tuple[str, ...] | None] = {}
        for key, value in (derived or {}).items():
            values[key.lower()] = _normalise(value)
        for key, value in given.items():
            values[key.lower()] = _normalise(value)
        return cls(values, complete)

    def lookup(self, key: str) -> KeyValues:
        """The key's values, None if known absent, UNKNOWN_KEY if the context cannot say."""
        lowered = key.lower()
        if lowered in self.values:
            return self.values[lowered]
        return None if self.complete else UNKNOWN_KEY


EMPTY_CONTEXT: Final = RequestContext()
