"""Creates the VPCs of catalogue_network and records subnet, security group and endpoint ids.

Records into Refs: ``subnet:<key>``, ``sg:<key>``, ``vpc:<region>``, ``rtb:<region>:private``
and ``vpce:<region>:<service>`` (the last is used by an aws:SourceVpce policy condition).
"""

from __future__ import annotations

from typing import Any

from .aws import Aws
from .catalogue_network import VPCS
from .refs import Refs
from .specs import SecurityGroupSpec, VpcSpec


def _tags(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _permissions(rules: tuple[tuple[str, int, int, str], ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for protocol, low, high, cidr in rules:
        perm: dict[str, Any] = {"IpProtocol": protocol, "IpRanges": [{"CidrIp": cidr}]}
        if protocol != "-1":
            perm.update(FromPort=low, ToPort=high)
        out.append(perm)
    return out


def _security_group(ec2: Any, vpc_id: str, spec: SecurityGroupSpec) -> str:
    group_id: str = ec2.create_security_group(
        GroupName=spec.key,
        Description=spec.description,
        VpcId=vpc_id,
        TagSpecifications=_tags("security-group", spec.key),
    )["GroupId"]
    # Every new group allows all egress; replace that with what the spec says.
    ec2.revoke_security_group_egress(
        GroupId=group_id, IpPermissions=_permissions((("-1", 0, 0, "0.0.0.0/0"),))
    )
    if spec.egress:
        ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=_permissions(spec.egress))
    if spec.ingress:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=_permissions(spec.ingress))
    return group_id


def _route_table(ec2: Any, vpc_id: str, name: str, subnet_ids: list[str]) -> str:
    table_id: str = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=_tags("route-table", name))[
        "RouteTable"
    ]["RouteTableId"]
    for subnet_id in subnet_ids:
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
    return table_id


def deploy_vpc(aws: Aws, refs: Refs, spec: VpcSpec) -> None:
    ec2 = aws("ec2", spec.region)
    vpc_id = ec2.create_vpc(CidrBlock=spec.cidr, TagSpecifications=_tags("vpc", spec.name))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    refs.set("vpc", spec.region, vpc_id)
    public: list[str] = []
    private: list[str] = []
    for subnet in spec.subnets:
        subnet_id = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=subnet.cidr,
            AvailabilityZone=subnet.az,
            TagSpecifications=_tags("subnet", f"{spec.name}-{subnet.key}"),
        )["Subnet"]["SubnetId"]
        refs.set("subnet", subnet.key, subnet_id)
        (public if subnet.public else private).append(subnet_id)
        if subnet.public:
            ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    for group in spec.security_groups:
        refs.set("sg", group.key, _security_group(ec2, vpc_id, group))

    if public:
        igw = ec2.create_internet_gateway(TagSpecifications=_tags("internet-gateway", f"{spec.name}-igw"))[
            "InternetGateway"
        ]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        public_rt = _route_table(ec2, vpc_id, f"{spec.name}-public", public)
        ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    private_rt = _route_table(ec2, vpc_id, f"{spec.name}-private", private)
    refs.set("rtb", f"{spec.region}:private", private_rt)
    if spec.nat_subnet:
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(
            SubnetId=refs.get("subnet", spec.nat_subnet),
            AllocationId=allocation,
            TagSpecifications=_tags("natgateway", f"{spec.name}-nat"),
        )["NatGateway"]["NatGatewayId"]
        ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)

    for service in spec.gateway_endpoints:
        endpoint = ec2.create_vpc_endpoint(
            VpcEndpointType="Gateway",
            VpcId=vpc_id,
            RouteTableIds=[private_rt],
            ServiceName=f"com.amazonaws.{spec.region}.{service}",
        )["VpcEndpoint"]["VpcEndpointId"]
        refs.set("vpce", f"{spec.region}:{service}", endpoint)
    for service in spec.interface_endpoints:
        vpce_group = next(g.key for g in spec.security_groups if "vpce" in g.key)
        endpoint = ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=vpc_id,
            SubnetIds=private,
            SecurityGroupIds=[refs.get("sg", vpce_group)],
            PrivateDnsEnabled=True,
            ServiceName=f"com.amazonaws.{spec.region}.{service}",
        )["VpcEndpoint"]["VpcEndpointId"]
        refs.set("vpce", f"{spec.region}:{service}", endpoint)


def deploy_network(aws: Aws, refs: Refs) -> None:
    for spec in VPCS:
        deploy_vpc(aws, refs, spec)
