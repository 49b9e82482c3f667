"""EC2 networking, per region: VPCs, subnets, route tables, internet and NAT gateways, VPC
endpoints and security groups (every page), from which the model derives where a function's
subnets route to. Also the account's enabled regions (for --all-regions).
"""

from __future__ import annotations

from estate.sources.live.calls import CallContext

# (operation, result key, the API's maximum page size)
NETWORK_LISTINGS = (
    ("DescribeVpcs", "Vpcs", 1000),
    ("DescribeSubnets", "Subnets", 1000),
    ("DescribeRouteTables", "RouteTables", 100),
    ("DescribeInternetGateways", "InternetGateways", 1000),
    ("DescribeNatGateways", "NatGateways", 1000),
    ("DescribeVpcEndpoints", "VpcEndpoints", 1000),
    ("DescribeSecurityGroups", "SecurityGroups", 1000),
)
_ENABLED = frozenset({"opt-in-not-required", "opted-in"})


def fetch_network(ctx: CallContext) -> None:
    for operation, result_key, page_size in NETWORK_LISTINGS:
        ctx.items("ec2", operation, "NextToken", "NextToken", result_key, MaxResults=page_size)


def enabled_regions(ctx: CallContext) -> list[str] | None:
    """The regions enabled for the account, or None when EC2 will not say.

    AllRegions=False should already exclude regions not opted in; the OptInStatus filter also
    covers endpoints (a local AWS) that list every region with its status.
    """
    answer = ctx.call("ec2", "DescribeRegions", AllRegions=False)
    if answer is None or "Error" in answer:
        return None
    return sorted(
        str(r["RegionName"])
        for r in answer.get("Regions", ())
        if r.get("OptInStatus", "opt-in-not-required") in _ENABLED
    )
