"""Build the estate graph (DESIGN.md section 3) from the typed model.

A networkx MultiDiGraph whose edge key is the edge kind, so parallel typed edges between the
same nodes stay apart. Every edge carries `evidence`: the statement or configuration that
created it, so any path can be explained line by line.

Edge kinds added here: `invokes`, `executes-as`, `has-policy` (principal -> managed or inline
policy) and `bounded-by` (principal -> permissions boundary); estate/graph/trigger_edges.py adds the
other triggers' `invokes` edges, estate/graph/network.py `in-subnet`, `in-security-group` and
`routes-to`, and estate/graph/stores.py the data-store and KMS-key nodes with `encrypted-by`.
This is every node and edge of the estate itself; analyses add only what they derive from it
(`can`, `can-assume`, `escalates-to` and summary set nodes) through estate/graph/derived.py.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from estate.graph.network import add_network
from estate.graph.nodes import SOURCE_NODE_KINDS, add_node
from estate.graph.stores import add_store_nodes
from estate.graph.trigger_edges import add_invokers
from estate.model.estate import Estate
from estate.model.functions import LambdaFunction
from estate.model.invoke_grants import (
    INTERNET,
    InvokeGrant,
    ResourcePolicies,
    grants_from_policy,
    url_reachable,
)


def _invoker_subkind(arn: str) -> str:
    service = arn.split(":")[2] if arn.startswith("arn:") and arn.count(":") >= 5 else ""
    return {
        "sqs": "queue",
        "sns": "topic",
        "s3": "bucket",
        "dynamodb": "stream",
        "kinesis": "stream",
        "events": "event rule",
        "execute-api": "api route",
        "logs": "log subscription",
    }.get(service, service or "invoker")


def _add_function(graph: nx.MultiDiGraph, fn: LambdaFunction) -> None:
    add_node(graph, fn.arn, kind="function", label=fn.name, region=fn.region, account=fn.account)
    if fn.role_arn:
        add_node(graph, fn.role_arn, kind="role", label=fn.role_arn.rsplit("/", 1)[-1])
        graph.add_edge(
            fn.arn,
            fn.role_arn,
            key="executes-as",
            kind="executes-as",
            evidence={"Role": fn.role_arn},
        )


def _add_grant(graph: nx.MultiDiGraph, fn: LambdaFunction, grant: InvokeGrant) -> None:
    node_kind = SOURCE_NODE_KINDS.get(grant.source_kind, "principal")
    attrs: dict[str, Any] = {"kind": node_kind, "label": grant.source}
    if node_kind == "invoker":
        attrs["subkind"] = _invoker_subkind(grant.source)
    add_node(graph, grant.source, **attrs)
    key = f"invokes:{grant.via}:{grant.statement_sid or ''}:{grant.action}"
    graph.add_edge(
        grant.source,
        fn.arn,
        key=key,
        kind="invokes",
        via=grant.via,
        action=grant.action,
        conditional=grant.conditional,
        public=grant.source == INTERNET and not grant.scoped_by,
        evidence=grant.evidence(),
        grant=grant,
    )


def _add_url(graph: nx.MultiDiGraph, fn: LambdaFunction) -> None:
    if fn.url is None:
        return
    node = fn.url.url or f"{fn.arn}#url"
    add_node(graph, node, kind="invoker", subkind="function url", label=node, auth_type=fn.url.auth_type)
    graph.add_edge(
        node,
        fn.arn,
        key="invokes:function-url",
        kind="invokes",
        via="function-url",
        conditional=False,
        public=False,
        evidence={
            "AuthType": fn.url.auth_type,
            "Cors.AllowOrigins": list(fn.url.cors_allow_origins),
        },
    )


def _add_iam(graph: nx.MultiDiGraph, estate: Estate) -> None:
    for principal in estate.principals.values():
        add_node(graph, principal.arn, kind=principal.kind, label=principal.name)
        graph.nodes[principal.arn]["kind"] = principal.kind
        for arn in principal.attached_policy_arns:
            policy = estate.policies.get(arn)
            add_node(graph, arn, kind="policy", label=policy.name if policy else arn.rsplit("/", 1)[-1])
            graph.add_edge(
                principal.arn, arn, key="has-policy", kind="has-policy", evidence={"attached": arn}
            )
        for inline in principal.inline_policies:
            node = f"{principal.arn}#inline/{inline.name}"
            add_node(graph, node, kind="policy", label=inline.name, inline=True)
            graph.add_edge(
                principal.arn,
                node,
                key="has-policy",
                kind="has-policy",
                evidence={"inline": inline.name},
            )
        if principal.boundary_arn:
            add_node(graph, principal.boundary_arn, kind="policy", label=principal.boundary_arn)
            graph.add_edge(
                principal.arn,
                principal.boundary_arn,
                key="bounded-by",
                kind="bounded-by",
                evidence={"PermissionsBoundary": principal.boundary_arn},
            )


def build_graph(
    estate: Estate, *, classification_tag: str | None = None, policies: ResourcePolicies | None = None
) -> nx.MultiDiGraph:
    """The estate's graph. `classification_tag` names the tag that classifies a data store
    (None: the classification parsed at load, see estate/graph/stores.py). `policies`: resource
    policy texts parsed already (the analysis' access stage parses every function's first)."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    graph.add_node(INTERNET, kind="internet", label="internet")
    # each function's policy parsed once, for grants and triggers
    policies = policies if policies is not None else ResourcePolicies()
    for fn in estate.functions:
        _add_function(graph, fn)
        _add_url(graph, fn)
        grants, problems = grants_from_policy(fn, policies)
        graph.graph.setdefault("policy_problems", []).extend(problems)
        for grant in grants:
            if url_reachable(fn, grant):
                _add_grant(graph, fn, grant)
    for esm in estate.event_source_mappings:
        if esm.function_arn not in graph:
            continue
        add_node(
            graph,
            esm.source_arn,
            kind="invoker",
            subkind=_invoker_subkind(esm.source_arn),
            label=esm.source_arn,
        )
        graph.add_edge(
            esm.source_arn,
            esm.function_arn,
            key=f"invokes:event-source-mapping:{esm.uuid}",
            kind="invokes",
            via="event-source-mapping",
            conditional=False,
            public=False,
            evidence={"UUID": esm.uuid, "State": esm.state, "BatchSize": esm.batch_size},
        )
    add_invokers(graph, estate, add_node, policies)  # API routes, rules, topics, buckets, logs, aliases
    add_network(graph, estate, add_node)  # subnets, routes, gateways, endpoints, egress
    _add_iam(graph, estate)
    add_store_nodes(graph, estate, classification_tag)  # stores, keys, encrypted-by
    return graph


def invokers_of(graph: nx.MultiDiGraph, function_arn: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (source node, edge data) that can trigger the function, sorted for display."""
    if function_arn not in graph:
        return []
    out = [
        (src, data)
        for src, _dst, data in graph.in_edges(function_arn, data=True)
        if data.get("kind") == "invokes"
    ]
    return sorted(out, key=lambda item: (not item[1].get("public"), item[0]))
