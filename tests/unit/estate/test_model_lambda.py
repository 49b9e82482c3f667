"""Per-function extras, account settings and `Estate.collected` (coverage)."""

from __future__ import annotations

from typing import Any

from estate.model import Estate
from estate.model.function_extras import enrich_functions, parse_account_settings, parse_lambda_functions
from estate.model.functions import parse_functions
from estate.model.load import load_estate
from estate.snapshot import CoverageEntry, Manifest, Record, RecordKey, Snapshot, load_snapshot

ACCT, EU = "111122223333", "eu-west-1"
ARN = f"arn:aws:lambda:{EU}:{ACCT}:function:f"
LAYER = f"arn:aws:lambda:{EU}:999988887777:layer:shared:3"


def _rec(op: str, params: dict[str, Any], response: Any) -> Record:
    return Record(RecordKey(ACCT, EU, "lambda", op, params), response)


def _snap(*records: Record, coverage: tuple[CoverageEntry, ...] = ()) -> Snapshot:
    return Snapshot(
        Manifest(created_at="2026-01-01T00:00:00+00:00", source="test", coverage=coverage), list(records)
    )


LIST = _rec(
    "ListFunctions",
    {},
    {
        "Functions": [
            {
                "FunctionArn": ARN,
                "FunctionName": "f",
                "Role": "arn:role",
                "LoggingConfig": {"LogGroup": "/custom/f"},
                "Layers": [{"Arn": LAYER}, {"Arn": f"arn:aws:lambda:{EU}:{ACCT}:layer:own:1"}],
            },
            {"FunctionArn": ARN.replace(":f", ":g"), "FunctionName": "g", "Role": "arn:role"},
        ]
    },
)


def _functions(*records: Record) -> dict[str, Any]:
    snap = _snap(LIST, *records)
    built = parse_lambda_functions(snap)  # what the loader runs: each record built once
    assert built == enrich_functions(parse_functions(snap), snap)
    return {f.name: f for f in built}


def test_one_construction_matches_parse_then_enrich_on_the_demo_and_relisted_functions() -> None:
    demo = load_snapshot("estate/sources/demo/demo.lsnap")
    assert parse_lambda_functions(demo) == enrich_functions(parse_functions(demo), demo)
    relisted = _rec(  # the same function in a later page, without its log group: the last wins
        "ListFunctions",
        {"Marker": "2"},
        {"Functions": [{"FunctionArn": ARN, "FunctionName": "f", "Role": "r2"}]},
    )
    snap = _snap(LIST, relisted)
    fns = {f.name: f for f in parse_lambda_functions(snap)}
    assert fns["f"].role_arn == "r2" and fns["f"].log_group_name == "/custom/f"
    assert tuple(fns.values()) == enrich_functions(parse_functions(snap), snap)


def test_extras_present() -> None:
    fns = _functions(
        _rec("ListTags", {"Resource": ARN}, {"Tags": {"team": "x"}}),
        _rec("GetFunctionConcurrency", {"FunctionName": ARN}, {"ReservedConcurrentExecutions": 0}),
        _rec(
            "GetFunctionCodeSigningConfig",
            {"FunctionName": ARN},
            {"CodeSigningConfigArn": "arn:csc", "FunctionName": "f"},
        ),
        _rec(
            "ListAliases",
            {"FunctionName": "f"},
            {
                "Aliases": [
                    {
                        "Name": "live",
                        "AliasArn": f"{ARN}:live",
                        "FunctionVersion": "2",
                        "RoutingConfig": {"AdditionalVersionWeights": {"3": 0.1}},
                    }
                ]
            },
        ),
        _rec("GetPolicy", {"FunctionName": f"{ARN}:live"}, {"Policy": '{"Statement": []}'}),
        _rec(
            "ListVersionsByFunction",
            {"FunctionName": "f"},
            {"Versions": [{"Version": "$LATEST"}, {"Version": "2"}]},
        ),
    )
    f = fns["f"]
    assert f.tags == {"team": "x"} and f.tags_state == "present"
    assert (f.reserved_concurrency, f.reserved_concurrency_state) == (
        0,
        "present",
    )  # 0 = throttled, not "none"
    assert (f.code_signing_config_arn, f.code_signing_state) == ("arn:csc", "present")
    (alias,) = f.aliases
    assert (alias.function_version, alias.routing_weights, alias.policy_state) == ("2", {"3": 0.1}, "present")
    assert f.versions == ("2",) and f.log_group_name == "/custom/f"
    assert [(r.account, r.cross_account) for r in f.layer_refs] == [("999988887777", True), (ACCT, False)]
    assert f.layers == (LAYER, f"arn:aws:lambda:{EU}:{ACCT}:layer:own:1")


def test_extras_absent_vs_not_collected() -> None:
    fns = _functions(
        _rec("GetFunctionConcurrency", {"FunctionName": ARN}, {}),
        _rec("GetFunctionCodeSigningConfig", {"FunctionName": ARN}, {"FunctionName": "f"}),  # moto's answer
        _rec("ListAliases", {"FunctionName": "f"}, {"Aliases": []}),
        _rec("ListVersionsByFunction", {"FunctionName": "f"}, {"Versions": [{"Version": "$LATEST"}]}),
    )
    f, g = fns["f"], fns["g"]
    assert (f.reserved_concurrency_state, f.code_signing_state, f.aliases_state, f.versions_state) == (
        "absent",
    ) * 4
    assert (g.reserved_concurrency_state, g.code_signing_state, g.aliases_state, g.versions_state) == (
        "unknown",
    ) * 4
    assert g.tags_state == "unknown" and g.log_group_name == "/aws/lambda/g"


def test_account_settings_present_or_missing() -> None:
    snap = _snap(
        _rec(
            "GetAccountSettings",
            {},
            {"AccountLimit": {"ConcurrentExecutions": 1000, "UnreservedConcurrentExecutions": 900}},
        )
    )
    settings = parse_account_settings(snap)[(ACCT, EU)]
    assert (settings.concurrent_executions, settings.unreserved_concurrent_executions) == (1000, 900)
    assert parse_account_settings(_snap()) == {}


def _estate(
    coverage: tuple[CoverageEntry, ...], responded: frozenset[tuple[str, str, str, str]] = frozenset()
) -> Estate:
    return Estate(Manifest(created_at="x", source="t", coverage=coverage), responded=responded)


def test_collected_ok_failed_unknown() -> None:
    ok = CoverageEntry(ACCT, EU, "ec2", "DescribeSubnets", "ok")
    denied = CoverageEntry(ACCT, "us-east-1", "ec2", "DescribeSubnets", "denied", "AccessDenied")
    estate = _estate((ok, denied))
    assert estate.collected("ec2", "DescribeSubnets", ACCT, EU) is True
    assert estate.collected("ec2", "DescribeSubnets", ACCT, "us-east-1") is False
    assert estate.collected("ec2", "DescribeSubnets") is False  # partial across regions
    assert estate.collected("ec2", "DescribeVpcs", ACCT, EU) is None
    assert estate.collected("ec2", "DescribeSubnets", "999988887777") is None


def test_collected_from_stored_responses_and_global_region() -> None:
    estate = _estate(
        (CoverageEntry(ACCT, "global", "s3", "GetBucketPolicy", "ok"),),
        frozenset({(ACCT, EU, "cloudtrail", "GetTrailStatus")}),
    )
    assert estate.collected("cloudtrail", "GetTrailStatus", ACCT, EU) is True
    assert estate.collected("s3", "GetBucketPolicy", region=EU) is True


def test_demo_extras_and_coverage() -> None:
    demo = load_estate(load_snapshot("estate/sources/demo/demo.lsnap"))
    by_name = {f.name: f for f in demo.functions}
    assert by_name["payments-authorize"].reserved_concurrency == 100
    assert by_name["release-canary"].reserved_concurrency_state == "absent"
    assert by_name["payments-authorize"].tags["team"] == "payments"
    assert all(f.tags_state == "present" for f in demo.functions)
    assert demo.account_settings == {}
    assert demo.collected("lambda", "GetAccountSettings", "123456789012", "eu-west-1") is False
    assert demo.collected("lambda", "ListFunctions", "123456789012", "eu-west-1") is True


def _invoke_configs(arn: str, *configs: dict[str, Any]) -> Record:
    return _rec(
        "ListFunctionEventInvokeConfigs", {"FunctionName": arn}, {"FunctionEventInvokeConfigs": list(configs)}
    )


def test_event_invoke_configs_give_the_unqualified_on_failure_destination() -> None:
    queue, topic = f"arn:aws:sqs:{EU}:{ACCT}:failures", f"arn:aws:sns:{EU}:{ACCT}:ok"
    fns = _functions(
        _invoke_configs(
            ARN,
            {  # AWS names the unqualified config $LATEST; moto leaves the qualifier out
                "FunctionArn": f"{ARN}:$LATEST",
                "MaximumRetryAttempts": 1,
                "MaximumEventAgeInSeconds": 600,
                "DestinationConfig": {
                    "OnFailure": {"Destination": queue},
                    "OnSuccess": {"Destination": topic},
                },
            },
            {"FunctionArn": f"{ARN}:live", "DestinationConfig": {"OnFailure": {"Destination": topic}}},
        ),
        _invoke_configs(
            ARN.replace(":f", ":g"),
            {
                "FunctionArn": f"{ARN.replace(':f', ':g')}:live",
                "DestinationConfig": {"OnFailure": {"Destination": queue}},
            },
        ),
    )
    f, g = fns["f"], fns["g"]
    assert (f.on_failure_destination, f.event_invoke_state) == (queue, "present")
    assert [(c.qualifier, c.on_failure, c.on_success) for c in f.event_invoke_configs] == [
        (None, queue, topic),
        ("live", topic, None),
    ]
    assert (
        f.event_invoke_configs[0].maximum_retry_attempts,
        f.event_invoke_configs[0].maximum_event_age_seconds,
    ) == (1, 600)
    # only an alias has a destination: the unqualified function (what triggers invoke) has none
    assert (g.on_failure_destination, g.event_invoke_state) == (None, "absent")


def test_event_invoke_configs_none_unread_or_not_found() -> None:
    gone = _rec(
        "ListFunctionEventInvokeConfigs",
        {"FunctionName": ARN},
        {"Error": {"Code": "ResourceNotFoundException", "Message": "Function not found"}},
    )
    fns = _functions(gone, _invoke_configs(ARN.replace(":f", ":g")))
    assert (fns["f"].event_invoke_state, fns["f"].event_invoke_configs) == ("unknown", ())
    assert (fns["g"].event_invoke_state, fns["g"].on_failure_destination) == ("absent", None)
    assert _functions()["f"].event_invoke_state == "unknown"  # never read
