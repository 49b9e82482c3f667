"""Policy parsing (every form we meet) and wildcard matching, with property-based checks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.actions import statement_applies_to_action, wildcard_match
from policy.document import PolicyParseError, parse_policy
from policy.scoping import statement_scoping


def test_single_statement_object_and_string_fields() -> None:
    doc = parse_policy({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}})
    stmt = doc.statements[0]
    assert stmt.actions == ("s3:GetObject",) and stmt.resources == ("*",)


def test_principal_shapes_are_normalised() -> None:
    doc = parse_policy(
        '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["111122223333",'
        ' "arn:aws:iam::444455556666:role/x"], "Service": "s3.amazonaws.com"},'
        ' "Action": "lambda:InvokeFunction"}]}',
        resource_policy=True,
    )
    principals = {str(p) for p in doc.statements[0].principals or ()}
    assert principals == {
        "AWS:arn:aws:iam::111122223333:root",
        "AWS:arn:aws:iam::444455556666:role/x",
        "Service:s3.amazonaws.com",
    }


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "[]",
        {"Version": "2012-10-17"},
        {"Statement": [{"Effect": "Allow"}]},
        {"Statement": [{"Effect": "allow", "Action": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]},
        {"Statement": [{"Effect": "Allow", "Action": {"a": 1}}]},
        {"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": "x"}}]},
    ],
)
def test_malformed_documents_raise_a_clear_error(document: object) -> None:
    with pytest.raises(PolicyParseError):
        parse_policy(document)  # type: ignore[arg-type]


def test_resource_policy_requires_a_principal() -> None:
    with pytest.raises(PolicyParseError, match="Principal"):
        parse_policy({"Statement": [{"Effect": "Allow", "Action": "*"}]}, resource_policy=True)


def test_condition_operator_parts() -> None:
    doc = parse_policy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Condition": {"ForAnyValue:StringNotLikeIfExists": {"k": ["a"]}},
                }
            ]
        }
    )
    cond = doc.statements[0].conditions[0]
    assert (cond.set_qualifier, cond.base_operator, cond.if_exists, cond.negated) == (
        "ForAnyValue",
        "StringNotLike",
        True,
        True,
    )


def test_scoping_requires_positive_concrete_non_ifexists_condition() -> None:
    def scoped(condition: dict[str, object]) -> bool:
        doc = parse_policy(
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": condition}]}
        )
        return statement_scoping(doc.statements[0]).scoped

    assert scoped({"StringEquals": {"AWS:SourceAccount": "123456789012"}})  # keys are case-insensitive
    assert scoped({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}})
    assert not scoped({"StringNotEquals": {"aws:SourceAccount": "123456789012"}})
    assert not scoped({"StringLikeIfExists": {"aws:PrincipalOrgID": "o-1"}})
    assert not scoped({"StringLike": {"aws:PrincipalOrgID": "*"}})
    assert not scoped({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})


def _reference(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None


_ALPHABET = st.sampled_from(list("abAB:*?-."))


@given(st.text(_ALPHABET, max_size=8), st.text(st.sampled_from(list("abAB:-.")), max_size=8))
def test_wildcard_match_agrees_with_reference_regex(pattern: str, value: str) -> None:
    assert wildcard_match(pattern, value) == _reference(pattern, value)


@given(
    st.lists(st.text(_ALPHABET, min_size=1, max_size=6), min_size=1, max_size=3),
    st.text(st.sampled_from(list("ab:")), max_size=6),
)
def test_not_action_is_the_complement_of_action(patterns: list[str], action: str) -> None:
    allow = parse_policy(
        {"Statement": [{"Effect": "Allow", "Action": patterns, "Resource": "*"}]}
    ).statements[0]
    not_allow = parse_policy(
        {"Statement": [{"Effect": "Allow", "NotAction": patterns, "Resource": "*"}]}
    ).statements[0]
    assert statement_applies_to_action(allow, action) != statement_applies_to_action(not_allow, action)


def test_not_principal_not_resource_and_variables_are_kept_verbatim() -> None:
    doc = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/alice", "111122223333"]},
                    "NotAction": "s3:Get*",
                    "NotResource": "arn:aws:s3:::home/${aws:username}/${*}",
                    "Condition": {"NumericLessThan": {"s3:max-keys": [10, 2.5]}},
                }
            ],
        },
        resource_policy=True,
    )
    stmt = doc.statements[0]
    assert doc.version == "2012-10-17"
    assert [str(p) for p in stmt.not_principals or ()] == [
        "AWS:arn:aws:iam::111122223333:user/alice",
        "AWS:arn:aws:iam::111122223333:root",
    ]
    assert stmt.not_actions == ("s3:Get*",) and stmt.actions is None
    assert stmt.not_resources == ("arn:aws:s3:::home/${aws:username}/${*}",)
    assert stmt.conditions[0].values == ("10", "2.5")


def test_parse_errors_name_the_statement() -> None:
    with pytest.raises(PolicyParseError, match=r"Statement\[1\] \(Sid 'Bad'\): Effect must be"):
        parse_policy({"Statement": [{"Effect": "Allow", "Action": "*"}, {"Sid": "Bad", "Effect": "Maybe"}]})
