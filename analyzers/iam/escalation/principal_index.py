"""Principals numbered once, so a set of escalation targets is one Python int used as a bitset.

Why: one principal allowed to update every function's code, to pass every role or to attach a
policy to every role it holds reaches thousands of targets, and hundreds of principals are often
alike (a deployers' group, CI roles). Kept as sets of ARNs per caller, a 10,000-function estate
held a million edge objects and a 100,000-function one ran out of memory. As bitsets, a target set
is one shared int (5,000 roles: 80 machine words); unions, differences and "is any admin in it"
are single integer operations, and ARNs are read back only for the few sets a caller asks about.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

import numpy as np

_SPARSE = 24  # below this many set bits, a Python loop reads positions faster than numpy


def positions(mask: int) -> list[int]:
    """The positions of the set bits of `mask`, lowest first."""
    if not mask:
        return []
    if mask.bit_count() <= _SPARSE:
        found = []
        while mask:
            low = mask & -mask
            found.append(low.bit_length() - 1)
            mask ^= low
        return found
    raw = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
    found_array: list[int] = np.flatnonzero(bits).tolist()
    return found_array


def positions_array(mask: int) -> np.ndarray:
    """`positions` as a numpy array (for vectorised look-ups)."""
    if not mask:
        return np.zeros(0, dtype=np.int64)
    raw = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    return np.flatnonzero(np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little"))


def mask_of(places: Iterable[int]) -> int:
    """The bitset with these positions set (numpy packs large sets in one pass)."""
    chosen = np.fromiter(places, dtype=np.int64)
    if chosen.size == 0:
        return 0
    if chosen.size <= _SPARSE:
        out = 0
        for place in chosen.tolist():
            out |= 1 << place
        return out
    bits = np.zeros(int(chosen.max()) + 1, dtype=np.uint8)
    bits[chosen] = 1
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


class PrincipalIndex:
    """Every principal of an estate (roles, users, groups) at a fixed position."""

    def __init__(self, arns: Iterable[str]) -> None:
        self.arns: list[str] = list(dict.fromkeys(arns))
        self.position: dict[str, int] = {arn: i for i, arn in enumerate(self.arns)}

    def __len__(self) -> int:
        return len(self.arns)

    def __contains__(self, arn: object) -> bool:
        return arn in self.position

    def mask(self, arns: Iterable[str]) -> int:
        """The bitset of these ARNs (ARNs not indexed are left out)."""
        where = self.position
        return mask_of(where[a] for a in arns if a in where)

    def bit(self, arn: str) -> int:
        place = self.position.get(arn)
        return 0 if place is None else 1 << place

    def members(self, mask: int) -> list[str]:
        """The ARNs of a bitset, in position order."""
        arns = self.arns
        return [arns[i] for i in positions(mask)]


_FROZEN: weakref.WeakValueDictionary[int, frozenset[int]] = weakref.WeakValueDictionary()


def frozen_positions(mask: int) -> frozenset[int]:
    """`positions` as a frozenset, one object per distinct live mask: the fans of a dense account
    share a few target sets (every method to the roles ECS tasks may assume, from each caller),
    and as many copies cost ~20 MB and their GC walks on a 2,000-role account."""
    held = _FROZEN.get(mask)
    if held is None:
        held = frozenset(positions(mask))
        _FROZEN[mask] = held
    return held
