"""The demo network: a full VPC in eu-west-1, a minimal one in us-east-1.

eu-west-1 is the textbook layout (private subnets in two AZs routing 0.0.0.0/0 to a NAT gateway
in a public subnet, S3 and DynamoDB gateway endpoints on the private route table, a Secrets
Manager interface endpoint) so the planted deviations stand out: a function pinned to one private
subnet (single AZ), one in the public subnet, and one with an allow-all security group.
"""

from __future__ import annotations

from .constants import EU, US
from .specs import Placement, SecurityGroupSpec, SubnetSpec, VpcSpec

_HTTPS_OUT = (("tcp", 443, 443, "0.0.0.0/0"),)
_ALL_OUT = (("-1", 0, 0, "0.0.0.0/0"),)

VPCS: tuple[VpcSpec, ...] = (
    VpcSpec(
        region=EU,
        name="fintech-core-vpc",
        cidr="10.20.0.0/16",
        subnets=(
            SubnetSpec("eu-private-a", "10.20.1.0/24", "eu-west-1a"),
            SubnetSpec("eu-private-b", "10.20.2.0/24", "eu-west-1b"),
            SubnetSpec("eu-public-a", "10.20.101.0/24", "eu-west-1a", public=True),
            SubnetSpec("eu-public-b", "10.20.102.0/24", "eu-west-1b", public=True),
        ),
        security_groups=(
            SecurityGroupSpec("eu-lambda-egress-443", "Lambda: HTTPS egress only", _HTTPS_OUT),
            SecurityGroupSpec(
                "eu-lambda-open",
                "Lambda: legacy allow-all (TODO tighten)",
                _ALL_OUT,
                ingress=(("-1", 0, 0, "0.0.0.0/0"),),
            ),
            SecurityGroupSpec(
                "eu-vpce-https",
                "Interface endpoints: HTTPS from the VPC",
                _HTTPS_OUT,
                ingress=(("tcp", 443, 443, "10.20.0.0/16"),),
            ),
            SecurityGroupSpec(
                "eu-ledger-db",
                "ledger-db: Postgres from the VPC",
                (),
                ingress=(("tcp", 5432, 5432, "10.20.0.0/16"),),
            ),
        ),
        nat_subnet="eu-public-a",
        gateway_endpoints=("s3", "dynamodb"),
        interface_endpoints=("secretsmanager",),
    ),
    VpcSpec(
        region=US,
        name="fintech-dr-vpc",
        cidr="10.30.0.0/16",
        subnets=(
            SubnetSpec("us-private-a", "10.30.1.0/24", "us-east-1a"),
            SubnetSpec("us-private-b", "10.30.2.0/24", "us-east-1b"),
        ),
        security_groups=(SecurityGroupSpec("us-lambda-egress-443", "Lambda: HTTPS egress only", _HTTPS_OUT),),
        gateway_endpoints=("s3",),
    ),
)

PLACEMENTS: dict[str, Placement] = {
    "eu-private": Placement(EU, ("eu-private-a", "eu-private-b"), ("eu-lambda-egress-443",)),
    "eu-private-open": Placement(EU, ("eu-private-a", "eu-private-b"), ("eu-lambda-open",)),
    "eu-private-a-only": Placement(EU, ("eu-private-a",), ("eu-lambda-egress-443",)),
    "eu-public": Placement(EU, ("eu-public-a", "eu-public-b"), ("eu-lambda-open",)),
    "us-private": Placement(US, ("us-private-a", "us-private-b"), ("us-lambda-egress-443",)),
}
