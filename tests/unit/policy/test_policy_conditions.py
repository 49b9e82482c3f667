"""Condition operators, per family, with AWS's missing-key, IfExists and set-qualifier rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.conditions import evaluate_condition, evaluate_conditions, operator_spec
from policy.context import ContextInput, RequestContext
from policy.document import Condition, parse_policy
from policy.truth import Tri

T, F, U = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN


def check(
    operator: str, key: str, values: Any, context: dict[str, ContextInput], complete: bool = True
) -> Tri:
    values = tuple(values) if isinstance(values, list) else (values,)
    ctx = RequestContext.build(context, complete=complete)
    return evaluate_condition(Condition(operator, key, values), ctx).truth


# (operator, policy values, context value, expected)
FAMILIES: list[tuple[str, Any, ContextInput, Tri]] = [
    ("StringEquals", "prod", "prod", T),
    ("StringEquals", "prod", "Prod", F),  # values are case-sensitive
    ("StringEquals", ["dev", "prod"], "prod", T),  # several values: OR
    ("StringEquals", "a*", "abc", F),  # no wildcards in Equals
    ("StringNotEquals", "prod", "dev", T),
    ("StringNotEquals", ["dev", "prod"], "prod", F),
    ("StringEqualsIgnoreCase", "PROD", "prod", T),
    ("StringEqualsIgnoreCase", "prod", "dev", F),
    ("StringNotEqualsIgnoreCase", "PROD", "prod", F),
    ("StringNotEqualsIgnoreCase", "prod", "dev", T),
    ("StringLike", "home/*/docs", "home/alice/docs", T),
    ("StringLike", "file-?.txt", "file-1.txt", T),
    ("StringLike", "file-?.txt", "file-10.txt", F),
    ("StringLike", "Home/*", "home/x", F),
    ("StringNotLike", "tmp/*", "tmp/x", F),
    ("StringNotLike", "tmp/*", "var/x", T),
    ("NumericEquals", "10", "10.0", T),
    ("NumericNotEquals", "10", "11", T),
    ("NumericLessThan", "10", "9", T),
    ("NumericLessThan", "10", "10", F),
    ("NumericLessThanEquals", "10", "10", T),
    ("NumericGreaterThan", "10", "10.5", T),
    ("NumericGreaterThanEquals", "10", "9", F),
    ("NumericEquals", "10", "ten", F),  # unparseable never matches
    ("DateEquals", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", T),
    ("DateLessThan", "2024-06-01T00:00:00Z", "2024-05-31T23:59:59Z", T),
    ("DateLessThan", "2024-06-01", "2024-06-01T00:00:01Z", F),
    ("DateGreaterThan", "1704067200", "2024-01-01T00:00:01Z", T),  # epoch seconds
    ("DateGreaterThanEquals", "2024-01-01T00:00:00Z", "1704067200", T),
    ("DateLessThanEquals", "2024-01-01", "2024-01-01T00:00:00Z", T),
    ("DateNotEquals", "2024-01-01", "2024-01-02", T),
    ("Bool", "true", True, T),
    ("Bool", "true", False, F),
    ("Bool", "TRUE", "true", T),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", T),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", "T3RoZXI=", F),
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", T),
    ("IpAddress", "203.0.113.0/24", "198.51.100.7", F),
    ("IpAddress", ["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", T),
    ("IpAddress", "2001:db8::/32", "10.0.0.1", F),  # families never match each other
    ("IpAddress", "203.0.113.7", "203.0.113.7", T),  # a bare address is a /32
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", T),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", F),
    ("ArnEquals", "arn:aws:sns:eu-west-1:111122223333:topic", "arn:aws:sns:eu-west-1:111122223333:topic", T),
    ("ArnLike", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", T),
    ("ArnLike", "arn:aws:iam::*:role/admin", "arn:aws:iam::111122223333:role/admin", T),
    ("ArnLike", "arn:aws:*:*:*:*", "arn:aws:lambda:eu-west-1:1:function:f", T),
    ("ArnLike", "arn:aws:iam::1*:role/x", "arn:aws:iam::1:2:role/x", F),  # no colon crossing
    ("ArnLike", "arn:AWS:S3:::bucket", "arn:aws:s3:::bucket", T),  # leading segments ignore case
    ("ArnLike", "arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", F),  # the resource part does not
    ("ArnLike", "arn:aws:s3:::bucket", "not-an-arn", F),
    ("ArnNotLike", "arn:aws:iam::*:role/admin", "arn:aws:iam::1:role/user", T),
    ("ArnNotEquals", "arn:aws:iam::1:role/admin", "arn:aws:iam::1:role/admin", F),
]


@pytest.mark.parametrize(("operator", "values", "value", "expected"), FAMILIES)
def test_operator_families(operator: str, values: Any, value: ContextInput, expected: Tri) -> None:
    assert check(operator, "k", values, {"k": value}) is expected


def test_condition_keys_are_case_insensitive_and_operators_too() -> None:
    assert check("StringEquals", "AWS:SourceAccount", "1", {"aws:sourceaccount": "1"}) is T
    assert check("stringequals", "k", "1", {"K": "1"}) is T


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", F),  # a positive operator fails on an absent key
        ("StringNotEquals", T),  # a negated one holds (AWS's documented rule)
        ("NotIpAddress", T),
        ("ArnNotLike", T),
        ("StringEqualsIfExists", T),  # IfExists holds when absent
        ("StringNotEqualsIfExists", T),
        ("ForAllValues:StringEquals", T),  # the documented trap
        ("ForAnyValue:StringEquals", F),
        ("ForAnyValue:StringEqualsIfExists", T),
        ("ForAnyValue:StringNotEquals", F),
    ],
)
def test_absent_key_in_a_complete_context(operator: str, expected: Tri) -> None:
    assert check(operator, "k", "v", {}) is expected


@pytest.mark.parametrize(
    "operator", ["StringEquals", "StringNotEquals", "StringEqualsIfExists", "Null", "ForAllValues:StringLike"]
)
def test_unknown_key_in_an_incomplete_context_is_unknown_and_named(operator: str) -> None:
    condition = Condition(operator, "aws:SourceVpc", ("vpc-1",))
    verdict = evaluate_condition(condition, RequestContext.build({}, complete=False))
    assert verdict.truth is U
    assert [(u.key, u.operator, u.values) for u in verdict.unresolved] == [
        ("aws:SourceVpc", operator, ("vpc-1",))
    ]


def test_none_marks_a_key_known_absent_even_when_incomplete() -> None:
    assert check("StringEquals", "k", "v", {"k": None}, complete=False) is F
    assert check("Null", "k", "true", {"k": None}, complete=False) is T


@pytest.mark.parametrize(
    ("value", "context", "expected"),
    [
        ("true", {}, T),
        ("true", {"k": "x"}, F),
        ("false", {"k": "x"}, T),
        ("false", {}, F),
        ("true", {"k": []}, T),
    ],
)
def test_null(value: str, context: dict[str, ContextInput], expected: Tri) -> None:
    assert check("Null", "k", value, context) is expected


@pytest.mark.parametrize(
    ("operator", "request_values", "expected"),
    [
        ("ForAllValues:StringEquals", ["a", "b"], T),
        ("ForAllValues:StringEquals", ["a", "z"], F),
        ("ForAllValues:StringEquals", [], T),  # empty set: the trap again
        ("ForAnyValue:StringEquals", ["z", "b"], T),
        ("ForAnyValue:StringEquals", ["y", "z"], F),
        ("ForAnyValue:StringEquals", [], F),
        ("ForAllValues:StringNotEquals", ["y", "z"], T),
        ("ForAllValues:StringNotEquals", ["a", "z"], F),
        ("ForAnyValue:StringNotEquals", ["a", "z"], T),
        ("ForAnyValue:StringNotEquals", ["a", "b"], F),
        ("ForAnyValue:StringLike", ["team-x"], T),
        ("StringEquals", ["a", "b"], T),  # any and all agree: decided
        ("StringEquals", ["a", "z"], U),  # they disagree without a qualifier: open
    ],
)
def test_set_qualifiers(operator: str, request_values: list[str], expected: Tri) -> None:
    values = ["a", "b", "team-*"] if "Like" in operator else ["a", "b"]
    assert check(operator, "aws:TagKeys", values, {"aws:TagKeys": request_values}) is expected


def test_variables_in_condition_values() -> None:
    ctx = {"aws:username": "alice", "s3:prefix": "home/alice/x"}
    assert check("StringLike", "s3:prefix", "home/${aws:username}/*", ctx) is T
    assert check("StringLike", "s3:prefix", "home/${aws:username}/*", {**ctx, "aws:username": "bob"}) is F
    assert check("StringEquals", "s3:prefix", "a${*}b", {"s3:prefix": "a*b"}) is T
    assert check("StringLike", "s3:prefix", "a${*}b", {"s3:prefix": "axxb"}) is F  # ${*} is a literal star
    assert check("StringEquals", "k", "${aws:PrincipalTag/team, 'none'}", {"k": "none"}) is T
    assert check("StringEquals", "k", "${aws:username}", {"k": "x", "aws:username": None}) is F
    unknown = evaluate_condition(
        Condition("StringLike", "s3:prefix", ("home/${aws:username}/*",)),
        RequestContext.build({"s3:prefix": "home/alice/x"}, complete=False),
    )
    assert unknown.truth is U and unknown.unresolved[0].key == "aws:username"


def test_substituted_values_are_literal_not_wildcards() -> None:
    ctx = {"aws:username": "*", "s3:prefix": "home/alice"}
    assert check("StringLike", "s3:prefix", "home/${aws:username}", ctx) is F


def test_all_tests_of_a_statement_must_hold() -> None:
    doc = parse_policy(
        {
            "Statement": {
                "Effect": "Allow",
                "Action": "*",
                "Condition": {
                    "StringEquals": {"a": "1", "b": "2"},
                    "Bool": {"aws:SecureTransport": "true"},
                },
            }
        }
    )
    conditions = doc.statements[0].conditions
    good = RequestContext.build({"a": "1", "b": "2", "aws:SecureTransport": True}, complete=True)
    assert evaluate_conditions(conditions, good).truth is T
    bad = RequestContext.build({"a": "1", "b": "3", "aws:SecureTransport": True}, complete=True)
    assert evaluate_conditions(conditions, bad).truth is F
    partial = RequestContext.build({"a": "1", "b": "2"}, complete=False)
    verdict = evaluate_conditions(conditions, partial)
    assert verdict.truth is U and [u.key for u in verdict.unresolved] == ["aws:SecureTransport"]
    # a known failure decides even while another key is unknown
    assert evaluate_conditions(conditions, RequestContext.build({"a": "9"}, complete=False)).truth is F


def test_unsupported_operator_is_unknown_not_guessed() -> None:
    assert check("StringSortOf", "k", "v", {"k": "v"}) is U


def test_operator_spec_parts() -> None:
    spec = operator_spec("forallvalues:stringnotlikeifexists")
    assert (spec.qualifier, spec.base and spec.base.name, spec.if_exists) == (
        "ForAllValues",
        "StringNotLike",
        True,
    )


# -- properties -------------------------------------------------------------------------------

_TEXT = st.text(st.sampled_from(list("ab*?/")), max_size=5)
_VALUE = st.text(st.sampled_from(list("ab/")), max_size=5)
_PAIRS = [
    ("StringEquals", "StringNotEquals"),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
    ("StringLike", "StringNotLike"),
    ("ArnLike", "ArnNotLike"),
    ("NumericEquals", "NumericNotEquals"),
    ("DateEquals", "DateNotEquals"),
    ("IpAddress", "NotIpAddress"),
]
_BASES = [
    "StringEquals",
    "StringLike",
    "StringNotLike",
    "NumericLessThan",
    "Bool",
    "IpAddress",
    "ArnLike",
    "DateGreaterThan",
]


def _policy_values() -> st.SearchStrategy[list[str]]:
    numbers = st.integers(-3, 3).map(str)
    ips = st.sampled_from(["10.0.0.0/8", "10.1.0.0/16", "192.168.1.1", "::1/128"])
    arns = st.sampled_from(["arn:aws:s3:::a*", "arn:aws:iam::*:role/?", "*", "arn:aws:s3:::b"])
    return st.lists(st.one_of(_TEXT, numbers, ips, arns), min_size=1, max_size=3)


def _request_values() -> st.SearchStrategy[str]:
    numbers = st.integers(-3, 3).map(str)
    ips = st.sampled_from(["10.0.0.1", "10.1.2.3", "192.168.1.1", "::1", "8.8.8.8"])
    arns = st.sampled_from(["arn:aws:s3:::ab", "arn:aws:iam::1:role/x", "arn:aws:s3:::b"])
    return st.one_of(_VALUE, numbers, ips, arns)


@given(st.sampled_from(_BASES), _policy_values(), _request_values())
def test_if_exists_on_a_present_key_equals_the_base_operator(
    base: str, values: list[str], value: str
) -> None:
    assert check(base + "IfExists", "k", values, {"k": value}) is check(base, "k", values, {"k": value})


@given(st.sampled_from(_PAIRS), _policy_values(), _request_values())
def test_negated_operator_is_the_complement_on_present_single_values(
    pair: tuple[str, str], values: list[str], value: str
) -> None:
    positive, negated = (check(op, "k", values, {"k": value}) for op in pair)
    assert negated is ~positive


@given(st.sampled_from(_BASES), _policy_values(), st.lists(_request_values(), max_size=3))
def test_for_any_value_is_monotone_in_the_request_values(
    base: str, values: list[str], request: list[str]
) -> None:
    """ForAnyValue over a superset of request values is at least as true."""
    smaller = check("ForAnyValue:" + base, "k", values, {"k": request[:1]})
    larger = check("ForAnyValue:" + base, "k", values, {"k": request})
    assert smaller.value <= larger.value or not request
