"""Parse every IAM policy form we meet into typed statements.

AWS accepts strings or lists for most fields, a single statement object instead of a list, and
several Principal shapes; parsing normalises all of them once so the rest of the engine never
has to. A malformed document raises `PolicyParseError` (analyzers turn it into a finding).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")


class PolicyParseError(ValueError):
    """The document is not a policy AWS would accept; the message says where."""


@dataclass(frozen=True, slots=True)
class Principal:
    """One principal: kind is '*', 'AWS', 'Service', 'Federated' or 'CanonicalUser'."""

    kind: str
    value: str

    @property
    def is_anyone(self) -> bool:
        return self.value == "*" and self.kind in {"*", "AWS"}

    @property
    def account(self) -> str | None:
        """The account an AWS principal belongs to, if it names one."""
        if self.kind != "AWS":
            return None
        if _ACCOUNT_ID.match(self.value):
            return self.value
        parts = self.value.split(":")
        if len(parts) >= 6 and parts[0] == "arn" and _ACCOUNT_ID.match(parts[4]):
            return parts[4]
        return None

    def __str__(self) -> str:
        return "*" if self.kind == "*" else f"{self.kind}:{self.value}"


@dataclass(frozen=True, slots=True)
class Condition:
    """One (operator, key) test with its values, e.g. StringEquals aws:SourceAccount [123...]."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def set_qualifier(self) -> str | None:
        for prefix in _SET_PREFIXES:
            if self.operator.startswith(prefix):
                return prefix[:-1]
        return None

    @property
    def base_operator(self) -> str:
        op = self.operator
        for prefix in _SET_PREFIXES:
            op = op.removeprefix(prefix)
        return op.removesuffix("IfExists")

    @property
    def if_exists(self) -> bool:
        return self.operator.endswith("IfExists")

    @property
    def negated(self) -> bool:
        return "Not" in self.base_operator

    def to_json(self) -> dict[str, Any]:
        return {"operator": self.operator, "key": self.key, "values": list(self.values)}


@dataclass(frozen=True, slots=True)
class Statement:
    effect: str
    sid: str | None = None
    principals: tuple[Principal, ...] | None = None
    not_principals: tuple[Principal, ...] | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    conditions: tuple[Condition, ...] = ()
    raw: Mapping[str, Any] | None = None

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    statements: tuple[Statement, ...]
    version: str | None = None


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int | float | bool) for v in value):
        return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in value)
    if isinstance(value, bool):
        return (str(value).lower(),)
    if isinstance(value, int | float):
        return (str(value),)
    raise PolicyParseError(f"{field} must be a string or a list of strings")


def _principals(value: Any, field: str) -> tuple[Principal, ...]:
    if value == "*":
        return (Principal("*", "*"),)
    if isinstance(value, str) and _ACCOUNT_ID.match(value):  # Lambda/moto shorthand
        return (Principal("AWS", f"arn:aws:iam::{value}:root"),)
    if not isinstance(value, Mapping):
        raise PolicyParseError(f"{field} must be '*' or an object")
    out: list[Principal] = []
    for kind, raw in value.items():
        if kind not in {"AWS", "Service", "Federated", "CanonicalUser"}:
            raise PolicyParseError(f"{field} has unknown principal type {kind!r}")
        for item in _strings(raw, f"{field}.{kind}"):
            if kind == "AWS" and _ACCOUNT_ID.match(item):
                item = f"arn:aws:iam::{item}:root"
            out.append(Principal(kind, item))
    return tuple(out)


def _conditions(value: Any) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise PolicyParseError("Condition must be an object")
    out: list[Condition] = []
    for operator, tests in value.items():
        if not isinstance(tests, Mapping):
            raise PolicyParseError(f"Condition operator {operator} must map keys to values")
        for key, values in tests.items():
            out.append(Condition(str(operator), str(key), _strings(values, f"Condition.{operator}")))
    return tuple(out)


def _pair(stmt: Mapping[str, Any], name: str, parse: Any) -> tuple[Any, Any]:
    pos, neg = stmt.get(name), stmt.get(f"Not{name}")
    if pos is not None and neg is not None:
        raise PolicyParseError(f"statement has both {name} and Not{name}")
    return (
        None if pos is None else parse(pos, name),
        None if neg is None else parse(neg, f"Not{name}"),
    )


def parse_statement(stmt: Any, *, resource_policy: bool = False) -> Statement:
    if not isinstance(stmt, Mapping):
        raise PolicyParseError("each statement must be an object")
    effect = stmt.get("Effect")
    if effect not in {"Allow", "Deny"}:
        raise PolicyParseError(f"Effect must be Allow or Deny, not {effect!r}")
    actions, not_actions = _pair(stmt, "Action", _strings)
    if actions is None and not_actions is None:
        raise PolicyParseError("statement has neither Action nor NotAction")
    resources, not_resources = _pair(stmt, "Resource", _strings)
    principals, not_principals = _pair(stmt, "Principal", _principals)
    if resource_policy and principals is None and not_principals is None:
        raise PolicyParseError("resource policy statement has no Principal")
    conditions = _conditions(stmt.get("Condition"))
    # moto keeps a function URL's auth type as a top-level key; AWS puts it in a condition.
    url_auth = stmt.get("FunctionUrlAuthType")
    if isinstance(url_auth, str) and not any(c.key == "lambda:FunctionUrlAuthType" for c in conditions):
        conditions += (Condition("StringEquals", "lambda:FunctionUrlAuthType", (url_auth,)),)
    sid = stmt.get("Sid")
    return Statement(
        effect=effect,
        sid=str(sid) if sid is not None else None,
        principals=principals,
        not_principals=not_principals,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        conditions=conditions,
        raw=dict(stmt),
    )


def _located(index: int, raw: Any, resource_policy: bool) -> Statement:
    """Parse one statement; an error names the statement (index and Sid) it comes from."""
    try:
        return parse_statement(raw, resource_policy=resource_policy)
    except PolicyParseError as exc:
        sid = raw.get("Sid") if isinstance(raw, Mapping) else None
        where = f"Statement[{index}]" + (f" (Sid {sid!r})" if sid is not None else "")
        raise PolicyParseError(f"{where}: {exc}") from None


def parse_policy(document: str | Mapping[str, Any], *, resource_policy: bool = False) -> PolicyDocument:
    """Parse a policy given as JSON text or as already-decoded data."""
    data: Any = document
    if isinstance(document, str):
        try:
            data = json.loads(document)
        except ValueError as exc:
            raise PolicyParseError(f"policy is not valid JSON ({exc.args[0]})") from exc
    if not isinstance(data, Mapping):
        raise PolicyParseError("policy must be a JSON object")
    raw_statements = data.get("Statement")
    if raw_statements is None:
        raise PolicyParseError("policy has no Statement")
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        raise PolicyParseError("Statement must be an object or a list")
    statements = tuple(_located(i, s, resource_policy) for i, s in enumerate(raw_statements))
    version = data.get("Version")
    return PolicyDocument(statements, str(version) if version is not None else None)
