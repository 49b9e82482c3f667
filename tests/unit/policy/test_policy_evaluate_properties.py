"""Properties of the evaluator over random policy sets.

Outcomes are ordered denied < conditional < allowed. Precisely:
- Deny monotonicity: adding a Deny statement to any policy (or a new identity or resource
  policy made of Deny statements) never raises the outcome;
- Allow monotonicity: adding an Allow statement to any EXISTING policy (identity, resource,
  boundary, session, SCP or RCP) or a new identity/resource policy never lowers it. (Adding a new
  boundary, session policy or SCP level can lower it: those cap rather than grant.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policy.decision import Decision
from policy.document import PolicyDocument, Statement, parse_statement
from policy.evaluate import evaluate
from policy.request import NamedPolicy, Request

A, B = "111122223333", "444455556666"
CALLERS = [
    f"arn:aws:iam::{A}:role/app",
    f"arn:aws:sts::{A}:assumed-role/app/s1",
    f"arn:aws:iam::{A}:user/alice",
    f"arn:aws:iam::{B}:role/partner",
    "*",
    "s3.amazonaws.com",
]
ACTIONS = ["s3:GetObject", "s3:PutObject", "kms:Decrypt"]
RESOURCES = ["arn:aws:s3:::bucket/a/b", f"arn:aws:kms:eu-west-1:{A}:key/k"]
RANK = {"denied": 0, "conditional": 1, "allowed": 2}

action_patterns = st.lists(
    st.sampled_from(["s3:GetObject", "s3:*", "s3:Get*", "*", "kms:*", "iam:*"]), min_size=1, max_size=2
)
resource_patterns = st.lists(
    st.sampled_from(
        [
            "*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::other/*",
            "arn:aws:s3:::bucket/${aws:username}/*",
            f"arn:aws:kms:*:{A}:key/*",
            "arn:aws:*",
        ]
    ),
    min_size=1,
    max_size=2,
)
conditions = st.one_of(
    st.none(),
    st.sampled_from(
        [
            {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            {"Bool": {"aws:SecureTransport": "true"}},
            {"StringEquals": {"aws:PrincipalAccount": A}},
            {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}},
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
            {"Null": {"aws:MultiFactorAuthPresent": "true"}},
        ]
    ),
)
principals = st.sampled_from(
    [
        {"Principal": "*"},
        {"Principal": {"AWS": f"arn:aws:iam::{A}:role/app"}},
        {"Principal": {"AWS": f"arn:aws:sts::{A}:assumed-role/app/s1"}},
        {"Principal": {"AWS": A}},
        {"Principal": {"AWS": B}},
        {"Principal": {"Service": "s3.amazonaws.com"}},
        {"NotPrincipal": {"AWS": [f"arn:aws:iam::{A}:user/alice", A]}},
        {"NotPrincipal": {"AWS": f"arn:aws:iam::{A}:role/app"}},
    ]
)


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None, resource_policy: bool = False) -> Statement:
    body: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    body["NotAction" if draw(st.booleans()) and not resource_policy else "Action"] = draw(action_patterns)
    if draw(st.integers(0, 4)) == 0:
        body["NotResource"] = draw(resource_patterns)
    else:
        body["Resource"] = draw(resource_patterns)
    if (condition := draw(conditions)) is not None:
        body["Condition"] = condition
    if resource_policy:
        body |= draw(principals)
    return parse_statement(body, resource_policy=resource_policy)


def policies(kind: str, resource_policy: bool = False) -> st.SearchStrategy[NamedPolicy]:
    return st.builds(
        lambda stmts, level: NamedPolicy(
            f"{kind}", None, PolicyDocument(tuple(stmts), "2012-10-17"), kind, level
        ),  # type: ignore[arg-type]
        st.lists(statements(resource_policy=resource_policy), min_size=1, max_size=3),
        st.sampled_from(["", "ou"]),
    )


@dataclass(frozen=True)
class Scenario:
    request: Request
    identity: tuple[NamedPolicy, ...]
    resource: NamedPolicy | None
    boundary: NamedPolicy | None
    scps: tuple[NamedPolicy, ...]
    rcps: tuple[NamedPolicy, ...]
    sessions: tuple[NamedPolicy, ...]
    required: bool

    def decide(self) -> Decision:
        return evaluate(
            self.request,
            identity_policies=self.identity,
            resource_policy=self.resource,
            boundary=self.boundary,
            scps=self.scps,
            rcps=self.rcps,
            session_policies=self.sessions,
            resource_policy_required=self.required,
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    context: dict[str, Any] = draw(
        st.sampled_from([{}, {"aws:SourceIp": "10.1.1.1"}, {"aws:SecureTransport": False}])
    )
    request = Request(
        principal_arn=draw(st.sampled_from(CALLERS)),
        action=draw(st.sampled_from(ACTIONS)),
        resource_arn=draw(st.sampled_from(RESOURCES)),
        resource_account=A,
        context=context,
        context_complete=draw(st.booleans()),
    )
    return Scenario(
        request,
        tuple(draw(st.lists(policies("identity"), max_size=2))),
        draw(st.none() | policies("resource", resource_policy=True)),
        draw(st.none() | policies("boundary")),
        tuple(draw(st.lists(policies("scp"), max_size=2))),
        tuple(draw(st.lists(policies("rcp"), max_size=1))),
        tuple(draw(st.lists(policies("session"), max_size=1))),
        draw(st.booleans()),
    )


def _with(policy: NamedPolicy, statement: Statement) -> NamedPolicy:
    return replace(
        policy, document=replace(policy.document, statements=(*policy.document.statements, statement))
    )


def _add(scenario: Scenario, target: int, statement: Statement) -> Scenario:
    """Add `statement` to an existing policy chosen by `target` (or to a new identity policy)."""
    slots: list[tuple[str, int]] = [("identity", i) for i in range(len(scenario.identity))]
    slots += [("scps", i) for i in range(len(scenario.scps))] + [
        ("rcps", i) for i in range(len(scenario.rcps))
    ]
    slots += [("sessions", i) for i in range(len(scenario.sessions))]
    slots += [(name, -1) for name in ("boundary",) if scenario.boundary is not None]
    if not slots or target >= len(slots):
        new = NamedPolicy("added", None, PolicyDocument((statement,), "2012-10-17"))
        return replace(scenario, identity=(*scenario.identity, new))
    name, index = slots[target]
    if index < 0:
        assert scenario.boundary is not None
        return replace(scenario, boundary=_with(scenario.boundary, statement))
    group: tuple[NamedPolicy, ...] = getattr(scenario, name)
    changed = tuple(_with(p, statement) if i == index else p for i, p in enumerate(group))
    return replace(scenario, **{name: changed})


def _add_to_resource(scenario: Scenario, statement: Statement) -> Scenario:
    if scenario.resource is None:
        return replace(
            scenario,
            resource=NamedPolicy("added", None, PolicyDocument((statement,), "2012-10-17"), "resource"),
        )
    return replace(scenario, resource=_with(scenario.resource, statement))


@settings(max_examples=60, deadline=None)
@given(
    scenarios(), st.integers(0, 8), statements(effect="Deny"), statements(effect="Deny", resource_policy=True)
)
def test_adding_a_deny_never_raises_the_outcome(
    scenario: Scenario, target: int, deny: Statement, rdeny: Statement
) -> None:
    before = RANK[scenario.decide().outcome]
    assert RANK[_add(scenario, target, deny).decide().outcome] <= before
    assert RANK[_add_to_resource(scenario, rdeny).decide().outcome] <= before


@settings(max_examples=60, deadline=None)
@given(
    scenarios(),
    st.integers(0, 8),
    statements(effect="Allow"),
    statements(effect="Allow", resource_policy=True),
)
def test_adding_an_allow_never_lowers_the_outcome(
    scenario: Scenario, target: int, allow: Statement, rallow: Statement
) -> None:
    before = RANK[scenario.decide().outcome]
    assert RANK[_add(scenario, target, allow).decide().outcome] >= before
    assert RANK[_add_to_resource(scenario, rallow).decide().outcome] >= before


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_decisions_are_explained(scenario: Scenario) -> None:
    decision = scenario.decide()
    if decision.conditional:
        assert decision.conditions, "a conditional decision names what it hinges on"
    if decision.allowed:
        assert decision.allow_statements or scenario.request.principal_arn.endswith(":root")
    if decision.reason == "explicit-deny" and decision.denied:
        assert decision.deny_statements


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_complete_context_never_leaves_conditions_on_context_keys(scenario: Scenario) -> None:
    """With every key known, only Principal/Resource-shape questions can stay open."""
    complete = replace(scenario, request=replace(scenario.request, context_complete=True))
    decision = complete.decide()
    assert all(h.key in {"Principal", "Resource"} for h in decision.conditions)
