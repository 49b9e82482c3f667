"""Evaluate Condition blocks against a request context with three-valued results.

AWS's rules, as documented for condition operators:
- all (operator, key) tests of a statement must hold (AND); any of a key's values may match (OR);
- a key absent from the request fails a positive operator and satisfies a negated one
  (StringNotEquals, NotIpAddress, ...); `...IfExists` is satisfied by an absent key;
  `Null: true` holds exactly when the key is absent;
- `ForAnyValue:` needs one request value to match (absent/empty: false); `ForAllValues:` needs
  every request value to match, so an absent or empty key satisfies it (the documented trap);
- a key that is unknown (incomplete context) or a policy variable that cannot be resolved yet
  makes the test UNKNOWN, naming the key, values and operator it hinges on.
Operator names are read case-insensitively; condition keys too; values are case-sensitive except
for the IgnoreCase operators (and Bool, whose values are the words true/false).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from policy.context import UNKNOWN_KEY, RequestContext, TimeWindow
from policy.document import Condition
from policy.operators import BASE_OPERATORS, NULL, BaseOperator
from policy.truth import FALSE, TRUE, Tri, Unresolved, Verdict, verdict_all
from policy.variables import Segments, resolve

_QUALIFIERS = {"forallvalues:": "ForAllValues", "foranyvalue:": "ForAnyValue"}
_NOT_IN_CONTEXT = "key not in the request context"
_MULTI_VALUED = "multi-valued key tested without ForAnyValue/ForAllValues"
_ORDERED = re.compile(r"^(Date|Numeric)(Less|Greater)Than", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """An operator string taken apart: set qualifier, base operator (None if unsupported), IfExists."""

    qualifier: str | None
    base: BaseOperator | None
    is_null: bool
    if_exists: bool


@functools.lru_cache(maxsize=1024)
def operator_spec(name: str) -> OperatorSpec:
    rest = name.strip()
    qualifier = None
    for prefix, canonical in _QUALIFIERS.items():
        if rest.lower().startswith(prefix):
            qualifier, rest = canonical, rest[len(prefix) :]
    if_exists = rest.lower().endswith("ifexists")
    if if_exists:
        rest = rest[: -len("ifexists")]
    lowered = rest.lower()
    return OperatorSpec(qualifier, BASE_OPERATORS.get(lowered), lowered == NULL, if_exists)


def _open(condition: Condition, note: str, key: str | None = None) -> Verdict[Unresolved]:
    return Verdict(
        Tri.UNKNOWN, (Unresolved(key or condition.key, condition.operator, condition.values, note),)
    )


def _value_matches(base: BaseOperator, policy: list[Segments], value: str) -> bool:
    """One request value against the policy values: any matches, or for negations none does."""
    hit = any(base.compare(segments, value) for segments in policy)
    return not hit if base.negated else hit


def _absent(spec: OperatorSpec, base: BaseOperator) -> Verdict[Unresolved]:
    if spec.if_exists or spec.qualifier == "ForAllValues":
        return TRUE
    if spec.qualifier == "ForAnyValue":
        return FALSE
    return TRUE if base.negated else FALSE


def evaluate_condition(
    condition: Condition, context: RequestContext, *, variables: bool = True
) -> Verdict[Unresolved]:
    """One (operator, key, values) test."""
    spec = operator_spec(condition.operator)
    found = context.lookup(condition.key)
    if found is UNKNOWN_KEY and (window := context.window(condition.key)) is not None:
        return _within(condition, context, window, variables)
    if spec.is_null:
        if found is UNKNOWN_KEY:
            return _open(condition, _NOT_IN_CONTEXT)
        wanted = "true" if found is None else "false"
        return TRUE if any(v.strip().lower() == wanted for v in condition.values) else FALSE
    if spec.base is None:
        return _open(condition, f"unsupported condition operator {condition.operator!r}")
    if found is UNKNOWN_KEY:
        return _open(condition, _NOT_IN_CONTEXT)
    if found is None:
        return _absent(spec, spec.base)
    assert isinstance(found, tuple)

    policy: list[Segments] = []
    for value in condition.values:
        resolution = resolve(value, context, variables=variables)
        if resolution.missing:  # AWS: an unresolvable variable may invalidate the statement
            return FALSE
        if resolution.segments is None:
            return Verdict(
                Tri.UNKNOWN,
                tuple(
                    Unresolved(key, condition.operator, condition.values, "policy variable not in context")
                    for key in resolution.unknown
                ),
            )
        policy.append(resolution.segments)

    per_value = [_value_matches(spec.base, policy, value) for value in found]
    if spec.qualifier == "ForAnyValue":
        return Verdict(Tri.of(any(per_value)))
    if spec.qualifier == "ForAllValues":
        return Verdict(Tri.of(all(per_value)))
    if len(per_value) == 1 or all(per_value) == any(per_value):
        return Verdict(Tri.of(per_value[0]))
    return _open(condition, _MULTI_VALUED)


def _within(
    condition: Condition, context: RequestContext, window: TimeWindow, variables: bool
) -> Verdict[Unresolved]:
    """A test of a key known only to lie in `window`: decided when it reads the same at both ends
    (and when absent, if it may be), which is sound for the ordered Date/Numeric operators and for
    Null; any other operator stays open."""
    spec = operator_spec(condition.operator)
    ordered = spec.base is not None and _ORDERED.search(spec.base.name) is not None
    if not (ordered or spec.is_null):
        return _open(
            condition,
            f"only known to lie between {window.text(window.earliest)} and {window.text(window.latest)}",
        )
    ends = [window.text(window.earliest), window.text(window.latest)]
    cases: list[str | None] = [*ends, *([None] if window.may_be_absent else [])]
    truths = {
        evaluate_condition(condition, context.pinned(condition.key, v), variables=variables).truth
        for v in cases
    }
    if len(truths) == 1 and Tri.UNKNOWN not in truths:
        return Verdict(truths.pop())
    between = f"between {ends[0]} and {ends[1]}{' (or absent)' if window.may_be_absent else ''}"
    return _open(condition, f"holds for part of the key's window: {between}")


def evaluate_conditions(
    conditions: Sequence[Condition], context: RequestContext, *, variables: bool = True
) -> Verdict[Unresolved]:
    """All tests of a statement's Condition element (TRUE when there are none)."""
    if len(conditions) == 1:  # the common case, without the generator
        return evaluate_condition(conditions[0], context, variables=variables)
    return verdict_all(evaluate_condition(c, context, variables=variables) for c in conditions)
