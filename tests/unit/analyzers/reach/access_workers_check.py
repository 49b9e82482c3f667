"""Run as a script by test_access_workers.py, in a fresh single-threaded interpreter (forking a
process with other threads running, such as a pytest-xdist worker's, is not something the
product does): prints one JSON line comparing the `can` edges of a synthetic estate drawn with
one process, with forked workers, and with a worker that fails; and the demo's, with workers
begun before the IAM analysis (`begin_access`) on the execution roles, one principal (a role
they can assume) found only after."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any
from unittest import mock

from analyzers.iam.analysis import analyze_iam
from analyzers.iam.principal_policies import IamModel
from analyzers.reach import access_edges, access_store_sets, access_workers, store_sets
from analyzers.reach.access_edges import add_access_edges, begin_access, principals_to_check
from estate.graph.builder import build_graph
from estate.model import Estate
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from estate.sources.demo import snapshot_path
from estate.sources.synth import SynthOptions, synthesize


def drawn(estate: Estate, workers: int, meanwhile: Any = None) -> list[Any]:
    graph = build_graph(estate)
    add_access_edges(estate, graph, IamModel(estate), workers=workers, meanwhile=meanwhile)
    return [
        [u, v, k, json.dumps(d, sort_keys=True, default=str)]
        for u, v, k, d in graph.edges(keys=True, data=True)
        if k in ("can", "contains")
    ] + [list(graph.nodes)]


def drawn_after_iam(estate: Estate, workers: int, early: bool) -> list[Any]:
    """The graph `analyze` draws: the IAM analysis' edges, then the `can` edges; `early`: the
    workers begun before the graph and the IAM analysis, as `analyze` begins them."""
    model = IamModel(estate)
    classification = {arn: store.classification for arn, store in estate.data_stores.items()}
    begun = begin_access(estate, model, classification, workers) if early else None
    graph = build_graph(estate)
    analyze_iam(estate, graph, model=model)
    add_access_edges(estate, graph, model, workers=workers, begun=begun)
    return [
        [u, v, k, json.dumps(d, sort_keys=True, default=str)]
        for u, v, k, d in graph.edges(keys=True, data=True)
        if k in ("can", "contains")
    ] + [list(graph.nodes), [list(graph.pred[n]) for n in graph.nodes]]  # (edges added in order)


def begun_early() -> dict[str, Any]:
    demo = load_estate(load_snapshot(snapshot_path()))
    graph = build_graph(demo)
    iam = analyze_iam(demo, graph)
    roles = {arn for arn in iam.model.functions_by_role if arn in iam.model.actors}
    late = [arn for arn in principals_to_check(graph, iam.model) if arn not in roles]
    parent = os.getpid()
    real_work = access_workers._work

    def failing(analysis: Any, runs: Any, claims: Any) -> Any:
        if os.getpid() != parent:
            claims.back()  # a run claimed, never answered: the parent must answer it
            raise RuntimeError("worker fails")
        return real_work(analysis, runs, claims)

    with (
        mock.patch.object(access_workers, "MIN_PER_WORKER", 5),
        mock.patch.object(access_workers, "RUN", 4),
        mock.patch.object(store_sets, "STORE_FANOUT", 2),
        mock.patch.object(access_store_sets, "STORE_FANOUT", 2),
    ):
        one = drawn_after_iam(demo, 1, early=False)
        early = drawn_after_iam(demo, 2, early=True)
        # the workers make their own access analysis; this process makes its own only when
        # the access stage reads it
        begun = begin_access(
            demo, IamModel(demo), {a: s.classification for a, s in demo.data_stores.items()}, 2
        )
        lazy = begun._analysis is None and bool(begun._started)
        lazy = lazy and len(list(begun.edges(sorted(roles)))) == len(roles) and begun._analysis is not None
        with mock.patch.object(access_workers, "_work", failing):
            failed = drawn_after_iam(demo, 2, early=True)
        # too few principals known early to fork (as on an IAM-dense account, a handful of
        # execution roles): forked on the whole list when the graph is complete
        forks: list[int] = []
        real_start = access_workers.start

        def counted(*args: Any) -> Any:
            forks.append(os.getpid())
            return real_start(*args)

        def one_role_early(analysis: Any, early: Any, workers: int, make: Any = None) -> access_workers.Begun:
            return access_workers.Begun(analysis, early[:1], workers, make=make)

        with (
            mock.patch.object(access_edges, "Begun", one_role_early),
            mock.patch.object(access_workers, "start", counted),
        ):
            forked_late = drawn_after_iam(demo, 2, early=True)
    return {
        "demo_roles": len(roles),
        "demo_late": len(late),
        "begun_early": early == one,
        "made_where_needed": lazy,
        "begun_early_failed": failed == one,
        "forked_late": forked_late == one and forks == [parent],
    }


def main() -> None:
    estate = load_estate(synthesize(SynthOptions(int(sys.argv[1]), seed=3, metrics_functions=0)))
    graph = build_graph(estate)
    principals = len(principals_to_check(graph, IamModel(estate)))
    calls: list[str] = []
    with (  # small enough to fork, runs of a few principals, and store sets at this size
        mock.patch.object(access_workers, "MIN_PER_WORKER", 20),
        mock.patch.object(access_workers, "RUN", 7),
        mock.patch.object(store_sets, "STORE_FANOUT", 2),
        mock.patch.object(access_store_sets, "STORE_FANOUT", 2),
    ):
        one = drawn(estate, 1)
        two = drawn(estate, 2)
        three = drawn(estate, 3)

        # this process busy first: the worker claims most runs from the back
        def slow() -> None:
            calls.append("meanwhile")
            time.sleep(1.0)

        busy = drawn(estate, 2, meanwhile=slow)
        real_work = access_workers._work

        def failing(analysis: Any, runs: Any, claims: Any) -> Any:
            if os.getpid() != parent:
                claims.back()  # a run claimed, never answered: the parent must answer it
                claims.back()
                raise RuntimeError("worker fails")
            return real_work(analysis, runs, claims)

        parent = os.getpid()
        with mock.patch.object(access_workers, "_work", failing):
            failed = drawn(estate, 2)
        with mock.patch.object(access_workers, "can_fork", lambda: False):
            unforked = drawn(estate, 2, meanwhile=lambda: calls.append("unforked"))
    print(
        json.dumps(
            {
                "principals": principals,
                "can_edges": sum(1 for row in one[:-1] if row[2] == "can"),
                "sets": sum(1 for row in one[:-1] if row[2] == "contains"),
                "two": two == one,
                "three": three == one,
                "busy": busy == one,
                "meanwhile_calls": calls,
                "failed_worker": failed == one,
                "no_fork": unforked == one,
                **begun_early(),
            }
        )
    )


if __name__ == "__main__":
    main()
