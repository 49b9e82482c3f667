"""VPCs, subnets, route tables, gateways, endpoints and security groups.

Each VPC (10.v.0.0/16) holds up to 24 rows of ten /24 subnets; within a row, offsets 0-1 are
public (route to an internet gateway), 2-6 private behind a NAT gateway, 7-9 private with
gateway/interface endpoints only. Consecutive subnets sit in different AZs, so a function given
subnets k and k+1 of one kind spans two AZs.
"""

from __future__ import annotations

import json
from typing import Any

from estate.sources.synth.shape import ACCOUNT, AZS, REGION, Chooser, Scale
from estate.sources.synth.sink import RecordSink

ROWS_PER_VPC = 24
_KIND_OFFSETS = {"public": (0, 1), "nat": (2, 3, 4, 5, 6), "endpoints": (7, 8, 9)}
_ENDPOINT_POLICY = json.dumps(
    {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
)


def subnet_kind(subnet: int) -> str:
    offset = subnet % 10
    return next(kind for kind, offsets in _KIND_OFFSETS.items() if offset in offsets)


def subnet_id(chooser: Chooser, subnet: int) -> str:
    return "subnet-" + chooser.hexid("subnet", subnet, 17)


def vpc_id(chooser: Chooser, vpc: int) -> str:
    return "vpc-" + chooser.hexid("vpc", vpc, 17)


def sg_id(chooser: Chooser, vpc: int, which: int) -> str:
    return "sg-" + chooser.hexid(f"sg{which}", vpc, 17)


def function_network(scale: Scale, chooser: Chooser, function: int) -> tuple[int, list[int]] | None:
    """(vpc, subnet indices) for a function in a VPC, or None (about a third run outside any VPC)."""
    if chooser.unit("vpc", function) >= 0.65:
        return None
    rows = scale.subnets // 10
    row = chooser.pick("row", function, rows)
    roll = chooser.unit("subnet-kind", function)
    kind = "public" if roll < 0.05 else "nat" if roll < 0.65 else "endpoints"
    offsets = _KIND_OFFSETS[kind]
    offset = offsets[chooser.pick("offset", function, len(offsets) - 1)]
    first = row * 10 + offset
    subnets = [first] if chooser.unit("single-az", function) < 0.1 else [first, first + 1]
    return row // ROWS_PER_VPC, subnets


def add_network(sink: RecordSink, scale: Scale, chooser: Chooser) -> None:
    vpcs: list[dict[str, Any]] = []
    subnets: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []
    igws: list[dict[str, Any]] = []
    nats: list[dict[str, Any]] = []
    endpoints: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    rows = scale.subnets // 10
    for vpc in range(scale.vpcs):
        vid, cidr = vpc_id(chooser, vpc), f"10.{vpc}.0.0/16"
        vpcs.append(
            {
                "CidrBlock": cidr,
                "DhcpOptionsId": "dopt-synth",
                "InstanceTenancy": "default",
                "IsDefault": False,
                "OwnerId": ACCOUNT,
                "State": "available",
                "VpcId": vid,
                "Tags": [{"Key": "Name", "Value": f"synth-vpc-{vpc:03d}"}],
            }
        )
        members: dict[str, list[str]] = {kind: [] for kind in _KIND_OFFSETS}
        for subnet in range(vpc * ROWS_PER_VPC * 10, min(rows, (vpc + 1) * ROWS_PER_VPC) * 10):
            sid, kind, k = subnet_id(chooser, subnet), subnet_kind(subnet), subnet % (ROWS_PER_VPC * 10)
            members[kind].append(sid)
            subnets.append(
                {
                    "AvailabilityZone": AZS[subnet % 3],
                    "AvailabilityZoneId": f"euw1-az{subnet % 3 + 1}",
                    "AvailableIpAddressCount": 251,
                    "CidrBlock": f"10.{vpc}.{k}.0/24",
                    "DefaultForAz": False,
                    "MapPublicIpOnLaunch": kind == "public",
                    "OwnerId": ACCOUNT,
                    "State": "available",
                    "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{sid}",
                    "SubnetId": sid,
                    "VpcId": vid,
                    "Tags": [{"Key": "Name", "Value": f"synth-{kind}-{subnet:05d}"}],
                }
            )
        igw, nat = "igw-" + chooser.hexid("igw", vpc, 17), "nat-" + chooser.hexid("nat", vpc, 17)
        s3_ep, ddb_ep = (
            "vpce-" + chooser.hexid("vpce-s3", vpc, 17),
            "vpce-" + chooser.hexid("vpce-ddb", vpc, 17),
        )
        igws.append(
            {
                "Attachments": [{"State": "available", "VpcId": vid}],
                "InternetGatewayId": igw,
                "OwnerId": ACCOUNT,
            }
        )
        nats.append(
            {
                "CreateTime": "2026-09-01T08:00:00+00:00",
                "NatGatewayId": nat,
                "State": "available",
                "SubnetId": members["public"][0] if members["public"] else "",
                "VpcId": vid,
                "NatGatewayAddresses": [
                    {"PublicIp": f"198.51.{vpc % 256}.10", "PrivateIp": f"10.{vpc}.0.10"}
                ],
            }
        )
        local = {
            "DestinationCidrBlock": cidr,
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
        routes = {
            "main": [local],
            "public": [
                local,
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": igw,
                    "Origin": "CreateRoute",
                    "State": "active",
                },
            ],
            "nat": [
                local,
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": nat,
                    "Origin": "CreateRoute",
                    "State": "active",
                },
            ],
            "endpoints": [
                local,
                {
                    "DestinationPrefixListId": "pl-6da54004",
                    "GatewayId": s3_ep,
                    "Origin": "CreateRoute",
                    "State": "active",
                },
                {
                    "DestinationPrefixListId": "pl-b3a742da",
                    "GatewayId": ddb_ep,
                    "Origin": "CreateRoute",
                    "State": "active",
                },
            ],
        }
        rtb_ids = {kind: "rtb-" + chooser.hexid(f"rtb-{kind}", vpc, 17) for kind in routes}
        for kind, kind_routes in routes.items():
            rtb = rtb_ids[kind]
            if kind == "main":
                associations = [
                    {"Main": True, "RouteTableAssociationId": f"rtbassoc-{rtb[4:]}", "RouteTableId": rtb}
                ]
            else:
                associations = [
                    {
                        "Main": False,
                        "RouteTableAssociationId": f"rtbassoc-{chooser.hexid('assoc', hash_index(sid), 17)}",
                        "RouteTableId": rtb,
                        "SubnetId": sid,
                        "AssociationState": {"State": "associated"},
                    }
                    for sid in members[kind]
                ]
            tables.append(
                {
                    "Associations": associations,
                    "OwnerId": ACCOUNT,
                    "RouteTableId": rtb,
                    "Routes": kind_routes,
                    "VpcId": vid,
                }
            )
        for ep, service in ((s3_ep, "s3"), (ddb_ep, "dynamodb")):
            endpoints.append(
                {
                    "CreationTimestamp": "2026-09-01T08:00:00+00:00",
                    "OwnerId": ACCOUNT,
                    "PolicyDocument": _ENDPOINT_POLICY,
                    "RouteTableIds": [rtb_ids["endpoints"]],
                    "ServiceName": f"com.amazonaws.{REGION}.{service}",
                    "State": "available",
                    "SubnetIds": [],
                    "VpcEndpointId": ep,
                    "VpcEndpointType": "Gateway",
                    "VpcId": vid,
                }
            )
        endpoints.append(
            {
                "CreationTimestamp": "2026-09-01T08:00:00+00:00",
                "OwnerId": ACCOUNT,
                "PolicyDocument": _ENDPOINT_POLICY,
                "PrivateDnsEnabled": True,
                "ServiceName": f"com.amazonaws.{REGION}.secretsmanager",
                "State": "available",
                "SubnetIds": members["endpoints"][:3],
                "Groups": [{"GroupId": sg_id(chooser, vpc, 1)}],
                "VpcEndpointId": "vpce-" + chooser.hexid("vpce-sm", vpc, 17),
                "VpcEndpointType": "Interface",
                "VpcId": vid,
            }
        )
        groups.extend(_security_groups(chooser, vpc, vid))
    listings = (
        ("DescribeVpcs", "Vpcs", vpcs, 1000),
        ("DescribeSubnets", "Subnets", subnets, 1000),
        ("DescribeRouteTables", "RouteTables", tables, 100),
        ("DescribeInternetGateways", "InternetGateways", igws, 1000),
        ("DescribeNatGateways", "NatGateways", nats, 1000),
        ("DescribeVpcEndpoints", "VpcEndpoints", endpoints, 1000),
        ("DescribeSecurityGroups", "SecurityGroups", groups, 1000),
    )
    for operation, key, items, size in listings:
        sink.pages("ec2", operation, items, key, size, ("NextToken", "NextToken"), {"MaxResults": size})


def hash_index(text: str) -> int:
    return int(text.split("-", 1)[1][:12], 16)


def _egress(port: int | None) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "IpProtocol": "-1" if port is None else "tcp",
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    }
    if port is not None:
        rule.update(FromPort=port, ToPort=port)
    return rule


def _security_groups(chooser: Chooser, vpc: int, vid: str) -> list[dict[str, Any]]:
    specs = (
        ("default", "default VPC security group", None),
        ("lambda-egress-443", "Lambda: HTTPS egress only", 443),
        ("lambda-all-egress", "Lambda: unrestricted egress", None),
    )
    return [
        {
            "Description": description,
            "GroupId": sg_id(chooser, vpc, which),
            "GroupName": name,
            "IpPermissions": [],
            "IpPermissionsEgress": [_egress(port)],
            "OwnerId": ACCOUNT,
            "VpcId": vid,
            "SecurityGroupArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{sg_id(chooser, vpc, which)}",
        }
        for which, (name, description, port) in enumerate(specs)
    ]
