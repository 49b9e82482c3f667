"""Every access-bearing edge of a reach index as arrays, and how a query scores one (packed int64).

Apart from the choice itself (access_choice.py), which reads a query's layers from the index
(index.py), because the index builds these arrays: each imports this module, neither the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A score packs (access rank, unconditional, shortness, earliest edge) into one int64.
RANK_SHIFT, SURE_SHIFT, SHORT_SHIFT = 40, 39, 33
POSITION_BITS = (1 << 33) - 1
MAX_LENGTH = 63
_GATHER_SHARE = 4  # gather the reached principals' edges unless they hold over 1/4 of all edges


@dataclass(frozen=True, slots=True)
class AccessEdges:
    """Every access-bearing edge in graph order: its ends, access rank, whether it is
    conditional and its key; `by_source`/`source_indptr` list each node's own edges."""

    sources: np.ndarray
    targets: np.ndarray
    ranks: np.ndarray
    conditional: np.ndarray
    keys: list[str]
    fixed: np.ndarray  # the score bits a query cannot change: rank and position
    by_source: np.ndarray
    source_indptr: np.ndarray

    @classmethod
    def build(
        cls,
        sources: np.ndarray,
        targets: np.ndarray,
        ranks: np.ndarray,
        conditional: np.ndarray,
        keys: list[str],
        size: int,
    ) -> AccessEdges:
        positions = np.arange(sources.size, dtype=np.int64)
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(sources, minlength=size), out=indptr[1:])
        return cls(
            sources=sources,
            targets=targets,
            ranks=ranks,
            conditional=conditional,
            keys=keys,
            fixed=(ranks << RANK_SHIFT) | (POSITION_BITS - positions),
            by_source=np.argsort(sources, kind="stable"),
            source_indptr=indptr,
        )

    def of_sources(self, nodes: np.ndarray) -> np.ndarray:
        """Positions of the edges leaving `nodes`, or of every edge when that is most of them."""
        starts = self.source_indptr[nodes]
        lengths = self.source_indptr[nodes + 1] - starts
        total = int(lengths.sum())
        if total * _GATHER_SHARE > self.sources.size:
            return np.arange(self.sources.size, dtype=np.int64)
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        return np.asarray(self.by_source[offsets])


def unpack_scores(score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(access rank, unconditional, path length) arrays from packed scores (meaningless where -1)."""
    return (
        score >> RANK_SHIFT,
        (score >> SURE_SHIFT & 1).astype(bool),
        MAX_LENGTH - (score >> SHORT_SHIFT & MAX_LENGTH),
    )
