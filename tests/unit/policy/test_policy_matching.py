"""Resource/ARN matching, policy variables, principal matching and NotPrincipal exemption."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.actions import statement_applies_to_resource
from policy.context import RequestContext
from policy.document import Principal, parse_policy, parse_statement
from policy.patterns import pattern_covers, patterns_may_intersect
from policy.principals import excluded_by, match_principals, parse_caller
from policy.resources import statement_resource_verdict
from policy.truth import Tri
from policy.variables import Variable, parse_template, resolve

A, B = "111122223333", "444455556666"


def resource_truth(
    patterns: Any, resource: str, context: dict[str, Any] | None = None, not_: bool = False
) -> Tri:
    stmt = parse_statement(
        {"Effect": "Allow", "Action": "*", ("NotResource" if not_ else "Resource"): patterns}
    )
    return statement_resource_verdict(
        stmt, resource, RequestContext.build(context or {}, complete=False)
    ).truth


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", "arn:aws:s3:::bucket", Tri.TRUE),
        ("*", "anything-at-all", Tri.TRUE),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", Tri.TRUE),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", Tri.FALSE),
        ("arn:aws:lambda:*:*:function:f*", f"arn:aws:lambda:eu-west-1:{A}:function:f:live", Tri.TRUE),
        ("arn:aws:iam::*:role/x", f"arn:aws:iam::{A}:role/x", Tri.TRUE),
        ("arn:aws:iam::*:role/x", f"arn:aws:iam::{A}:x:role/x", Tri.FALSE),  # no colon crossing
        ("arn:aws:dynamodb:eu-west-?:*:table/t", f"arn:aws:dynamodb:eu-west-1:{A}:table/t", Tri.TRUE),
        ("ARN:AWS:S3:::bucket", "arn:aws:s3:::bucket", Tri.TRUE),
        ("arn:aws:s3:::BUCKET", "arn:aws:s3:::bucket", Tri.FALSE),
        ("arn:aws:*", "arn:aws:s3:::bucket", Tri.UNKNOWN),  # not six segments: not guessed
        ("arn:aws:s3", "arn:aws:s3:::bucket", Tri.FALSE),
    ],
)
def test_resource_patterns(pattern: str, resource: str, expected: Tri) -> None:
    assert resource_truth(pattern, resource) is expected


def test_not_resource_is_the_complement_and_lists_are_or() -> None:
    assert resource_truth(["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"], "arn:aws:s3:::b/x") is Tri.TRUE
    assert (
        resource_truth(["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"], "arn:aws:s3:::b/x", not_=True) is Tri.FALSE
    )
    assert resource_truth("arn:aws:s3:::a/*", "arn:aws:s3:::b/x", not_=True) is Tri.TRUE


def test_variables_in_resources() -> None:
    pattern = "arn:aws:s3:::home/${aws:username}/*"
    assert resource_truth(pattern, "arn:aws:s3:::home/alice/f", {"aws:username": "alice"}) is Tri.TRUE
    assert resource_truth(pattern, "arn:aws:s3:::home/alice/f", {"aws:username": "bob"}) is Tri.FALSE
    assert resource_truth(pattern, "arn:aws:s3:::home/alice/f", {}) is Tri.UNKNOWN
    assert resource_truth(pattern, "arn:aws:s3:::home/alice/f", {"aws:username": None}) is Tri.FALSE
    assert (
        resource_truth(pattern, "arn:aws:s3:::home/alice/f", {"aws:username": None}, not_=True) is Tri.FALSE
    )
    assert resource_truth(pattern, "arn:aws:s3:::home/*/f", {"aws:username": "*"}) is Tri.TRUE  # literal
    assert resource_truth(pattern, "arn:aws:s3:::home/alice/f", {"aws:username": "*"}) is Tri.FALSE
    assert resource_truth("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x") is Tri.FALSE
    assert resource_truth("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*") is Tri.TRUE


def test_unknown_variable_names_its_key() -> None:
    stmt = parse_statement(
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}
    )
    verdict = statement_resource_verdict(stmt, "arn:aws:s3:::b/x/y", RequestContext())
    assert [(u.key, u.operator) for u in verdict.unresolved] == [("aws:PrincipalTag/team", "Resource")]


def test_template_parsing() -> None:
    assert parse_template("a${*}b${?}c${$}").parts == ("a", ("*",), "b", ("?",), "c", ("$",))
    assert parse_template("${aws:username}").parts == (Variable("aws:username"),)
    assert parse_template("${ aws:PrincipalTag/team , 'it''s' }").parts == (
        Variable("aws:PrincipalTag/team", "it's"),
    )
    assert parse_template("${unterminated").parts == ("${unterminated",)
    assert parse_template("${two words}").parts == ("${two words}",)


def test_resolution() -> None:
    ctx = RequestContext.build({"aws:username": "alice", "aws:TagKeys": ["a", "b"]}, complete=False)
    assert resolve("u-${aws:username}", ctx).segments == (("u-", False), ("alice", True))
    assert resolve("${aws:TagKeys}", ctx).missing == ("aws:TagKeys",)  # multi-valued: not substitutable
    assert resolve("${aws:TagKeys, 'd'}", ctx).segments == (("d", True),)
    assert resolve("${aws:userid}", ctx).unknown == ("aws:userid",)
    assert resolve("${aws:username}", ctx, variables=False).segments == (("${aws:username}", False),)


def test_public_boolean_resource_check() -> None:
    stmt = parse_policy(
        {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}}
    ).statements[0]
    assert statement_applies_to_resource(stmt, "arn:aws:s3:::b/x")
    assert not statement_applies_to_resource(stmt, "arn:aws:s3:::c/x")


# -- principals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "kind", "account", "name", "parent"),
    [
        (f"arn:aws:iam::{A}:role/path/app", "role", A, "app", None),
        (f"arn:aws:sts::{A}:assumed-role/app/s1", "session", A, "s1", "app"),
        (f"arn:aws:iam::{A}:user/alice", "user", A, "alice", None),
        (f"arn:aws:iam::{A}:root", "root", A, None, None),
        (A, "root", A, None, None),
        (f"arn:aws:sts::{A}:federated-user/bob", "federated-user", A, "bob", "bob"),
        ("lambda.amazonaws.com", "service", None, "lambda.amazonaws.com", None),
        ("*", "anonymous", None, None, None),
    ],
)
def test_parse_caller(arn: str, kind: str, account: str | None, name: str | None, parent: str | None) -> None:
    caller = parse_caller(arn)
    assert (caller.kind, caller.account, caller.name, caller.parent) == (kind, account, name, parent)


def aws(*values: str) -> list[Principal]:
    return [Principal("AWS", v) for v in values]


def classes(principals: list[Principal], caller: str) -> tuple[Tri, Tri, Tri, Tri]:
    m = match_principals(principals, parse_caller(caller))
    return m.exact.truth, m.parent.truth, m.account.truth, m.wildcard.truth


T, F, U = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"


@pytest.mark.parametrize(
    ("principals", "caller", "expected"),
    [
        (aws(SESSION), SESSION, (T, F, F, F)),
        (aws(f"arn:aws:iam::{A}:role/path/app"), SESSION, (F, T, F, F)),  # paths do not matter
        (aws(f"arn:aws:iam::{A}:root"), SESSION, (F, F, T, F)),
        (aws(f"arn:aws:iam::{B}:root"), SESSION, (F, F, F, F)),
        ([Principal("*", "*")], SESSION, (F, F, F, T)),
        (aws("*"), SESSION, (F, F, F, T)),
        (aws(f"arn:aws:iam::{A}:role/app"), f"arn:aws:iam::{A}:role/app", (F, T, F, F)),
        (aws(SESSION), f"arn:aws:iam::{A}:role/app", (U, F, F, F)),  # which session? open
        (aws(f"arn:aws:iam::{A}:user/bob"), f"arn:aws:sts::{A}:federated-user/bob", (F, T, F, F)),
        ([Principal("Service", "S3.amazonaws.com")], "s3.amazonaws.com", (T, F, F, F)),
        ([Principal("Service", "s3.amazonaws.com")], SESSION, (F, F, F, F)),
    ],
)
def test_principal_match_classes(principals: list[Principal], caller: str, expected: tuple[Tri, ...]) -> None:
    assert classes(principals, caller) == expected


@pytest.mark.parametrize(
    ("listed", "caller", "expected"),
    [
        (aws(f"arn:aws:iam::{A}:user/alice", A), f"arn:aws:iam::{A}:user/alice", T),
        (aws(f"arn:aws:iam::{A}:user/alice"), f"arn:aws:iam::{A}:user/alice", U),  # account missing
        (aws(f"arn:aws:iam::{A}:user/alice", A), f"arn:aws:iam::{A}:user/bob", F),
        (aws(f"arn:aws:iam::{A}:role/app", A), SESSION, T),
        (aws(A), SESSION, F),
        (aws("*"), SESSION, T),
        (aws(A), f"arn:aws:iam::{A}:root", T),
        ([Principal("Service", "s3.amazonaws.com")], "s3.amazonaws.com", T),
        (aws(A), "*", F),
    ],
)
def test_not_principal_exemption(listed: list[Principal], caller: str, expected: Tri) -> None:
    assert excluded_by(listed, parse_caller(caller)).truth is expected


# -- properties of ARN patterns ---------------------------------------------------------------

_SEG = st.text(st.sampled_from(list("ab1")), max_size=3)
_WILD = st.text(st.sampled_from(list("ab1*?")), max_size=3)
_RES = st.text(st.sampled_from(list("ab/:")), max_size=5)
_RES_WILD = st.text(st.sampled_from(list("ab/:*?")), max_size=5)


def _reference(pattern: str, value: str) -> bool:
    """Segment by segment, written independently of policy.patterns."""

    def glob(p: str, v: str, any_run: str, flags: int) -> bool:
        regex = "".join(any_run if c == "*" else any_run[:-1] if c == "?" else re.escape(c) for c in p)
        return re.fullmatch(regex, v, flags | re.DOTALL) is not None

    ps, vs = pattern.split(":", 5), value.split(":", 5)
    if len(ps) != 6 or len(vs) != 6:
        return False
    heads = all(glob(p, v, "[^:]*", re.IGNORECASE) for p, v in zip(ps[:5], vs[:5], strict=True))
    return heads and glob(ps[5], vs[5], ".*", 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WILD, min_size=4, max_size=4), _RES_WILD, st.lists(_SEG, min_size=4, max_size=4), _RES)
def test_arn_matching_agrees_with_a_segmentwise_reference(
    pattern_heads: list[str], pattern_tail: str, value_heads: list[str], value_tail: str
) -> None:
    pattern = ":".join(["arn", *pattern_heads, pattern_tail])
    value = ":".join(["arn", *value_heads, value_tail])
    assert (resource_truth(pattern, value) is Tri.TRUE) == _reference(pattern, value)


def _instances(pattern: str, fillers: list[str]) -> str:
    out, i = [], 0
    for c in pattern:
        if c in "*?":
            filler = fillers[i % len(fillers)] if c == "*" else (fillers[i % len(fillers)] or "a")[:1]
            out.append(filler)
            i += 1
        else:
            out.append(c)
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(
    _RES_WILD, _RES_WILD, st.lists(st.text(st.sampled_from(list("ab/")), max_size=3), min_size=1, max_size=4)
)
def test_coverage_and_intersection_are_sound(left_tail: str, right_tail: str, fillers: list[str]) -> None:
    """If P covers Q, every instance of Q matches P; if an instance of Q matches P, they intersect."""
    left, right = f"arn:aws:s3:::{left_tail}", f"arn:aws:s3:::{right_tail}"
    concrete = _instances(right, fillers)
    matches = _reference(left, concrete) and _reference(right, concrete)
    if pattern_covers(left, right):
        assert _reference(left, concrete)
    if matches:
        assert patterns_may_intersect(left, right)


_SEGMENT = st.sampled_from(["", "aws", "AWS", "s3", "S3", "eu-west-1", "123456789012", "t/a", "t/A", "x:y"])


@given(st.lists(_SEGMENT, min_size=4, max_size=8), st.lists(_SEGMENT, min_size=4, max_size=8))
def test_literal_arn_keys_are_equal_exactly_when_the_literals_match(a: list[str], b: list[str]) -> None:
    """`literal_arn_key` (a set of keys answers for many literals) agrees with the engine's match."""
    from policy.resources import literal_arn_key, literal_arn_match

    pattern, resource = ":".join(a), ":".join(b)
    if pattern.count(":") < 5:
        return  # the engine compares ARN-shaped literals only
    key = literal_arn_key(pattern)
    assert key is not None
    assert (key == literal_arn_key(resource)) == literal_arn_match(pattern, resource)
