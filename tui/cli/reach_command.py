"""`lambdascope reach SNAP --from NODE [--to NODE] [--backward] [--max-hops K] [--format text|json]`.

Forward (default): what NODE reaches, and with which access. `--backward`: who reaches NODE.
The same queries as the Reachability pane (analyzers/reach/query.py). Every string from the
snapshot is printed literally, control characters escaped; JSON follows `lambdascope.reach/1`.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estate.text import escape_control
from tui.cli.arg_types import add_as_of, add_config, default_jobs, positive_int

if TYPE_CHECKING:
    import networkx as nx

    from analyzers.analysis import Analysis
    from analyzers.reach.types import ReachPath, ReachResult

REACH_SCHEMA = "lambdascope.reach/1"


def _hops(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if not 1 <= value <= 20:
        raise argparse.ArgumentTypeError("must be between 1 and 20")
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "reach",
        help="who reaches what: paths from (or, with --backward, to) a node, hop by hop",
        description="Forward: from `internet`, `account:ID`, a principal or an invoker, every function it "
        "can trigger and, transitively, every role and data store it reaches with the access level. "
        "Backward: every path that reaches a data store, role or function, and from whom.",
    )
    parser.add_argument("snapshot", type=Path)
    parser.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="NODE",
        help="ARN, name, `internet`, `account:ID` or KIND:NAME (e.g. role:payments-role)",
    )
    parser.add_argument("--to", metavar="NODE", help="only paths to (with --backward: from) this node")
    parser.add_argument(
        "--backward", action="store_true", help="who reaches NODE, instead of what it reaches"
    )
    parser.add_argument("--max-hops", type=_hops, default=6, metavar="K", help="longest path (default 6)")
    parser.add_argument(
        "--classification", metavar="C", help="only nodes tagged with this data classification"
    )
    parser.add_argument(
        "--limit", type=positive_int, default=100, metavar="N", help="at most N paths (default 100)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_as_of(parser)
    add_config(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from analyzers.analysis import analyze_snapshot
    from analyzers.findings.settings import load_settings
    from analyzers.gc_pause import cyclic_gc_paused
    from analyzers.reach.labels import resolve_node
    from analyzers.reach.query import backward, forward
    from estate.snapshot import load_snapshot

    settings = load_settings(args.config, Path.cwd())
    with cyclic_gc_paused():  # as `findings`: nothing read or built here is garbage before the end
        analysis = analyze_snapshot(
            load_snapshot(args.snapshot), today=args.as_of, settings=settings, workers=default_jobs()
        )
        gc.freeze()  # the collections when the pause ends and at exit would re-scan it all
    graph = analysis.graph
    start = resolve_node(graph, args.start)
    to = resolve_node(graph, args.to) if args.to else None
    query = backward if args.backward else forward
    result = query(
        graph, start, max_hops=args.max_hops, classification=args.classification, to=to, limit=args.limit
    )
    if args.format == "json":
        sys.stdout.write(reach_json(analysis, result) + "\n")
    else:
        sys.stdout.write(reach_text(graph, result))
    return 0


def reach_json(analysis: Analysis, result: ReachResult) -> str:
    payload = {
        "schema": REACH_SCHEMA,
        "snapshot": {
            **analysis.estate.manifest.summary(),
            "functions": len(analysis.estate.functions),
            "evaluated_on": analysis.today.isoformat(),
        },
        "query": {
            "from": result.start,
            "to": result.to,
            "direction": result.direction,
            "max_hops": result.max_hops,
            "classification": result.classification,
        },
        "reached": [r.to_json() for r in result.reached],
        "paths": [p.to_json() for p in result.paths],
        "truncated": result.truncated,
    }
    return json.dumps(payload, indent=2, ensure_ascii=True)


def _safe(value: object) -> str:
    return escape_control("" if value is None else str(value))


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node] if node in graph else {}
    label = str(data.get("label") or node)
    kind = data.get("subkind") or data.get("kind") or "node"
    return f"{_safe(label)} ({_safe(kind)})"


def _path_block(graph: nx.MultiDiGraph, number: int, path: ReachPath) -> list[str]:
    flags = [f"access {_safe(path.access)}"] if path.access else []
    if path.conditional:
        flags.append("conditional")
    head = f"path {number}: {len(path)} hop{'s' if len(path) != 1 else ''}"
    lines = [head + (f" [{', '.join(flags)}]" if flags else "")]
    lines.append(f"  {_name(graph, path.nodes[0])}")
    for hop in path.hops:
        marks = [_safe(hop.kind)]
        if hop.access:
            marks.append(_safe(hop.access))
        if hop.public:
            marks.append("public")
        if hop.conditional:
            marks.append("conditional")
        lines.append(f"  --[{', '.join(marks)}]--> {_name(graph, hop.target)}")
        if hop.evidence:
            lines.append(f"      evidence: {_safe(hop.evidence)}")
    return lines


def reach_text(graph: nx.MultiDiGraph, result: ReachResult) -> str:
    """One block per path, hop by hop with kind, access and the evidence behind it."""
    arrow = "reaching" if result.direction == "backward" else "from"
    title = f"reach {result.direction} {arrow} {_name(graph, result.start)}"
    if result.to:
        title += f" {'from' if result.direction == 'backward' else 'to'} {_name(graph, result.to)}"
    lines = [title + f", at most {result.max_hops} hops"]
    if result.classification:
        lines[0] += f", classification {_safe(result.classification)}"
    kinds: dict[str, int] = {}
    for reached in result.reached:
        kinds[reached.kind] = kinds.get(reached.kind, 0) + 1
    summary = ", ".join(f"{n} {_safe(k)}" for k, n in sorted(kinds.items()))
    lines.append(f"{len(result.reached)} nodes reached" + (f": {summary}" if summary else ""))
    for number, path in enumerate(result.paths, start=1):
        lines.append("")
        lines.extend(_path_block(graph, number, path))
    if result.truncated:
        lines.append("")
        lines.append(f"(only the first {len(result.paths)} paths; raise --limit for more)")
    if not result.reached:
        lines.append("nothing reached")
    return "\n".join(lines) + "\n"
