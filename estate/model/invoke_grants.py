"""Who may invoke a function, from its resource policy, URL config and event source mappings.

Each grant becomes an `InvokeGrant`: the source node (`internet`, `account:<id>`, `org:<id>`,
`service:<name>`, or an ARN), how (resource policy, function URL, event source mapping), the
conditions it hinges on and the statement that created it. A `Principal: *` grant scoped by a
condition that identifies the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, ...)
is attributed to what the condition names, never to `internet`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from estate.model.functions import LambdaFunction
from policy.actions import statement_applies_to_action
from policy.document import Condition, PolicyDocument, PolicyParseError, Principal, Statement, parse_policy
from policy.scoping import statement_scoping

INTERNET = "internet"
INVOKE = "lambda:InvokeFunction"
INVOKE_URL = "lambda:InvokeFunctionUrl"


@dataclass(frozen=True, slots=True)
class InvokeGrant:
    source: str  # graph node id of who can invoke
    source_kind: str  # internet | account | org | service | principal | invoker
    via: str  # resource-policy | function-url | event-source-mapping
    action: str
    conditions: tuple[Condition, ...] = ()
    scoped_by: tuple[Condition, ...] = ()
    statement_sid: str | None = None
    statement: Any = None
    auth_type: str | None = None

    @property
    def narrowing(self) -> tuple[Condition, ...]:
        """Conditions that restrict who or when; the URL auth-type pairing restricts neither."""
        return tuple(c for c in self.conditions if c.key.lower() != "lambda:functionurlauthtype")

    @property
    def conditional(self) -> bool:
        return bool(self.narrowing)

    def evidence(self) -> dict[str, Any]:
        return {
            "via": self.via,
            "action": self.action,
            "sid": self.statement_sid,
            "statement": self.statement,
            "conditions": [c.to_json() for c in self.conditions],
            "narrowing_conditions": [c.to_json() for c in self.narrowing],
            "auth_type": self.auth_type,
        }


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    function_arn: str
    message: str


def _source_for_scoped(scoped_by: tuple[Condition, ...]) -> tuple[str, str]:
    """Attribute a scoped `*` grant to the most specific caller its conditions name."""
    by_key = {c.key.lower(): c for c in scoped_by}
    for key in ("aws:sourcearn", "aws:principalarn"):
        cond = by_key.get(key)
        if cond and len(cond.values) == 1 and "*" not in cond.values[0]:
            return cond.values[0], "invoker" if key == "aws:sourcearn" else "principal"
    for key in ("aws:sourceaccount", "aws:principalaccount", "aws:sourceowner"):
        cond = by_key.get(key)
        if cond and len(cond.values) == 1:
            return f"account:{cond.values[0]}", "account"
    for key in ("aws:principalorgid", "aws:sourceorgid"):
        cond = by_key.get(key)
        if cond and len(cond.values) == 1:
            return f"org:{cond.values[0]}", "org"
    first = scoped_by[0]
    return f"scoped:{first.key}={','.join(first.values)}", "scoped"


def _source_for_principal(principal: Principal) -> tuple[str, str]:
    if principal.kind == "Service":
        return f"service:{principal.value}", "service"
    account = principal.account
    if account and principal.value.endswith(":root"):
        return f"account:{account}", "account"
    return principal.value, "principal"


def _is_denied(statement: Statement, principal: Principal, denies: list[Statement], action: str) -> bool:
    """An unconditional Deny for this action and principal (or everyone) wins outright."""
    for deny in denies:
        if deny.conditions or not statement_applies_to_action(deny, action):
            continue
        if deny.principals and any(p.is_anyone or p == principal for p in deny.principals):
            return True
    return False


@dataclass
class ResourcePolicies:
    """Resource policy texts parsed once each: the graph builder reads a function's policy for its
    grants and again for every trigger's permission check (6,000 re-parses at 10,000 functions).
    Parsed documents are immutable; keep one of these for one graph build."""

    _parsed: dict[str, PolicyDocument | PolicyParseError] = field(default_factory=dict)

    def parse(self, text: str) -> PolicyDocument:
        """`parse_policy(text, resource_policy=True)`; raises the same PolicyParseError."""
        found = self._parsed.get(text)
        if found is None:
            try:
                found = parse_policy(text, resource_policy=True)
            except PolicyParseError as exc:
                found = exc
            self._parsed[text] = found
        if isinstance(found, PolicyParseError):
            raise found
        return found


def grants_from_policy(
    function: LambdaFunction, policies: ResourcePolicies | None = None
) -> tuple[list[InvokeGrant], list[PolicyProblem]]:
    """Who the function's resource policy lets invoke it, and why a policy could not be read."""
    if function.policy is None:
        return [], []
    try:
        document = (policies or ResourcePolicies()).parse(function.policy.text)
    except PolicyParseError as exc:
        return [], [PolicyProblem(function.arn, str(exc))]
    denies = [s for s in document.statements if not s.is_allow]
    grants: list[InvokeGrant] = []
    for stmt in document.statements:
        if not stmt.is_allow or not stmt.principals:
            continue
        for action in (INVOKE, INVOKE_URL):
            if not statement_applies_to_action(stmt, action):
                continue
            for principal in stmt.principals:
                if _is_denied(stmt, principal, denies, action):
                    continue
                grants.append(_grant(stmt, principal, action))
    return grants, []


def _json_copy(value: Any) -> Any:
    """A deep copy of decoded JSON (what `json.loads(json.dumps(value))` gives, at a third of the
    cost): every grant gets a statement of its own, shared with neither the parsed document nor
    another edge."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_copy(item) for item in value]
    return value


def _grant(stmt: Statement, principal: Principal, action: str) -> InvokeGrant:
    raw = _json_copy(stmt.raw) if stmt.raw is not None else None
    via = "function-url" if action == INVOKE_URL else "resource-policy"
    if principal.is_anyone:
        scoping = statement_scoping(stmt)
        if scoping.scoped:
            if scoping.authenticated_only:  # any signed-in AWS principal, of any account
                source, kind = "account:*", "any-account"
            else:
                source, kind = _source_for_scoped(scoping.by)
            return InvokeGrant(source, kind, via, action, stmt.conditions, scoping.by, stmt.sid, raw)
        return InvokeGrant(INTERNET, "internet", via, action, stmt.conditions, (), stmt.sid, raw)
    source, kind = _source_for_principal(principal)
    return InvokeGrant(source, kind, via, action, stmt.conditions, (), stmt.sid, raw)


def url_reachable(function: LambdaFunction, grant: InvokeGrant) -> bool:
    """A URL grant only opens a door if the URL exists with the auth type the grant expects."""
    if grant.action != INVOKE_URL:
        return True
    if function.url is None:
        return False
    for cond in grant.conditions:
        if cond.key.lower() == "lambda:functionurlauthtype" and not cond.negated:
            return function.url.auth_type.upper() in {v.upper() for v in cond.values}
    return True
