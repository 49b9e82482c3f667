"""`config.unclassified-store`: data stores a function can reach that carry no classification tag.

Reach comes from the graph's `can` edges (execution role -> data store) when the graph has any;
without them (IAM not analysed yet, or not collected) it falls back to the stores a function's
configuration names: event source mappings, S3 notifications, SNS subscriptions, kept env var
values, and Resource ARNs in the execution role's policies (a bare `*` names nothing). Stores
whose tags were not read (SSM parameters) are unknown and yield no finding.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any

import networkx as nx

from analyzers.config.rules_stores import classification, store_finding
from analyzers.config.unclassified_reach import StoreReach, can_edges_reach
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from estate.model import Estate
from estate.model.store_records import DataStore
from policy.actions import wildcard_match
from policy.document import PolicyParseError, parse_policy

UNCLASSIFIED_STORE = RULES.register(
    Rule(
        id="config.unclassified-store",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="A data store that functions reach carries no classification tag",
        rationale=(
            "Scope, encryption and exposure rules key on the classification tag: an untagged store a "
            "function can read or write is invisible to them, and may hold cardholder data outside "
            "the documented PCI scope."
        ),
        remediation=(
            "Tag the store with the classification key, e.g. aws resourcegroupstaggingapi "
            "tag-resources --resource-arn-list ARN --tags DataClassification=confidential."
        ),
    ),
    check=lambda ctx: unclassified_store_findings(ctx.estate, ctx.graph, ctx.settings),
)


def _has_can_edge(estate: Estate, graph: nx.MultiDiGraph) -> bool:
    """Whether the graph has any `can` edge. They start at principals, so the functions' roles
    answer at once when it has; only a graph without them is scanned whole (732,000 edges at
    10,000 functions took 0.3 s)."""
    succ = graph._succ
    for role in dict.fromkeys(fn.role_arn for fn in estate.functions):
        for keyed in succ.get(role, {}).values():
            if any(data.get("kind") == "can" for data in keyed.values()):
                return True
    return any(data.get("kind") == "can" for _u, _v, data in graph.edges(data=True))


class _StoreIndex:
    """Store ARNs sorted, so a Resource pattern finds its candidates by its literal prefix."""

    def __init__(self, stores: dict[str, DataStore]) -> None:
        self.stores = stores
        self.arns = sorted(stores)
        self._memo: dict[str, list[DataStore]] = {}

    def named_by(self, pattern: str) -> list[DataStore]:
        """Stores a Resource pattern names (its literal part holds the store's name), not a bare `*`."""
        if pattern not in self._memo:
            self._memo[pattern] = self._named_by(pattern)
        return self._memo[pattern]

    def _named_by(self, pattern: str) -> list[DataStore]:
        cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=len(pattern))
        prefix = pattern[:cut]
        if prefix.count(":") < 2:
            return []  # "*" or "arn:*": matches everything, names nothing
        candidates = []
        for arn in self.arns[bisect.bisect_left(self.arns, prefix) :]:
            if not arn.startswith(prefix):
                break
            candidates.append(self.stores[arn])
        for i, char in enumerate(prefix):  # `bucket/*`, `table/t/index/*` name the store above them
            if char == "/" and prefix[:i] in self.stores:
                candidates.append(self.stores[prefix[:i]])
        return [s for s in candidates if s.name in pattern and _covers(pattern, s.arn)]


def _covers(pattern: str, arn: str) -> bool:
    """The pattern matches the store's ARN, or objects/indexes under it (`bucket/*`)."""
    if "*" not in pattern and "?" not in pattern:
        return pattern == arn or pattern.startswith(f"{arn}/")
    return wildcard_match(pattern, arn) or wildcard_match(pattern, f"{arn}/x")


def _allowed_resources(document: Any) -> list[str]:
    """Resource patterns of a policy's Allow statements ([] for an unparseable one)."""
    try:
        parsed = parse_policy(document) if document else None
    except PolicyParseError:
        return []
    return [r for s in parsed.statements if s.is_allow for r in s.resources or ()] if parsed else []


def _role_resources(estate: Estate, role_arn: str, managed: dict[str, list[str]]) -> list[str]:
    """Resource patterns of the role's Allow statements; `managed` caches shared policies."""
    principal = estate.principals.get(role_arn)
    if principal is None:
        return []
    out = [r for p in principal.inline_policies for r in _allowed_resources(p.document)]
    for arn in principal.attached_policy_arns:
        if arn not in managed:
            policy = estate.policies.get(arn)
            managed[arn] = _allowed_resources(policy.document if policy else None)
        out += managed[arn]
    return out


def _named_reach(estate: Estate) -> dict[str, dict[str, str]]:
    """Fallback without `can` edges: stores a function's triggers, env values or role policy name."""
    out: dict[str, dict[str, str]] = {}

    def add(store_arn: str | None, fn_arn: str, how: str) -> None:
        fn = estate.function(fn_arn)
        if fn is not None and store_arn in estate.data_stores:
            out.setdefault(store_arn, {}).setdefault(fn.name, how)

    for esm in estate.event_source_mappings:  # a table's stream ARN is <table ARN>/stream/<label>
        add(esm.source_arn.split("/stream/", 1)[0], esm.function_arn, "event source mapping")
    invokers = estate.invokers
    for note in invokers.bucket_notifications if invokers is not None else ():
        add(note.bucket_arn, note.function_arn, "bucket notification")
    for sub in invokers.sns_subscriptions if invokers is not None else ():
        add(sub.topic_arn, sub.function_arn or "", "SNS subscription")
    index = _StoreIndex(estate.data_stores)
    by_role: dict[str, set[str]] = {}
    managed: dict[str, list[str]] = {}
    for fn in estate.functions:
        if fn.role_arn not in by_role:
            patterns = set(_role_resources(estate, fn.role_arn, managed))
            by_role[fn.role_arn] = {s.arn for r in patterns for s in index.named_by(r)}
        for arn in sorted(by_role[fn.role_arn]):
            add(arn, fn.arn, "named in the execution role's policy")
        values = [str(v.value) for v in fn.environment if v.value]  # kept only with --keep-secrets
        for store in estate.data_stores.values() if values else ():
            if any(store.arn in v for v in values):
                add(store.arn, fn.arn, "named in an environment variable")
    return out


LISTED = 50
"""Functions named in a finding's evidence: a store every role can read is reached by thousands,
and the count (in the title) is what a reviewer acts on; the first ones by name show how."""


def _listed(reach: dict[str, dict[str, str]]) -> dict[str, StoreReach]:
    """The configuration fallback's answers in the `can` edges' form: a count, the first by name."""
    return {
        arn: StoreReach(len(functions), [(n, functions[n]) for n in sorted(functions)[:LISTED]])
        for arn, functions in reach.items()
    }


def unclassified_store_findings(
    estate: Estate, graph: nx.MultiDiGraph, settings: Settings
) -> Iterator[Finding]:
    unclassified = {  # tags read (else unknown) and no classification: what a finding can be about
        arn
        for arn, store in estate.data_stores.items()
        if store.tags_state in ("present", "absent") and not classification(store, settings)
    }
    has_can = _has_can_edge(estate, graph)
    reach = can_edges_reach(estate, graph, unclassified, LISTED) if has_can else _listed(_named_reach(estate))
    for arn, reached in sorted(reach.items()):
        if arn not in unclassified:
            continue
        store = estate.data_stores[arn]
        count = reached.count
        yield store_finding(
            UNCLASSIFIED_STORE,
            store,
            f"no {settings.classification_tag_key} tag, reached by {count} function(s)",
            UNCLASSIFIED_STORE.severity,
            [
                Evidence("tag key", settings.classification_tag_key),
                Evidence("tags", sorted(store.tags)),
                Evidence(
                    "reached by" if count <= LISTED else f"reached by (first {LISTED} of {count})",
                    [f"{name} ({how})" for name, how in reached.listed],
                ),
                Evidence(
                    "reach from", "graph can edges" if has_can else "names in configuration and policies"
                ),
            ],
        )
