"""Which roles a service may assume, with the evaluator skipped where no statement can admit it.

Why: every PassRole method asks each role's trust policy about its service; a 2,000-role account
holds a couple of hundred distinct trust documents, asked about ten services each. A document
whose text names neither the service nor anyone (`*`) nor uses NotPrincipal cannot admit a
service caller, and is answered "no" without the evaluator (`IamModel._never_names`). Every
answer must be the evaluator's own: checked here against it directly, for documents the shortcut
applies to and documents it must not."""

from __future__ import annotations

from typing import Any

import pytest

import analyzers.iam.trust_policies as trust_policies
from analyzers.iam.principal_policies import IamModel
from policy.evaluate import evaluate
from policy.request import Request
from tests.builders import ACCOUNT
from tests.unit.analyzers.iam.iam_estates import IamEstate, doc, role_arn, trusts

SERVICES = ("lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com")
TRUSTS: dict[str, dict[str, Any]] = {
    "lambda": trusts({"Service": "lambda.amazonaws.com"}),
    "ecs-shouting": trusts({"Service": ["ECS-TASKS.amazonaws.com"]}),
    "account": trusts({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
    "a-role": trusts(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ci"}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    ),
    "anyone": trusts({"AWS": "*"}),
    "star": trusts("*"),  # type: ignore[arg-type]
    "not-principal": doc(
        {
            "Effect": "Allow",
            "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
        }
    ),
    "odd-aws-form": trusts({"AWS": "ec2.amazonaws.com"}),
    "kelvin": trusts({"Service": "ecs-tas\u212as.amazonaws.com"}),  # KELVIN SIGN: lower() is "k"
    "pattern-condition": trusts(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, condition={"StringLike": {"aws:PrincipalArn": "*"}}
    ),
}
SKIPPED = {"account", "a-role"}  # no service, no `*`, no NotPrincipal: asked nothing


def _model() -> IamModel:
    e = IamEstate()
    for name, trust in TRUSTS.items():
        e.role(name, trust=trust)
    return IamModel(e.estate(), scps={})


def _engine(model: IamModel, role: str, service: str) -> tuple[bool, str | None]:
    trust = model.trust(role)
    assert trust is not None
    request = Request(
        principal_arn=service,
        action="sts:AssumeRole",
        resource_arn=role,
        context={"aws:SourceAccount": ACCOUNT},
    )
    decision = evaluate(request, identity_policies=(), resource_policy=trust)
    if decision.denied:
        return False, None
    return True, "allowed" if decision.allowed else "conditional"


@pytest.mark.parametrize("name", sorted(TRUSTS))
def test_service_answers_are_the_evaluators(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model()
    role = role_arn(name)
    asked: list[str] = []

    def counted(request: Request, **kwargs: Any) -> Any:
        asked.append(request.principal_arn)
        return evaluate(request, **kwargs)

    monkeypatch.setattr(trust_policies, "evaluate", counted)
    for service in SERVICES:
        grant = model.service_may_assume(role, service)
        expected = _engine(model, role, service)
        assert (grant is not None, None if grant is None else grant.outcome) == expected, (name, service)
    if name in SKIPPED:
        assert asked == []  # the shortcut applied: refused, unasked
    elif name in ("anyone", "star", "not-principal", "pattern-condition", "kelvin"):
        assert sorted(asked) == sorted(SERVICES)  # it must not apply: every service is asked


def test_the_shortcut_refuses_only_what_the_evaluator_refuses() -> None:
    model = _model()
    assert model.service_may_assume(role_arn("lambda"), "lambda.amazonaws.com") is not None
    assert model.service_may_assume(role_arn("lambda"), "ec2.amazonaws.com") is None
    assert model.service_may_assume(role_arn("ecs-shouting"), "ecs-tasks.amazonaws.com") is not None
    assert model.service_may_assume(role_arn("not-principal"), "ec2.amazonaws.com") is not None
    assert model.service_may_assume(role_arn("anyone"), "lambda.amazonaws.com") is not None
    assert model.service_may_assume(role_arn("kelvin"), "ecs-tasks.amazonaws.com") is not None
