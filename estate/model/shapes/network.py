"""EC2 networking: VPCs, subnets, route tables, gateways, endpoints, security groups
(estate/model/network.py)."""

from __future__ import annotations

from estate.model.shapes.common import Shape, Tags


class VpcPart(Shape):
    VpcId: str
    CidrBlock: str | None = None
    IsDefault: bool | None = None
    Tags: Tags | None = None


class DescribeVpcs(Shape):
    Vpcs: list[VpcPart] | None = None


class SubnetPart(Shape):
    SubnetId: str
    VpcId: str | None = None
    AvailabilityZone: str | None = None
    CidrBlock: str | None = None
    MapPublicIpOnLaunch: bool | None = None
    Tags: Tags | None = None


class DescribeSubnets(Shape):
    Subnets: list[SubnetPart] | None = None


class RoutePart(Shape):
    DestinationCidrBlock: str | None = None
    DestinationIpv6CidrBlock: str | None = None
    DestinationPrefixListId: str | None = None
    GatewayId: str | None = None
    NatGatewayId: str | None = None
    TransitGatewayId: str | None = None
    VpcPeeringConnectionId: str | None = None
    EgressOnlyInternetGatewayId: str | None = None
    NetworkInterfaceId: str | None = None
    InstanceId: str | None = None
    CarrierGatewayId: str | None = None
    LocalGatewayId: str | None = None
    CoreNetworkArn: str | None = None
    State: str | None = None


class AssociationStatePart(Shape):
    State: str | None = None


class AssociationPart(Shape):
    AssociationState: AssociationStatePart | None = None
    Main: bool | None = None
    SubnetId: str | None = None


class RouteTablePart(Shape):
    RouteTableId: str
    VpcId: str | None = None
    Associations: list[AssociationPart] | None = None
    Routes: list[RoutePart] | None = None


class DescribeRouteTables(Shape):
    RouteTables: list[RouteTablePart] | None = None


class AttachmentPart(Shape):
    VpcId: str | None = None


class InternetGatewayPart(Shape):
    InternetGatewayId: str
    Attachments: list[AttachmentPart] | None = None


class DescribeInternetGateways(Shape):
    InternetGateways: list[InternetGatewayPart] | None = None


class NatGatewayPart(Shape):
    NatGatewayId: str
    SubnetId: str | None = None
    VpcId: str | None = None
    State: str | None = None
    ConnectivityType: str | None = None


class DescribeNatGateways(Shape):
    NatGateways: list[NatGatewayPart] | None = None


class GroupRefPart(Shape):
    GroupId: str | None = None


class VpcEndpointPart(Shape):
    VpcEndpointId: str
    ServiceName: str | None = None
    VpcEndpointType: str | None = None
    VpcId: str | None = None
    SubnetIds: list[str] | None = None
    RouteTableIds: list[str] | None = None
    PolicyDocument: str | None = None
    PrivateDnsEnabled: bool | None = None
    State: str | None = None
    Groups: list[GroupRefPart] | None = None


class DescribeVpcEndpoints(Shape):
    VpcEndpoints: list[VpcEndpointPart] | None = None


class IpRangePart(Shape):
    CidrIp: str | None = None


class Ipv6RangePart(Shape):
    CidrIpv6: str | None = None


class PrefixListPart(Shape):
    PrefixListId: str


class PermissionPart(Shape):
    IpProtocol: str | None = None
    FromPort: int | None = None
    ToPort: int | None = None
    IpRanges: list[IpRangePart] | None = None
    Ipv6Ranges: list[Ipv6RangePart] | None = None
    PrefixListIds: list[PrefixListPart] | None = None
    UserIdGroupPairs: list[GroupRefPart] | None = None


class SecurityGroupPart(Shape):
    GroupId: str
    VpcId: str | None = None
    GroupName: str | None = None
    Description: str | None = None
    IpPermissions: list[PermissionPart] | None = None
    IpPermissionsEgress: list[PermissionPart] | None = None


class DescribeSecurityGroups(Shape):
    SecurityGroups: list[SecurityGroupPart] | None = None
