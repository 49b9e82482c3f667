"""`control` of a principal respects what the attacker cannot remove (issue 14.4).

Writing a policy on a role adds any Allow, but a Deny in an attached managed policy stays unless
the attacker may also detach it, the permissions boundary stays unless it may delete it, an inline
Deny goes with a put (same name) but not with an attach, and the SCPs stay whatever is written.
Each case both ways: capped (no escalation), and with the removing action (one hop naming both).
"""

from __future__ import annotations

from typing import Any

import pytest

from analyzers.findings.model import Finding, Severity
from analyzers.iam.control_ceiling import BOUNDARY, MANAGED
from analyzers.iam.escalation.methods import METHODS
from analyzers.iam.escalation.types import EscalationMethod
from tests.builders import rule_case
from tests.unit.analyzers.iam.iam_estates import (
    IamEstate,
    allow,
    doc,
    findings,
    hop_methods,
    role_arn,
    user_arn,
)
from tests.unit.analyzers.iam.test_iam_scp import DEFAULT, FULL_ACCESS_DOC, analyzed, with_ou

DEV = role_arn("dev")
WRITES = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
]


def _guard(*granted: str) -> dict[str, Any]:
    """A Deny of everything but what the principal is granted: while it stays, nothing is gained."""
    return {"Effect": "Deny", "NotAction": list(granted), "Resource": "*"}


def _privesc(e: IamEstate, start: str = DEV) -> list[Finding]:
    return findings(e.analyze(), "iam.privesc", start)


def _admin_by(found: list[Finding], method: str, *actions: str) -> None:
    assert len(found) == 1, [f.title for f in found]
    (finding,) = found
    assert finding.severity is Severity.CRITICAL and hop_methods(finding) == (method,), finding.title
    (hop,) = [e.value for e in finding.evidence if e.label.startswith("hop ")]
    assert {p["action"] for p in hop["permissions"]} == set(actions)  # one hop, both actions


def managed_deny(e: IamEstate, detach: bool) -> None:
    actions = ["iam:PutRolePolicy", *(["iam:DetachRolePolicy"] if detach else [])]
    guard = e.policy("guard", _guard(*actions))
    e.role("dev", allow(actions, DEV), managed=(guard,))


def boundary(e: IamEstate, delete: bool) -> None:
    actions = ["iam:PutRolePolicy", *(["iam:DeleteRolePermissionsBoundary"] if delete else [])]
    bound = e.policy("bound", allow(actions))
    e.role("dev", allow(actions, DEV), boundary=bound)


@rule_case("iam.privesc", "negative")
def test_a_managed_deny_survives_a_put() -> None:
    e = IamEstate()
    managed_deny(e, detach=False)
    assert _privesc(e) == []


@rule_case("iam.privesc", "positive")
def test_a_put_with_detach_lifts_a_managed_deny() -> None:
    e = IamEstate()
    managed_deny(e, detach=True)
    _admin_by(_privesc(e), "iam-put-role-policy-detach", "iam:PutRolePolicy", "iam:DetachRolePolicy")


@rule_case("iam.privesc", "negative")
def test_the_boundary_survives_a_put() -> None:
    e = IamEstate()
    boundary(e, delete=False)
    assert _privesc(e) == []


@rule_case("iam.privesc", "positive")
def test_a_put_with_delete_boundary_lifts_the_boundary() -> None:
    e = IamEstate()
    boundary(e, delete=True)
    _admin_by(
        _privesc(e),
        "iam-put-role-policy-delete-boundary",
        "iam:PutRolePolicy",
        "iam:DeleteRolePermissionsBoundary",
    )


def _both_caps(e: IamEstate, actions: list[str]) -> None:
    guard = e.policy("guard", _guard(*actions))
    bound = e.policy("bound", allow(actions))
    e.role("dev", allow(actions), managed=(guard,), boundary=bound)  # (on every role: none other)


BOTH = ["iam:PutRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePermissionsBoundary"]


def test_managed_deny_and_boundary_need_both_removals() -> None:
    for partial in (BOTH[:2], [BOTH[0], BOTH[2]]):
        e = IamEstate()
        _both_caps(e, partial)
        assert _privesc(e) == [], partial  # the cap it cannot remove still holds
    e = IamEstate()
    _both_caps(e, BOTH)
    _admin_by(_privesc(e), "iam-put-role-policy-detach-delete-boundary", *BOTH)


@rule_case("iam.privesc", "negative")
def test_an_inline_deny_survives_an_attach() -> None:
    e = IamEstate()
    e.role("dev", allow("iam:AttachRolePolicy", DEV), _guard("iam:AttachRolePolicy"))
    assert _privesc(e) == []


@rule_case("iam.privesc", "positive")
def test_a_put_replaces_an_inline_deny() -> None:
    e = IamEstate()
    e.role("dev", allow("iam:PutRolePolicy", DEV), _guard("iam:PutRolePolicy"))  # a put replaces it
    _admin_by(_privesc(e), "iam-put-role-policy", "iam:PutRolePolicy")


def test_a_users_managed_deny_needs_detach_user_policy() -> None:
    e = IamEstate()
    guard = e.policy("guard", _guard("iam:PutUserPolicy"))
    e.user("dev", allow("iam:PutUserPolicy", user_arn("dev")), managed=(guard,))
    assert _privesc(e, user_arn("dev")) == []
    e = IamEstate()
    actions = ["iam:PutUserPolicy", "iam:DetachUserPolicy"]
    guard = e.policy("guard", _guard(*actions))
    e.user("dev", allow(actions, user_arn("dev")), managed=(guard,))
    found = _privesc(e, user_arn("dev"))
    assert [hop_methods(f) for f in found] == [("iam-put-user-policy-detach",)]


@pytest.mark.parametrize("scp", [True, False], ids=["scp-caps", "no-scp"])
def test_an_scp_caps_control_whatever_the_attacker_removes(scp: bool) -> None:
    e = IamEstate()
    _both_caps(e, BOTH)
    deny_rest = doc(_guard(*BOTH))  # the same Deny, as an SCP nobody in the account can detach
    policies = with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("guard", deny_rest)) if scp else DEFAULT
    found = findings(analyzed(e, policies), "iam.privesc", DEV)
    assert (found == []) is scp


UNCAPPING = [m for m in METHODS if len(m.removes) > 1]


@pytest.mark.parametrize("method", UNCAPPING, ids=[m.id for m in UNCAPPING])
def test_each_uncapping_method_both_ways(method: EscalationMethod) -> None:
    """Caps made to match what it lifts: with every action it needs, admin by it; without the
    last removing action, nothing (the cap that action removes still holds)."""
    (kind,) = method.target_kinds
    for complete in (True, False):
        actions = list(method.actions if complete else method.actions[:-1])
        e = IamEstate()
        guard = e.policy("guard", _guard(*actions)) if MANAGED in method.removes else None
        bound = e.policy("bound", allow(actions)) if BOUNDARY in method.removes else None
        managed = (guard,) if guard else ()
        if kind == "role":
            start = e.role("dev", allow(actions), managed=managed, boundary=bound)
        else:
            start = e.user("dev", allow(actions), managed=managed, boundary=bound)
        found = _privesc(e, start)
        if complete:
            _admin_by(found, method.id, *actions)
        else:
            assert found == [], (method.id, [f.title for f in found])


def test_there_are_six_uncapping_methods() -> None:
    lifts = ("detach", "delete-boundary", "detach-delete-boundary")
    expected = {f"iam-put-{kind}-policy-{lift}" for kind in ("role", "user") for lift in lifts}
    assert {m.id for m in UNCAPPING} == expected
