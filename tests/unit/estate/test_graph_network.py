"""Network edges and the egress verdict for every network shape: no VPC, private with NAT, private
with endpoints only, public subnet, closed security groups, and unknown network data."""

from __future__ import annotations

from typing import Any

from analyzers.config.egress import egress_of
from estate.graph.builder import build_graph
from estate.model import Estate
from estate.model.load import load_estate
from estate.snapshot import Record
from tests.builders import ACCOUNT, REGION, fn_arn, function, record

VPC = "vpc-1"
# subnet -> (az, route table)
SUBNETS = {
    "subnet-pa": ("eu-west-1a", "rtb-private"),
    "subnet-pb": ("eu-west-1b", "rtb-private"),
    "subnet-pub": ("eu-west-1a", "rtb-public"),
    "subnet-ia": ("eu-west-1a", "rtb-isolated"),
    "subnet-ib": ("eu-west-1b", "rtb-isolated"),
    "subnet-tgw": ("eu-west-1c", "rtb-tgw"),
}
ALL_OUT = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
HTTPS_VPC = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}


def _route(destination: str, **target: str) -> dict[str, Any]:
    key = "DestinationPrefixListId" if destination.startswith("pl-") else "DestinationCidrBlock"
    return {key: destination, "State": "active", **target}


def network_records(*, endpoints: bool = True, skip: tuple[str, ...] = ()) -> list[Record]:
    local = _route("10.0.0.0/16", GatewayId="local")
    tables = {
        "rtb-private": [local, _route("0.0.0.0/0", NatGatewayId="nat-1")],
        "rtb-public": [local, _route("0.0.0.0/0", GatewayId="igw-1")],
        "rtb-isolated": [local, _route("pl-s3", GatewayId="vpce-s3")],
        "rtb-tgw": [local, _route("0.0.0.0/0", TransitGatewayId="tgw-1")],
    }
    route_tables = [
        {
            "RouteTableId": rtb,
            "VpcId": VPC,
            "Routes": routes,
            "Associations": [{"SubnetId": s} for s, (_az, t) in SUBNETS.items() if t == rtb],
        }
        for rtb, routes in tables.items()
    ]
    vpce = [
        {
            "VpcEndpointId": "vpce-s3",
            "ServiceName": f"com.amazonaws.{REGION}.s3",
            "VpcEndpointType": "Gateway",
            "VpcId": VPC,
            "RouteTableIds": ["rtb-isolated", "rtb-private"],
            "State": "available",
        },
        {
            "VpcEndpointId": "vpce-sm",
            "ServiceName": f"com.amazonaws.{REGION}.secretsmanager",
            "VpcEndpointType": "Interface",
            "VpcId": VPC,
            "SubnetIds": ["subnet-ia"],
            "PrivateDnsEnabled": True,
            "State": "available",
        },
    ]
    pages = {
        "DescribeVpcs": {"Vpcs": [{"VpcId": VPC, "CidrBlock": "10.0.0.0/16"}]},
        "DescribeSubnets": {
            "Subnets": [
                {"SubnetId": s, "VpcId": VPC, "AvailabilityZone": az} for s, (az, _t) in SUBNETS.items()
            ]
        },
        "DescribeRouteTables": {"RouteTables": route_tables},
        "DescribeInternetGateways": {
            "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": VPC}]}]
        },
        "DescribeNatGateways": {
            "NatGateways": [
                {"NatGatewayId": "nat-1", "SubnetId": "subnet-pub", "VpcId": VPC, "State": "available"}
            ]
        },
        "DescribeVpcEndpoints": {"VpcEndpoints": vpce if endpoints else []},
        "DescribeSecurityGroups": {
            "SecurityGroups": [
                {"GroupId": "sg-open", "VpcId": VPC, "GroupName": "open", "IpPermissionsEgress": [ALL_OUT]},
                {"GroupId": "sg-closed", "VpcId": VPC, "GroupName": "closed", "IpPermissionsEgress": []},
                {"GroupId": "sg-vpc", "VpcId": VPC, "GroupName": "vpc", "IpPermissionsEgress": [HTTPS_VPC]},
            ]
        },
    }
    return [record("ec2", op, page) for op, page in pages.items() if op not in skip]


def vpc_function(
    name: str, subnets: tuple[str, ...], groups: tuple[str, ...] = ("sg-open",), **kw: Any
) -> dict[str, Any]:
    raw = function(name, **kw)
    raw["VpcConfig"] = {"SubnetIds": list(subnets), "SecurityGroupIds": list(groups), "VpcId": VPC}
    return raw


SHAPES = {
    "plain": None,
    "private": (("subnet-pa", "subnet-pb"), ("sg-open",)),
    "isolated": (("subnet-ia", "subnet-ib"), ("sg-open",)),
    "public": (("subnet-pub", "subnet-pa"), ("sg-open",)),
    "closed": (("subnet-pa", "subnet-pb"), ("sg-closed",)),
    "vpc-only-sg": (("subnet-pa", "subnet-pb"), ("sg-vpc",)),
    "transit": (("subnet-tgw",), ("sg-open",)),
    "lonely": (("subnet-pa",), ("sg-open",)),
}


def shaped_functions(**kw: Any) -> list[dict[str, Any]]:
    out = []
    for name, shape in SHAPES.items():
        out.append(function(name, **kw) if shape is None else vpc_function(name, *shape, **kw))
    return out


def shaped_estate(extra: list[Record] | None = None, **kw: Any) -> Estate:
    from tests.builders import snapshot_of

    records = network_records() if extra is None else extra
    return load_estate(snapshot_of(shaped_functions(**kw), extra=records))


def egress(estate: Estate, name: str) -> Any:
    fn = estate.function(fn_arn(name))
    assert fn is not None
    return egress_of(estate, fn)


def test_egress_for_every_network_shape() -> None:
    estate = shaped_estate()
    assert egress(estate, "plain").kind == "internet"
    private = egress(estate, "private")
    assert (private.kind, private.via) == ("nat", ("nat-1",))
    assert private.endpoints == ("s3", "secretsmanager") and private.world_ports == "all"
    isolated = egress(estate, "isolated")
    assert isolated.kind == "endpoints-only" and isolated.endpoints == ("s3", "secretsmanager")
    public = egress(estate, "public")
    assert public.kind == "nat" and public.public_subnets == ("subnet-pub",)  # one subnet still has NAT
    assert egress(estate, "closed").kind == "none"
    assert egress(estate, "vpc-only-sg").kind == "endpoints-only"
    assert egress(estate, "transit").kind == "unknown"


def test_public_subnet_only_function_has_no_internet_egress() -> None:
    from tests.builders import snapshot_of

    estate = load_estate(
        snapshot_of([vpc_function("dmz", ("subnet-pub",))], extra=network_records(endpoints=False))
    )
    verdict = egress(estate, "dmz")
    assert verdict.kind == "none" and "no public IP" in verdict.detail


def test_unknown_network_data_gives_unknown_egress() -> None:
    estate = shaped_estate(network_records(skip=("DescribeRouteTables",)))
    assert egress(estate, "private").kind == "unknown"
    assert egress(estate, "plain").kind == "internet"  # needs no network data
    nothing = shaped_estate([])
    assert egress(nothing, "private").kind == "unknown"


def test_graph_has_subnet_route_gateway_and_endpoint_edges() -> None:
    graph = build_graph(shaped_estate())
    subnet = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-pa"
    nat = f"arn:aws:ec2:{REGION}:{ACCOUNT}:natgateway/nat-1"
    igw = f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/igw-1"
    s3 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/vpce-s3"
    sm = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/vpce-sm"
    assert graph.has_edge(fn_arn("private"), subnet, "in-subnet")
    assert graph.nodes[subnet]["kind"] == "subnet" and graph.nodes[subnet]["az"] == "eu-west-1a"
    edge = graph.edges[subnet, nat, "routes-to:0.0.0.0/0"]
    assert edge["kind"] == "routes-to" and edge["default"] is True
    assert edge["evidence"]["route_table"] == "rtb-private"
    assert graph.has_edge(f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-pub", igw, "routes-to:0.0.0.0/0")
    assert graph.has_edge(f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-ia", s3, "routes-to:pl-s3")
    assert graph.has_edge(
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-ia", sm, "routes-to:interface-endpoint"
    )
    assert graph.nodes[s3]["kind"] == "vpc-endpoint" and graph.nodes[s3]["service"] == "s3"
    assert graph.has_edge(nat, "internet", "routes-to") and graph.has_edge(igw, "internet", "routes-to")
    assert graph.nodes[nat]["kind"] == "nat" and graph.nodes[igw]["kind"] == "igw"
    no_vpc = graph.edges[fn_arn("plain"), "internet", "routes-to"]
    assert no_vpc["evidence"]["egress"] == "no VpcConfig: Lambda-managed network, internet egress"
    sg = graph.edges[
        fn_arn("closed"), f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-closed", "in-security-group"
    ]
    assert sg["evidence"]["egress"] == []
    # network edges are not reach edges: internet reaches no function through them
    assert not [d for _s, _t, d in graph.out_edges("internet", data=True) if d["kind"] == "invokes"]


def test_demo_network_shapes() -> None:
    from estate.snapshot import load_snapshot
    from tests.ground_truth.plants import NO_VPC_SENSITIVE_FUNCTIONS, PUBLIC_SUBNET_FUNCTIONS, VPC_FUNCTIONS

    estate = load_estate(load_snapshot("estate/sources/demo/demo.lsnap"))
    verdicts = {fn.name: egress_of(estate, fn) for fn in estate.functions}
    for name in NO_VPC_SENSITIVE_FUNCTIONS:
        assert verdicts[name].kind == "internet"
    for name in PUBLIC_SUBNET_FUNCTIONS:
        assert verdicts[name].public_subnets and verdicts[name].kind in ("endpoints-only", "none")
    assert {n for n, v in verdicts.items() if v.kind != "internet"} == set(VPC_FUNCTIONS)
    assert verdicts["statements-render-dr"].kind == "endpoints-only"  # the DR VPC has no NAT
    assert verdicts["payments-status"].kind == "nat"


def _group_edge(graph: Any, name: str, group: str) -> dict[str, Any]:
    data = graph.edges[
        fn_arn(name), f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}", "in-security-group"
    ]
    return dict(data["evidence"])


def test_functions_in_one_security_group_share_its_egress_rules_only() -> None:
    """A group's egress rules are made once for every function in it (memory at 100,000
    functions); another group's rules, and each function's own VpcConfig, stay its own."""
    graph = build_graph(shaped_estate())
    private, isolated = _group_edge(graph, "private", "sg-open"), _group_edge(graph, "isolated", "sg-open")
    assert private["egress"] == [
        {
            "protocol": "-1",
            "from_port": None,
            "to_port": None,
            "cidrs": ["0.0.0.0/0"],
            "prefix_lists": [],
            "groups": [],
        }
    ]
    assert private["egress"] is isolated["egress"]
    vpc_only = _group_edge(graph, "vpc-only-sg", "sg-vpc")
    assert vpc_only["egress"] is not private["egress"] and vpc_only["egress"] != private["egress"]
    assert _group_edge(graph, "closed", "sg-closed")["egress"] == []
    subnet = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-ia"
    assert graph.edges[fn_arn("isolated"), subnet, "in-subnet"]["evidence"]["VpcConfig.SubnetIds"] == [
        "subnet-ia",
        "subnet-ib",
    ]
