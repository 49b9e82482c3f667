"""Condition operator families: how one policy value compares with one context value.

Each base operator names a positive comparison and whether it is negated (StringNotEquals is
"no policy value equals"). Values that do not parse for the family (a non-number for Numeric*,
a non-address for IpAddress) never match, so the negated operator is exactly the complement of
the positive one on any present value.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import ipaddress
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from policy.patterns import arn_regex, arn_star_match, arn_star_matcher, glob_regex, is_arn_shaped
from policy.variables import Segments, segments_text

Comparison = Callable[[Segments, str], bool]


@dataclass(frozen=True, slots=True)
class BaseOperator:
    name: str  # canonical spelling, e.g. "StringNotLike"
    compare: Comparison  # the positive comparison of one policy value with one context value
    negated: bool = False


def _string_equals(policy: Segments, value: str) -> bool:
    return segments_text(policy) == value


def _string_equals_ignore_case(policy: Segments, value: str) -> bool:
    return segments_text(policy).casefold() == value.casefold()


def _string_like(policy: Segments, value: str) -> bool:
    return glob_regex(policy).fullmatch(value) is not None


@functools.lru_cache(maxsize=8192)
def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@functools.lru_cache(maxsize=8192)
def _instant(text: str) -> float | None:
    """ISO 8601 (date, date-time, with Z or an offset; naive means UTC) or epoch seconds."""
    text = text.strip()
    number = _number(text)
    if number is not None:
        return float(number)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def _ordered(parse: Callable[[str], Decimal | float | None], test: Callable[[Any, Any], Any]) -> Comparison:
    def compare(policy: Segments, value: str) -> bool:
        left, right = parse(value), parse(segments_text(policy))
        return left is not None and right is not None and test(left, right)

    return compare


def _bool(policy: Segments, value: str) -> bool:
    return segments_text(policy).strip().lower() == value.strip().lower()


def _decoded(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def _binary_equals(policy: Segments, value: str) -> bool:
    left, right = _decoded(segments_text(policy)), _decoded(value)
    if left is None or right is None:
        return segments_text(policy).strip() == value.strip()
    return left == right


@functools.lru_cache(maxsize=8192)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _ip_address(policy: Segments, value: str) -> bool:
    network = _network(segments_text(policy))
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return network is not None and network.version == address.version and address in network


def _arn_like(policy: Segments, value: str) -> bool:
    if is_arn_shaped(segments_text(policy)):
        matcher = arn_star_matcher(policy)
        found = arn_star_match(matcher, value) if matcher is not None else None
        if found is not None:
            return found
    compiled = arn_regex(policy) if is_arn_shaped(segments_text(policy)) else None
    if compiled is None:  # only `*` (or another glob) can sensibly stand for a whole ARN
        compiled = glob_regex(policy)
    return compiled.fullmatch(value) is not None


_COMPARISONS: dict[str, Comparison] = {
    "StringEquals": _string_equals,
    "StringEqualsIgnoreCase": _string_equals_ignore_case,
    "StringLike": _string_like,
    "NumericEquals": _ordered(_number, operator.eq),
    "NumericLessThan": _ordered(_number, operator.lt),
    "NumericLessThanEquals": _ordered(_number, operator.le),
    "NumericGreaterThan": _ordered(_number, operator.gt),
    "NumericGreaterThanEquals": _ordered(_number, operator.ge),
    "DateEquals": _ordered(_instant, operator.eq),
    "DateLessThan": _ordered(_instant, operator.lt),
    "DateLessThanEquals": _ordered(_instant, operator.le),
    "DateGreaterThan": _ordered(_instant, operator.gt),
    "DateGreaterThanEquals": _ordered(_instant, operator.ge),
    "Bool": _bool,
    "BinaryEquals": _binary_equals,
    "IpAddress": _ip_address,
    "ArnEquals": _arn_like,  # AWS documents ArnEquals and ArnLike identically (wildcards allowed)
    "ArnLike": _arn_like,
}
_NEGATIONS = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}
BASE_OPERATORS: dict[str, BaseOperator] = {
    name.lower(): BaseOperator(name, compare) for name, compare in _COMPARISONS.items()
} | {name.lower(): BaseOperator(name, _COMPARISONS[base], True) for name, base in _NEGATIONS.items()}
NULL = "null"
