"""`invokes` edges from every trigger besides URLs, function policies and event source mappings:
API Gateway routes, EventBridge rules, Scheduler schedules, SNS subscriptions, S3 notifications,
CloudWatch Logs subscription filters and alias resource policies.

A configured trigger only works if the function's resource policy lets the calling service in
for that source (aws:SourceArn / aws:SourceAccount), so each edge carries the policy engine's
verdict: `allowed` gives an unconditional edge; `conditional` or `not granted` keep the edge
but mark it conditional, with the reason in `evidence["permission"]`, never a confident path.

API routes (one node per route, id = its execute-api ARN, stage wildcarded):
- `internet -> route` (public) when the route needs no authorization and no API key on an API
  whose endpoint type is not PRIVATE;
- `authenticated:<how>:<api id>[/<authorizer id>] -> route` (not public) for routes behind
  AWS_IAM, a Cognito/Lambda/JWT authorizer or an API key: callers who pass that check;
- `route -> function` via `api-gateway`, with API, stages, route key, authorization and authorizer.
Aliases: grants in an alias's own policy run from the grantee to the alias node, and the alias
node `invokes` its function (via `alias`), so a public alias makes the function internet-reachable.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import networkx as nx

from estate.graph.nodes import SOURCE_NODE_KINDS, AddNode
from estate.model.estate import Estate
from estate.model.functions import LambdaFunction
from estate.model.invoke_grants import INTERNET, INVOKE, ResourcePolicies, grants_from_policy
from estate.model.triggers import ApiRoute, Invokers
from policy.document import PolicyParseError
from policy.evaluate import evaluate
from policy.request import NamedPolicy, Request

_PARAM = re.compile(r"\{[^}/]*\}")
_ANY_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_AUTHENTICATED_LABEL = {
    "AWS_IAM": "IAM-signed callers",
    "COGNITO_USER_POOLS": "Cognito-authenticated callers",
    "CUSTOM": "callers the Lambda authorizer accepts",
    "JWT": "callers with a valid JWT",
    "API_KEY": "callers with an API key",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Permission:
    """Does the function's policy let `service` invoke it for `source_arn`?"""

    outcome: str  # allowed | conditional | not granted | unknown
    statements: tuple[str, ...] = ()
    hinges_on: tuple[str, ...] = ()
    note: str = ""

    @property
    def works(self) -> bool:
        return self.outcome == "allowed"

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "statements": list(self.statements),
            "hinges_on": list(self.hinges_on),
            "note": self.note,
        }


def service_permission(
    fn: LambdaFunction,
    services: tuple[str, ...],
    source_arns: tuple[str, ...],
    source_account: str | None,
    policy_text: str | None = None,
    policy_state: str | None = None,
    policies: ResourcePolicies | None = None,
) -> Permission:
    """The best verdict over the given service principals and concrete source ARNs."""
    text = fn.policy.text if policy_text is None and fn.policy is not None else policy_text
    state = policy_state or fn.policy_state
    if text is None:
        if state == "absent":
            return Permission("not granted", note="the function has no resource policy")
        return Permission("unknown", note="the function's resource policy was not collected")
    try:
        parsed = (policies or ResourcePolicies()).parse(text)
        document = NamedPolicy("resource policy", fn.arn, parsed, "resource")
    except PolicyParseError as exc:
        return Permission("unknown", note=f"unparseable resource policy: {exc}")
    best = Permission("not granted", note=f"no statement allows {'/'.join(services)} for this source")
    for service in services:
        for source in source_arns:
            context: dict[str, Any] = {"aws:SourceArn": source}
            if source_account:
                context["aws:SourceAccount"] = source_account
            request = Request(principal_arn=service, action=INVOKE, resource_arn=fn.arn, context=context)
            decision = evaluate(request, identity_policies=(), resource_policy=document)
            refs = tuple(str(s) for s in decision.allow_statements)
            if decision.allowed:
                return Permission("allowed", refs, note=f"{service} for {source}")
            if decision.conditional and best.outcome != "conditional":
                best = Permission("conditional", refs, decision.keys, f"{service} for {source}")
    return best


def _edge(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    key: str,
    via: str,
    evidence: dict[str, Any],
    **attrs: Any,
) -> None:
    graph.add_edge(
        source,
        target,
        key=key,
        kind="invokes",
        via=via,
        conditional=attrs.pop("conditional", False),
        public=attrs.pop("public", False),
        evidence={"via": via, **evidence},
        **attrs,
    )


def _trigger(
    graph: nx.MultiDiGraph,
    add_node: AddNode,
    fn: LambdaFunction,
    node: str,
    subkind: str,
    label: str,
    via: str,
    evidence: dict[str, Any],
    permission: Permission | None,
    enabled: bool = True,
) -> None:
    add_node(graph, node, kind="invoker", subkind=subkind, label=label)
    graph.nodes[node].setdefault("invoker_subkind", subkind)
    conditional = not enabled or (permission is not None and not permission.works)
    extra: dict[str, Any] = {"enabled": enabled}
    if permission is not None:
        extra["permission"] = permission.to_json()
    _edge(graph, node, fn.arn, f"invokes:{via}:{node}", via, {**evidence, **extra}, conditional=conditional)


def _sample_path(path: str) -> str:
    """A request path the route serves: `{param}` / `{proxy+}` become one literal segment."""
    path = path if path.startswith("/") else f"/{path}"
    return _PARAM.sub("x", path)


def route_source_arns(route: ApiRoute) -> tuple[str, ...]:
    """The aws:SourceArn values API Gateway presents for this route, one per stage and method."""
    base = f"arn:aws:execute-api:{route.region}:{route.account}:{route.api_id}"
    stages = route.stages or ("*",)
    if not route.method:  # $default (HTTP) or a WebSocket route key
        return tuple(f"{base}/{stage}/{route.path}" for stage in stages)
    methods = _ANY_METHODS if route.method in ("ANY", "*") else (route.method,)
    path = _sample_path(route.path)
    return tuple(f"{base}/{stage}/{method}{path}" for stage in stages for method in methods)


def _route_caller(route: ApiRoute) -> tuple[str, str, bool] | None:
    """(caller node, label, public) for the route, or None when nobody outside can call it."""
    auth = route.authorization_type.upper()
    if auth == "NONE" and not route.api_key_required:
        if route.endpoint_type.upper() == "PRIVATE":
            return None
        return INTERNET, "internet", True
    how = "API_KEY" if auth == "NONE" else auth
    scope = route.api_id + (f"/{route.authorizer_id}" if route.authorizer_id and how != "API_KEY" else "")
    name = route.authorizer_name or route.authorizer_id or route.api_name
    label = f"{_AUTHENTICATED_LABEL.get(how, how)} ({name})"
    return f"authenticated:{how.lower()}:{scope}", label, False


def _add_route(
    graph: nx.MultiDiGraph, add_node: AddNode, estate: Estate, route: ApiRoute, policies: ResourcePolicies
) -> None:
    fn = estate.function(route.function_arn or "")
    if fn is None:
        return
    node = route.execute_api_arn
    stages_known = estate.collected(
        "apigateway" if route.api_kind == "rest" else "apigatewayv2", "GetStages", route.account, route.region
    )
    permission = service_permission(
        fn, ("apigateway.amazonaws.com",), route_source_arns(route), route.account, policies=policies
    )
    if not route.stages:
        note = "no deployed stage" if stages_known else "stages were not collected"
        permission = dataclasses.replace(permission, outcome="unknown", note=note)
    evidence: dict[str, Any] = {
        "api": route.api_name,
        "api_id": route.api_id,
        "api_kind": route.api_kind,
        "endpoint_type": route.endpoint_type,
        "stages": list(route.stages),
        "route": route.route_key,
        "authorization_type": route.authorization_type,
        "authorizer": route.authorizer_name,
        "authorizer_type": route.authorizer_type,
        "authorizer_function": route.authorizer_function_arn,
        "api_key_required": route.api_key_required,
        "integration_uri": route.integration_uri,
        "qualifier": route.function_qualifier,
    }
    label = f"{route.api_name} {route.route_key}"
    add_node(graph, node, kind="invoker", subkind="api route", label=label, account=route.account)
    graph.nodes[node].setdefault("invoker_subkind", "api route")
    _edge(
        graph,
        node,
        fn.arn,
        "invokes:api-gateway",
        "api-gateway",
        {**evidence, "permission": permission.to_json()},
        conditional=not permission.works,
    )
    caller = _route_caller(route)
    if caller is None:
        return
    source, caller_label, public = caller
    if source != INTERNET:
        add_node(graph, source, kind="invoker", subkind="authenticated callers", label=caller_label)
    _edge(
        graph,
        source,
        node,
        f"invokes:api-gateway:{route.authorization_type}",
        "api-gateway",
        evidence,
        public=public,
        authenticated=not public,
    )


def _log_group_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


def _add_triggers(
    graph: nx.MultiDiGraph, add_node: AddNode, estate: Estate, invokers: Invokers, policies: ResourcePolicies
) -> None:
    for rule in invokers.event_rules:
        account = rule.arn.split(":")[4] if rule.arn.count(":") >= 5 else ""
        for arn in rule.function_arns:
            fn = estate.function(arn)
            if fn is None:
                continue
            permission = service_permission(
                fn, ("events.amazonaws.com",), (rule.arn,), account or None, policies=policies
            )
            evidence: dict[str, Any] = {"rule": rule.name, "bus": rule.bus, "state": rule.state}
            evidence |= {"schedule": rule.schedule, "pattern": rule.pattern}
            enabled = rule.state.upper() != "DISABLED"
            _trigger(
                graph,
                add_node,
                fn,
                rule.arn,
                "event rule",
                rule.name,
                "eventbridge",
                evidence,
                permission,
                enabled,
            )
    for schedule in invokers.schedules:
        fn = estate.function(schedule.function_arn or "")
        if fn is None:
            continue
        # The scheduler calls with its execution role, not through the function's resource policy.
        evidence = {
            "schedule": schedule.name,
            "group": schedule.group,
            "state": schedule.state,
        }
        evidence |= {
            "expression": schedule.expression,
            "role": schedule.role_arn,
            "target": schedule.target_arn,
        }
        enabled = schedule.state.upper() != "DISABLED"
        _trigger(
            graph, add_node, fn, schedule.arn, "schedule", schedule.name, "scheduler", evidence, None, enabled
        )
    for sub in invokers.sns_subscriptions:
        fn = estate.function(sub.function_arn or "")
        if fn is None:
            continue
        topic_account = sub.topic_arn.split(":")[4] if sub.topic_arn.count(":") >= 5 else None
        permission = service_permission(
            fn, ("sns.amazonaws.com",), (sub.topic_arn,), topic_account, policies=policies
        )
        evidence = {
            "topic": sub.topic_arn,
            "subscription": sub.subscription_arn,
            "endpoint": sub.endpoint,
        }
        label = sub.topic_arn.rsplit(":", 1)[-1]
        _trigger(graph, add_node, fn, sub.topic_arn, "topic", label, "sns", evidence, permission)
    for note in invokers.bucket_notifications:
        fn = estate.function(note.function_arn)
        if fn is None:
            continue
        permission = service_permission(
            fn, ("s3.amazonaws.com",), (note.bucket_arn,), note.account or None, policies=policies
        )
        evidence = {"bucket": note.bucket_arn, "id": note.id, "events": list(note.events)}
        evidence["filter"] = dict(note.filter_rules)
        label = note.bucket_arn.rsplit(":", 1)[-1]
        _trigger(
            graph, add_node, fn, note.bucket_arn, "bucket notification", label, "s3", evidence, permission
        )
    for sub_filter in invokers.log_subscriptions:
        fn = estate.function(sub_filter.function_arn or "")
        if fn is None:
            continue
        group = _log_group_arn(sub_filter.region, sub_filter.account, sub_filter.log_group)
        services = ("logs.amazonaws.com", f"logs.{sub_filter.region}.amazonaws.com")
        permission = service_permission(
            fn, services, (f"{group}:*", group), sub_filter.account, policies=policies
        )
        evidence = {"log_group": sub_filter.log_group, "filter": sub_filter.filter_name}
        evidence["pattern"] = sub_filter.filter_pattern
        _trigger(
            graph, add_node, fn, group, "log subscription", sub_filter.log_group, "logs", evidence, permission
        )


def _add_aliases(
    graph: nx.MultiDiGraph, add_node: AddNode, fn: LambdaFunction, policies: ResourcePolicies
) -> None:
    """Alias nodes, the alias -> function edge, and the grants in each alias's own policy."""
    for alias in fn.aliases:
        add_node(graph, alias.arn, kind="alias", label=f"{fn.name}:{alias.name}", account=fn.account)
        evidence: dict[str, Any] = {
            "alias": alias.name,
            "qualifier": alias.name,
            "function_version": alias.function_version,
        }
        evidence["routing_weights"] = dict(alias.routing_weights)
        _edge(graph, alias.arn, fn.arn, "invokes:alias", "alias", evidence)
        if alias.policy is None:
            continue
        grants, problems = grants_from_policy(
            dataclasses.replace(fn, policy=alias.policy, url=None), policies
        )
        graph.graph.setdefault("policy_problems", []).extend(problems)
        for grant in grants:
            if grant.action != INVOKE:  # function URLs belong to the function, not its aliases here
                continue
            add_node(
                graph,
                grant.source,
                kind=SOURCE_NODE_KINDS.get(grant.source_kind, "principal"),
                label=grant.source,
            )
            ev = grant.evidence() | {"qualifier": alias.name, "alias": alias.arn}
            graph.add_edge(
                grant.source,
                alias.arn,
                key=f"invokes:resource-policy:{grant.statement_sid or ''}:{grant.action}",
                kind="invokes",
                via="resource-policy",
                action=grant.action,
                conditional=grant.conditional,
                public=grant.source == INTERNET and not grant.scoped_by,
                evidence=json.loads(json.dumps(ev, default=str)),
                grant=grant,
            )


def add_invokers(
    graph: nx.MultiDiGraph, estate: Estate, add_node: AddNode, policies: ResourcePolicies | None = None
) -> None:
    """Add every trigger's nodes and `invokes` edges (functions must already be in the graph).
    `policies` shares resource policies already parsed for the functions' own grants."""
    policies = policies or ResourcePolicies()
    for fn in estate.functions:
        _add_aliases(graph, add_node, fn, policies)
    if estate.invokers is None:
        return
    for route in estate.invokers.api_routes:
        _add_route(graph, add_node, estate, route, policies)
    _add_triggers(graph, add_node, estate, estate.invokers, policies)
