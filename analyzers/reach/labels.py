"""Naming graph nodes and explaining graph edges for the reachability queries.

`resolve_node` turns what a user typed (an ARN, a name, `internet`, `account:ID`, `kind:name`)
into a node id, or fails with a `LambdascopeError` naming the candidates. `access_rank` orders
the `can` edges' access levels, and `evidence_summary` condenses an edge's evidence into the one
line a path shows per hop (the full evidence stays on the edge, for the detail views).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from estate.errors import LambdascopeError
from estate.text import escape_control

# Strongest first: changing who may do what beats changing data, which beats reading it.
ACCESS_LEVELS = ("permissions-management", "write", "read", "list", "tagging")
_ACCESS_RANK = {level: len(ACCESS_LEVELS) - i for i, level in enumerate(ACCESS_LEVELS)}
WRITE_LEVELS = frozenset({"permissions-management", "write"})
"""The levels that can change or destroy a store's data (or who may)."""
_MAX_CANDIDATES = 8
_INDEX_KEY = "_reach_name_index"


def access_rank(level: str | None) -> int:
    """0 for no access level; higher is stronger (unknown levels rank just above none)."""
    if level is None:
        return 0
    return _ACCESS_RANK.get(level.lower(), 1 if level else 0)


def strongest_access(value: object) -> str | None:
    """The strongest level of an edge's `access` attribute (a level or a collection of levels)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        levels = [str(v) for v in value if v]
        return max(levels, key=access_rank) if levels else None
    return str(value)


def node_label(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node] if node in graph else {}
    return str(data.get("label") or node)


def _short_name(node: str) -> str:
    """The name part of an ARN (`function:NAME`, `role/NAME`, `table/NAME`), else the id."""
    if not node.startswith("arn:"):
        return node
    tail = node.split(":", 5)[-1]
    return tail.rsplit("/", 1)[-1].rsplit(":", 1)[-1] if tail else node


def _name_index(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Lower-cased label and short name -> node ids; built on first use, rebuilt when nodes change."""
    cached = graph.graph.get(_INDEX_KEY)
    if cached is not None and cached[0] == graph.number_of_nodes():
        index: dict[str, list[str]] = cached[1]
        return index
    built: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        names = {str(data.get("label") or ""), _short_name(node)}
        for name in names:
            if name:
                built[name.lower()].append(node)
    graph.graph[_INDEX_KEY] = (graph.number_of_nodes(), dict(built))
    return dict(built)


def _describe(graph: nx.MultiDiGraph, node: str) -> str:
    kind = graph.nodes[node].get("kind", "?")
    return escape_control(f"{kind} {node}")


def resolve_node(graph: nx.MultiDiGraph, text: str) -> str:
    """The node `text` names: a node id or ARN, `internet`, `account:ID` (or a bare 12-digit id),
    a name or label (case-insensitive), or `KIND:NAME` (`role:payments`) to pick among equal names.

    Raises LambdascopeError for an unknown name (with the closest names) or an ambiguous one
    (with every candidate, so the user can retype the ARN).
    """
    wanted = text.strip()
    if not wanted:
        raise LambdascopeError("no node given")
    if wanted in graph:
        return wanted
    if len(wanted) == 12 and wanted.isdigit() and f"account:{wanted}" in graph:
        return f"account:{wanted}"
    index = _name_index(graph)
    matches = list(dict.fromkeys(index.get(wanted.lower(), ())))
    kind, _, name = wanted.partition(":")
    if not matches and name and not wanted.startswith("arn:"):
        matches = [n for n in index.get(name.lower(), ()) if graph.nodes[n].get("kind") == kind.lower()]
    if len(matches) > 1:
        exact = [n for n in matches if node_label(graph, n) == wanted]
        matches = exact if len(exact) == 1 else matches
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = "; ".join(_describe(graph, n) for n in sorted(matches)[:_MAX_CANDIDATES])
        more = f" (and {len(matches) - _MAX_CANDIDATES} more)" if len(matches) > _MAX_CANDIDATES else ""
        raise LambdascopeError(f"{wanted!r} is ambiguous: {shown}{more}; give the ARN or KIND:NAME")
    close = difflib.get_close_matches(wanted.lower(), list(index), n=_MAX_CANDIDATES, cutoff=0.6)
    hint = f"; did you mean: {escape_control(', '.join(close))}" if close else ""
    raise LambdascopeError(f"unknown node {wanted!r}{hint}")


def _compact(value: Any, limit: int = 80) -> str:
    if isinstance(value, (list, tuple)):
        text = ", ".join(_compact(v, limit) for v in value)
    elif isinstance(value, Mapping):
        text = ", ".join(f"{k}={_compact(v, limit)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _conditions(evidence: Mapping[str, Any]) -> list[str]:
    out = []
    for cond in evidence.get("narrowing_conditions") or evidence.get("conditions") or ():
        if isinstance(cond, Mapping):
            values = cond.get("values")
            out.append(f"{cond.get('operator', '')} {cond.get('key', '')}={_compact(values, 40)}".strip())
        else:
            out.append(_compact(cond, 60))
    return out


def evidence_summary(data: Mapping[str, Any]) -> str:
    """One line explaining an edge: the statement, method or configuration behind it.

    Reads the edge attributes first; the lazily built escalation evidence is never forced.
    """
    kind = data.get("kind")
    parts: list[str] = []
    if kind == "escalates-to" or (kind == "can-assume" and data.get("method")):
        parts.append(f"method {data.get('method', 'sts-assume-role')}")
        if data.get("via"):
            parts.append(f"via {data['via']}")
    elif kind == "can-assume":
        parts.append("trust policy allows sts:AssumeRole")
    raw = data.get("evidence")
    lazy = kind in ("escalates-to", "can-assume")  # EdgeEvidence builds itself on first read
    evidence: Mapping[str, Any] = raw if isinstance(raw, Mapping) and not lazy else {}
    if kind == "invokes":
        parts.append(f"via {data.get('via') or evidence.get('via') or 'configuration'}")
        sid = evidence.get("sid")
        if sid:
            parts.append(f"Sid {sid}")
        if data.get("action"):
            parts.append(str(data["action"]))
        if evidence.get("AuthType") or evidence.get("auth_type"):
            parts.append(f"AuthType {evidence.get('AuthType') or evidence.get('auth_type')}")
    elif kind == "executes-as":
        parts.append("execution role")
    elif kind == "can":
        for key in ("actions", "action", "sids", "statement_ids", "statements", "sid", "policy", "policies"):
            value = data.get(key, evidence.get(key))
            if value:
                parts.append(f"{key} {_compact(value)}")
    elif kind == "contains":
        parts.append("one of the stores the set stands for")
    elif kind not in ("escalates-to", "can-assume"):
        parts.extend(f"{k} {_compact(v)}" for k, v in list(evidence.items())[:4] if v not in (None, "", []))
    conditions = _conditions(evidence)
    keys = data.get("condition_keys") or ()
    if conditions:
        parts.append(f"if {'; '.join(conditions)}")
    elif keys:
        parts.append(f"if {', '.join(str(k) for k in keys)}")
    return " · ".join(parts) if parts else str(kind or "edge")
