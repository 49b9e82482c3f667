"""Rules over `can` edges: what reaches sensitive data stores.

`reach.public-to-sensitive`: a function anyone on the internet can invoke (directly, or through
one unauthenticated route or public alias) whose role (or a role it can assume, escalate to, or
a function it may invoke runs as) can act on a store classified as sensitive (pci or
confidential by default). One finding per (function, classification): the worst store's shortest path,
hop by hop, and every other store of that classification it reaches in the evidence. The grant
reported per store is chosen by best_grants.py (computed once per group of holders and shared by
the functions that reach them alike), over searches without dead ends (door_search.py); a
door's stores are graded and listed as columns (door_stores.py).

`config.no-vpc` (AWS FSBP Lambda.3): a function outside any VPC whose own execution role can act
on a sensitive store; functions that reach nothing sensitive are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from analyzers.findings.model import Evidence, Finding, Rule, Severity, finding_id
from analyzers.findings.registry import RULES
from analyzers.reach.best_grants import BestGrants, sensitive_grants
from analyzers.reach.door_search import DoorSearch
from analyzers.reach.door_stores import DoorReach, StoreColumns, StoreGroups
from analyzers.reach.index import index_for
from analyzers.reach.labels import WRITE_LEVELS, access_rank
from analyzers.reach.sensitive_reach import SensitiveIndex, SensitiveReach
from analyzers.unique import unique
from estate.graph.stores import store_classification
from estate.model import Estate, LambdaFunction
from estate.model.invoke_grants import INTERNET

SENSITIVE = frozenset({"pci", "confidential"})
MAX_HOPS = 8  # function -> role -> (assume / escalate / invoke -> role)* -> holder of the grant
# Stores have no edges of these kinds, so a `can` edge onto one ends a path; onto a function, the
# walk goes on through its role.
_WALK = frozenset({"executes-as", "can-assume", "escalates-to", "can"})

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


class HopDetails:
    """Each hop's detail made once per edge and shared by every finding whose path takes it: the
    functions behind one role walk the same edges, so at 100,000 functions 11,000 findings held
    copies of the same few thousand edges' evidence (and the rules' child pickled each copy).
    Read-only, as all evidence is. A hop is the graph's edge (source, target, key) with the
    attributes the step carries; a step whose attributes are another object (a grant on a set
    said as the member's own edge) gets a detail of its own."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self._graph = graph
        self._made: dict[tuple[str, str, str], tuple[Mapping[str, Any], dict[str, Any]]] = {}

    def evidence(self, index: int, step: _Step) -> Evidence:
        data = step.data
        key = (step.source, step.target, step.key)
        held = self._made.get(key)
        if held is None or held[0] is not data:
            held = self._made[key] = (data, _hop_detail(step))
        label = self._graph.nodes[step.target].get("label") or step.target
        return Evidence(f"hop {index + 1}: {data.get('kind')} {label}", held[1])


def _hop_detail(step: _Step) -> dict[str, Any]:
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
    return detail


def _severity(classification: str, access: str | None, conditional: bool) -> Severity:
    severity = Severity.CRITICAL if classification == "pci" and access in WRITE_LEVELS else Severity.HIGH
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
    grants = sensitive_grants(index, sensitive)
    best = BestGrants(grants, index)
    searches = DoorSearch(index)
    names = index.names
    columns = StoreColumns(index.names, index.ids, sensitive, grants.data)

    def last(reached: _Reached) -> _Step:
        return _Step(reached.holder, reached.store, "can", grants.grant(index, reached.row, reached.store))

    grouping = StoreGroups(columns)
    details = HopDetails(graph)

    for fn_arn, door in sorted(doors.items()):
        fn = estate.function(fn_arn)
        if fn is None:
            continue
        full = searches.search(fn_arn, MAX_HOPS, strict=False)
        strict = searches.search(fn_arn, MAX_HOPS, strict=True) if index.has_conditional else full
        stores, rows, sure = best.best_columns(full, strict)
        if not stores.size:
            continue
        # a holder's path, once per door (and per sureness: the unconditional one may be longer)
        holders = grants.holders[rows]
        pairs, which = np.unique(holders * 2 + sure, return_inverse=True)
        heads: list[list[_Step]] = []
        for pair in pairs.tolist():
            holder, is_sure = divmod(pair, 2)
            heads.append([_Step(*step) for step in (strict if is_sure else full).steps_to(names[holder])])
        head_hops = np.array([len(head) for head in heads], dtype=np.int64)
        head_conditional = np.array([any(s.data.get("conditional") for s in head) for head in heads])
        reached = DoorReach(
            stores,
            rows,
            holders,
            which.reshape(-1),
            columns.access_codes(rows),
            head_conditional[which].reshape(-1) | grants.conditional[rows],  # any hop, or the grant
            head_hops[which].reshape(-1) + 1,
            heads,
        )
        kinds = columns.class_of[stores]
        for code in unique(kinds).tolist():  # classification codes ascend as their names
            picked = reached.of(kinds == code)
            yield _finding(estate, graph, fn, door, columns, code, picked, last, grouping, details)


@dataclass(frozen=True, slots=True)
class _Reached:
    """The store a finding names first: the grant that reaches it (its holder and row), the path
    to the holder, the access the grant gives, and whether any hop is conditional."""

    store: str
    holder: str
    row: int
    head: Sequence[_Step]
    access: str | None
    conditional: bool


def _finding(
    estate: Estate,
    graph: nx.MultiDiGraph,
    fn: LambdaFunction,
    door: list[_Step],
    columns: StoreColumns,
    code: int,
    reached: DoorReach,
    last: Callable[[_Reached], _Step],
    grouping: StoreGroups,
    details: HopDetails,
) -> Finding:
    """One finding per function and classification (DESIGN.md section 5, Granularity): the worst
    store's path hop by hop (`last` gives its grant's hop), every store of that classification
    listed in the evidence."""
    classification = columns.classes[code]
    # a grade per (access, conditional): a few per finding
    kinds, which = np.unique(reached.access * 2 + reached.conditional, return_inverse=True)
    grades: list[tuple[Severity, int]] = []
    for kind in kinds.tolist():
        access = columns.access[kind // 2]
        grades.append((_severity(classification, access, bool(kind % 2)), access_rank(access)))
    which = which.reshape(-1)
    worse = np.array([-severity.rank for severity, _rank in grades], dtype=np.int64)[which]
    weaker = np.array([-rank for _severity, rank in grades], dtype=np.int64)[which]
    # Worst first: severity, access, fewer hops, then the store's ARN (unique: compares no further)
    order = np.lexsort((columns.place_of[reached.stores], reached.hops, weaker, worse))
    first = int(order[0])
    severity = grades[int(which[first])][0]
    worst = _Reached(
        columns.names[int(reached.stores[first])],
        columns.names[int(reached.holders[first])],
        int(reached.rows[first]),
        reached.heads[int(reached.head[first])],
        columns.access[int(reached.access[first])],
        bool(reached.conditional[first]),
    )
    hops = [*door, *worst.head, last(worst)]
    store = estate.data_stores[worst.store]
    via = " -> ".join(str(graph.nodes[s.target].get("label") or s.target) for s in worst.head)
    title = (
        f"{fn.name}: anyone on the internet can invoke it, and through {via} it has {worst.access} "
        f"access to {classification} {store.kind} {store.name}"
    )
    if worst.conditional:
        title += " (conditional)"
    count = int(order.size)
    if count > 1:
        title += f"; {count - 1} other {classification} store{'s' if count > 2 else ''}"
    evidence = [details.evidence(i, s) for i, s in enumerate(hops)]
    evidence.append(
        Evidence("store", {"arn": worst.store, "kind": store.kind, "classification": classification})
    )
    if count > 1:
        severities = [severity for severity, _rank in grades]
        evidence.append(Evidence("stores reached", grouping.groups(reached, order, which, severities)))
    return Finding(
        PUBLIC_TO_SENSITIVE,
        fn.arn,
        title,
        severity,
        path=(INTERNET, *(s.target for s in hops)),
        evidence=tuple(evidence),
        region=fn.region,
        id=finding_id(PUBLIC_TO_SENSITIVE.id, fn.arn, (classification,)),
    )


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
