"""The `can` edges of many principals computed by forked worker processes, in principal order.

The access analysis is the longest stage (about half the CPU of a 10,000-function analysis) and
each principal's edges depend only on the IAM model and the targets (the IAM analysis' edges only
say which principals are asked), so runs of the principal list can be answered by separate processes and
their edges added to the graph in the original order: the graph, and so every finding and its
evidence, is the same as a single process draws (a test compares them).

The list is cut into short runs that the processes claim as they go: this process from the
front, the workers from the back, through two counters in memory shared across the fork. So the
split follows the work, and this process may first do something else while the workers take more
runs: build the graph and run the escalation analysis (the workers are forked on the execution
roles before either, or on every principal where principals outnumber functions, as on an
account of 2,000 roles and 20 functions (`Begun`); they make their own access analysis, as this
process does when it joins them; the principals found only through escalation are answered
here), and `meanwhile`. Workers are forked (copy-on-write, nothing to re-load) and send back plain
data (edge attributes, and for a store set the block index and pattern the parent draws it
from) over a pipe. A worker that fails or cannot be forked costs time, never an answer: the
runs it claimed are computed here. Forking is for the headless commands only: a process with
other threads running (the TUI, a test runner's worker) answers every run itself, and so does a
platform without `os.fork`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from analyzers.forking import Child, Claims, Pickled, can_fork, result, start, unpickled
from policy.catalogue import load_catalogue


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


def edges_of(analysis: AccessAnalysis, principals: Sequence[str]) -> Iterator[PrincipalEdges]:
    """Each principal's edges, computed here (per-principal caches dropped between principals)."""
    for arn in principals:
        analysis.forget_principal()
        yield arn, list(analysis.edges_for(arn))


RUN = 100
"""Principals in one claimed run: small enough to balance the processes, large enough that a
claim (a lock and two counters) costs nothing beside the run's work."""


def runs_of(items: Sequence[str], size: int | None = None) -> list[Sequence[str]]:
    """`items` cut into contiguous runs of `size` (RUN if not given; the last shorter), in order."""
    size = RUN if size is None else size
    return [items[at : at + size] for at in range(0, len(items), size)]


def in_workers(
    analysis: AccessAnalysis,
    principals: Sequence[str],
    workers: int,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[PrincipalEdges]:
    """Every principal's edges in `principals` order; `meanwhile()` is called once, first (while
    forked workers, if any, already answer runs). Workers are forked when there are at least
    MIN_PER_WORKER principals per process; the set nodes workers reached are registered in
    `analysis.set_nodes` before their edges are yielded."""
    return Begun(analysis, principals, workers).edges(principals, meanwhile)


class Begun:
    """Workers forked on the principals known so far (`early`: the execution roles, before the
    IAM analysis has found what they can assume or escalate to), taking runs from the back while
    this process does other work; `edges` later answers the complete list. With one process,
    or fewer than MIN_PER_WORKER principals per process, nothing is forked.

    Given `make` instead of the analysis, each worker forked before this process needs the
    analysis builds its own (the same: `make` is deterministic, and a worker names store sets by
    block index), and this process builds its own when it first reads `analysis`: its targets
    and store blocks (0.25 s at 10,000 functions) are then built beside the workers' edges, not
    before the graph, with the second core idle."""

    def __init__(
        self,
        analysis: AccessAnalysis | None,
        early: Sequence[str],
        workers: int,
        make: Callable[[], AccessAnalysis] | None = None,
    ) -> None:
        if analysis is None and make is None:
            raise ValueError("Begun needs an analysis or a way to make one")
        self._analysis = analysis
        self._make = make
        self._workers = workers
        self._runs: list[Sequence[str]] = []
        self._claims: Claims | None = None
        self._started: list[Child | None] = []
        self._fork(early)

    @property
    def analysis(self) -> AccessAnalysis:
        """The access analysis (made on the first reading when `make` was given)."""
        if self._analysis is None:
            assert self._make is not None
            self._analysis = self._make()
        return self._analysis

    def _fork(self, principals: Sequence[str]) -> None:
        """Workers forked on `principals`' runs, if there are enough per process."""
        self._runs = runs_of(principals)
        if self._workers < 2 or not can_fork() or len(principals) < 2 * MIN_PER_WORKER:
            return
        self._claims = claims = Claims(len(self._runs))
        work = functools.partial(_made_then_work, self, self._runs, claims)
        # the IAM action catalogue, which every policy evaluation reads, loaded once here before
        # the fork: this process needs it anyway (the escalation analysis), and each worker
        # loaded its own copy (0.16 s at 10,000 functions, on the core the access stage shares)
        load_catalogue()
        self._started = [start(work) for _ in range(self._workers - 1)]

    def edges(
        self, principals: Sequence[str], meanwhile: Callable[[], None] | None = None
    ) -> Iterator[PrincipalEdges]:
        """Every principal's edges in `principals` order (every early principal among them);
        `meanwhile()` is called once, first. If too few principals were known early to fork,
        the workers are forked now on the whole list (an IAM-dense account: few functions,
        thousands of principals found through the escalation analysis)."""
        if self._claims is None:
            self._fork(principals)
        if meanwhile is not None:
            meanwhile()
        claims, runs = self._claims, self._runs
        if claims is None:
            yield from edges_of(self.analysis, principals)
            return
        early = [arn for run in runs for arn in run]
        if list(principals) == early:  # this process's runs are a prefix: drawn as they come
            mine = 0
            while (index := claims.front()) is not None:
                yield from edges_of(self.analysis, runs[index])
                mine = index + 1
            received = self._received()
            for index in range(mine, len(runs)):
                found = received.pop(index, None)
                yield from found if found is not None else edges_of(self.analysis, runs[index])
            return
        answered: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        while (index := claims.front()) is not None:
            answered.update(edges_of(self.analysis, runs[index]))
        known = set(early)
        answered.update(edges_of(self.analysis, [arn for arn in principals if arn not in known]))
        for done in self._received().values():
            answered.update(done)
        for arn in principals:  # a failed worker's are answered here
            drawn = answered.pop(arn, None)
            yield (arn, drawn) if drawn is not None else next(iter(edges_of(self.analysis, [arn])))

    def _received(self) -> dict[int, list[PrincipalEdges]]:
        """The runs the workers answered, by index (a failed worker's are missing); the set
        nodes they reached registered in `analysis.set_nodes`."""
        analysis = self.analysis
        received: dict[int, list[PrincipalEdges]] = {}
        for worker in self._started:
            ok, answer = result(worker)
            if not ok:
                continue
            specs, payload = answer
            done = unpickled(payload)
            for node, (block_index, pattern) in specs.items():
                if node not in analysis.set_nodes:
                    analysis.set_nodes[node] = analysis.set_edge_for_drawing(block_index, pattern)
            received.update(done)
        self._started = []
        return received


def _made_then_work(
    begun: Begun, runs: Sequence[Sequence[str]], claims: Claims
) -> tuple[dict[str, SetSpec], tuple[list[int], bytes]]:
    """(In a worker.) The runs it claims, on the parent's analysis if it was made before the
    fork, else on one made here."""
    return _work(begun.analysis, runs, claims)


def _work(
    analysis: AccessAnalysis, runs: Sequence[Sequence[str]], claims: Claims
) -> tuple[dict[str, SetSpec], tuple[list[int], bytes]]:
    """(In a worker.) The set nodes it drew, and the runs it claims by index, each pickled as
    soon as it is answered (`Pickled`: an attribute dict many edges share, `EdgeAttributes`,
    is still sent once)."""
    before = set(analysis.set_nodes)
    sent = Pickled()
    while (index := claims.back()) is not None:
        sent.put(index, list(edges_of(analysis, runs[index])))
    index_of = {id(block): i for i, block in enumerate(analysis.blocks)}
    specs = {
        node: (index_of[id(edge.block)], edge.pattern)
        for node, edge in analysis.set_nodes.items()
        if node not in before
    }
    return specs, sent.payload()
