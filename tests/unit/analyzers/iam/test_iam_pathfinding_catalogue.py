"""iam.privesc against DataDog's pathfinding.cloud catalogue: every published path is found.

For each of its 65 paths a principal holding exactly the path's required actions, beside the
prerequisites the path names (a role trusting the service, an existing function, a target user...),
escalates, certainly or conditionally as the prerequisite demands (a resource the collector does
not read makes it conditional); a twin without any one essential action does not (unless what is
left is itself another catalogue path, which must then be the one reported); and for a PassRole
path, a twin that keeps iam:PassRole but lacks the service's actions does not.

The permission lists are read from `tests/data/pathfinding/paths.json` (facts only: ids and action
names, with the licence note) and, when the team's shared folder is present, also from
`../shared/benchmarks/pathfinding-cloud/paths.json` (skipped cleanly without it). The prerequisites
are our reading of each path's `prerequisites` field, written below.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from analyzers.findings.model import Finding
from analyzers.iam.escalation.methods import BY_PATHFINDING_ID, METHODS
from tests.paths import SHARED, TESTS
from tests.unit.analyzers.iam.iam_estates import (
    ADMIN_POLICY,
    IAM,
    IamEstate,
    allow,
    conditional,
    deny,
    findings,
    group_arn,
    role_arn,
    trusts,
    user_arn,
)

LOCAL = TESTS / "data" / "pathfinding" / "paths.json"
UPSTREAM = SHARED / "benchmarks" / "pathfinding-cloud" / "paths.json"
DEV = role_arn("dev")
ROOT = {"AWS": f"{IAM}:root"}  # trust the account: the caller's own sts:AssumeRole grant counts
# Discovery only (the catalogue marks its resource constraint "None"): not essential to the path.
NOT_ESSENTIAL = {("ec2instanceconnect-003", "ec2:DescribeInstances")}
# The paths that need a resource the collector does not read: found, but conditional on it.
CONDITIONAL = frozenset(
    {
        "apprunner-002",
        "bedrock-002",
        "cloudformation-002",
        "cloudformation-004",
        "cloudformation-005",
        "codebuild-002",
        "codebuild-003",
        "ec2-002",
        "ec2-004",
        "ec2instanceconnect-003",
        "ecs-003",
        "ecs-004",
        "ecs-005",
        "glue-002",
        "glue-005",
        "glue-006",
        "sagemaker-004",
        "sagemaker-005",
        "ssm-001",
        "ssm-002",
    }
)
# The service principal each PassRole/existing-resource path's role must trust (its prerequisite).
SERVICES = {
    "apprunner": "tasks.apprunner.amazonaws.com",
    "bedrock": "bedrock-agentcore.amazonaws.com",
    "cloudformation": "cloudformation.amazonaws.com",
    "codebuild": "codebuild.amazonaws.com",
    "datapipeline": "datapipeline.amazonaws.com",
    "ec2": "ec2.amazonaws.com",
    "ec2instanceconnect": "ec2.amazonaws.com",
    "ecs": "ecs-tasks.amazonaws.com",
    "glue": "glue.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
    "sagemaker": "sagemaker.amazonaws.com",
    "ssm": "ec2.amazonaws.com",
}
NOTHING = deny("s3:DeleteBucket")  # a customer managed policy that grants nothing


@dataclass(frozen=True)
class CataloguePath:
    id: str
    required: tuple[str, ...]

    @property
    def essential(self) -> tuple[str, ...]:
        return tuple(a for a in self.required if (self.id, a) not in NOT_ESSENTIAL)

    @property
    def passes_role(self) -> bool:
        return "iam:PassRole" in self.required


def read_catalogue(path: Path) -> list[CataloguePath]:
    raw = json.loads(path.read_text())
    if isinstance(raw, dict):  # our facts-only copy
        return [CataloguePath(p["id"], tuple(p["required"])) for p in raw["paths"]]
    return [  # the catalogue's own export
        CataloguePath(p["id"], tuple(r["permission"] for r in p["permissions"]["required"])) for p in raw
    ]


# -- prerequisites, per path: (estate, the actions granted) -> the starting principal ----------
Setup = Callable[[IamEstate, list[str]], str]


def _grant(actions: list[str], resources: str | list[str] = "*") -> tuple[dict[str, Any], ...]:
    return (allow(actions, resources),) if actions else ()


def service_role(service: str) -> Setup:
    def setup(e: IamEstate, actions: list[str]) -> str:
        e.admin_role(trust=trusts({"Service": service}))
        return e.role("dev", *_grant(actions))

    return setup


def existing_function(e: IamEstate, actions: list[str]) -> str:
    e.admin_role(trust=trusts({"Service": "lambda.amazonaws.com"}))
    e.function("app", "admin")  # (a role name)
    return e.role("dev", *_grant(actions))


def admin_user(e: IamEstate, actions: list[str]) -> str:
    boss = e.user("boss", managed=(ADMIN_POLICY,))
    return e.role("dev", *_grant(actions, boss))


def admin_role_trusting_account(e: IamEstate, actions: list[str]) -> str:
    admin = e.admin_role(trust=trusts(ROOT))
    return e.role("dev", *_grant(actions, admin))


def admin_role(e: IamEstate, actions: list[str]) -> str:
    admin = e.admin_role()
    return e.role("dev", *_grant(actions, admin))


def self_role(e: IamEstate, actions: list[str]) -> str:
    return e.role("dev", *_grant(actions, DEV))


def self_user(e: IamEstate, actions: list[str]) -> str:
    return e.user("dev", *_grant(actions, user_arn("dev")))


def own_policy(e: IamEstate, actions: list[str]) -> str:
    mine = e.policy("dev-managed", NOTHING)
    return e.role("dev", *_grant(actions, mine), managed=(mine,))


def own_group(e: IamEstate, actions: list[str]) -> str:
    e.group("devs")
    return e.user("dev", *_grant(actions, group_arn("devs")), groups=("devs",))


def admin_group(e: IamEstate, actions: list[str]) -> str:
    e.group("admins", managed=(ADMIN_POLICY,))
    return e.user("dev", *_grant(actions, group_arn("admins")))


def other_role(*, trusting_account: bool, with_policy: bool = False) -> Setup:
    """A role with no permissions (trusting the account, or only Lambda), maybe a customer managed
    policy attached: what the caller gains is what it writes into it."""

    def setup(e: IamEstate, actions: list[str]) -> str:
        managed = (e.policy("target-managed", NOTHING),) if with_policy else ()
        trust = trusts(ROOT) if trusting_account else None
        target = e.role("target", trust=trust, managed=managed)
        return e.role("dev", *_grant(actions, [target, *managed]))

    return setup


def other_user(e: IamEstate, actions: list[str]) -> str:
    target = e.user("target")
    return e.role("dev", *_grant(actions, target))


SETUPS: dict[str, Setup] = {
    "iam-001": own_policy,
    "iam-002": admin_user,
    "iam-003": admin_user,
    "iam-004": admin_user,
    "iam-005": self_role,
    "iam-006": admin_user,
    "iam-007": self_user,
    "iam-008": self_user,
    "iam-009": self_role,
    "iam-010": own_group,
    "iam-011": own_group,
    "iam-012": admin_role,
    "iam-013": admin_group,
    "iam-014": other_role(trusting_account=True),
    "iam-015": other_user,
    "iam-016": other_role(trusting_account=True, with_policy=True),
    "iam-017": other_role(trusting_account=True),
    "iam-018": other_user,
    "iam-019": other_role(trusting_account=False),
    "iam-020": other_role(trusting_account=False, with_policy=True),
    "iam-021": other_role(trusting_account=False),
    "sts-001": admin_role_trusting_account,
    "lambda-003": existing_function,
    "lambda-004": existing_function,
    "lambda-005": existing_function,
}


def setup_of(path_id: str) -> Setup:
    return SETUPS.get(path_id) or service_role(SERVICES[path_id.split("-")[0]])


def _setup_kind(path_id: str) -> object:
    return SETUPS.get(path_id) or SERVICES[path_id.split("-")[0]]


def escalation(path_id: str, actions: list[str]) -> list[Finding]:
    estate = IamEstate()
    start = setup_of(path_id)(estate, actions)
    return findings(estate.analyze(), "iam.privesc", start)


def path_ids_taken(finding: Finding) -> set[str]:
    """The catalogue ids of every method the reported path takes (or could take, alternatives)."""
    methods: set[str] = set()
    for e in finding.evidence:
        if e.label.startswith("hop "):
            methods.add(e.value["method"])
            methods.update(e.value["alternatives"])
    return {i for i, taking in BY_PATHFINDING_ID.items() if any(m.id in methods for m in taking)}


def assert_found(path: CataloguePath) -> None:
    found = escalation(path.id, list(path.required))
    assert len(found) == 1, (path.id, [f.title for f in found])
    assert path.id in path_ids_taken(found[0]), (path.id, found[0].title)
    assert conditional(found[0]) is (path.id in CONDITIONAL), (path.id, found[0].title)


LOCAL_PATHS = read_catalogue(LOCAL)
LOCAL_IDS = [p.id for p in LOCAL_PATHS]


def _twins(path: CataloguePath, catalogue: list[CataloguePath]) -> list[tuple[str, list[str], set[str]]]:
    """(dropped action, what is left, the other paths what is left still takes) for each essential
    action; other paths count only when they need the same prerequisites."""
    out = []
    for dropped in path.essential:
        left = [a for a in path.required if a != dropped]
        others = {
            q.id
            for q in catalogue
            if q.id != path.id and set(q.essential) <= set(left) and _setup_kind(q.id) == _setup_kind(path.id)
        }
        out.append((dropped, left, others))
    return out


@pytest.mark.parametrize("path", LOCAL_PATHS, ids=LOCAL_IDS)
def test_catalogue_path_is_found(path: CataloguePath) -> None:
    assert_found(path)


@pytest.mark.parametrize("path", LOCAL_PATHS, ids=LOCAL_IDS)
def test_catalogue_twin_without_an_essential_action_does_not_escalate(path: CataloguePath) -> None:
    twins = _twins(path, LOCAL_PATHS)
    assert any(not others for _, _, others in twins), f"{path.id}: no twin that must fail"
    for dropped, left, others in twins:
        found = escalation(path.id, left)
        if not others:
            assert found == [], (path.id, dropped, [f.title for f in found])
        else:  # what is left is another published path: that one, and only that, is reported
            assert len(found) == 1, (path.id, dropped)
            assert path_ids_taken(found[0]) & others, (path.id, dropped, found[0].title)


@pytest.mark.parametrize("path", [p for p in LOCAL_PATHS if p.passes_role], ids=lambda p: p.id)
def test_catalogue_passrole_without_the_service_action_does_not_escalate(path: CataloguePath) -> None:
    assert escalation(path.id, ["iam:PassRole"]) == []


def test_local_copy_is_the_whole_catalogue() -> None:
    assert len(LOCAL_PATHS) == 65 and len(set(LOCAL_IDS)) == 65
    assert set(LOCAL_IDS) == set(BY_PATHFINDING_ID)
    assert set(CONDITIONAL) <= set(LOCAL_IDS) and set(SETUPS) <= set(LOCAL_IDS)
    meta = json.loads(LOCAL.read_text())
    assert "Apache-2.0" in meta["licence"] and "pathfinding.cloud" in meta["source"]


def test_every_method_that_names_a_path_needs_its_service_actions() -> None:
    # a method's needs are among the path's required actions: it never asks for more than the
    # catalogue (the reason sagemaker-001 was missed), nor reaches a path through an unrelated one
    # (sts:AssumeRole of a trust policy the method rewrites itself needs no identity grant)
    required = {p.id: set(p.required) for p in LOCAL_PATHS}
    for method in (m for m in METHODS if m.pathfinding):
        needed = {n.action for n in method.needs if n.trust != "rewritten"}
        own = [i for i in method.pathfinding if needed <= required[i]]
        assert own, (method.id, method.pathfinding)


@pytest.mark.skipif(not UPSTREAM.is_file(), reason="the shared pathfinding.cloud catalogue is not present")
def test_upstream_catalogue_every_path_is_found() -> None:
    upstream = read_catalogue(UPSTREAM)
    assert {p.id for p in upstream} == set(LOCAL_IDS)
    local = {p.id: p for p in LOCAL_PATHS}
    for path in upstream:
        assert_found(path)
        if set(path.required) != set(local[path.id].required):  # the copy is stale: check twins too
            for dropped, left, others in _twins(path, upstream):
                if not others:
                    assert escalation(path.id, left) == [], (path.id, dropped)
