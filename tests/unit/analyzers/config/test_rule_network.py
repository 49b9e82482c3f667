"""config.public-subnet, config.single-az and config.no-vpc-endpoint on every network shape."""

from __future__ import annotations

import datetime as dt

from analyzers.analysis import Analysis, analyze
from analyzers.config.egress import EgressByPlacement, egress_of
from analyzers.findings.model import Finding, Severity
from estate.model import Estate
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from tests.builders import fn_arn, rule_case, snapshot_of
from tests.paths import DEMO_SNAPSHOT
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow
from tests.unit.estate.test_graph_network import network_records, shaped_estate, shaped_functions

TODAY = dt.date(2026, 11, 29)


def found(subject: Estate | Analysis, rule: str) -> dict[str, Finding]:
    """Findings of `rule` by name: of the estate analysed on TODAY, or of a shared analysis."""
    analysis = subject if isinstance(subject, Analysis) else analyze(subject, TODAY)
    return {f.resource.rsplit(":", 1)[-1]: f for f in analysis.findings if f.rule.id == rule}


@rule_case("config.public-subnet", "positive")
def test_function_with_a_public_subnet_is_flagged() -> None:
    hits = found(shaped_estate(), "config.public-subnet")
    assert set(hits) == {"public"}
    assert hits["public"].severity is Severity.HIGH and "subnet-pub" in hits["public"].title


@rule_case("config.public-subnet", "negative")
def test_private_isolated_and_unknown_networks_are_not_public_subnets() -> None:
    assert not found(shaped_estate(network_records(skip=("DescribeRouteTables",))), "config.public-subnet")
    assert not found(shaped_estate([]), "config.public-subnet")


@rule_case("config.single-az", "positive")
def test_single_az_function_is_flagged() -> None:
    hits = found(shaped_estate(), "config.single-az")
    # "lonely" and "transit" have one subnet; "public" two, both in eu-west-1a
    assert set(hits) == {"lonely", "transit", "public"}
    assert hits["lonely"].severity is Severity.MEDIUM and "eu-west-1a" in hits["lonely"].title


@rule_case("config.single-az", "negative")
def test_multi_az_no_vpc_and_unknown_subnets_are_not_single_az() -> None:
    hits = found(shaped_estate(), "config.single-az")
    assert not {"private", "isolated", "closed", "plain"} & set(hits)
    assert not found(shaped_estate(network_records(skip=("DescribeSubnets",))), "config.single-az")


def _estate_with_role(*statements: dict[str, object]) -> Estate:
    iam = IamEstate()
    iam.role("app-role", *statements)
    return load_estate(snapshot_of(shaped_functions(), iam=iam.details(), extra=network_records()))


@rule_case("config.no-vpc-endpoint", "positive")
def test_nat_function_using_services_without_endpoints_is_flagged() -> None:
    estate = _estate_with_role(allow(["dynamodb:GetItem", "s3:GetObject", "kms:Decrypt", "sqs:SendMessage"]))
    hits = found(estate, "config.no-vpc-endpoint")
    # NAT egress: private, public (one NAT subnet), lonely; s3 has a gateway endpoint, the rest do not
    assert set(hits) == {"private", "public", "lonely"}
    finding = hits["private"]
    assert "dynamodb, kms, sqs" in finding.title and "s3" not in finding.title.split("traffic")[0]
    assert finding.severity is Severity.MEDIUM  # kms: key material crosses the NAT
    low = found(_estate_with_role(allow("sqs:SendMessage")), "config.no-vpc-endpoint")
    assert low["private"].severity is Severity.LOW


@rule_case("config.no-vpc-endpoint", "positive")
def test_unknown_role_names_every_service_and_says_so() -> None:
    hits = found(shaped_estate(), "config.no-vpc-endpoint")
    evidence = {e.label: e.value for e in hits["private"].evidence}
    assert "unknown" in evidence["role"]
    assert hits["private"].severity is Severity.LOW


@rule_case("config.no-vpc-endpoint", "negative")
def test_endpoints_cover_use_or_no_nat_means_no_finding() -> None:
    covered = found(
        _estate_with_role(allow(["s3:GetObject", "secretsmanager:GetSecretValue"])), "config.no-vpc-endpoint"
    )
    # the public shape's route table lacks the S3 gateway endpoint, so only it still sends S3 over NAT
    assert set(covered) == {"public"} and "s3 traffic" in covered["public"].title
    unrelated = found(_estate_with_role(allow("logs:PutLogEvents")), "config.no-vpc-endpoint")
    assert unrelated == {}
    # endpoints not collected: no guess
    blind = found(shaped_estate(network_records(skip=("DescribeVpcEndpoints",))), "config.no-vpc-endpoint")
    assert blind == {}


def test_demo_network_plants(demo_analysis: Analysis) -> None:
    from tests.ground_truth.plants import PUBLIC_SUBNET_FUNCTIONS, SINGLE_AZ_FUNCTIONS

    analysis = demo_analysis
    assert set(found(analysis, "config.public-subnet")) == set(PUBLIC_SUBNET_FUNCTIONS)
    assert set(found(analysis, "config.single-az")) == set(SINGLE_AZ_FUNCTIONS)
    no_endpoint = found(analysis, "config.no-vpc-endpoint")
    assert "ledger-db-migrate" not in no_endpoint and "statements-render-dr" not in no_endpoint
    assert fn_arn("payments-status") == no_endpoint["payments-status"].resource


def test_egress_answered_once_per_placement_is_each_functions_own() -> None:
    """The network rules share one verdict per (account, region, VpcConfig); every function of
    every network shape, and of the demo, gets what `egress_of` gives it alone."""
    for estate in (shaped_estate(), load_estate(load_snapshot(DEMO_SNAPSHOT))):
        shared = EgressByPlacement(estate)
        for fn in estate.functions:
            assert shared(fn) == egress_of(estate, fn)
        assert len(shared._found) <= len(estate.functions)
