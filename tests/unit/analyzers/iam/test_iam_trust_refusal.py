"""Assume-role decisions refused without the evaluator (`IamModel._trust_alone_refuses`).

Why: a caller allowed sts:AssumeRole on a few roles (`role/ci-*`) asks every role that trusts its
account; on a 2,000-role account that was thousands of evaluations, nearly all refused. With no
identity Allow that may cover the role, only a trust statement naming the caller, or anyone,
allows; a trust text that holds neither the caller's name, nor `*`, nor NotPrincipal (and is
ASCII) is refused at once. Every answer must be the evaluator's: checked against it directly,
for the cases the shortcut applies to and the cases it must not."""

from __future__ import annotations

import json
from typing import Any

import pytest

import analyzers.iam.principal_policies as principal_policies
from analyzers.iam.grant import Grant
from analyzers.iam.principal_policies import IamModel
from policy.evaluate import evaluate
from policy.request import Request
from tests.builders import ACCOUNT
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow, doc, role_arn, trusts, user_arn

ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
ROLES: dict[str, dict[str, Any]] = {
    "by-account": trusts(ROOT),
    "by-account-mfa": trusts(ROOT, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    "names-scoped": trusts({"AWS": role_arn("scoped")}),
    "names-alice": trusts({"AWS": user_arn("alice")}),
    "session-of-scoped": trusts({"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/scoped/s1"}),
    "anyone": trusts({"AWS": "*"}),
    "not-principal": doc(
        {"Effect": "Allow", "NotPrincipal": {"AWS": role_arn("other")}, "Action": "sts:AssumeRole"}
    ),
    "kelvin": trusts({"AWS": f"arn:aws:iam::{ACCOUNT}:role/\u212aeeper"}),
}
CALLERS = {
    "scoped": role_arn("scoped"),  # sts:AssumeRole on role/ci-* only
    "keeper": role_arn("keeper"),  # the same grant; a KELVIN SIGN spells its name in one trust
    "alice": user_arn("alice"),  # the same grant, a user
    "broad": role_arn("broad"),  # sts:AssumeRole on every role: never refused here
    "none": role_arn("none"),  # no sts:AssumeRole at all
}


def _model() -> IamModel:
    e = IamEstate()
    scoped = allow("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/ci-*")
    e.role("scoped", scoped)
    e.role("keeper", scoped)
    e.user("alice", scoped)
    e.role("broad", allow("sts:AssumeRole"))
    e.role("none", allow("s3:GetObject"))
    for name, trust in ROLES.items():
        e.role(name, trust=trust)
    return IamModel(e.estate(), scps={})


def _engine(model: IamModel, caller: str, role: str) -> tuple[bool, str | None]:
    """The evaluator's answer to the request `decide` makes (trust="actual")."""
    request = Request(
        principal_arn=caller,
        action="sts:AssumeRole",
        resource_arn=role,
        context={**model.principal_context(caller), **model.resource_context(role)},
    )
    decision = evaluate(
        request,
        identity_policies=model.identity_policies(caller),
        boundary=model.boundary(caller),
        scps=model.scps_for(caller),
        rcps=model.rcps_for(role),
        resource_policy=model.trust(role),
    )
    return (False, None) if decision.denied else (True, "allowed" if decision.allowed else "conditional")


def _answer(grant: Grant | None) -> tuple[bool, str | None]:
    return (grant is not None, None if grant is None else grant.outcome)


def _refused_unasked(caller: str, role: str) -> bool:
    """Where the shortcut applies: a caller without an identity Allow on the role, and a trust
    text (ASCII) holding neither its name nor `*` nor NotPrincipal."""
    text = json.dumps(ROLES[role], sort_keys=True).lower()
    plain = "\\u" not in text and "*" not in text and "notprincipal" not in text
    return caller != "broad" and plain and caller not in text


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_assume_role_answers_are_the_evaluators(
    caller: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model()
    asked: list[str] = []

    def counted(request: Request, **kwargs: Any) -> Any:
        asked.append(request.resource_arn)
        return evaluate(request, **kwargs)

    monkeypatch.setattr(principal_policies, "evaluate", counted)
    grant = model.decide(CALLERS[caller], "sts:AssumeRole", role_arn(role), trust="actual")
    assert _answer(grant) == _engine(model, CALLERS[caller], role_arn(role)), (caller, role)
    if _refused_unasked(caller, role):
        assert grant is None and asked == []  # the shortcut applied
    else:
        assert asked == [role_arn(role)]  # it must not apply: the evaluator answers


def test_the_shortcut_never_refuses_what_the_trust_alone_allows() -> None:
    model = _model()
    assert model.decide(role_arn("scoped"), "sts:AssumeRole", role_arn("names-scoped"), trust="actual")
    assert model.decide(user_arn("alice"), "sts:AssumeRole", role_arn("names-alice"), trust="actual")
    assert model.decide(role_arn("none"), "sts:AssumeRole", role_arn("not-principal"), trust="actual")
    assert model.decide(role_arn("broad"), "sts:AssumeRole", role_arn("by-account"), trust="actual")
    assert model.decide(role_arn("scoped"), "sts:AssumeRole", role_arn("by-account"), trust="actual") is None
