"""reach.public-invoke: condition-aware, as AWS evaluates Lambda resource policies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analyzers.analysis import Analysis, analyze_snapshot
from analyzers.findings.model import Severity
from tests.builders import ACCOUNT, fn_arn, function, rule_case, snapshot_of, statement

RULE = "reach.public-invoke"
TODAY = dt.date(2026, 11, 29)


def public(stmts: list[dict[str, Any]], url: dict[str, Any] | None = None) -> list[Any]:
    snap = snapshot_of(
        [function("target")],
        policies={"target": stmts},
        urls={"target": url} if url else None,
    )
    return [f for f in analyze_snapshot(snap, TODAY).findings if f.rule.id == RULE]


def url(auth: str) -> dict[str, Any]:
    return {
        "FunctionUrl": "https://abc.lambda-url.eu-west-1.on.aws/",
        "AuthType": auth,
        "Cors": {"AllowOrigins": ["*"]},
    }


@rule_case(RULE, "positive")
def test_star_principal_without_condition_is_public() -> None:
    found = public([statement("*")])
    assert len(found) == 1
    assert found[0].severity is Severity.CRITICAL
    assert found[0].resource == fn_arn("target")
    assert found[0].path == ("internet", fn_arn("target"))
    assert found[0].evidence[0].value["Principal"] == "*"


@rule_case(RULE, "positive")
def test_aws_star_and_wildcard_action_are_public() -> None:
    assert public([statement({"AWS": "*"}, "lambda:*")])
    assert public([statement({"AWS": ["*"]}, "*")])
    assert public([statement("*", "lambda:invoke*")])  # actions are case-insensitive


@rule_case(RULE, "positive")
def test_url_auth_none_with_public_permission_is_public() -> None:
    stmt = statement(
        "*", "lambda:InvokeFunctionUrl", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    )
    found = public([stmt], url("NONE"))
    assert len(found) == 1 and "function URL" in found[0].title
    assert found[0].severity is Severity.CRITICAL  # the auth-type pairing narrows nothing


@rule_case(RULE, "positive")
def test_moto_shape_url_permission_is_parsed() -> None:
    # moto keeps the auth type as a top-level key instead of a condition
    stmt = statement("*", "lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
    assert public([stmt], url("NONE"))


@rule_case(RULE, "positive")
def test_conditions_that_do_not_identify_the_caller_stay_public() -> None:
    # Not-operators let everyone else in; IfExists passes for anonymous callers; a bare * scopes nothing
    assert public([statement("*", condition={"StringNotEquals": {"aws:SourceAccount": "111122223333"}})])
    assert public([statement("*", condition={"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}})])
    assert public([statement("*", condition={"ArnLike": {"aws:SourceArn": "*"}})])
    ip_scoped = public([statement("*", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})])
    assert ip_scoped and ip_scoped[0].severity is Severity.HIGH  # narrowed, not identified


@rule_case(RULE, "positive")
def test_not_action_that_leaves_invoke_allowed_is_public() -> None:
    stmt = {
        "Sid": "na",
        "Effect": "Allow",
        "Principal": "*",
        "NotAction": "lambda:GetFunction",
        "Resource": "*",
    }
    assert public([stmt])


@rule_case(RULE, "positive")
def test_conditional_deny_does_not_remove_public_grant() -> None:
    deny = statement("*", Effect="Deny", Sid="d", condition={"Bool": {"aws:SecureTransport": "false"}})
    assert public([statement("*"), deny])


@rule_case(RULE, "negative")
def test_star_scoped_by_source_arn_account_or_org_is_not_public() -> None:
    assert not public(
        [
            statement(
                "*",
                condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:topic"}},
            )
        ]
    )
    assert not public([statement("*", condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})])
    assert not public([statement("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})])


@rule_case(RULE, "negative")
def test_service_principals_are_not_public() -> None:
    # an S3 trigger permission without SourceAccount is a confused-deputy risk, not public access
    s3 = statement(
        {"Service": "s3.amazonaws.com"},
        condition={"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}},
    )
    assert not public([s3])
    assert not public([statement({"Service": "sns.amazonaws.com"})])


@rule_case(RULE, "negative")
def test_url_with_aws_iam_auth_is_not_public() -> None:
    stmt = statement(
        "*", "lambda:InvokeFunctionUrl", {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}
    )
    assert not public([stmt], url("AWS_IAM"))


@rule_case(RULE, "negative")
def test_url_permission_without_a_url_is_not_public() -> None:
    stmt = statement(
        "*", "lambda:InvokeFunctionUrl", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    )
    assert not public([stmt])
    assert not public([stmt], url("AWS_IAM"))


@rule_case(RULE, "negative")
def test_explicit_deny_beats_allow() -> None:
    assert not public([statement("*"), statement("*", Effect="Deny", Sid="deny-all")])


@rule_case(RULE, "negative")
def test_not_action_excluding_invoke_and_named_accounts_are_not_public() -> None:
    stmt = {
        "Sid": "na",
        "Effect": "Allow",
        "Principal": "*",
        "NotAction": "lambda:Invoke*",
        "Resource": "*",
    }
    assert not public([stmt])
    assert not public([statement({"AWS": "arn:aws:iam::210987654321:root"})])
    assert not public([statement("210987654321")])  # moto's raw account shape


@rule_case(RULE, "negative")
def test_no_policy_and_unparseable_policy_are_not_public() -> None:
    snap = snapshot_of([function("target")])
    assert not [f for f in analyze_snapshot(snap, TODAY).findings if f.rule.id == RULE]
    broken = [{"Effect": "Maybe", "Principal": "*", "Action": "lambda:InvokeFunction"}]
    assert public(broken) == []


def test_scoped_grants_are_attributed_to_what_the_condition_names() -> None:
    snap = snapshot_of(
        [function("target")],
        policies={
            "target": [
                statement("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, Sid="org"),
                statement("210987654321", Sid="partner"),
                statement(
                    {"Service": "s3.amazonaws.com"},
                    Sid="s3",
                    condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                ),
            ]
        },
    )
    graph = analyze_snapshot(snap, TODAY).graph
    sources = {
        src: data
        for src, _dst, data in graph.in_edges(fn_arn("target"), data=True)
        if data["kind"] == "invokes"
    }
    assert set(sources) == {"org:o-abc123", "account:210987654321", "service:s3.amazonaws.com"}
    assert sources["service:s3.amazonaws.com"]["conditional"] is True
    assert not any(data["public"] for data in sources.values())


# --- API Gateway routes and aliases -----------------------------------------------------------


def _api_public(records: list[Any], stmts: list[dict[str, Any]] | None) -> list[Any]:
    from tests.builders import function as fn_raw

    snap = snapshot_of([fn_raw("orders")], policies={"orders": stmts} if stmts else None, extra=records)
    return [f for f in analyze_snapshot(snap, TODAY).findings if f.rule.id == RULE]


APIGW_FOR_A1 = statement(
    {"Service": "apigateway.amazonaws.com"},
    condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:a1/*/GET/orders/*"}},
)


@rule_case(RULE, "positive")
def test_unauthenticated_route_on_public_api_is_public() -> None:
    from tests.unit.estate.test_graph_invokers import rest_api

    (found,) = _api_public(rest_api("orders"), [APIGW_FOR_A1])
    route = f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:a1/*/GET/orders/{{id}}"
    assert found.path == ("internet", route, fn_arn("orders"))
    assert "unauthenticated API route shop GET /orders/{id}" in found.title
    labels = {e.label: e.value for e in found.evidence}
    assert labels["authorization"] == "NONE" and labels["stages"] == ["prod"]


@rule_case(RULE, "negative")
def test_authorised_private_keyed_or_unpermitted_routes_are_not_public() -> None:
    from tests.unit.estate.test_graph_invokers import http_api, rest_api

    assert not _api_public(rest_api("orders", auth="AWS_IAM"), [APIGW_FOR_A1])
    assert not _api_public(rest_api("orders", auth="CUSTOM"), [APIGW_FOR_A1])
    assert not _api_public(
        http_api("orders", auth="JWT"), [statement({"Service": "apigateway.amazonaws.com"})]
    )
    assert not _api_public(rest_api("orders", endpoint="PRIVATE"), [APIGW_FOR_A1])
    assert not _api_public(rest_api("orders", api_key=True), [APIGW_FOR_A1])
    # the function only trusts API Gateway for another API: not a known working path
    other = statement(
        {"Service": "apigateway.amazonaws.com"},
        condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:zz/*/GET/*"}},
    )
    assert not _api_public(rest_api("orders"), [other])
    assert not _api_public(rest_api("orders", stages=()), [APIGW_FOR_A1])  # never deployed


@rule_case(RULE, "positive")
def test_public_alias_makes_the_function_public() -> None:
    from tests.unit.estate.test_graph_invokers import alias_records

    (found,) = _api_public(alias_records("orders", [statement("*", Sid="alias-open")]), None)
    assert found.path == ("internet", f"{fn_arn('orders')}:live", fn_arn("orders"))
    assert "public alias" in found.title


@rule_case(RULE, "negative")
def test_alias_scoped_to_an_account_is_not_public() -> None:
    from tests.unit.estate.test_graph_invokers import alias_records

    scoped = statement("*", condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    assert not _api_public(alias_records("orders", [scoped]), None)


def test_demo_public_functions_match_the_plants(demo_analysis: Analysis) -> None:
    from tests.ground_truth.plants import NOT_PUBLIC_TRAPS, PUBLIC_API_ROUTE_FUNCTIONS, PUBLIC_FUNCTIONS

    analysis = demo_analysis
    names = {f.resource.rsplit(":", 1)[-1] for f in analysis.findings if f.rule.id == RULE}
    assert names == set(PUBLIC_FUNCTIONS) | set(PUBLIC_API_ROUTE_FUNCTIONS)
    assert not names & set(NOT_PUBLIC_TRAPS)
    (status,) = [
        f for f in analysis.findings if f.rule.id == RULE and f.resource.endswith(":payments-status")
    ]
    assert len(status.path) == 3 and "/GET/payments/{paymentId}" in status.path[1]
