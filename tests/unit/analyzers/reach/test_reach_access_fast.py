"""The access analysis' shortcuts answer as the long way would.

- a resource policy's statement that names someone else (a service, another role) is passed over
  before its conditions are read, so no request context is built for it; one that names the
  caller still has its conditions decide;
- splitting a principal's actions into classes skips statements that cannot split them (on none
  of the actions, or on all of them), and gives the classes the statement-by-statement split gives.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from analyzers.reach.access_edges import AccessAnalysis
from analyzers.reach.access_fast import UNSURE, ResourceSide, Unsure, _named_in, resource_entries
from policy.catalogue import load_catalogue
from policy.context import RequestContext
from policy.principals import parse_caller
from policy.request import NamedPolicy

ACCOUNT = "123456789012"
CALLER = f"arn:aws:iam::{ACCOUNT}:role/app"
OTHER = f"arn:aws:iam::{ACCOUNT}:role/other"
FUNCTION = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn"
SOURCE = {"ArnLike": {"aws:SourceArn": f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:*"}}
TAGGED = {"StringEquals": {"aws:PrincipalTag/team": "payments"}}


def side(*statements: dict[str, Any]) -> ResourceSide:
    doc = {"Version": "2012-10-17", "Statement": list(statements)}
    policy = NamedPolicy.parse("fn resource policy", doc, "resource", arn=FUNCTION)
    return resource_entries(policy, load_catalogue().statement_bits)


def invoke(
    principal: dict[str, Any], condition: dict[str, Any] | None = None, effect: str = "Allow"
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": effect,
        "Principal": principal,
        "Action": "lambda:InvokeFunction",
        "Resource": FUNCTION,
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def low() -> int:
    catalogue = load_catalogue()
    index = catalogue.index("lambda:InvokeFunction")
    assert index is not None
    return 1 << index


class Context:
    """The request context `_named_in` may ask for, counting the asks."""

    def __init__(self, tags: dict[str, str]) -> None:
        self.calls = 0
        self._tags = tags

    def __call__(self) -> RequestContext:
        self.calls += 1
        return RequestContext.build({f"aws:PrincipalTag/{k}": v for k, v in self._tags.items()})


def test_a_conditioned_statement_for_a_service_builds_no_context() -> None:
    context = Context({})
    policy = side(invoke({"Service": "apigateway.amazonaws.com"}, SOURCE), invoke({"AWS": OTHER}, TAGGED))
    assert _named_in(policy, low(), FUNCTION, parse_caller(CALLER), context) == ([], False)
    assert context.calls == 0


def test_a_conditioned_statement_naming_the_caller_still_reads_its_conditions() -> None:
    policy = side(invoke({"AWS": CALLER}, TAGGED))
    met, unmet = Context({"team": "payments"}), Context({"team": "ledger"})
    answer = _named_in(policy, low(), FUNCTION, parse_caller(CALLER), met)
    assert not isinstance(answer, Unsure)
    allows, denied = answer
    assert [ref.index for ref in allows] == [0] and not denied and met.calls == 1
    assert _named_in(policy, low(), FUNCTION, parse_caller(CALLER), unmet) == ([], False)
    assert unmet.calls == 1


def test_a_conditioned_deny_naming_the_caller_still_denies_when_met() -> None:
    policy = side(invoke({"AWS": CALLER}, TAGGED, effect="Deny"))
    met = _named_in(policy, low(), FUNCTION, parse_caller(CALLER), Context({"team": "payments"}))
    unmet = _named_in(policy, low(), FUNCTION, parse_caller(CALLER), Context({"team": "x"}))
    assert met == ([], True)
    assert unmet == ([], False)


def test_without_a_context_a_conditioned_statement_is_the_engines_question() -> None:
    """As before the reordering: unsure, whoever the statement names."""
    for principal in ({"Service": "apigateway.amazonaws.com"}, {"AWS": CALLER}):
        assert (
            _named_in(side(invoke(principal, SOURCE)), low(), FUNCTION, parse_caller(CALLER), None) is UNSURE
        )
    # an unconditioned statement for someone else is passed over, context or not
    assert _named_in(side(invoke({"AWS": OTHER})), low(), FUNCTION, parse_caller(CALLER), None) == ([], False)


def _naive_split(parts: list[int], statement_bits: list[int]) -> list[int]:
    for bits in statement_bits:
        parts = [piece for part in parts for piece in (part & bits, part & ~bits) if piece]
    return parts


_BITS = st.integers(min_value=0, max_value=(1 << 24) - 1)


@given(candidates=_BITS, statements=st.lists(_BITS, max_size=12))
def test_split_skipping_idle_statements_gives_the_same_classes(
    candidates: int, statements: list[int]
) -> None:
    start = [candidates] if candidates else []
    assert AccessAnalysis._split(list(start), statements) == _naive_split(list(start), statements)


def test_split_still_splits_on_a_statement_covering_part_of_the_actions() -> None:
    assert AccessAnalysis._split([0b1111], [0b0000, 0b1111, 0b0011]) == [0b0011, 0b1100]
    assert AccessAnalysis._split([0b1111], [0b10000, 0b1111]) == [0b1111]
