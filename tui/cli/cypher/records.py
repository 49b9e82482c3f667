"""Every node and relationship one export writes: the analysed graph and its findings as
Cartography-shaped records (tui/cli/cypher/nodes.py, relationships.py).

Accounts: every `AWSAccount` the graph names, and the snapshot's own (`exported`: their stale
nodes are the ones an export removes). An invoker that is no AWS resource (an API route, a
function URL, a scoped caller) is filed under the account of the function it invokes; the
internet, service principals and organisations belong to no account and are never removed.
A subnet's VPC becomes an `AWSVpc` node, `(:EC2Subnet)-[:MEMBER_OF_AWS_VPC]->(:AWSVpc)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from analyzers.findings.model import Finding
from tui.cli.cypher.nodes import NodeRecord, arn_account, node_record
from tui.cli.cypher.relationships import RelRecord, finding_node, rel_record


@dataclass(frozen=True)
class ExportRecords:
    exported_accounts: tuple[str, ...]  # the snapshot's accounts: their stale nodes are removed
    nodes: list[NodeRecord]
    relationships: list[RelRecord]


def _owner(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The account of the first function an account-less invoker invokes."""
    for _src, target, data in graph.out_edges(node, data=True):
        if data.get("kind") == "invokes":
            account = graph.nodes[target].get("account") or arn_account(target)
            if account:
                return str(account)
    return None


def export_records(
    graph: nx.MultiDiGraph, findings: Iterable[Finding], accounts: Sequence[str]
) -> ExportRecords:
    by_node: dict[str, NodeRecord] = {}
    data_of: Mapping[str, Mapping] = graph.nodes
    for node, data in graph.nodes(data=True):
        owner = None if data.get("account") or arn_account(node) else _owner(graph, node)
        record = node_record(node, data, owner)
        if record is not None:
            by_node[node] = record
    nodes = list(by_node.values())
    rels: list[RelRecord] = []
    vpcs: dict[str, NodeRecord] = {}
    for record in nodes:
        vpc_id = record.props.get("vpc_id") if record.label == "EC2Subnet" else None
        if vpc_id:
            vpcs.setdefault(vpc_id, NodeRecord("AWSVpc", vpc_id, (), record.account, {"vpcid": vpc_id}))
            rels.append(RelRecord("MEMBER_OF_AWS_VPC", (record.label, record.id), ("AWSVpc", vpc_id)))
    nodes.extend(vpcs.values())
    for source, target, key, data in graph.edges(keys=True, data=True):
        src, dst = by_node.get(source), by_node.get(target)
        if src is None or dst is None:
            continue
        rel = rel_record(str(data.get("kind")), str(key), data, src, dst, data_of[source])
        if rel is not None:
            rels.append(rel)
    for finding in findings:
        resource = by_node.get(finding.resource)
        account = (resource.account if resource else None) or arn_account(finding.resource)
        if resource is not None and resource.label == "AWSAccount":
            account = resource.id
        node = finding_node(finding, account)
        nodes.append(node)
        if resource is not None:
            rels.append(RelRecord("AFFECTS", (node.label, node.id), (resource.label, resource.id)))
    known = {n.id for n in nodes if n.label == "AWSAccount"}
    wanted = dict.fromkeys([*accounts, *(n.account for n in nodes if n.account)])
    nodes[:0] = [NodeRecord("AWSAccount", a, (), None, {"name": a}) for a in wanted if a and a not in known]
    return ExportRecords(tuple(a for a in accounts if a), nodes, rels)
