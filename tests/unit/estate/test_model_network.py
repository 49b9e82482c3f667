"""Network parsing: route-table resolution, route target kinds, endpoints, SGs; and the demo VPCs."""

from __future__ import annotations

from typing import Any

import pytest

from estate.model.load import load_estate
from estate.model.network import build_network, parse_route
from estate.snapshot import Snapshot, load_snapshot

DEMO = "estate/sources/demo/demo.lsnap"


def _table(
    rtb: str, vpc: str, routes: list[dict[str, Any]], subnets: tuple[str, ...] = (), main: bool = False
) -> dict[str, Any]:
    assocs: list[dict[str, Any]] = [
        {"Main": False, "SubnetId": s, "RouteTableId": rtb, "AssociationState": {"State": "associated"}}
        for s in subnets
    ]
    if main:
        assocs.append({"Main": True, "RouteTableId": rtb, "AssociationState": {"State": "associated"}})
    return {"RouteTableId": rtb, "VpcId": vpc, "Associations": assocs, "Routes": routes}


LOCAL = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
PAGES = {
    "DescribeSubnets": [
        {
            "Subnets": [
                {
                    "SubnetId": "subnet-pub",
                    "VpcId": "vpc-1",
                    "AvailabilityZone": "eu-west-1a",
                    "CidrBlock": "10.0.1.0/24",
                    "MapPublicIpOnLaunch": True,
                },
                {
                    "SubnetId": "subnet-priv",
                    "VpcId": "vpc-1",
                    "AvailabilityZone": "eu-west-1b",
                    "CidrBlock": "10.0.2.0/24",
                    "MapPublicIpOnLaunch": False,
                },
            ]
        }
    ],
    "DescribeRouteTables": [
        {
            "RouteTables": [
                _table(
                    "rtb-main",
                    "vpc-1",
                    [
                        LOCAL,
                        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"},
                    ],
                    main=True,
                ),
                _table(
                    "rtb-pub",
                    "vpc-1",
                    [LOCAL, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}],
                    ("subnet-pub",),
                ),
            ]
        }
    ],
    "DescribeVpcEndpoints": [
        {
            "VpcEndpoints": [
                {
                    "VpcEndpointId": "vpce-1",
                    "ServiceName": "com.amazonaws.eu-west-1.s3",
                    "VpcEndpointType": "Gateway",
                    "VpcId": "vpc-1",
                    "RouteTableIds": ["rtb-main"],
                    "PolicyDocument": '{"Statement": []}',
                    "PrivateDnsEnabled": False,
                    "State": "available",
                }
            ]
        }
    ],
    "DescribeSecurityGroups": [
        {
            "SecurityGroups": [
                {
                    "GroupId": "sg-1",
                    "GroupName": "web",
                    "VpcId": "vpc-1",
                    "IpPermissions": [
                        {
                            "IpProtocol": "tcp",
                            "FromPort": 443,
                            "ToPort": 443,
                            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                            "UserIdGroupPairs": [{"GroupId": "sg-2"}],
                        }
                    ],
                    "IpPermissionsEgress": [
                        {
                            "IpProtocol": "-1",
                            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                            "PrefixListIds": [{"PrefixListId": "pl-1"}],
                        }
                    ],
                }
            ]
        }
    ],
}


def test_explicit_association_wins_over_main_table() -> None:
    net = build_network("1", "eu-west-1", PAGES)
    assert net.subnets["subnet-pub"].route_table_id == "rtb-pub"
    assert net.subnets["subnet-pub"].explicit_route_table


def test_unassociated_subnet_uses_the_vpc_main_table() -> None:
    net = build_network("1", "eu-west-1", PAGES)
    assert net.subnets["subnet-priv"].route_table_id == "rtb-main"
    assert not net.subnets["subnet-priv"].explicit_route_table
    routes = net.routes_of("subnet-priv")
    assert routes is not None
    assert [r.target_kind for r in routes if r.is_default] == ["nat"]


@pytest.mark.parametrize(
    ("raw", "kind", "target"),
    [
        ({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-9"}, "igw", "igw-9"),
        ({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-9"}, "nat", "nat-9"),
        ({"DestinationPrefixListId": "pl-9", "GatewayId": "vpce-9"}, "vpce", "vpce-9"),
        ({"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-9"}, "pcx", "pcx-9"),
        ({"DestinationCidrBlock": "10.2.0.0/16", "TransitGatewayId": "tgw-9"}, "tgw", "tgw-9"),
        ({"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-9"}, "eigw", "eigw-9"),
        ({"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, "local", "local"),
        ({"DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": "eni-9"}, "other", "eni-9"),
        ({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-9"}, "other", "vgw-9"),
    ],
)
def test_route_target_kinds(raw: dict[str, Any], kind: str, target: str) -> None:
    route = parse_route(raw)
    assert (route.target_kind, route.target_id) == (kind, target)


def test_blackhole_state_is_kept() -> None:
    assert (
        parse_route(
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-x", "State": "blackhole"}
        ).state
        == "blackhole"
    )


def test_endpoints_and_security_group_rules() -> None:
    net = build_network("1", "eu-west-1", PAGES)
    endpoint = net.endpoints["vpce-1"]
    assert (endpoint.service, endpoint.type, endpoint.route_table_ids) == ("s3", "Gateway", ("rtb-main",))
    assert endpoint.policy == '{"Statement": []}'
    group = net.security_groups["sg-1"]
    assert group.ingress[0].open_to_world and group.ingress[0].covers_port(443)
    assert not group.ingress[0].covers_port(22)
    assert group.ingress[0].group_ids == ("sg-2",)
    assert group.egress[0].all_traffic and group.egress[0].cidrs == ("::/0",)
    assert group.egress[0].prefix_list_ids == ("pl-1",)


def test_collected_names_only_the_listings_read() -> None:
    net = build_network("1", "eu-west-1", PAGES)
    assert "DescribeSubnets" in net.collected
    assert "DescribeNatGateways" not in net.collected and not net.nat_gateways


@pytest.fixture(scope="module")
def demo() -> Any:
    snapshot: Snapshot = load_snapshot(DEMO)
    return load_estate(snapshot)


def _subnets_by_name(estate: Any, region: str) -> dict[str, Any]:
    net = estate.networks[("123456789012", region)]
    return {s.name: s for s in net.subnets.values() if s.name}


def test_demo_public_subnets_route_to_an_igw(demo: Any) -> None:
    net = demo.networks[("123456789012", "eu-west-1")]
    for name in ("fintech-core-vpc-eu-public-a", "fintech-core-vpc-eu-public-b"):
        subnet = _subnets_by_name(demo, "eu-west-1")[name]
        kinds = {r.target_kind for r in net.routes_of(subnet.id) or () if r.is_default}
        assert kinds == {"igw"}
        assert subnet.map_public_ip_on_launch


def test_demo_private_subnets_route_to_nat_or_only_endpoints(demo: Any) -> None:
    eu = demo.networks[("123456789012", "eu-west-1")]
    for name in ("fintech-core-vpc-eu-private-a", "fintech-core-vpc-eu-private-b"):
        routes = eu.routes_of(_subnets_by_name(demo, "eu-west-1")[name].id) or ()
        assert {r.target_kind for r in routes if r.is_default} == {"nat"}
        assert {eu.endpoints[r.target_id].service for r in routes if r.target_kind == "vpce"} == {
            "s3",
            "dynamodb",
        }
    us = demo.networks[("123456789012", "us-east-1")]
    for name in ("fintech-dr-vpc-us-private-a", "fintech-dr-vpc-us-private-b"):
        routes = us.routes_of(_subnets_by_name(demo, "us-east-1")[name].id) or ()
        assert not [r for r in routes if r.is_default]
        assert {r.target_kind for r in routes} == {"local", "vpce"}


def test_demo_function_vpc_comes_from_its_subnets(demo: Any) -> None:
    fn = next(f for f in demo.functions if f.name == "ledger-db-migrate")
    vpc = demo.function_vpc_id(fn)
    assert demo.networks[("123456789012", "eu-west-1")].vpcs[vpc].name == "fintech-core-vpc"
    outside = next(f for f in demo.functions if f.name == "kyc-document-check")
    assert demo.function_vpc_id(outside) is None


def test_demo_open_security_group(demo: Any) -> None:
    groups = {g.name: g for g in demo.networks[("123456789012", "eu-west-1")].security_groups.values()}
    assert (
        groups["eu-lambda-open"].ingress[0].all_traffic and groups["eu-lambda-open"].ingress[0].open_to_world
    )
    assert not groups["eu-lambda-egress-443"].ingress
