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


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A time-valued key known only to lie between two instants: aws:TokenIssueTime is at most the
    longest session (36 hours) before the snapshot's time. `may_be_absent`: the request may carry
    no such key at all (an IAM user's long-term access key has no token). `epoch`: the key's
    values are epoch seconds (aws:EpochTime), not ISO 8601."""

    earliest: dt.datetime
    latest: dt.datetime
    may_be_absent: bool = False
    epoch: bool = False

    def text(self, at: dt.datetime) -> str:
        """How the key reads at instant `at`."""
        return str(int(at.timestamp())) if self.epoch else context_string(at)


ContextInput: TypeAlias = Scalar | Sequence[Scalar] | TimeWindow | None


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


def _normalise(value: Scalar | Sequence[Scalar] | None) -> tuple[str, ...] | None:
    if type(value) is str:  # the common case (tags, ARNs): `context_string` of a str is itself
        return (value,)
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
    windows: Mapping[str, TimeWindow] = field(default_factory=dict)  # keys known only to a window

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
        windows: dict[str, TimeWindow] = {}
        for source in (derived or {}), given:  # given keys win over derived ones
            for key, value in source.items():
                lowered = key.lower()
                if not isinstance(value, TimeWindow):
                    values[lowered] = _normalise(value)
                    windows.pop(lowered, None)
                elif value.earliest == value.latest and not value.may_be_absent:
                    values[lowered] = (value.text(value.earliest),)  # an instant: a plain value
                    windows.pop(lowered, None)
                else:
                    windows[lowered] = value
                    values.pop(lowered, None)
        return cls(values, complete, windows)

    def lookup(self, key: str) -> KeyValues:
        """The key's values, None if known absent, UNKNOWN_KEY if the context cannot say."""
        lowered = key.lower()
        if lowered in self.values:
            return self.values[lowered]
        if lowered in self.windows:
            return UNKNOWN_KEY  # somewhere in its window (`window`): the conditions decide
        return None if self.complete else UNKNOWN_KEY

    def window(self, key: str) -> TimeWindow | None:
        """The window a time-valued key is known to lie in, when that is all that is known."""
        return self.windows.get(key.lower()) if self.windows else None

    def pinned(self, key: str, value: str | None) -> RequestContext:
        """This context with `key` set to one value (None: known absent)."""
        lowered = key.lower()
        values = {**self.values, lowered: None if value is None else (value,)}
        return RequestContext(values, self.complete, {k: w for k, w in self.windows.items() if k != lowered})


EMPTY_CONTEXT: Final = RequestContext()
