"""The plain-case shortcut (access_fast.py) against the engine alone (the shortcut off), edge for
edge, case by case and on generated estates (hypothesis): on KMS keys, whose policy must allow
on its own (`required`), and on stores whose resource policy names the caller while a
permissions boundary caps the identity route (a grant to `*` may not be capped: the engine's
question)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import networkx as nx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyzers.iam.principal_policies import IamModel
from analyzers.reach import access_edges
from analyzers.reach.access_edges import add_access_edges
from analyzers.reach.access_fast import UNSURE
from estate.graph.builder import build_graph
from estate.model import Estate
from estate.model.iam import ManagedPolicy
from estate.model.store_records import DataStore, KmsKey
from tests.unit.analyzers.reach.test_store_sets import ACCOUNT, REGION, ROLES, doc
from tests.unit.analyzers.reach.test_store_sets import estate as store_sets_estate
from tests.unit.analyzers.reach.test_store_sets import table as store_sets_table

OTHER = "999999999999"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
KEYS = tuple(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{i:08}-0000-0000-0000-000000000000" for i in range(3))


def key(arn: str, policy: dict[str, Any] | None) -> KmsKey:
    return KmsKey(
        arn=arn,
        id=arn.rsplit("/", 1)[-1],
        account=ACCOUNT,
        region=REGION,
        manager="CUSTOMER",
        policy=json.dumps(policy) if policy is not None else None,
        policy_state="present" if policy is not None else "unknown",
    )


def table(name: str, policy: dict[str, Any] | None) -> DataStore:
    return store_sets_table(name, "pci", policy)


def estate(
    keys: list[KmsKey],
    roles: list[list[dict[str, Any]]],
    boundary: dict[str, Any] | None = None,
    stores: tuple[DataStore, ...] = (),
) -> Estate:
    """test_store_sets' estate (a function and role per statement list, the stores), with KMS
    keys, and the first role under `boundary` if given."""
    e = store_sets_estate(list(stores), *roles)
    if boundary is None:
        return dataclasses.replace(e, kms_keys={k.arn: k for k in keys})
    principals = dict(e.principals)
    principals[ROLES[0]] = dataclasses.replace(principals[ROLES[0]], boundary_arn=BOUNDARY)
    return dataclasses.replace(
        e,
        principals=principals,
        policies={BOUNDARY: ManagedPolicy(BOUNDARY, "boundary", False, "v1", boundary)},
        kms_keys={k.arn: k for k in keys},
    )


@contextmanager
def engine_only() -> Iterator[None]:
    with mock.patch.object(access_edges, "plain_decision", lambda *a, **k: UNSURE):
        yield


def key_edges(e: Estate) -> dict[tuple[str, str], str]:
    graph = build_graph(e)
    add_access_edges(e, graph, IamModel(e))
    return _key_edges(graph)


def _key_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str], str]:
    """Every `can` edge (onto a key or a store), with its attributes."""
    return {
        (u, v): json.dumps(data, sort_keys=True, default=str)
        for u, v, k, data in graph.edges(keys=True, data=True)
        if k == "can"
    }


def both(e: Estate) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str], int]:
    """(edges with the shortcut, edges from the engine alone, decisions the shortcut made)."""
    made = 0
    real = access_edges.plain_decision

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal made
        answer = real(*args, **kwargs)
        made += answer is not UNSURE
        return answer

    with mock.patch.object(access_edges, "plain_decision", counted):
        fast = key_edges(e)
    with engine_only():
        reference = key_edges(e)
    return fast, reference, made


USE = {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}
DELEGATE = {
    "Sid": "EnableIam",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def test_a_key_policy_delegating_to_the_account_lets_the_role_s_own_grant_decide() -> None:
    e = estate([key(KEYS[0], doc(DELEGATE))], [[USE]])
    fast, reference, made = both(e)
    assert made > 0  # answered without the engine
    assert fast == reference
    edge = json.loads(fast[ROLES[0], KEYS[0]])
    assert edge["access"] and not edge.get("conditional")


def test_a_key_policy_that_names_neither_the_role_nor_its_account_denies() -> None:
    other = {**DELEGATE, "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}}
    e = estate([key(KEYS[0], doc(other))], [[USE]])
    fast, reference, made = both(e)
    assert made > 0
    assert fast == reference == {}


def test_a_deny_in_the_key_policy_beats_the_role_s_allow() -> None:
    deny = {"Effect": "Deny", "Principal": {"AWS": ROLES[0]}, "Action": "kms:Decrypt", "Resource": "*"}
    e = estate([key(KEYS[0], doc(DELEGATE, deny))], [[USE]])
    fast, reference, _made = both(e)
    assert fast == reference
    assert "kms:Decrypt" not in fast[ROLES[0], KEYS[0]]


def test_a_conditional_key_grant_is_the_engine_s_question() -> None:
    scoped = {**DELEGATE, "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}}
    e = estate([key(KEYS[0], doc(scoped))], [[USE]])
    fast, reference, made = both(e)
    assert made == 0
    assert fast == reference
    assert json.loads(fast[ROLES[0], KEYS[0]])["conditional"]


def test_a_key_whose_policy_was_not_collected_is_the_engine_s_question() -> None:
    e = estate([key(KEYS[0], None)], [[USE]])
    fast, reference, made = both(e)
    assert made == 0
    assert fast == reference


ROLE_WIDE = [  # kms:* twice: once on no resource (NotResource *), so effective bits leave it open
    {"Effect": "Allow", "Action": "kms:*", "NotResource": "*"},
    {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
]


def test_a_key_grant_to_anyone_may_not_be_capped_by_the_boundary() -> None:  # (a regression)
    """The boundary allows only kms:Decrypt; the key policy's grant to `*` may reach past it for
    the other actions (AWS does not say): the engine's open question, not the shortcut's deny
    (found by the generated estates below)."""
    named = {**DELEGATE, "Sid": "Role", "Principal": {"AWS": ROLES[0]}}
    anyone = {**DELEGATE, "Sid": "Anyone", "Principal": {"AWS": "*"}}
    boundary = doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    e = estate([key(KEYS[0], doc(DELEGATE, named, anyone))], [ROLE_WIDE], boundary)
    fast, reference, _made = both(e)
    assert fast == reference
    edge = json.loads(fast[ROLES[0], KEYS[0]])
    assert edge["certain_access"] == "write" and "permissions-management" in edge["levels"]
    assert edge["condition_keys"] == ["Principal"]  # the rest hinge on the grant to `*`


# -- generated estates ------------------------------------------------------------------------
_KEY_PRINCIPALS = st.sampled_from(
    [f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT, ROLES[0], ROLES[1], "*", f"arn:aws:iam::{OTHER}:root"]
)
_KEY_CONDITIONS = st.sampled_from(
    [None] * 5
    + [
        {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
        {"StringEquals": {"aws:PrincipalAccount": OTHER}},
        {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}},
        {"Bool": {"aws:SecureTransport": "true"}},
    ]
)
_KEY_ACTIONS = st.sampled_from(
    ["kms:*", "kms:Decrypt", ["kms:Encrypt", "kms:GenerateDataKey"], "kms:Describe*"]
)
_ROLE_ACTIONS = st.sampled_from(["kms:*", "kms:Decrypt", ["kms:Decrypt", "kms:Encrypt"], "*", "kms:Create*"])


@st.composite
def _key_statement(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow"] * 4 + ["Deny"])),
        "Action": draw(_KEY_ACTIONS),
        "Resource": "*",
    }
    if draw(st.integers(0, 12)) == 0:
        statement["NotPrincipal"] = {"AWS": draw(_KEY_PRINCIPALS)}
    else:
        who = draw(_KEY_PRINCIPALS)
        statement["Principal"] = "*" if who == "*" and draw(st.booleans()) else {"AWS": who}
    condition = draw(_KEY_CONDITIONS)
    if condition:
        statement["Condition"] = condition
    return statement


@st.composite
def _role_statement(draw: st.DrawFn) -> dict[str, Any]:
    resource = draw(st.sampled_from(["*", KEYS[0], f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*", KEYS[2]]))
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow"] * 5 + ["Deny"])),
        "Action": draw(_ROLE_ACTIONS),
        ("NotResource" if draw(st.integers(0, 3)) == 0 else "Resource"): resource,
    }
    if draw(st.integers(0, 6)) == 0:
        statement["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    return statement


@st.composite
def _estates(draw: st.DrawFn) -> Estate:
    keys = []
    for arn in KEYS[: draw(st.integers(1, 3))]:
        statements = draw(st.lists(_key_statement(), min_size=0, max_size=3))
        keys.append(key(arn, doc(*statements) if draw(st.integers(0, 9)) else None))
    roles = [
        draw(st.lists(_role_statement(), min_size=1, max_size=3)) for _ in range(draw(st.integers(1, 2)))
    ]
    boundary = None
    if draw(st.booleans()):
        action = draw(st.sampled_from(["kms:*", "kms:Decrypt", "s3:*"]))
        boundary = doc({"Effect": "Allow", "Action": action, "Resource": "*"})
    return estate(keys, roles, boundary)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_estates())
def test_the_shortcut_on_keys_answers_as_the_engine_does(e: Estate) -> None:
    fast, reference, made = both(e)
    event(f"decisions without the engine: {'some' if made else 'none'}")
    event(f"key edges: {min(len(reference), 3)}")
    assert fast == reference


_STORE_PRINCIPALS = st.sampled_from(
    [{"AWS": ROLES[0]}, {"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "*", {"AWS": "*"}]
)


@st.composite
def _store_estates(draw: st.DrawFn) -> Estate:
    """A table or two with policies naming the role, its account or anyone (Allow or Deny, maybe
    conditional), a role granted some of the table's actions, perhaps under a boundary."""
    stores = []
    for name in ("ledger", "cards")[: draw(st.integers(1, 2))]:
        statement: dict[str, Any] = {
            "Effect": draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny"])),
            "Principal": draw(_STORE_PRINCIPALS),
            "Action": draw(st.sampled_from(["dynamodb:*", "dynamodb:GetItem", "dynamodb:PutItem"])),
            "Resource": "*",
        }
        if draw(st.integers(0, 4)) == 0:
            statement["Condition"] = {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
        stores.append(table(name, doc(statement) if draw(st.integers(0, 5)) else None))
    role = [
        {
            "Effect": draw(st.sampled_from(["Allow"] * 4 + ["Deny"])),
            ("NotResource" if draw(st.integers(0, 3)) == 0 else "Resource"): "*",
            "Action": draw(
                st.sampled_from(["dynamodb:*", "dynamodb:GetItem", ["dynamodb:PutItem", "dynamodb:Query"]])
            ),
        }
        for _ in range(draw(st.integers(1, 2)))
    ]
    boundary = None
    if draw(st.booleans()):
        action = draw(st.sampled_from(["dynamodb:*", "dynamodb:GetItem", "s3:*"]))
        boundary = doc({"Effect": "Allow", "Action": action, "Resource": "*"})
    return estate([], [role], boundary, tuple(stores))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_store_estates())
def test_the_shortcut_on_store_policies_under_a_boundary_answers_as_the_engine_does(e: Estate) -> None:
    fast, reference, made = both(e)
    event(f"decisions without the engine: {'some' if made else 'none'}")
    assert fast == reference
