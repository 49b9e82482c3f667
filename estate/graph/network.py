"""Network nodes and edges: where each function's traffic can go.

Nodes (id = the resource's ARN): subnet, security-group, vpc-endpoint, nat, igw, plus `internet`.
Edges:
- function `in-subnet` subnet (one per VpcConfig subnet);
- function `in-security-group` security group (evidence: its egress rules);
- subnet `routes-to` igw | nat | vpc-endpoint, from the subnet's effective route table (gateway
  endpoints appear as prefix-list routes); interface endpoints from the endpoint's own subnet ids;
- nat / igw `routes-to` internet (a public NAT that is available; an attached IGW);
- function `routes-to` internet for functions with no VpcConfig (Lambda-managed network).
Routing alone overstates reach: a Lambda ENI never gets a public IP, so a default route to an
IGW gives it no egress, and security groups may close outbound traffic. The verdict per function
is `analyzers.config.egress.egress_of`, which reads the model; these edges are its explanation.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from estate.graph.nodes import AddNode
from estate.model.estate import Estate
from estate.model.functions import LambdaFunction
from estate.model.invoke_grants import INTERNET
from estate.model.network import Network, SecurityGroupRule

NO_VPC_EVIDENCE = "no VpcConfig: Lambda-managed network, internet egress"


def ec2_arn(network: Network, kind: str, resource_id: str) -> str:
    """arn:aws:ec2:<region>:<account>:<kind>/<id> (kind: subnet, security-group, natgateway, ...)."""
    return f"arn:aws:ec2:{network.region}:{network.account}:{kind}/{resource_id}"


def rule_json(rule: SecurityGroupRule) -> dict[str, Any]:
    return {
        "protocol": rule.protocol,
        "from_port": rule.from_port,
        "to_port": rule.to_port,
        "cidrs": list(rule.cidrs),
        "prefix_lists": list(rule.prefix_list_ids),
        "groups": list(rule.group_ids),
    }


def _route_edges(graph: nx.MultiDiGraph, add_node: AddNode, network: Network) -> dict[str, str]:
    """Add subnet, gateway and endpoint nodes with their routes-to edges; subnet id -> node id."""
    nodes: dict[str, str] = {}
    endpoints = {e.id: e for e in network.endpoints.values()}
    for subnet in network.subnets.values():
        node = ec2_arn(network, "subnet", subnet.id)
        nodes[subnet.id] = node
        add_node(graph, node, kind="subnet", label=subnet.name or subnet.id, az=subnet.az, vpc=subnet.vpc_id)
        table = network.route_tables.get(subnet.route_table_id or "")
        for route in table.routes if table else ():
            if route.target_kind == "igw":
                target = ec2_arn(network, "internet-gateway", route.target_id)
                add_node(graph, target, kind="igw", label=route.target_id)
            elif route.target_kind == "nat":
                target = ec2_arn(network, "natgateway", route.target_id)
                add_node(graph, target, kind="nat", label=route.target_id)
            elif route.target_kind == "vpce":
                target = ec2_arn(network, "vpc-endpoint", route.target_id)
                found = endpoints.get(route.target_id)
                add_node(
                    graph, target, kind="vpc-endpoint", label=found.service if found else route.target_id
                )
            else:
                continue
            graph.add_edge(
                node,
                target,
                key=f"routes-to:{route.destination}",
                kind="routes-to",
                default=route.is_default,
                evidence={
                    "route_table": table.id if table else None,
                    "explicit_association": subnet.explicit_route_table,
                    "destination": route.destination,
                    "target": route.target_id,
                    "state": route.state,
                },
            )
    for endpoint in endpoints.values():
        if endpoint.type.lower() != "interface":
            continue
        target = ec2_arn(network, "vpc-endpoint", endpoint.id)
        add_node(graph, target, kind="vpc-endpoint", label=endpoint.service)
        for subnet_id in endpoint.subnet_ids:
            if subnet_id in nodes:
                graph.add_edge(
                    nodes[subnet_id],
                    target,
                    key="routes-to:interface-endpoint",
                    kind="routes-to",
                    default=False,
                    evidence={
                        "endpoint": endpoint.id,
                        "service": endpoint.service_name,
                        "private_dns": endpoint.private_dns,
                    },
                )
    for endpoint in endpoints.values():
        node = ec2_arn(network, "vpc-endpoint", endpoint.id)
        if node in graph:
            graph.nodes[node].update(
                service=endpoint.service, endpoint_type=endpoint.type, vpc=endpoint.vpc_id
            )
    for nat in network.nat_gateways.values():
        node = ec2_arn(network, "natgateway", nat.id)
        if node in graph and nat.connectivity == "public" and nat.state in ("available", "pending"):
            evidence: dict[str, Any] = {
                "nat": nat.id,
                "subnet": nat.subnet_id,
                "state": nat.state,
                "connectivity": nat.connectivity,
            }
            graph.add_edge(node, INTERNET, key="routes-to", kind="routes-to", evidence=evidence)
    for igw in network.internet_gateways.values():
        node = ec2_arn(network, "internet-gateway", igw.id)
        if node in graph and igw.vpc_ids:
            evidence = {"igw": igw.id, "attached_to": list(igw.vpc_ids)}
            graph.add_edge(node, INTERNET, key="routes-to", kind="routes-to", evidence=evidence)
    return nodes


def _function_edges(
    graph: nx.MultiDiGraph,
    add_node: AddNode,
    fn: LambdaFunction,
    network: Network,
    subnets: dict[str, str],
    egress: dict[int, list[dict[str, Any]]],
) -> None:
    """`egress`: each security group's rules as evidence, made once for every function in the group
    (read-only, shared by their edges: 65,000 edges at 100,000 functions)."""
    assert fn.vpc is not None
    subnet_ids = list(fn.vpc.subnet_ids)  # one list for the function's edges, as with the groups
    for subnet_id in fn.vpc.subnet_ids:
        node = subnets.get(subnet_id) or ec2_arn(network, "subnet", subnet_id)
        add_node(graph, node, kind="subnet", label=subnet_id)
        subnet = network.subnets.get(subnet_id)
        evidence: dict[str, Any] = {
            "VpcConfig.SubnetIds": subnet_ids,
            "az": subnet.az if subnet else None,
        }
        graph.add_edge(fn.arn, node, key="in-subnet", kind="in-subnet", evidence=evidence)
    group_ids = list(fn.vpc.security_group_ids)
    for group_id in fn.vpc.security_group_ids:
        node = ec2_arn(network, "security-group", group_id)
        group = network.security_groups.get(group_id)
        add_node(graph, node, kind="security-group", label=group.name if group else group_id)
        sg_evidence: dict[str, Any] = {"VpcConfig.SecurityGroupIds": group_ids}
        if group is None:
            sg_evidence["egress"] = None
        else:
            rules = egress.get(id(group))
            if rules is None:
                rules = egress[id(group)] = [rule_json(r) for r in group.egress]
            sg_evidence["egress"] = rules
        graph.add_edge(fn.arn, node, key="in-security-group", kind="in-security-group", evidence=sg_evidence)


def add_network(graph: nx.MultiDiGraph, estate: Estate, add_node: AddNode) -> None:
    """Add the network nodes and edges of every account and region, and each function's place in it."""
    subnet_nodes: dict[tuple[str, str], dict[str, str]] = {}
    egress: dict[int, list[dict[str, Any]]] = {}  # by id of a group the estate holds
    for where, network in estate.networks.items():
        subnet_nodes[where] = _route_edges(graph, add_node, network)
    for fn in estate.functions:
        if fn.vpc is None:
            graph.add_edge(
                fn.arn,
                INTERNET,
                key="routes-to",
                kind="routes-to",
                evidence={"egress": NO_VPC_EVIDENCE},
            )
            continue
        network = estate.networks.get((fn.account, fn.region)) or Network(fn.account, fn.region)
        _function_edges(graph, add_node, fn, network, subnet_nodes.get((fn.account, fn.region), {}), egress)
