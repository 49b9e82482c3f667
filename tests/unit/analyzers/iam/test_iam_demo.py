"""The IAM rules on the bundled demo snapshot, against the hand-written ground truth (plants.py)."""

from __future__ import annotations

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Finding, Severity
from analyzers.iam.principal_summary import principal_summary
from tests.ground_truth import plants
from tests.paths import DEMO_SNAPSHOT
from tests.unit.analyzers.iam.iam_estates import conditional, hop_methods

DEMO = DEMO_SNAPSHOT
ACCOUNT = "123456789012"
IAM_RULES = ("iam.admin", "iam.wildcard", "iam.passrole-wildcard", "iam.privesc")


def arn(name: str) -> str:
    kind = "user" if name in {"ci-deployer", "alice-analyst", "bob-oncall"} else "role"
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def name(resource: str) -> str:
    return resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


@pytest.fixture(scope="module")
def demo(demo_analysis: Analysis) -> Analysis:
    return demo_analysis


def of(analysis: Analysis, rule: str) -> list[Finding]:
    return [f for f in analysis.findings if f.rule.id == rule]


def test_admin_roles(demo: Analysis) -> None:
    found = of(demo, "iam.admin")
    assert {name(f.resource) for f in found} == set(plants.ADMIN_ROLES)
    assert {f.severity for f in found} == {Severity.CRITICAL}
    for function, role in plants.ADMIN_FUNCTIONS.items():
        fn = next(f for f in demo.estate.functions if f.name == function)
        assert fn.role_arn == arn(role)


def test_wildcard_principals(demo: Analysis) -> None:
    found = {name(f.resource): f for f in of(demo, "iam.wildcard")}
    assert set(found) == set(plants.WILDCARD_PRINCIPALS)
    capped = {n for n, f in found.items() if f.severity is Severity.LOW}
    assert capped == set(plants.BOUNDED_ROLES)  # the boundary leaves only part of dynamodb:*
    assert all(f.severity is Severity.HIGH for n, f in found.items() if n not in capped)


def test_passrole_wildcard_principals(demo: Analysis) -> None:
    assert {name(f.resource) for f in of(demo, "iam.passrole-wildcard")} == set(
        plants.PASSROLE_WILDCARD_PRINCIPALS
    )


def test_privesc_principals_certain_and_conditional(demo: Analysis) -> None:
    found = of(demo, "iam.privesc")
    certain = {name(f.resource) for f in found if not conditional(f)}
    maybe = {name(f.resource) for f in found if conditional(f)}
    assert certain == set(plants.PRIVESC_PRINCIPALS)
    assert maybe == set(plants.CONDITIONAL_PRIVESC)
    assert all(f.severity is Severity.CRITICAL for f in found if not conditional(f))
    bob = next(f for f in found if name(f.resource) == "bob-oncall")
    assert bob.severity is Severity.HIGH and "aws:MultiFactorAuthPresent" in bob.title


def test_privesc_is_one_finding_per_principal(demo: Analysis) -> None:
    found = of(demo, "iam.privesc")
    assert len(found) == len({f.resource for f in found}) == 7  # 12 (principal, target) pairs before


def test_planted_chain_is_reported_hop_by_hop(demo: Analysis) -> None:
    (first, _, role), (_, assume, middle), (_, passrun, admin) = plants.PRIVESC_CHAIN
    [finding] = [f for f in of(demo, "iam.privesc") if f.resource == arn(role)]
    # Two admins are equally good prizes by the same two hops: the finding shows the first by ARN
    # (break-glass-role) and lists the planted one (platform-admin-role) among its other targets.
    shown, alike = finding.path[-1], arn("break-glass-role")
    assert shown == alike
    evidence = {e.label: e.value for e in finding.evidence}
    assert evidence["targets"] == 2
    [other] = evidence["other targets"]
    assert other["targets"] == [arn(admin)] and other["count"] == 1 and other["severity"] == "critical"
    assert other["methods"] == ["sts-assume-role", "lambda-create-function-invoke"]
    assert other["hops"] == 2 and other["conditional"] is False
    assert name(finding.path[0]) == first  # the function that executes as the role comes first
    assert [name(n) for n in finding.path[1:3]] == [role, middle]
    assert hop_methods(finding) == ("sts-assume-role", "lambda-create-function-invoke")
    hops = [e.value for e in finding.evidence if e.label.startswith("hop ")]
    assert hops[0]["permissions"][0]["action"] == assume
    assert {p["action"] for p in hops[1]["permissions"]} == set(passrun.split(" + "))
    assert hops[1]["through"]["to"] == shown
    assert hops[0]["permissions"][0]["statements"][0]["sid"] == "Automation"


def test_graph_carries_the_escalation_edges(demo: Analysis) -> None:
    graph = demo.graph
    assert graph.has_edge(arn("fraud-score-role"), arn("ops-automation-role"), key="can-assume")
    assert graph.has_edge(
        arn("fraud-score-role"), arn("ops-automation-role"), key="escalates-to:sts-assume-role"
    )
    edge = graph.edges[
        arn("ops-automation-role"),
        "service:lambda.amazonaws.com",
        "escalates-to:lambda-create-function-invoke",
    ]
    assert edge["kind"] == "escalates-to" and edge["evidence"]["permissions"][0]["action"] == "iam:PassRole"
    assert graph.has_edge("service:lambda.amazonaws.com", arn("platform-admin-role"), key="can-assume")
    bob = graph.edges[arn("bob-oncall"), arn("break-glass-role"), "can-assume"]
    assert bob["conditional"] and bob["condition_keys"] == ["aws:MultiFactorAuthPresent"]
    reporting = graph.edges[
        arn("reporting-role"), arn("platform-admin-role"), "escalates-to:lambda-update-function-code"
    ]
    assert name(reporting["via"]) == "platform-janitor"


def test_bounded_and_deny_neutered_roles(demo: Analysis) -> None:
    for role in (*plants.BOUNDED_ROLES, *plants.DENY_NEUTERED):
        rules = {f.rule.id for f in demo.findings_for(arn(role)) if f.rule.analyzer == "iam"}
        assert rules <= {"iam.wildcard"}, (role, rules)
    bounded = principal_summary(demo, arn("fraud-features-role"))
    assert not bounded.admin and bounded.boundary and not bounded.escalations
    dynamo = bounded.services["dynamodb"]
    assert dynamo["Read"].allowed == 5 and dynamo["Write"].total == 0 and dynamo["List"].total == 0
    assert all(c.total == 0 for c in bounded.services["s3"].values())
    assert demo.iam is not None
    model = demo.iam.model
    notify, secret = arn("notify-role"), f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:"
    assert (
        model.decide(notify, "secretsmanager:GetSecretValue", secret + "payments/provider-api-key-AbCdEf")
        is None
    )
    other = model.decide(notify, "secretsmanager:GetSecretValue", secret + "ledger/db-credentials-AbCdEf")
    assert other is not None and not other.conditional


def test_traps_produce_nothing(demo: Analysis) -> None:
    expected = {
        *plants.ADMIN_ROLES,
        *plants.WILDCARD_PRINCIPALS,
        *plants.PASSROLE_WILDCARD_PRINCIPALS,
        *plants.PRIVESC_PRINCIPALS,
        *plants.CONDITIONAL_PRIVESC,
    }
    flagged = {name(f.resource) for f in demo.findings if f.rule.id in IAM_RULES}
    assert flagged == expected
    assert not [f for f in demo.findings if f.rule.id == "iam.unparseable-policy"]


def test_principal_summary_of_an_escalating_role(demo: Analysis) -> None:
    summary = principal_summary(demo, arn("fraud-score-role"))
    assert not summary.admin and summary.can_escalate
    assert {name(p.target) for p in summary.escalations} == {"platform-admin-role", "break-glass-role"}
    assert [name(f) for f in summary.functions] == ["fraud-score"]
    assert summary.services["sts"]["Write"].scoped == 1  # sts:AssumeRole on one role
    assert principal_summary(demo.estate, arn("platform-admin-role")).admin
    with pytest.raises(KeyError):
        principal_summary(demo, arn("no-such-role"))
