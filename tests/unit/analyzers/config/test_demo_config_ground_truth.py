"""Every config.* rule flags on the demo exactly the resources plants_config.py lists, no more.

plants_config.py was reviewed against the catalogue by hand; the catalogue checks here pin the
sets that are cheap to re-derive from the declaration, so a drift in either the analyzers, the
plants or the catalogue shows up as a named difference.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cache

import pytest

import analyzers.analysis  # noqa: F401  (registers every rule)
from analyzers.analysis import Analysis
from analyzers.findings.model import Finding
from analyzers.findings.registry import RULES
from estate.sources.demo_builder import catalogue
from estate.sources.demo_builder.constants import EU
from tests.ground_truth import plants, plants_config
from tests.paths import analysed_demo

DEMO = "estate/sources/demo/demo.lsnap"


def demo() -> Analysis:
    return analysed_demo(dt.date(2026, 11, 1))  # one analysis per process, shared


def _name(analysis: Analysis, finding: Finding) -> str:
    """What plants.py keys a finding by: function or store name, KMS alias, or region (account-wide)."""
    estate = analysis.estate
    fn = estate.function(finding.resource)
    if fn is not None:
        return fn.name
    if finding.resource in estate.data_stores:
        return estate.data_stores[finding.resource].name
    if finding.resource in estate.kms_keys:
        (alias,) = estate.kms_keys[finding.resource].aliases
        return alias
    if finding.resource.startswith("account:"):
        return finding.region
    raise AssertionError(f"unkeyed config finding: {finding.resource}")


@cache
def flagged() -> dict[str, frozenset[str]]:
    analysis = demo()
    out: dict[str, set[str]] = defaultdict(set)
    for finding in analysis.raw_findings:
        if finding.rule.id.startswith("config."):
            out[finding.rule.id].add(_name(analysis, finding))
    return {rule: frozenset(names) for rule, names in out.items()}


def test_every_config_rule_has_a_reviewed_plant_set() -> None:
    registered = {rule.id for rule in RULES if rule.id.startswith("config.")}
    assert set(plants.CONFIG_RULE_PLANTS) == registered


@pytest.mark.parametrize("rule", sorted(plants_config.CONFIG_RULE_PLANTS))
def test_rule_flags_exactly_the_planted_resources(rule: str) -> None:
    got = flagged().get(rule, frozenset())
    expected = plants.CONFIG_RULE_PLANTS[rule]
    assert {"unexpected": sorted(got - expected), "missed": sorted(expected - got)} == {
        "unexpected": [],
        "missed": [],
    }


def test_one_finding_per_resource_and_plant_regions_match() -> None:
    by_key: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in demo().raw_findings:
        if finding.rule.id.startswith("config."):
            by_key[(finding.rule.id, _name(demo(), finding))].append(finding)
    assert [k for k, found in by_key.items() if len(found) != 1] == []
    for plant in plants.PLANTS:
        if plant.rule.startswith("config.") and plant.rule != "config.no-trail-data-events":
            assert by_key[(plant.rule, plant.resource)][0].region == plant.region, plant


def test_clean_functions_have_no_config_finding() -> None:
    estate = demo().estate
    assert {f.name for f in estate.functions} == plants.ALL_FUNCTIONS
    assert plants.CLEAN_FUNCTIONS  # a control group exists
    arns = {f.arn for f in estate.functions if f.name in plants.CLEAN_FUNCTIONS}
    assert len(arns) == len(plants.CLEAN_FUNCTIONS)
    noisy = [f.title for f in demo().raw_findings if f.rule.id.startswith("config.") and f.resource in arns]
    assert noisy == []


def test_clean_functions_are_the_functions_in_no_config_plant_set() -> None:
    planted = set().union(*plants.CONFIG_FUNCTION_PLANTS.values())
    assert plants.CLEAN_FUNCTIONS.isdisjoint(planted)
    assert plants.CLEAN_FUNCTIONS | planted == plants.ALL_FUNCTIONS
    # the PCI card path is not clean: its VPC has no KMS endpoint
    assert "payments-authorize" not in plants.CLEAN_FUNCTIONS


def test_no_vpc_endpoint_names_the_missing_services() -> None:
    evidence = {
        _name(demo(), f): next(e.value for e in f.evidence if e.label == "no endpoint for")
        for f in demo().raw_findings
        if f.rule.id == "config.no-vpc-endpoint"
    }
    assert {n: tuple(v) for n, v in evidence.items()} == plants.NO_VPC_ENDPOINT_FUNCTIONS


def test_unencrypted_stores_split_plain_from_aws_keyed() -> None:
    titles = {
        _name(demo(), f): f.title for f in demo().raw_findings if f.rule.id == "config.unencrypted-store"
    }
    aws_keyed = {n for n, t in titles.items() if "not a customer-managed key" in t}
    assert aws_keyed == set(plants.AWS_KEY_SENSITIVE_STORES)
    assert set(titles) - aws_keyed == set(plants.UNENCRYPTED_STORES)


# --- the plants against the declaration (catalogue*.py) ----------------------------------------


def test_no_vpc_plants_run_outside_a_vpc_and_endpoint_plants_inside_the_eu_nat_vpc() -> None:
    specs = catalogue.FUNCTIONS_BY_NAME
    assert all(specs[n].network is None for n in plants.NO_VPC_SENSITIVE_FUNCTIONS)
    nat_placed = {n for n, s in specs.items() if s.region == EU and s.network not in (None, "eu-public")}
    assert set(plants.NO_VPC_ENDPOINT_FUNCTIONS) <= nat_placed
    # the quiet ones use only services with an endpoint (dynamodb) or none listed (lambda, iam, sts)
    assert nat_placed - set(plants.NO_VPC_ENDPOINT_FUNCTIONS) == {
        "kyc-orchestrator",
        "fraud-score",
        "fraud-features",
    }


def test_store_plants_follow_the_catalogue_encryption_and_policies() -> None:
    sensitive = {"pci", "confidential"}
    assert set(plants.TLS_NO_SECURE_TRANSPORT_BUCKETS) == {
        b.name for b in catalogue.BUCKETS if not b.cloudtrail_delivery
    }
    assert set(plants.KMS_NO_ROTATION_KEYS) == {
        f"alias/{k.alias}" for k in catalogue.KMS_KEYS if not k.rotation
    }
    aws_keyed = {
        *(t.name for t in catalogue.TABLES if t.kms is None and t.data_class in sensitive),
        *(b.name for b in catalogue.BUCKETS if b.encryption == "AES256" and b.data_class in sensitive),
        *(s.name for s in catalogue.SECRETS if s.kms is None and s.data_class in sensitive),
        *(q.name for q in catalogue.QUEUES if q.sse == "sqs" and q.data_class in sensitive),
    }
    assert aws_keyed == set(plants.AWS_KEY_SENSITIVE_STORES)
    plain = {
        *(d.identifier for d in catalogue.DATABASES if not d.encrypted),
        *(b.name for b in catalogue.BUCKETS if b.encryption is None),
        *(q.name for q in catalogue.QUEUES if q.sse is None),
        *(t.name for t in catalogue.TOPICS if t.kms is None),
    }
    assert plain == set(plants.UNENCRYPTED_STORES)


def test_function_plants_follow_the_catalogue_specs() -> None:
    specs = catalogue.FUNCTIONS
    assert {s.name for s in specs if s.env and s.env_kms is None} == plants.ENV_NO_CMK_FUNCTIONS
    assert {s.name for s in specs if s.tracing != "Active"} == plants.NO_TRACING_FUNCTIONS
    assert {u.function for u in catalogue.URLS if "*" in u.cors_origins} == set(
        plants.URL_CORS_WILDCARD_FUNCTIONS
    )
    public = set(plants.PUBLIC_FUNCTIONS) | set(plants.PUBLIC_API_ROUTE_FUNCTIONS)
    unreserved = {n for n in public if catalogue.FUNCTIONS_BY_NAME[n].reserved is None}
    assert unreserved == set(plants.INTERNET_FACING_UNRESERVED_FUNCTIONS)


def test_recovery_plants_follow_the_catalogue() -> None:
    assert set(plants.NO_RECOVERY_STORES) == {t.name for t in catalogue.TABLES if not t.pitr} | {
        b.name for b in catalogue.BUCKETS if not b.versioning
    }
    assert set(plants.NOT_FROM_CODE_FUNCTIONS) == {f.name for f in catalogue.FUNCTIONS if not f.from_code}
