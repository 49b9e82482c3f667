"""Equivalence guard for IAM speed work: dump everything analyze_iam produces, compare two dumps.

Run: .venv/bin/python benchmarks/check_iam_equivalence.py dump SNAPSHOT OUT.json
     .venv/bin/python benchmarks/check_iam_equivalence.py compare BEFORE.json AFTER.json

A dump holds, in a canonical JSON form: every IAM finding (to_json), every estate-graph edge
analyze_iam added read through its role-set nodes (u, v, key and its attributes but the evidence;
the evidence of edges drawn directly read in full: an edge out of a role-set shows the first
caller the set stands for, and which sets callers share is the drawing's choice), the escalation
edges in their list order (the IAM pane reads them for "who can reach this principal"), every
principal's summary (access counts per sensitive service, admin flag, escalation path targets),
and the IamAnalysis counts. Optimisations must leave all of it identical, byte for byte.

Dumps are canonical (sorted keys), so two dumps too large to load side by side (a 10,000-function
estate gives ~2.3 GB) compare by their hashes: `sha256sum BEFORE.json AFTER.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.iam.analysis import analyze_iam
from analyzers.iam.principal_summary import principal_summary
from analyzers.iam.rules_paths import iam_findings
from estate.graph.builder import build_graph
from estate.model.load import load_estate
from estate.snapshot import load_snapshot


def _plain(value: Any) -> Any:
    """JSON-able form of edge attributes (mappings such as the lazy evidence read in full)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def dump(snapshot: Path) -> dict[str, Any]:
    started = time.perf_counter()
    estate = load_estate(load_snapshot(snapshot))
    graph = build_graph(estate)
    before = {(u, v, k) for u, v, k in graph.edges(keys=True)}
    nodes_before = set(graph.nodes)
    loaded = time.perf_counter()
    iam = analyze_iam(estate, graph)
    findings = iam_findings(iam)
    analysed = time.perf_counter()
    added = _expanded(graph, before)
    new_nodes = sorted(
        [n, _plain(graph.nodes[n])]
        for n in set(graph.nodes) - nodes_before
        if graph.nodes[n].get("kind") != "role-set"
    )
    edges = [[e.source, e.target, e.method.id, e.via, e.conditional, _plain(e.evidence())] for e in iam.edges]
    summaries = []
    for arn in iam.model.actors:
        s = principal_summary(iam_source(estate, iam), arn)
        summaries.append(
            {
                "arn": s.arn,
                "admin": s.admin,
                "boundary": s.boundary,
                "services": {
                    svc: {lvl: [c.allowed, c.conditional, c.scoped] for lvl, c in levels.items()}
                    for svc, levels in s.services.items()
                },
                "escalations": [[p.target, p.conditional, list(p.methods)] for p in s.escalations],
                "functions": list(s.functions),
            }
        )
    print(
        f"{snapshot.name}: load+graph {loaded - started:.2f}s, analyze_iam {analysed - loaded:.2f}s; "
        f"{len(findings)} findings, {len(added)} graph edges, {len(iam.edges)} escalation edges",
        file=sys.stderr,
    )
    return {
        "findings": sorted((f.to_json() for f in findings), key=lambda f: json.dumps(f, sort_keys=True)),
        "finding_order": [f.id for f in findings],
        "graph_edges": added,  # read through role-set nodes, sorted
        "graph_nodes": new_nodes,
        "escalation_edges": edges,
        "summaries": summaries,
        "paths": {a: [[p.target, len(p.hops)] for p in ps] for a, ps in iam.paths.items()},
        "problems": [[p.holder, p.policy, p.message] for p in iam.model.problems],
        "repr": repr(iam),
    }


def _expanded(graph: Any, before: set[tuple[str, str, str]]) -> list[list[Any]]:
    """The edges analyze_iam added, each edge into a role-set node read as its edges out."""

    def shown(data: Mapping[str, Any], direct: bool) -> dict[str, Any]:
        return {k: _plain(v) for k, v in data.items() if direct or k != "evidence"}

    found: list[list[Any]] = []
    is_set = {n for n, kind in graph.nodes(data="kind") if kind == "role-set"}
    for u, v, k, data in graph.edges(keys=True, data=True):
        if (u, v, k) in before or u in is_set:
            continue
        if v not in is_set:
            found.append([u, v, k, shown(data, True)])
            continue
        for _, w, inner, through in graph.out_edges(v, keys=True, data=True):
            if inner == k:
                found.append([u, w, k, shown(through, False)])
    return sorted(found, key=lambda e: json.dumps(e, sort_keys=True))


def iam_source(estate: Any, iam: Any) -> Any:
    """An Analysis-like holder, so principal_summary reads this IamAnalysis (not a fresh one)."""

    class _Holder:
        def __init__(self) -> None:
            self.estate = estate
            self.iam = iam

    return _Holder()


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    failures = 0
    for section in sorted(set(a) | set(b)):
        left, right = a.get(section), b.get(section)
        same = left == right
        digest = hashlib.sha256(json.dumps(right, sort_keys=True).encode()).hexdigest()[:12]
        size = len(right) if isinstance(right, list | dict) else 1
        print(f"{section:18} {'identical' if same else 'DIFFERENT'} ({size} items, sha {digest})")
        if not same:
            failures += 1
            if isinstance(left, list) and isinstance(right, list):
                for i, (x, y) in enumerate(zip(left, right, strict=False)):
                    if x != y:
                        print(
                            f"  first difference at {i}:\n   before {str(x)[:400]}\n   after  {str(y)[:400]}"
                        )
                        break
                else:
                    print(f"  lengths differ: {len(left)} vs {len(right)}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("snapshot", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        args.out.write_text(json.dumps(dump(args.snapshot), sort_keys=True))
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
