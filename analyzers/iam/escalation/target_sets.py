"""The targets of wide escalation fans, split into the classes no fan tells apart.

Why: drawn pair by pair, the escalation edges of a 2,000-role account are 213,000 graph edges,
and drawn through one role-set node per method and caller group, still 120,000 (a set per method
leads to every one of its ~700 members again). Yet the fans' target sets are few and overlap
in a regular way: every role, every role but the admins, every Lambda role, every role the
caller holds. Split the principals into the classes no fan's certain or conditional targets
tell apart (the atoms of those sets: ~150 on that account) and each fan is exactly a union of
classes, each class either wholly certain or wholly conditional for it. One `role-set` node per
class, with one edge to each member, serves every fan; a fan is one edge per class it covers.
That account then draws ~34,000 edges instead of 123,000 for the same fans, and a
10,000-function estate ~7,700 instead of ~15,000.

The classes are exact, not approximate: a principal is in a class's set iff every fan's reach
of it is that of every other member (the graph answers reach as the expanded edges would), and
what differs per pair (the function or policy used, the open condition keys) is read from the
fan when someone asks (`graph_edges.SetEdgeEvidence`).
"""

from __future__ import annotations

from collections.abc import Iterable


class TargetPartition:
    """Principals (as PrincipalIndex positions) split by the target sets `masks` into classes:
    positions in one class are in exactly the same sets. Listed lowest position first."""

    def __init__(self, masks: Iterable[int]) -> None:
        splitters = sorted({mask for mask in masks if mask})
        universe = 0
        for mask in splitters:
            universe |= mask
        parts = [universe] if universe else []
        for mask in splitters:  # refine: each class either inside `mask` or outside it
            refined: list[int] = []
            for part in parts:
                inside = part & mask
                if inside and inside != part:
                    refined += (inside, part & ~mask)
                else:
                    refined.append(part)
            parts = refined
        self.classes: list[int] = sorted(parts, key=lambda part: (part & -part).bit_length())
        self._covers: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.classes)

    def covering(self, mask: int) -> list[int]:
        """The classes (by index) whose union is `mask`, which must be a union of the sets the
        classes were made from (else ValueError: a class would stand for a target it is not)."""
        found = self._covers.get(mask)
        if found is None:
            found, left = [], mask
            for i, part in enumerate(self.classes):
                if part & left:
                    if part & ~mask:
                        raise ValueError("the mask splits a class: it was not among the sets split by")
                    found.append(i)
                    left &= ~part
                    if not left:
                        break
            if left:
                raise ValueError("the mask holds targets no class stands for")
            self._covers[mask] = found
        return found
