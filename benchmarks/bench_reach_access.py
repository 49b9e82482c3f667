"""Time `add_access_edges` (the `can` edges) and the two sensitive-data rules on a synthetic estate.

Usage: python -m tui.cli.lambdascope synth --functions 10000 -o /tmp/r2.lsnap
       python benchmarks/bench_reach_access.py /tmp/r2.lsnap
Prints figures; asserts nothing (DESIGN.md section 7 budgets the whole analysis at 3 s).
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from analyzers.iam.analysis import analyze_iam
from analyzers.reach.access_edges import add_access_edges
from analyzers.reach.rules_sensitive import no_vpc_findings, public_to_sensitive_findings
from estate.graph.builder import build_graph
from estate.model.load import load_estate
from estate.snapshot import load_snapshot


def main(path: str) -> None:
    started = time.perf_counter()
    estate = load_estate(load_snapshot(path))
    graph = build_graph(estate)
    iam = analyze_iam(estate, graph)
    ready = time.perf_counter()
    add_access_edges(estate, graph, iam.model)
    edges = time.perf_counter()
    public = list(public_to_sensitive_findings(estate, graph))
    no_vpc = list(no_vpc_findings(estate, graph))
    rules = time.perf_counter()
    kinds = Counter(graph.nodes[v].get("kind") for _u, v, k in graph.edges(keys=True) if k == "can")
    print(
        f"{len(estate.functions)} functions, {len(iam.model.actors)} principals, "
        f"{len(estate.data_stores)} stores, {len(estate.kms_keys)} keys"
    )
    print(f"load + graph + IAM analysis: {ready - started:.2f} s")
    print(f"add_access_edges: {edges - ready:.2f} s ({sum(kinds.values())} can edges: {dict(kinds)})")
    print(
        f"public-to-sensitive + no-vpc rules: {rules - edges:.2f} s ({len(public)} + {len(no_vpc)} findings)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/r2.lsnap")
