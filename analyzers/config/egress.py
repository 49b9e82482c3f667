"""Where a function's outbound traffic can go, from its VpcConfig, subnets, routes and security groups.

`egress_of(estate, fn)` is the one verdict the network rules and the UI read:
- `internet`: no VpcConfig, so Lambda's managed network gives it internet egress;
- `nat`: a VPC function with a default route to an available NAT gateway (traffic to AWS services
  without a VPC endpoint leaves over that NAT);
- `endpoints-only`: in a VPC with no working internet route (or security groups closed to the
  world), but VPC endpoints it can use;
- `none`: no route out and no endpoint, or every security group's egress is empty;
- `unknown`: the network was not collected, a subnet or group is missing from it, or traffic
  goes to a transit gateway, peering or appliance we cannot follow. Never a guess.
A default route to an internet gateway gives a Lambda ENI nothing: it never gets a public IP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from estate.model import Estate, LambdaFunction, VpcConfig
from estate.model.network import Network, Route, SecurityGroup

NEEDED = ("DescribeSubnets", "DescribeRouteTables")
_LIVE_NAT_STATES = ("available", "pending")


@dataclass(frozen=True, slots=True)
class Egress:
    kind: str  # internet | nat | endpoints-only | none | unknown
    via: tuple[str, ...] = ()  # NAT ids, "lambda-managed", or the unresolved targets
    endpoints: tuple[str, ...] = ()  # services with a usable VPC endpoint ("s3", "secretsmanager")
    detail: str = ""
    public_subnets: tuple[str, ...] = ()  # subnets whose default route goes to an IGW
    vpc_id: str | None = None
    world_ports: str = ""  # what the security groups let out to 0.0.0.0/0 ("all", "tcp 443", "")


def _default_route(routes: tuple[Route, ...]) -> Route | None:
    live = [r for r in routes if r.is_default and r.state != "blackhole"]
    return next((r for r in live if r.destination == "0.0.0.0/0"), live[0] if live else None)


def _world_ports(network: Network, group_ids: tuple[str, ...]) -> str | None:
    """What the groups let out to the world: "all", "tcp 443,...", "" (nothing) or None (unknown)."""
    if "DescribeSecurityGroups" not in network.collected:
        return None
    parts: list[str] = []
    for group_id in group_ids:
        group = network.security_groups.get(group_id)
        if group is None:
            return None
        for rule in group.egress:
            if not (rule.open_to_world or rule.prefix_list_ids):
                continue
            if rule.all_traffic:
                return "all"
            span = (
                f"{rule.from_port}" if rule.from_port == rule.to_port else f"{rule.from_port}-{rule.to_port}"
            )
            parts.append(f"{rule.protocol} {span}")
    return ", ".join(sorted(set(parts)))


def _endpoint_services(network: Network, vpc_id: str, tables: set[str]) -> tuple[str, ...]:
    """Services every one of the function's subnets can reach through an endpoint."""
    if "DescribeVpcEndpoints" not in network.collected:
        return ()
    found: set[str] = set()
    for endpoint in network.endpoints_in(vpc_id):
        if endpoint.state.lower() not in ("available", ""):
            continue
        kind = endpoint.type.lower()
        gateway = kind == "gateway" and bool(tables) and tables <= set(endpoint.route_table_ids)
        if gateway or (kind == "interface" and endpoint.private_dns):
            found.add(endpoint.service)
    return tuple(sorted(found))


def egress_of(estate: Estate, fn: LambdaFunction) -> Egress:
    if fn.vpc is None:
        return Egress("internet", ("lambda-managed",), detail="no VpcConfig: Lambda-managed network")
    network = estate.networks.get((fn.account, fn.region))
    if network is None or any(op not in network.collected for op in NEEDED):
        return Egress("unknown", detail="the VPC's subnets and route tables were not collected")
    subnets = [network.subnets.get(s) for s in fn.vpc.subnet_ids]
    missing = [s for s, found in zip(fn.vpc.subnet_ids, subnets, strict=True) if found is None]
    if missing:
        return Egress("unknown", detail=f"subnets not in the collected network: {', '.join(missing)}")
    vpc_id = estate.function_vpc_id(fn)
    nats: set[str] = set()
    public: list[str] = []
    unresolved: list[str] = []
    tables: set[str] = set()
    for subnet in subnets:
        assert subnet is not None
        routes = network.routes_of(subnet.id)
        if routes is None:
            return Egress("unknown", detail=f"no route table found for {subnet.id}", vpc_id=vpc_id)
        tables.add(subnet.route_table_id or "")
        default = _default_route(routes)
        if default is None:
            continue
        if default.target_kind == "igw":
            public.append(subnet.id)
        elif default.target_kind == "nat":
            nat = network.nat_gateways.get(default.target_id)
            if nat is None and "DescribeNatGateways" in network.collected:
                continue  # a route to a NAT gateway that no longer exists goes nowhere
            if nat is None or (nat.state in _LIVE_NAT_STATES and nat.connectivity == "public"):
                nats.add(default.target_id)
        else:
            unresolved.append(f"{default.target_kind}:{default.target_id}")
    endpoints = _endpoint_services(network, vpc_id or "", tables)
    ports = _world_ports(network, fn.vpc.security_group_ids)
    common: dict[str, Any] = {"endpoints": endpoints, "public_subnets": tuple(public), "vpc_id": vpc_id}
    if ports == "" and not any(g.egress for g in _groups(network, fn)):
        return Egress("none", detail="security groups allow no outbound traffic", world_ports="", **common)
    if nats and ports != "":
        detail = f"default route to NAT {', '.join(sorted(nats))}"
        return Egress("nat", tuple(sorted(nats)), detail=detail, world_ports=ports or "", **common)
    if unresolved:
        detail = f"default route to {', '.join(sorted(set(unresolved)))}: egress cannot be followed"
        return Egress(
            "unknown", tuple(sorted(set(unresolved))), detail=detail, world_ports=ports or "", **common
        )
    if nats and ports == "":
        detail = "a NAT route exists but the security groups allow nothing out to the internet"
    elif public:
        detail = "default route to an internet gateway, but Lambda ENIs get no public IP"
    else:
        detail = "no default route to a NAT gateway"
    kind = "endpoints-only" if endpoints else "none"
    return Egress(kind, detail=detail, world_ports=ports or "", **common)


class EgressByPlacement:
    """`egress_of` answered once per placement: the verdict depends only on the function's account,
    region and VpcConfig, which functions share (6,576 VPC functions in 1,855 placements at
    10,000 functions, each asked by two rules)."""

    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self._found: dict[tuple[str, str, VpcConfig | None], Egress] = {}

    def __call__(self, fn: LambdaFunction) -> Egress:
        placement = (fn.account, fn.region, fn.vpc)
        found = self._found.get(placement)
        if found is None:
            found = self._found[placement] = egress_of(self.estate, fn)
        return found


def _groups(network: Network, fn: LambdaFunction) -> list[SecurityGroup]:
    assert fn.vpc is not None
    return [g for g in (network.security_groups.get(i) for i in fn.vpc.security_group_ids) if g is not None]
