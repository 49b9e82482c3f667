"""Equivalence guard for IAM speed work: dump everything analyze_iam produces, compare two dumps.

Run: .venv/bin/python benchmarks/check_iam_equivalence.py dump SNAPSHOT OUT.jsonl [--hashes]
     .venv/bin/python benchmarks/check_iam_equivalence.py compare BEFORE.jsonl AFTER.jsonl
(for "before", PYTHONPATH=<a copy of the tree before the change> runs that copy's analyzers)

A dump holds, in a canonical form: every IAM finding (to_json) and their order, every estate-graph
edge analyze_iam added with its attributes and its evidence read in full, each edge into a
`role-set` node read as the pair-level edges it stands for (`SetEdgeEvidence.edges()`: what the
edge would be if drawn directly, so a drawing through sets and one pair by pair compare equal),
the escalation edges in their list order (the IAM pane reads them for "who can reach this
principal"), every principal's summary (access counts per sensitive service, admin flag,
escalation path targets), its paths, the model's problems and the IamAnalysis counts.
Optimisations must leave all of it identical.

Memory stays bounded on large estates (a 10,000-function estate's dump is ~2 GB): a dump is JSON
lines `[section, key, payload]` in (section, key) order, written record by record (one node's
graph edges, one fan's escalation edges, one principal's summary and paths, one finding);
`--hashes` writes a sha256 per record instead of its payload (a few MB). `compare` merges the two
files line by line, never loading either, and reports per section the records that differ, are
missing or are extra (the first few of each shown).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

# the checkout last: PYTHONPATH (another tree's analyzers, to dump "before") comes first
sys.path.append(str(Path(__file__).resolve().parents[1]))

from analyzers.iam.analysis import IamAnalysis, analyze_iam
from analyzers.iam.escalation.graph_edges import SetEdgeEvidence
from analyzers.iam.principal_summary import principal_summary
from analyzers.iam.rules_paths import iam_findings
from estate.graph.builder import build_graph
from estate.model.load import load_estate
from estate.snapshot import load_snapshot

Record = tuple[str, str, Any]  # section, key (sorted within the section), payload


def _plain(value: Any) -> Any:
    """JSON-able form of edge attributes (mappings such as the lazy evidence read in full)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def expanded_edges(graph: Any, source: str, before: set[tuple[str, str, str]]) -> list[list[Any]]:
    """The edges analyze_iam added out of `source`, sorted; an edge into a role-set node read as
    the pair-level edges it stands for, each as it would be drawn directly (evidence included)."""
    found: list[list[Any]] = []
    nodes = graph.nodes
    for _, target, key, data in graph.out_edges(source, keys=True, data=True):
        if (source, target, key) in before:
            continue
        evidence = data.get("evidence")
        if nodes[target].get("kind") != "role-set" or not isinstance(evidence, SetEdgeEvidence):
            found.append([source, target, key, _plain(data)])
            continue
        for edge in evidence.edges():
            attrs = {
                "kind": data["kind"],
                "method": data["method"],
                "yields": data["yields"],
                "via": edge.via,
                "conditional": edge.conditional,
                "condition_keys": list(dict.fromkeys(h.key for h in edge.hinges)),
                "evidence": _plain(edge.evidence()),
            }
            found.append([source, edge.target, key, attrs])
    found.sort(key=canonical)
    return found


def _graph_records(graph: Any, before: set[tuple[str, str, str]], nodes_before: set[str]) -> Iterator[Record]:
    """Per node (role-set nodes aside: their member edges are read through the edges into them),
    its attributes if analyze_iam added it, and the edges analyze_iam added out of it."""
    for node in sorted(graph.nodes):
        if graph.nodes[node].get("kind") == "role-set":
            continue
        added = None if node in nodes_before else _plain(graph.nodes[node])
        edges = expanded_edges(graph, node, before)
        if edges or added is not None:
            yield "graph", node, {"added_node": added, "edges": edges}


def _records(
    estate: Any, iam: IamAnalysis, graph: Any, before: set[tuple[str, str, str]], nodes_before: set[str]
) -> Iterator[Record]:
    """Every record, in file order: sections in SECTIONS order, keys sorted within each."""
    findings = iam_findings(iam)
    yield "counts", "repr", repr(iam)
    texts = sorted((f.id, canonical(f.to_json())) for f in findings)
    for number, (finding_id, text) in enumerate(texts):
        yield "findings", f"{finding_id}#{number:08d}", json.loads(text)
    del texts
    yield "finding_order", "ids", [f.id for f in findings]
    del findings
    yield from _graph_records(graph, before, nodes_before)
    fans = getattr(iam.edges, "fans", None)
    groups: Iterable[Iterable[Any]] = (f.edges() for f in fans) if fans is not None else [iam.edges]
    for number, edges in enumerate(groups):
        listed = [
            [e.source, e.target, e.method.id, e.via, e.conditional, _plain(e.evidence())] for e in edges
        ]
        yield "escalation_edges", f"{number:08d}", listed
    holder = _Holder(estate, iam)
    for arn in sorted(iam.model.actors):
        s = principal_summary(holder, arn)
        summary = {
            "admin": s.admin,
            "boundary": s.boundary,
            "services": {
                svc: {lvl: [c.allowed, c.conditional, c.scoped] for lvl, c in levels.items()}
                for svc, levels in s.services.items()
            },
            "escalations": [[p.target, p.conditional, list(p.methods)] for p in s.escalations],
            "functions": list(s.functions),
        }
        paths = [[p.target, len(p.hops)] for p in iam.paths.get(arn, ())]
        yield "principals", arn, {"summary": summary, "paths": paths}
    yield "problems", "all", [[p.holder, p.policy, p.message] for p in iam.model.problems]


class _Holder:
    """An Analysis-like holder, so principal_summary reads this IamAnalysis (not a fresh one)."""

    def __init__(self, estate: Any, iam: IamAnalysis) -> None:
        self.estate = estate
        self.iam = iam


SECTIONS = (
    "counts",
    "findings",
    "finding_order",
    "graph",
    "escalation_edges",
    "principals",
    "problems",
)


def dump(snapshot: Path, out: IO[str], hashes: bool = False) -> None:
    """Write the dump of `snapshot` to `out`, one record per line, as `_records` makes them."""
    started = time.perf_counter()
    estate = load_estate(load_snapshot(snapshot))
    graph = build_graph(estate)
    before = {(u, v, k) for u, v, k in graph.edges(keys=True)}
    nodes_before = set(graph.nodes)
    loaded = time.perf_counter()
    iam = analyze_iam(estate, graph)
    analysed = time.perf_counter()
    counted = 0
    for section, key, payload in _records(estate, iam, graph, before, nodes_before):
        text = canonical(payload)
        if hashes:
            text = canonical("sha256:" + hashlib.sha256(text.encode()).hexdigest())
        out.write(f"[{canonical(section)},{canonical(key)},{text}]\n")
        counted += 1
    print(
        f"{snapshot.name}: load+graph {loaded - started:.2f}s, analyze_iam {analysed - loaded:.2f}s; "
        f"{counted} records",
        file=sys.stderr,
    )


def _head(line: str) -> tuple[str, str, None]:
    """(section, key) of a long line without parsing its payload."""
    decoder = json.JSONDecoder()
    start = len(line) - len(line.lstrip()) + 1  # past "["
    section, end = decoder.raw_decode(line, start + len(line[start:]) - len(line[start:].lstrip()))
    rest = line[end:].lstrip()
    if not rest.startswith(","):
        raise ValueError(f"not a dump record: {line[:80]}")
    at = len(line) - len(rest[1:].lstrip())
    key, _ = decoder.raw_decode(line, at)
    return section, key, None


def _read(path: Path) -> Iterator[tuple[tuple[int, str], str]]:
    """((section rank, key), line) of a dump, in order; a file out of order is refused."""
    rank = {name: i for i, name in enumerate(SECTIONS)}
    last: tuple[int, str] | None = None
    with path.open() as handle:
        for line in handle:
            section, key, _ = _head(line.rstrip("\n"))
            if section not in rank:
                raise SystemExit(f"{path}: unknown section {section!r}")
            here = (rank[section], key)
            if last is not None and here < last:
                raise SystemExit(f"{path}: records out of order at {section} {key}")
            last = here
            yield here, line.rstrip("\n")


def compare(before: Path, after: Path, shown: int = 3) -> int:
    """Merge the two dumps by (section, key); print per section what differs. 0: identical."""
    counts: dict[str, list[int]] = {name: [0, 0, 0, 0] for name in SECTIONS}  # same, diff, missing, extra
    examples: dict[str, list[str]] = {name: [] for name in SECTIONS}
    left, right = _read(before), _read(after)
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            assert a is not None
            section, slot, note = SECTIONS[a[0][0]], 2, f"missing after: {a[1][:300]}"
            a = next(left, None)
        elif a is None or b[0] < a[0]:
            section, slot, note = SECTIONS[b[0][0]], 3, f"extra after: {b[1][:300]}"
            b = next(right, None)
        else:
            section = SECTIONS[a[0][0]]
            same = a[1] == b[1]
            slot, note = (0, "") if same else (1, f"differs:\n   before {a[1][:400]}\n   after  {b[1][:400]}")
            a, b = next(left, None), next(right, None)
        counts[section][slot] += 1
        if note and len(examples[section]) < shown:
            examples[section].append(note)
    failures = 0
    for section in SECTIONS:
        alike, differ, missing, extra = counts[section]
        ok = not (differ or missing or extra)
        failures += not ok
        print(
            f"{section:18} {'identical' if ok else 'DIFFERENT'} ({alike} records the same, "
            f"{differ} differ, {missing} missing, {extra} extra)"
        )
        for note in examples[section]:
            print(f"  {note}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("snapshot", type=Path)
    d.add_argument("out", type=Path)
    d.add_argument("--hashes", action="store_true", help="a sha256 per record instead of its payload")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        with args.out.open("w") as out:
            dump(args.snapshot, out, args.hashes)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
