"""Rules over `can` edges: what reaches sensitive data stores.

`reach.public-to-sensitive`: a function anyone on the internet can invoke (directly, or through
one unauthenticated route or public alias) whose role (or a role it can assume, escalate to, or
a function it may invoke runs as) can act on a store classified as sensitive (pci or
confidential by default). One finding per (function, classification): the worst store's shortest path,
hop by hop, and every other store of that classification it reaches in the evidence.

`config.no-vpc` (AWS FSBP Lambda.3): a function outside any VPC whose own execution role can act
on a sensitive store; functions that reach nothing sensitive are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import numpy as np

from analyzers.findings.model import Evidence, Finding, Rule, Severity, finding_id
from analyzers.findings.registry import RULES
from analyzers.reach.grants import is_policy_like, is_store_set, member_grant, set_members
from analyzers.reach.index import Adjacency, Layers, ReachIndex, index_for
from analyzers.reach.labels import access_rank, strongest_access
from analyzers.reach.sensitive_reach import SensitiveIndex, SensitiveReach
from estate.graph.stores import store_classification
from estate.model import Estate, LambdaFunction
from estate.model.invoke_grants import INTERNET

SENSITIVE = frozenset({"pci", "confidential"})
MAX_HOPS = 8  # function -> role -> (assume / escalate / invoke -> role)* -> holder of the grant
# Stores have no edges of these kinds, so a `can` edge onto one ends a path; onto a function, the
# walk goes on through its role.
_WALK = frozenset({"executes-as", "can-assume", "escalates-to", "can"})
_TOP_RANK = 15
_STRONG = frozenset({"write", "permissions-management"})

PUBLIC_TO_SENSITIVE = RULES.register(
    Rule(
        id="reach.public-to-sensitive",
        analyzer="reachability",
        severity=Severity.CRITICAL,
        title="An internet-invocable function can reach a sensitive data store",
        rationale=(
            "Anyone who can invoke the function can make it use its role's permissions: a bug or "
            "injection in the handler is one request away from the store's data."
        ),
        remediation=(
            "Put authentication in front of the function (IAM or an authorizer), or split it so the "
            "public part runs as a role without access to sensitive stores; scope the role's grants "
            "(see each hop's statements) to the items and actions it needs."
        ),
    ),
    check=lambda ctx: public_to_sensitive_findings(
        ctx.estate, ctx.graph, tag_key=ctx.settings.classification_tag_key
    ),
)
NO_VPC = RULES.register(
    Rule(
        id="config.no-vpc",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="A function with access to sensitive data runs outside a VPC",
        rationale=(
            "Outside a VPC the function reaches data stores over the public AWS endpoints, and "
            "network controls (VPC endpoints with policies, security groups, flow logs) cannot "
            "restrict or record its traffic to sensitive data."
        ),
        remediation=(
            "Attach the function to private subnets with VPC endpoints for the services it uses, "
            "or remove its access to sensitive stores."
        ),
    ),
    check=lambda ctx: no_vpc_findings(ctx.estate, ctx.graph, tag_key=ctx.settings.classification_tag_key),
)


@dataclass(frozen=True, slots=True)
class _Step:
    source: str
    target: str
    key: str
    data: Mapping[str, Any]


def _public_doors(graph: nx.MultiDiGraph) -> dict[str, list[_Step]]:
    """function ARN -> the public `invokes` edges leading in (as in reach.public-invoke)."""
    doors: dict[str, list[_Step]] = {}
    if INTERNET not in graph:
        return doors
    for _src, dst, key, data in graph.out_edges(INTERNET, keys=True, data=True):
        if data.get("kind") != "invokes" or not data.get("public"):
            continue
        first = _Step(INTERNET, dst, key, data)
        if graph.nodes[dst].get("kind") == "function":
            doors.setdefault(dst, [first])
            continue
        for _mid, fn, onward_key, onward in graph.out_edges(dst, keys=True, data=True):
            usable = onward.get("kind") == "invokes" and not onward.get("conditional")
            if usable and graph.nodes[fn].get("kind") == "function":
                doors.setdefault(fn, [first, _Step(dst, fn, onward_key, onward)])
    return doors


def _sensitive(estate: Estate, tag_key: str | None, classes: frozenset[str]) -> dict[str, str]:
    out = {}
    for arn, store in estate.data_stores.items():
        label = store_classification(store, tag_key)
        if label in classes:
            out[arn] = label
    return out


@dataclass(frozen=True, slots=True)
class _Grants:
    """Every `can` edge onto a sensitive store or a store set, as arrays in graph order (holder
    and store-or-set ids in the index, access rank, conditional) beside the edges' attributes.
    A set row stands for each of the set's sensitive members the holder has no direct edge to
    (grants.py: the expanded graph's answer); it is expanded only for the holders a search
    reaches, so the table grows with edges, not with holders x members."""

    holders: np.ndarray
    stores: np.ndarray  # a store's id, or a set's (then `is_set`)
    ranks: np.ndarray
    conditional: np.ndarray
    is_set: np.ndarray
    data: list[Mapping[str, Any]]
    by_holder: Adjacency  # rows by holder id: a search's holders find their rows without a scan
    members: dict[int, np.ndarray]  # set id -> its sensitive members' ids, in set order
    alike: frozenset[int]  # sets of stores with policies alike (grants.member_grant)

    def grant(self, index: ReachIndex, row: int, store: str) -> Mapping[str, Any]:
        """Row's grant as the store's own edge would say it (grants.member_grant)."""
        node = int(self.stores[row])
        if not self.is_set[row] or node not in self.alike:
            return self.data[row]
        return member_grant(index.graph, index.names[node], store, self.data[row])


def _sensitive_grants(index: ReachIndex, sensitive: Mapping[str, str]) -> _Grants:
    rows: list[tuple[int, int, int, bool, bool]] = []
    data: list[Mapping[str, Any]] = []
    graph, ids = index.graph, index.ids
    members: dict[int, np.ndarray] = {}
    alike: set[int] = set()
    for node, neighbours in graph._succ.items():
        for target, keyed in neighbours.items():
            grant = keyed.get("can")
            if grant is None:
                continue
            if target in sensitive:
                is_set = False
            elif is_store_set(graph, target):
                is_set = True
                set_id = ids[target]
                if set_id not in members:
                    listed = [ids[m] for m in set_members(graph, target) if m in sensitive]
                    members[set_id] = np.array(listed, dtype=np.int64)
                    if is_policy_like(graph, target):
                        alike.add(set_id)
                if not members[set_id].size:
                    continue
            else:
                continue
            rank = access_rank(strongest_access(grant.get("access")))
            rows.append((ids[node], ids[target], rank, bool(grant.get("conditional")), is_set))
            data.append(grant)
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    by_holder = Adjacency.build(table[:, 0], np.arange(len(table), dtype=np.int64), index.size)
    return _Grants(
        table[:, 0],
        table[:, 1],
        table[:, 2],
        table[:, 3].astype(bool),
        table[:, 4].astype(bool),
        data,
        by_holder,
        members,
        frozenset(alike),
    )


def _expanded(grants: _Grants, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, store, position in its set) for each store the rows stand for: a direct row for its
    store, a set row for each sensitive member its holder has no direct row onto."""
    direct = rows[~grants.is_set[rows]]
    set_rows = rows[grants.is_set[rows]]
    if not set_rows.size:
        return direct, grants.stores[direct], np.zeros(direct.size, np.int64)
    lists = [grants.members[s] for s in grants.stores[set_rows].tolist()]
    sizes = np.fromiter((m.size for m in lists), np.int64, len(lists))
    members = np.concatenate(lists)
    owners = np.repeat(set_rows, sizes)
    position = np.arange(members.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    size = np.int64(len(grants.by_holder.indptr))  # > every node id
    own = grants.holders[direct] * size + grants.stores[direct]
    keep = ~np.isin(grants.holders[owners] * size + members, own)
    return (
        np.concatenate((direct, owners[keep])),
        np.concatenate((grants.stores[direct], members[keep])),
        np.concatenate((np.zeros(direct.size, np.int64), position[keep])),
    )


def _best_grants(grants: _Grants, full: Layers, strict: Layers) -> dict[int, tuple[int, bool]]:
    """Store id -> (the grant to report, whether its path is unconditional): an unconditional path
    first, then the strongest access, then the shortest, then the grant first in graph order."""
    rows, stores, position = _expanded(grants, grants.by_holder.neighbours(full.reached_ids))
    if not rows.size:
        return {}
    holders = grants.holders[rows]
    hops, sure_hops = full.dist[holders], strict.dist[holders]
    sure = (sure_hops >= 0) & ~grants.conditional[rows]
    length = np.where(sure, sure_hops, hops).astype(np.int64) + 1
    # Per store, smallest first: unsure, weaker access, longer, later in graph order (the row,
    # then the member's place in its set, as the expanded graph lists them).
    order = np.lexsort((position, rows, length, _TOP_RANK - grants.ranks[rows], ~sure, stores))
    first = order[np.r_[True, stores[order][1:] != stores[order][:-1]]]
    return {
        int(s): (int(r), bool(ok))
        for s, r, ok in zip(stores[first].tolist(), rows[first].tolist(), sure[first].tolist(), strict=True)
    }


def _hop_evidence(graph: nx.MultiDiGraph, index: int, step: _Step) -> Evidence:
    data = step.data
    raw = data.get("evidence")
    detail: dict[str, Any] = {
        "from": step.source,
        "to": step.target,
        "edge": data.get("kind"),
        "evidence": dict(raw) if isinstance(raw, Mapping) else raw,
    }
    for key in ("via", "method", "access", "actions", "statement_ids", "conditional", "prefixes"):
        if data.get(key) not in (None, "", [], {}):
            detail[key] = data[key]
    label = graph.nodes[step.target].get("label") or step.target
    return Evidence(f"hop {index + 1}: {data.get('kind')} {label}", detail)


def _severity(classification: str, access: str | None, conditional: bool) -> Severity:
    severity = Severity.CRITICAL if classification == "pci" and access in _STRONG else Severity.HIGH
    if conditional:
        severity = Severity.HIGH if severity is Severity.CRITICAL else Severity.MEDIUM
    return severity


def public_to_sensitive_findings(
    estate: Estate,
    graph: nx.MultiDiGraph,
    *,
    tag_key: str | None = None,
    classifications: frozenset[str] = SENSITIVE,
) -> Iterator[Finding]:
    sensitive = _sensitive(estate, tag_key, classifications)
    doors = _public_doors(graph)
    if not sensitive or not doors:
        return
    index = index_for(graph, _WALK)
    grants = _sensitive_grants(index, sensitive)
    names = index.names
    for fn_arn, door in sorted(doors.items()):
        fn = estate.function(fn_arn)
        if fn is None:
            continue
        full = index.search(fn_arn, "forward", MAX_HOPS, strict=False)
        strict = index.search(fn_arn, "forward", MAX_HOPS, strict=True) if index.has_conditional else full
        found = []
        for store_id, (grant, sure) in _best_grants(grants, full, strict).items():
            holder, store = names[int(grants.holders[grant])], names[store_id]
            last = _Step(holder, store, "can", grants.grant(index, grant, store))
            head = [_Step(*step) for step in (strict if sure else full).steps_to(holder)]
            found.append((store, [*head, last]))
        by_class: dict[str, list[_Reached]] = {}
        for store, steps in found:
            by_class.setdefault(sensitive[store], []).append(_reached(store, steps))
        for classification in sorted(by_class):
            yield _finding(estate, graph, fn, door, classification, by_class[classification])


@dataclass(frozen=True, slots=True)
class _Reached:
    """One sensitive store a public function reaches: its path, the access it ends with, and the
    severity that store alone would earn."""

    store: str
    steps: list[_Step]
    access: str | None
    conditional: bool
    severity: Severity


def _reached(store: str, steps: list[_Step]) -> _Reached:
    access = steps[-1].data.get("access")
    conditional = any(s.data.get("conditional") for s in steps)
    return _Reached(store, steps, access, conditional, Severity.INFO)


def _finding(
    estate: Estate,
    graph: nx.MultiDiGraph,
    fn: LambdaFunction,
    door: list[_Step],
    classification: str,
    reached: list[_Reached],
) -> Finding:
    """One finding per function and classification (DESIGN.md section 5, Granularity): the worst
    store's path hop by hop, every store of that classification listed in the evidence."""
    graded = sorted(
        (replace(r, severity=_severity(classification, r.access, r.conditional)) for r in reached),
        key=lambda r: (-r.severity.rank, -access_rank(r.access), len(r.steps), r.store),
    )
    worst = graded[0]
    hops = [*door, *worst.steps]
    store = estate.data_stores[worst.store]
    via = " -> ".join(str(graph.nodes[s.target].get("label") or s.target) for s in worst.steps[:-1])
    title = (
        f"{fn.name}: anyone on the internet can invoke it, and through {via} it has {worst.access} "
        f"access to {classification} {store.kind} {store.name}"
    )
    if worst.conditional:
        title += " (conditional)"
    if len(graded) > 1:
        title += f"; {len(graded) - 1} other {classification} store{'s' if len(graded) > 2 else ''}"
    evidence = [_hop_evidence(graph, i, s) for i, s in enumerate(hops)]
    evidence.append(
        Evidence("store", {"arn": worst.store, "kind": store.kind, "classification": classification})
    )
    if len(graded) > 1:
        evidence.append(Evidence("stores reached", [_store_line(estate, r) for r in graded]))
    return Finding(
        PUBLIC_TO_SENSITIVE,
        fn.arn,
        title,
        worst.severity,
        path=(INTERNET, *(s.target for s in hops)),
        evidence=tuple(evidence),
        region=fn.region,
        id=finding_id(PUBLIC_TO_SENSITIVE.id, fn.arn, (classification,)),
    )


def _store_line(estate: Estate, reached: _Reached) -> dict[str, object]:
    store = estate.data_stores[reached.store]
    return {
        "arn": reached.store,
        "kind": store.kind,
        "name": store.name,
        "access": reached.access,
        "conditional": reached.conditional,
        "hops": len(reached.steps),
        "severity": str(reached.severity),
    }


NO_VPC_LISTED = 25
"""Stores listed one by one in a config.no-vpc finding; a role that may read every table reaches
thousands, and the rest are counted by classification (the fix is the same: a VPC)."""


def _more_stores(reach: SensitiveReach, listed: int) -> list[Evidence]:
    """The stores past the first `listed`, counted by classification."""
    rest = reach.total - listed
    if rest <= 0:
        return []
    counts = reach.counts.copy()
    counts.subtract(reach_class for reach_class in reach.listed_classes[:listed])
    return [Evidence(f"and {rest} more sensitive stores", dict(sorted((+counts).items())))]


def no_vpc_findings(
    estate: Estate,
    graph: nx.MultiDiGraph,
    *,
    tag_key: str | None = None,
    classifications: frozenset[str] = SENSITIVE,
) -> Iterator[Finding]:
    sensitive = _sensitive(estate, tag_key, classifications)
    index = SensitiveIndex(graph, sensitive)
    by_role: dict[str, SensitiveReach] = {}
    for fn in estate.functions:
        if fn.vpc is not None or not fn.role_arn or fn.role_arn not in graph:
            continue
        reach = by_role.get(fn.role_arn)
        if reach is None:
            reach = by_role[fn.role_arn] = index.reach(fn.role_arn, NO_VPC_LISTED)
        if not reach.total:
            continue
        reached = reach.listed
        names = ", ".join(f"{estate.data_stores[s].name} ({sensitive[s]})" for s, _ in reached[:5])
        more = f" and {reach.total - 5} more" if reach.total > 5 else ""
        yield Finding(
            NO_VPC,
            fn.arn,
            f"{fn.name}: runs outside a VPC with access to sensitive data: {names}{more}",
            Severity.MEDIUM,
            evidence=(
                Evidence("VpcConfig", None),
                Evidence("execution role", fn.role_arn),
                *(
                    Evidence(
                        f"can {data.get('access')} {sensitive[s]} {estate.data_stores[s].kind}",
                        {
                            "store": s,
                            "statement_ids": data.get("statement_ids"),
                            "conditional": data.get("conditional"),
                        },
                    )
                    for s, data in reached[:NO_VPC_LISTED]
                ),
                *_more_stores(reach, NO_VPC_LISTED),
            ),
            region=fn.region,
        )
