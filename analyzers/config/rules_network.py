"""Network placement rules for VPC functions: public subnets, one AZ, and AWS traffic over NAT.

All three read `analyzers.config.egress.egress_of` and the collected network; a function whose subnets
or route tables were not collected gets no finding (never a guess).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from analyzers.config.egress import NEEDED, Egress, EgressByPlacement
from analyzers.findings.context import RuleContext
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.iam.analysis import iam_pass
from analyzers.iam.principal_policies import IamModel
from estate.model import Estate, LambdaFunction
from estate.model.network import Network

PUBLIC_SUBNET = RULES.register(
    Rule(
        id="config.public-subnet",
        analyzer="config",
        severity=Severity.HIGH,
        title="VPC function placed in a public subnet",
        rationale=(
            "A subnet whose default route goes to an internet gateway is public, but Lambda's "
            "network interfaces never get a public IP: the function has no internet egress there, "
            "and it sits beside internet-facing resources in a subnet meant for them."
        ),
        remediation=(
            "Move the function to private subnets whose default route goes to a NAT gateway (or "
            "only to VPC endpoints), in at least two Availability Zones."
        ),
    ),
    check=lambda ctx: public_subnet_findings(ctx.estate, ctx.once(egress_by_placement)),
)
SINGLE_AZ = RULES.register(
    Rule(
        id="config.single-az",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="VPC function runs in a single Availability Zone",
        rationale=(
            "All of the function's subnets are in one AZ, so an outage of that AZ stops it "
            "(Security Hub Lambda.5 asks for at least two)."
        ),
        remediation="Add a subnet in another Availability Zone to the function's VpcConfig.",
    ),
    check=lambda ctx: single_az_findings(ctx.estate),
)
NO_VPC_ENDPOINT = RULES.register(
    Rule(
        id="config.no-vpc-endpoint",
        analyzer="config",
        severity=Severity.LOW,
        title="VPC function reaches AWS services over NAT, without a VPC endpoint",
        rationale=(
            "The function's role uses AWS services that have no VPC endpoint in its VPC, so those "
            "calls leave the VPC through the NAT gateway: they cross the internet edge, cannot be "
            "pinned with aws:SourceVpce conditions and pay NAT data charges."
        ),
        remediation=(
            "Add gateway endpoints (S3, DynamoDB) to the subnets' route tables and interface "
            "endpoints with private DNS for the other services, each with an endpoint policy."
        ),
    ),
    check=lambda ctx: no_vpc_endpoint_findings(
        ctx.estate, ctx.once(iam_pass).model, ctx.once(egress_by_placement)
    ),
)
# Services whose traffic is worth keeping on the AWS network; secret material ones rate higher.
ENDPOINT_SERVICES = ("s3", "dynamodb", "secretsmanager", "kms", "sqs", "sns", "ssm")
_SECRET_SERVICES = frozenset({"secretsmanager", "kms", "ssm"})


EgressOf = Callable[[LambdaFunction], Egress]


def egress_by_placement(ctx: RuleContext) -> EgressByPlacement:
    """The egress verdicts the network rules share within one run (`RuleContext.once`)."""
    return EgressByPlacement(ctx.estate)


def _network(estate: Estate, fn: LambdaFunction) -> Network | None:
    network = estate.networks.get((fn.account, fn.region))
    if fn.vpc is None or network is None or any(op not in network.collected for op in NEEDED):
        return None
    return network


def _route_evidence(network: Network, subnet_id: str) -> Evidence:
    subnet = network.subnets[subnet_id]
    table = network.route_tables.get(subnet.route_table_id or "")
    routes = [f"{r.destination} -> {r.target_id}" for r in (table.routes if table else ())]
    return Evidence(
        f"subnet {subnet.name or subnet.id} ({subnet.az})",
        {"route_table": subnet.route_table_id, "routes": routes},
    )


def public_subnet_findings(estate: Estate, egress_of: EgressOf | None = None) -> Iterator[Finding]:
    egress_of = egress_of or EgressByPlacement(estate)
    for fn in estate.functions:
        network = _network(estate, fn)
        if network is None:
            continue
        egress = egress_of(fn)
        if not egress.public_subnets:
            continue
        evidence = [_route_evidence(network, s) for s in egress.public_subnets]
        evidence.append(Evidence("Lambda ENI public IP", "never assigned: no internet egress via the IGW"))
        evidence.append(Evidence("egress", f"{egress.kind}: {egress.detail}"))
        subnets = ", ".join(egress.public_subnets)
        yield Finding(
            rule=PUBLIC_SUBNET,
            resource=fn.arn,
            title=f"{fn.name}: runs in public subnet(s) {subnets}",
            severity=PUBLIC_SUBNET.severity,
            evidence=tuple(evidence),
            region=fn.region,
        )


def single_az_findings(estate: Estate) -> Iterator[Finding]:
    for fn in estate.functions:
        network = _network(estate, fn)
        if network is None or fn.vpc is None:
            continue
        subnets = [network.subnets.get(s) for s in fn.vpc.subnet_ids]
        azs = {s.az for s in subnets if s is not None}
        if any(s is None for s in subnets) or None in azs or len(azs) != 1:
            continue
        yield Finding(
            rule=SINGLE_AZ,
            resource=fn.arn,
            title=f"{fn.name}: all subnets in {next(iter(azs))}",
            severity=SINGLE_AZ.severity,
            evidence=(
                Evidence("VpcConfig.SubnetIds", list(fn.vpc.subnet_ids)),
                Evidence("Availability Zones", sorted(str(a) for a in azs)),
            ),
            region=fn.region,
        )


def services_used(model: IamModel | None, role_arn: str) -> tuple[str, ...] | None:
    """Which of ENDPOINT_SERVICES the role has any permission on (even conditional), or None."""
    if model is None or role_arn not in model.actors:
        return None
    permissions = model.effective(role_arn)
    allowed, conditional, scoped = permissions.bits("*")
    any_bits = allowed | conditional | scoped
    catalogue = permissions.catalogue
    return tuple(s for s in ENDPOINT_SERVICES if any_bits & catalogue.service_mask(s))


def _no_endpoint_finding(fn: LambdaFunction, egress: Egress, used: tuple[str, ...] | None) -> Finding | None:
    candidates = used if used is not None else ENDPOINT_SERVICES
    missing = tuple(s for s in candidates if s not in egress.endpoints)
    if not missing:
        return None
    evidence = [
        Evidence("egress", f"NAT ({', '.join(egress.via)}): {egress.detail}"),
        Evidence("VPC endpoints in the VPC", list(egress.endpoints) or "none"),
    ]
    if used is None:
        evidence.append(
            Evidence(
                "role",
                f"{fn.role_arn}: its permissions were not collected; which services it uses is unknown",
            )
        )
    else:
        evidence.append(Evidence("role uses", list(used)))
    evidence.append(Evidence("no endpoint for", list(missing)))
    secret = bool(_SECRET_SERVICES & set(missing)) and used is not None
    return Finding(
        rule=NO_VPC_ENDPOINT,
        resource=fn.arn,
        title=f"{fn.name}: {', '.join(missing)} traffic leaves over NAT (no VPC endpoint)",
        severity=Severity.MEDIUM if secret else Severity.LOW,
        evidence=tuple(evidence),
        region=fn.region,
    )


def no_vpc_endpoint_findings(
    estate: Estate, model: IamModel | None, egress_of: EgressOf | None = None
) -> Iterator[Finding]:
    egress_of = egress_of or EgressByPlacement(estate)
    used_by_role: dict[str, tuple[str, ...] | None] = {}  # functions share roles
    for fn in estate.functions:
        network = _network(estate, fn)
        if network is None or "DescribeVpcEndpoints" not in network.collected:
            continue
        egress = egress_of(fn)
        if egress.kind != "nat":
            continue
        if fn.role_arn not in used_by_role:
            used_by_role[fn.role_arn] = services_used(model, fn.role_arn)
        finding = _no_endpoint_finding(fn, egress, used_by_role[fn.role_arn])
        if finding is not None:
            yield finding


def network_findings(estate: Estate, model: IamModel | None) -> Iterator[Finding]:
    egress_of = EgressByPlacement(estate)
    yield from public_subnet_findings(estate, egress_of)
    yield from single_az_findings(estate)
    yield from no_vpc_endpoint_findings(estate, model, egress_of)
