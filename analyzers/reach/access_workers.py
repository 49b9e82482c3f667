"""The `can` edges of many principals computed by forked worker processes, in principal order.

The access analysis is the longest stage (about half the CPU of a 10,000-function analysis) and
each principal's edges depend only on what exists before the stage starts (the model, the targets,
the IAM analysis' edges), so contiguous chunks of the principal list can be answered by separate
processes and their edges added to the graph in the original order: the graph, and so every
finding and its evidence, is the same as a single process draws (a test compares them).

Workers are forked (copy-on-write, nothing to re-load) and send back plain data (edge attributes,
and for a store set the block index and pattern the parent draws it from) over a pipe; the
parent answers the first chunk itself meanwhile. A worker that fails or cannot be forked costs
time, never an answer: its chunk is computed in the parent. Forking is for the headless commands
only: a process with other threads running (the TUI, a test runner's worker) answers every
chunk itself, and so does a platform without `os.fork`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from analyzers.forking import can_fork, result, start


class AccessAnalysis(Protocol):
    """What the workers need of `access_edges.AccessAnalysis` (which imports this module)."""

    @property
    def blocks(self) -> Sequence[Any]: ...
    @property
    def set_nodes(self) -> dict[str, Any]: ...

    def edges_for(self, arn: str) -> Iterable[tuple[str, dict[str, Any]]]: ...
    def forget_principal(self) -> None: ...
    def set_edge_for_drawing(self, block_index: int, pattern: str) -> Any: ...


PrincipalEdges = tuple[str, list[tuple[str, dict[str, Any]]]]
"""One principal's edges: (principal ARN, [(target, attributes), ...]) in `edges_for` order."""

SetSpec = tuple[int, str]
"""A store-set node as a worker names it: (index of its block in `AccessAnalysis.blocks`, pattern)."""

MIN_PER_WORKER = 500
"""Principals below which another process gains less than forking and pickling cost."""


def chunks(items: Sequence[str], parts: int) -> list[Sequence[str]]:
    """`items` cut into at most `parts` contiguous runs of near-equal length, in order."""
    parts = max(1, min(parts, len(items) // MIN_PER_WORKER or 1))
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def edges_of(analysis: AccessAnalysis, principals: Sequence[str]) -> Iterator[PrincipalEdges]:
    """Each principal's edges, computed here (per-principal caches dropped between principals)."""
    for arn in principals:
        analysis.forget_principal()
        yield arn, list(analysis.edges_for(arn))


def in_workers(analysis: AccessAnalysis, principals: Sequence[str], workers: int) -> Iterator[PrincipalEdges]:
    """Every principal's edges in `principals` order, chunks after the first from forked workers;
    the set nodes workers reached are registered in `analysis.set_nodes` before their edges are
    yielded."""
    parts = chunks(principals, workers) if can_fork() else [principals]
    started = [start(functools.partial(_work, analysis, part)) for part in parts[1:]]
    yield from edges_of(analysis, parts[0])
    for part, worker in zip(parts[1:], started, strict=True):
        ok, received = result(worker)
        if not ok:  # the worker failed: answer its chunk here
            yield from edges_of(analysis, part)
            continue
        specs, results = received
        for node, (block_index, pattern) in specs.items():
            if node not in analysis.set_nodes:
                analysis.set_nodes[node] = analysis.set_edge_for_drawing(block_index, pattern)
        yield from results


def _work(analysis: AccessAnalysis, part: Sequence[str]) -> tuple[dict[str, SetSpec], list[PrincipalEdges]]:
    before = set(analysis.set_nodes)
    results = list(edges_of(analysis, part))
    index = {id(block): i for i, block in enumerate(analysis.blocks)}
    specs = {
        node: (index[id(edge.block)], edge.pattern)
        for node, edge in analysis.set_nodes.items()
        if node not in before
    }
    return specs, results
