"""KMS keys in store sets: keys whose key policies read alike but for their own ARN share one
`can` edge per principal, and the answers stay those of the expanded graph (one edge per principal
and key), with the key policy required as AWS requires it (a key policy that does not delegate to
IAM grants nothing through an identity policy)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyzers.reach.grants import can_grants
from estate.model import Estate
from estate.model.store_records import KmsKey
from tests.unit.analyzers.reach.test_store_sets import (
    ACCOUNT,
    REGION,
    ROLES,
    assert_blast_radius_as_expanded,
    can_edges,
    doc,
    estate,
    expanded,
    grants,
    graph_of,
    sets_in,
    summarised_and_expanded,
)

KEY_PATTERN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def key_arn(i: int) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{i:08}-0000-4000-8000-000000000000"


def key(i: int, policy: dict[str, Any] | None) -> KmsKey:
    return KmsKey(
        arn=key_arn(i),
        id=key_arn(i).rsplit("/", 1)[-1],
        account=ACCOUNT,
        region=REGION,
        manager="CUSTOMER",
        policy=json.dumps(policy) if policy is not None else None,
        policy_state="present" if policy is not None else "unknown",
        aliases=(f"alias/k{i:02}",),
    )


def delegating(**extra: Any) -> dict[str, Any]:
    """The console's default key policy: the account (IAM) decides."""
    return doc(
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": ROOT},
            "Action": "kms:*",
            "Resource": "*",
            **extra,
        }
    )


def with_keys(e: Estate, keys: list[KmsKey]) -> Estate:
    return dataclasses.replace(e, kms_keys={k.arn: k for k in keys})


def decrypt(resource: Any = "*", effect: str = "Allow") -> dict[str, Any]:
    return {"Effect": effect, "Action": "kms:Decrypt", "Resource": resource}


def test_keys_whose_policies_read_alike_share_one_set_edge_citing_each_key_s_own_policy() -> None:
    keys = [key(i, delegating()) for i in range(14)]
    e = with_keys(estate([], [decrypt()]), keys)
    graph = graph_of(e)
    (node,) = sets_in(graph)
    assert ":key:" in node and ":policy-like:" in node and graph.nodes[node]["member_count"] == 14
    assert graph.nodes[node]["label"] == f"all keys whose key policies read alike in {ACCOUNT}/{REGION} (14)"
    assert can_edges(graph) == [(ROLES[0], node)]
    granted = dict(can_grants(graph, ROLES[0]))
    assert sorted(granted) == sorted(k.arn for k in keys)
    fifth = granted[key_arn(5)]  # its own key policy, not the one the set was evaluated on
    assert fifth["access"] == "write"
    assert "alias/k05 key policy#Enable IAM User Permissions" in fifth["statement_ids"]
    with expanded():
        reference = graph_of(e)
    assert grants(graph, e) == grants(reference, e)


def test_a_key_policy_that_does_not_delegate_grants_nothing_through_the_set() -> None:
    admins_only = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"{ROOT[:-4]}role/key-admin"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    e = with_keys(estate([], [decrypt()]), [key(i, admins_only) for i in range(14)])
    graph = graph_of(e)
    assert dict(can_grants(graph, ROLES[0])) == {}
    with expanded():
        assert grants(graph, e) == grants(graph_of(e), e) == {}


def test_keys_with_other_policies_or_none_collected_keep_edges_of_their_own() -> None:
    keys = [key(i, delegating()) for i in range(12)]
    keys.append(
        key(12, delegating(Condition={"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}))
    )
    keys.append(key(13, None))  # not collected: judged alone
    e = with_keys(estate([], [decrypt()]), keys)
    graph = graph_of(e)
    (node,) = sets_in(graph)
    assert graph.nodes[node]["member_count"] == 12
    direct = {v for u, v in can_edges(graph) if u == ROLES[0] and v != node}
    assert key_arn(12) in direct and key_arn(12) not in {v for _s, v in graph.out_edges(node)}
    with expanded():
        reference = graph_of(e)
    assert grants(graph, e) == grants(reference, e)


def test_a_deny_on_one_key_keeps_per_key_edges() -> None:
    keys = [key(i, delegating()) for i in range(14)]
    e = with_keys(estate([], [decrypt(), decrypt(key_arn(3), "Deny")]), keys)
    graph = graph_of(e)
    assert sets_in(graph) == []
    assert key_arn(3) not in dict(can_grants(graph, ROLES[0]))
    assert len(can_edges(graph)) == 13


# -- generated estates ------------------------------------------------------------------------
_KEY_POLICY_CONDITIONS = st.sampled_from(
    [
        *[None] * 5,
        {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        {"StringEquals": {"kms:CallerAccount": "999999999999"}},
        {"StringEquals": {"aws:ResourceTag/team": "a"}},
    ]
)
_ROLE_RESOURCES = st.sampled_from(["*", "*", KEY_PATTERN, KEY_PATTERN, "LITERAL", [KEY_PATTERN, "LITERAL"]])
_ROLE_ACTIONS = st.sampled_from(["kms:Decrypt", "kms:*", ["kms:Decrypt", "kms:Encrypt"], "kms:PutKeyPolicy"])


@st.composite
def _role_statement(draw: st.DrawFn, count: int) -> dict[str, Any]:
    literal = key_arn(draw(st.integers(0, count - 1)))
    resource = draw(_ROLE_RESOURCES)
    if isinstance(resource, list):
        resource = [literal if r == "LITERAL" else r for r in resource]
    elif resource == "LITERAL":
        resource = literal
    return {
        "Effect": draw(st.sampled_from(["Allow"] * 5 + ["Deny"])),
        "Action": draw(_ROLE_ACTIONS),
        ("NotResource" if draw(st.integers(0, 14)) == 0 else "Resource"): resource,
    }


@st.composite
def _keyed_estates(draw: st.DrawFn) -> Estate:
    """Keys from one key-policy template (delegating to the account, naming a role, anyone), some
    departing from it or not collected; roles granting KMS actions on `*`, the key pattern, one key."""
    count = draw(st.integers(3, 9))
    principal = {"AWS": draw(st.sampled_from([ROOT, ROOT, ROOT, ROLES[0], "*", ACCOUNT]))}
    effect = draw(st.sampled_from(["Allow"] * 4 + ["Deny"]))
    action = draw(st.sampled_from(["kms:*", "kms:Decrypt", "kms:Encrypt"]))
    resource = draw(st.sampled_from(["*", "*", "*", "SELF", "OTHER"]))
    condition = draw(_KEY_POLICY_CONDITIONS)
    departs = draw(st.sampled_from([None, None, *range(count)]))
    keys = []
    for i in range(count):
        statement: dict[str, Any] = {
            "Effect": effect,
            "Principal": principal,
            "Action": "kms:DescribeKey" if i == departs else action,
            "Resource": {"SELF": key_arn(i), "OTHER": key_arn(0)}.get(resource, resource),
        }
        if condition:
            statement["Condition"] = condition
        policy = doc(statement) if draw(st.integers(0, 19)) else None
        keys.append(key(i, policy))
    roles = [
        draw(st.lists(_role_statement(count), min_size=1, max_size=3)) for _ in range(draw(st.integers(1, 2)))
    ]
    return with_keys(estate([], *roles), keys)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_keyed_estates())
def test_sets_of_keys_answer_as_the_expanded_graph_does(e: Estate) -> None:
    summarised, reference = summarised_and_expanded(e)
    event(f"key sets drawn: {len(sets_in(summarised))}")
    assert grants(summarised, e) == grants(reference, e)
    assert_blast_radius_as_expanded(summarised, reference, e)
