"""The network a function runs in: VPCs, subnets (with the route table that really applies),
routes by target kind, gateways, VPC endpoints and security groups, per account and region.

A subnet without an explicit route-table association uses its VPC's main route table; that
resolution is done here once, so analyzers can ask "where does this subnet route 0.0.0.0/0?".
`Network.collected` names the Describe* listings that were read, so an empty tuple can be told
apart from "never listed".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.model.raw import error_code, tag_map
from estate.snapshot import Snapshot

# (route field holding the target, target kind), in the order AWS documents them
_TARGETS = (
    ("NatGatewayId", "nat"),
    ("TransitGatewayId", "tgw"),
    ("VpcPeeringConnectionId", "pcx"),
    ("EgressOnlyInternetGatewayId", "eigw"),
    ("NetworkInterfaceId", "other"),
    ("InstanceId", "other"),
    ("CarrierGatewayId", "other"),
    ("LocalGatewayId", "other"),
    ("CoreNetworkArn", "other"),
)
_GATEWAY_PREFIXES = (("igw-", "igw"), ("vpce-", "vpce"), ("nat-", "nat"), ("eigw-", "eigw"))


@dataclass(frozen=True, slots=True)
class Route:
    destination: str  # a CIDR (IPv4 or IPv6) or a prefix list id
    target_kind: str  # igw | nat | vpce | pcx | tgw | eigw | local | other
    target_id: str
    state: str = "active"  # active | blackhole

    @property
    def is_default(self) -> bool:
        return self.destination in ("0.0.0.0/0", "::/0")


@dataclass(frozen=True, slots=True)
class RouteTable:
    id: str
    vpc_id: str
    routes: tuple[Route, ...]
    subnet_ids: tuple[str, ...] = ()  # explicit associations
    main: bool = False


@dataclass(frozen=True, slots=True)
class Vpc:
    id: str
    cidr: str | None
    is_default: bool = False
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    vpc_id: str
    az: str | None
    cidr: str | None
    map_public_ip_on_launch: bool
    route_table_id: str | None  # explicit association, else the VPC's main table
    explicit_route_table: bool = False
    name: str | None = None


@dataclass(frozen=True, slots=True)
class InternetGateway:
    id: str
    vpc_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NatGateway:
    id: str
    subnet_id: str | None
    vpc_id: str | None
    state: str
    connectivity: str = "public"  # public | private


@dataclass(frozen=True, slots=True)
class VpcEndpoint:
    id: str
    service_name: str
    type: str  # Gateway | Interface | GatewayLoadBalancer
    vpc_id: str
    subnet_ids: tuple[str, ...] = ()
    route_table_ids: tuple[str, ...] = ()
    policy: str | None = None
    private_dns: bool = False
    state: str = "available"
    security_group_ids: tuple[str, ...] = ()

    @property
    def service(self) -> str:
        """The short service name: "com.amazonaws.eu-west-1.s3" -> "s3"."""
        return self.service_name.rsplit(".", 1)[-1]


@dataclass(frozen=True, slots=True)
class SecurityGroupRule:
    protocol: str  # "-1" (all), "tcp", "udp", "icmp", or a protocol number
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...] = ()  # IPv4 and IPv6
    prefix_list_ids: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()

    @property
    def all_traffic(self) -> bool:
        return self.protocol == "-1"

    @property
    def open_to_world(self) -> bool:
        return any(c in ("0.0.0.0/0", "::/0") for c in self.cidrs)

    def covers_port(self, port: int) -> bool:
        if self.all_traffic:
            return True
        if self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= port <= self.to_port or self.from_port == -1


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    id: str
    vpc_id: str | None
    name: str
    description: str = ""
    ingress: tuple[SecurityGroupRule, ...] = ()
    egress: tuple[SecurityGroupRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Network:
    """One account and region's network, each kind keyed by id."""

    account: str
    region: str
    vpcs: Mapping[str, Vpc] = field(default_factory=dict)
    subnets: Mapping[str, Subnet] = field(default_factory=dict)
    route_tables: Mapping[str, RouteTable] = field(default_factory=dict)
    internet_gateways: Mapping[str, InternetGateway] = field(default_factory=dict)
    nat_gateways: Mapping[str, NatGateway] = field(default_factory=dict)
    endpoints: Mapping[str, VpcEndpoint] = field(default_factory=dict)
    security_groups: Mapping[str, SecurityGroup] = field(default_factory=dict)
    collected: frozenset[str] = frozenset()  # the Describe* operations that were read

    def routes_of(self, subnet_id: str) -> tuple[Route, ...] | None:
        """The routes a subnet uses, or None when its subnet or route table is unknown."""
        subnet = self.subnets.get(subnet_id)
        table = self.route_tables.get(subnet.route_table_id or "") if subnet else None
        return table.routes if table else None

    def vpc_of_subnets(self, subnet_ids: Iterable[str]) -> str | None:
        for subnet_id in subnet_ids:
            subnet = self.subnets.get(subnet_id)
            if subnet is not None:
                return subnet.vpc_id
        return None

    def endpoints_in(self, vpc_id: str) -> tuple[VpcEndpoint, ...]:
        return tuple(e for e in self.endpoints.values() if e.vpc_id == vpc_id)


def _name(raw: Mapping[str, Any]) -> str | None:
    return tag_map(raw.get("Tags")).get("Name")


def parse_route(raw: Mapping[str, Any]) -> Route:
    destination = str(
        raw.get("DestinationCidrBlock")
        or raw.get("DestinationIpv6CidrBlock")
        or raw.get("DestinationPrefixListId")
        or ""
    )
    kind, target = "other", ""
    gateway = str(raw.get("GatewayId") or "")
    if gateway == "local":
        kind, target = "local", "local"
    elif gateway:
        kind = next((k for prefix, k in _GATEWAY_PREFIXES if gateway.startswith(prefix)), "other")
        target = gateway
    else:
        for key, candidate in _TARGETS:
            if raw.get(key):
                kind, target = candidate, str(raw[key])
                break
    return Route(destination, kind, target, str(raw.get("State") or "active"))


def parse_route_table(raw: Mapping[str, Any]) -> RouteTable:
    subnets: list[str] = []
    main = False
    for assoc in raw.get("Associations") or ():
        state = (assoc.get("AssociationState") or {}).get("State", "associated")
        if state not in ("associated", "associating"):
            continue
        if assoc.get("Main"):
            main = True
        elif assoc.get("SubnetId"):
            subnets.append(str(assoc["SubnetId"]))
    return RouteTable(
        id=str(raw["RouteTableId"]),
        vpc_id=str(raw.get("VpcId", "")),
        routes=tuple(parse_route(r) for r in raw.get("Routes") or ()),
        subnet_ids=tuple(subnets),
        main=main,
    )


def _rule(raw: Mapping[str, Any]) -> SecurityGroupRule:
    def port(value: Any) -> int | None:
        return None if value is None else int(value)

    cidrs = [str(r["CidrIp"]) for r in raw.get("IpRanges") or () if r.get("CidrIp")]
    cidrs += [str(r["CidrIpv6"]) for r in raw.get("Ipv6Ranges") or () if r.get("CidrIpv6")]
    return SecurityGroupRule(
        protocol=str(raw.get("IpProtocol", "-1")),
        from_port=port(raw.get("FromPort")),
        to_port=port(raw.get("ToPort")),
        cidrs=tuple(cidrs),
        prefix_list_ids=tuple(str(p["PrefixListId"]) for p in raw.get("PrefixListIds") or ()),
        group_ids=tuple(str(g["GroupId"]) for g in raw.get("UserIdGroupPairs") or () if g.get("GroupId")),
    )


def parse_security_group(raw: Mapping[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        id=str(raw["GroupId"]),
        vpc_id=raw.get("VpcId"),
        name=str(raw.get("GroupName", "")),
        description=str(raw.get("Description", "") or ""),
        ingress=tuple(_rule(r) for r in raw.get("IpPermissions") or ()),
        egress=tuple(_rule(r) for r in raw.get("IpPermissionsEgress") or ()),
    )


def _endpoint(raw: Mapping[str, Any]) -> VpcEndpoint:
    return VpcEndpoint(
        id=str(raw["VpcEndpointId"]),
        service_name=str(raw.get("ServiceName", "")),
        type=str(raw.get("VpcEndpointType", "")),
        vpc_id=str(raw.get("VpcId", "")),
        subnet_ids=tuple(raw.get("SubnetIds") or ()),
        route_table_ids=tuple(raw.get("RouteTableIds") or ()),
        policy=raw.get("PolicyDocument") or None,
        private_dns=bool(raw.get("PrivateDnsEnabled", False)),
        state=str(raw.get("State", "")),
        security_group_ids=tuple(str(g["GroupId"]) for g in raw.get("Groups") or () if g.get("GroupId")),
    )


def build_network(account: str, region: str, pages: Mapping[str, list[Any]]) -> Network:
    """One Network from the Describe* pages of one account and region (operation -> pages)."""

    def items(operation: str, key: str) -> list[Mapping[str, Any]]:
        return [i for page in pages.get(operation, ()) if not error_code(page) for i in page.get(key) or ()]

    tables = {t.id: t for t in (parse_route_table(r) for r in items("DescribeRouteTables", "RouteTables"))}
    explicit = {s: t.id for t in tables.values() for s in t.subnet_ids}
    main = {t.vpc_id: t.id for t in tables.values() if t.main}
    subnets = {}
    for raw in items("DescribeSubnets", "Subnets"):
        sid, vpc = str(raw["SubnetId"]), str(raw.get("VpcId", ""))
        subnets[sid] = Subnet(
            id=sid,
            vpc_id=vpc,
            az=raw.get("AvailabilityZone"),
            cidr=raw.get("CidrBlock"),
            map_public_ip_on_launch=bool(raw.get("MapPublicIpOnLaunch", False)),
            route_table_id=explicit.get(sid) or main.get(vpc),
            explicit_route_table=sid in explicit,
            name=_name(raw),
        )
    return Network(
        account=account,
        region=region,
        vpcs={
            str(v["VpcId"]): Vpc(str(v["VpcId"]), v.get("CidrBlock"), bool(v.get("IsDefault")), _name(v))
            for v in items("DescribeVpcs", "Vpcs")
        },
        subnets=subnets,
        route_tables=tables,
        internet_gateways={
            str(g["InternetGatewayId"]): InternetGateway(
                str(g["InternetGatewayId"]),
                tuple(str(a["VpcId"]) for a in g.get("Attachments") or () if a.get("VpcId")),
            )
            for g in items("DescribeInternetGateways", "InternetGateways")
        },
        nat_gateways={
            str(n["NatGatewayId"]): NatGateway(
                str(n["NatGatewayId"]),
                n.get("SubnetId"),
                n.get("VpcId"),
                str(n.get("State", "")),
                str(n.get("ConnectivityType", "public")),
            )
            for n in items("DescribeNatGateways", "NatGateways")
        },
        endpoints={e.id: e for e in (_endpoint(r) for r in items("DescribeVpcEndpoints", "VpcEndpoints"))},
        security_groups={
            g.id: g
            for g in (parse_security_group(r) for r in items("DescribeSecurityGroups", "SecurityGroups"))
        },
        collected=frozenset(op for op, found in pages.items() if found and not any(map(error_code, found))),
    )


_OPERATIONS = (
    "DescribeVpcs",
    "DescribeSubnets",
    "DescribeRouteTables",
    "DescribeInternetGateways",
    "DescribeNatGateways",
    "DescribeVpcEndpoints",
    "DescribeSecurityGroups",
)


def parse_networks(snapshot: Snapshot) -> dict[tuple[str, str], Network]:
    grouped: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for operation in _OPERATIONS:
        for record in snapshot.responses("ec2", operation):
            where = (record.key.account, record.key.region)
            grouped.setdefault(where, {}).setdefault(operation, []).append(record.response)
    return {where: build_network(*where, pages) for where, pages in sorted(grouped.items())}
