"""A cached finding's evidence, parsed from the finding's text when first read.

At 10,000 functions an analysis cache entry holds 57,000 findings and about a million evidence
strings; parsing them all took 0.7 s of a re-open whose findings must show within 1 s, while a
reviewer reads the evidence of a few. `DeferredEvidence` stands for the tuple `Finding.evidence`
would hold and reads as it (same items, equal to it, same hash), parsing on the first read.

The text comes from an entry whose MAC checked (tui/cache/store.py), written by
`finding_text`: it parses. Should it not (a writer's bug), the evidence says so in one line
rather than the view raising.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import orjson

from analyzers.findings.model import Evidence
from tui.cache.finding_text import Text

UNREADABLE = "evidence unreadable"


def parse_evidence(text: Text) -> tuple[Evidence, ...]:
    """The evidence of the finding whose JSON text is `text` (as `finding_text` writes it)."""
    try:
        data = orjson.loads(text)
        items = data.get("evidence") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ValueError("no evidence list")
        return tuple(Evidence.from_json(item) for item in items)
    except ValueError as exc:  # orjson.JSONDecodeError is a ValueError
        note = f"this finding's text in the analysis cache did not parse ({exc}); re-open with --no-cache"
        return (Evidence(UNREADABLE, note),)


class DeferredEvidence(Sequence[Evidence]):
    """`Finding.evidence` for a finding read from a cache entry: parsed from `text` on first
    read. Two threads may parse at once; both get equal tuples, either is kept."""

    __slots__ = ("_items", "_text")

    def __init__(self, text: Text) -> None:
        self._text: Text | None = text
        self._items: tuple[Evidence, ...] | None = None

    @property
    def items(self) -> tuple[Evidence, ...]:
        items = self._items
        if items is None:
            text = self._text
            if text is None:  # another thread parsed it between the two reads
                items = self._items
                assert items is not None
                return items
            items = self._items = parse_evidence(text)
            self._text = None  # the entry's bytes are no longer needed for this finding
        return items

    @property
    def parsed(self) -> bool:
        return self._items is not None

    @overload
    def __getitem__(self, index: int) -> Evidence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Evidence, ...]: ...

    def __getitem__(self, index: int | slice) -> Evidence | tuple[Evidence, ...]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Evidence]:
        return iter(self.items)

    def __contains__(self, value: object) -> bool:
        return value in self.items

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredEvidence):
            return self.items == other.items
        if isinstance(other, tuple):
            return self.items == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.items)

    def __reduce__(self) -> tuple[type[tuple[Evidence, ...]], tuple[tuple[Evidence, ...]]]:
        """Pickled as the tuple it stands for (a view into an entry's bytes does not pickle)."""
        return tuple, (self.items,)

    def __repr__(self) -> str:
        return repr(self.items) if self.parsed else "DeferredEvidence(<not parsed yet>)"
