"""config.no-code-signing, config.cross-account-layer, config.no-dlq, config.no-reserved-concurrency,
config.url-cors-wildcard and config.region-not-allowed, plus the demo estate."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Finding, Severity
from analyzers.findings.settings import Settings
from estate.snapshot import Record, Snapshot
from tests.builders import ACCOUNT, REGION, fn_arn, function, rule_case, statement
from tests.paths import DEMO_SNAPSHOT
from tests.unit.analyzers.config.config_estates import TODAY, coverage, names, queue, rec, run, snap, table

DEMO = DEMO_SNAPSHOT
US = "us-east-1"
FOREIGN = "999999999999"
SIGNING = "config.no-code-signing"
LAYER = "config.cross-account-layer"
DLQ = "config.no-dlq"
CONCURRENCY = "config.no-reserved-concurrency"
CORS = "config.url-cors-wildcard"
REGIONS = "config.region-not-allowed"
PUBLIC = [statement("*", Sid="public")]


def signing(name: str, arn: str | None) -> Record:
    return rec(
        "lambda",
        "GetFunctionCodeSigningConfig",
        {"FunctionName": name, "CodeSigningConfigArn": arn or ""},
        FunctionName=fn_arn(name),
    )


def concurrency(name: str, reserved: int | None) -> Record:
    answer = {} if reserved is None else {"ReservedConcurrentExecutions": reserved}
    return rec("lambda", "GetFunctionConcurrency", answer, FunctionName=fn_arn(name))


def evidence(finding: Finding, label: str) -> Any:
    return next(e.value for e in finding.evidence if e.label == label)


# --- config.no-code-signing --------------------------------------------------------------


@rule_case("config.no-code-signing", "positive")
def test_zip_function_without_a_signing_config_is_flagged() -> None:
    found = run(snap([function("deploy-me")], signing("deploy-me", None)), SIGNING)
    assert names(found) == {"deploy-me"} and found[0].severity is Severity.LOW


@rule_case("config.no-code-signing", "negative")
def test_signed_unread_image_and_unsupported_endpoint_are_not_flagged() -> None:
    functions = [function("signed"), function("unread"), function("image", package_type="Image")]
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:code-signing-config:csc-1"
    records = [signing("signed", arn), signing("image", None)]
    assert run(snap(functions, *records), SIGNING) == []
    # an endpoint without code signing at all (moto): the "none" answer says nothing
    unsupported = snap(
        [function("plain")],
        signing("plain", None),
        coverage=(coverage("lambda", "ListCodeSigningConfigs", "unsupported"),),
    )
    assert run(unsupported, SIGNING) == []
    denied = snap(
        [function("plain")],
        signing("plain", None),
        coverage=(coverage("lambda", "ListCodeSigningConfigs", "denied"),),
    )
    assert names(run(denied, SIGNING)) == {"plain"}  # the per-function answer still stands


# --- config.cross-account-layer ----------------------------------------------------------


def with_layers(name: str, *accounts: str) -> dict[str, Any]:
    raw = function(name)
    raw["Layers"] = [
        {"Arn": f"arn:aws:lambda:{REGION}:{a}:layer:shared-{i}:3"} for i, a in enumerate(accounts)
    ]
    return raw


@rule_case("config.cross-account-layer", "positive")
def test_layer_of_a_foreign_account_is_flagged_naming_it() -> None:
    found = run(snap([with_layers("api", ACCOUNT, FOREIGN)]), LAYER)
    assert len(found) == 1 and FOREIGN in found[0].title
    assert found[0].severity is Severity.MEDIUM
    assert evidence(found[0], "layers") == [f"arn:aws:lambda:{REGION}:{FOREIGN}:layer:shared-1:3"]


@rule_case("config.cross-account-layer", "positive")
def test_layer_of_another_account_in_the_snapshot_is_low() -> None:
    snapshot = snap([with_layers("api", FOREIGN)])
    manifest = dataclasses.replace(snapshot.manifest, accounts=(ACCOUNT, FOREIGN))
    found = run(Snapshot(manifest, snapshot.records), LAYER)
    assert len(found) == 1 and found[0].severity is Severity.LOW


@rule_case("config.cross-account-layer", "negative")
def test_own_layers_and_no_layers_pass() -> None:
    assert run(snap([with_layers("api", ACCOUNT), function("plain")]), LAYER) == []


# --- config.no-dlq -----------------------------------------------------------------------


def async_triggers() -> list[Record]:
    notification = {
        "LambdaFunctionConfigurations": [
            {"Id": "n1", "LambdaFunctionArn": fn_arn("ingest"), "Events": ["s3:ObjectCreated:*"]}
        ]
    }
    subscription = {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t", "Protocol": "lambda"}
    rule = {
        "Name": "nightly",
        "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly",
        "EventBusName": "default",
        "State": "ENABLED",
        "ScheduleExpression": "cron(0 2 * * ? *)",
    }
    schedule = {
        "Name": "hourly",
        "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/hourly",
        "GroupName": "default",
        "State": "ENABLED",
        "ScheduleExpression": "rate(1 hour)",
        "Target": {"Arn": fn_arn("hourly")},
    }
    return [
        rec("s3", "GetBucketNotificationConfiguration", notification, "global", Bucket="inbox"),
        rec("sns", "ListSubscriptions", {"Subscriptions": [{**subscription, "Endpoint": fn_arn("notify")}]}),
        rec("events", "ListRules", {"Rules": [rule]}),
        rec(
            "events",
            "ListTargetsByRule",
            {"Targets": [{"Id": "1", "Arn": fn_arn("batch")}]},
            EventBusName="default",
            Rule="nightly",
        ),
        rec("scheduler", "GetSchedule", schedule, Name="hourly"),
    ]


def invoke_configs(name: str, *configs: dict[str, Any]) -> Record:
    """ListFunctionEventInvokeConfigs for one function, as the collector keys it (by ARN)."""
    return rec(
        "lambda",
        "ListFunctionEventInvokeConfigs",
        {"FunctionEventInvokeConfigs": list(configs)},
        FunctionName=fn_arn(name),
    )


def invoke_config(name: str, qualifier: str | None = None, **destinations: str) -> dict[str, Any]:
    arn = fn_arn(name) + (f":{qualifier}" if qualifier else "")
    return {
        "FunctionArn": arn,
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 3600,
        "DestinationConfig": {k: {"Destination": v} for k, v in destinations.items()},
    }


QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"


@rule_case("config.no-dlq", "positive")
def test_async_invoked_functions_without_dlq_or_destination_are_flagged() -> None:
    functions = [function(n) for n in ("ingest", "notify", "batch", "hourly")]
    read = [
        invoke_configs("ingest"),  # none configured
        invoke_configs("notify", invoke_config("notify", OnSuccess=QUEUE_ARN)),  # success only
        invoke_configs("batch", invoke_config("batch", "live", OnFailure=QUEUE_ARN)),  # an alias only
        invoke_configs("hourly", invoke_config("hourly", "$LATEST")),  # retries tuned, no destination
    ]
    found = run(snap(functions, async_triggers(), read), DLQ)
    assert names(found) == {"ingest", "notify", "batch", "hourly"}
    ingest = next(f for f in found if f.title.startswith("ingest"))
    assert "no dead-letter queue or on-failure destination" in ingest.title
    assert evidence(ingest, "DestinationConfig.OnFailure") is None
    assert evidence(ingest, "MaximumRetryAttempts") is None
    assert evidence(ingest, "asynchronous triggers") == ["S3 notification arn:aws:s3:::inbox"]
    batch = next(f for f in found if f.title.startswith("batch"))
    assert evidence(batch, "on-failure destinations of qualifiers") == {"live": QUEUE_ARN}
    hourly = next(f for f in found if f.title.startswith("hourly"))
    assert evidence(hourly, "MaximumRetryAttempts") == 2


@rule_case("config.no-dlq", "negative")
def test_functions_with_a_dlq_or_only_synchronous_triggers_pass() -> None:
    with_dlq = [function(n) for n in ("ingest", "notify", "batch", "hourly")]
    for raw in with_dlq:
        raw["DeadLetterConfig"] = {"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"}
    mapping = {
        "UUID": "u",
        "EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q",
        "FunctionArn": fn_arn("poller"),
    }
    records = [
        *async_triggers(),
        rec("lambda", "ListEventSourceMappings", {"EventSourceMappings": [mapping]}),
        *(invoke_configs(n) for n in ("ingest", "notify", "batch", "hourly", "poller")),
    ]
    assert run(snap([*with_dlq, function("poller")], records), DLQ) == []


@rule_case("config.no-dlq", "negative")
def test_an_on_failure_destination_is_enough() -> None:
    functions = [function(n) for n in ("ingest", "notify", "batch", "hourly")]
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:failures"
    read = [
        invoke_configs("ingest", invoke_config("ingest", OnFailure=QUEUE_ARN)),
        invoke_configs("notify", invoke_config("notify", OnFailure=topic, OnSuccess=QUEUE_ARN)),
        invoke_configs("batch", invoke_config("batch", "$LATEST", OnFailure=QUEUE_ARN)),
        invoke_configs(
            "hourly", invoke_config("hourly", "live"), invoke_config("hourly", OnFailure=QUEUE_ARN)
        ),
    ]
    assert run(snap(functions, async_triggers(), read), DLQ) == []


@rule_case("config.no-dlq", "negative")
def test_destinations_not_collected_or_refused_is_unknown() -> None:
    functions = [function(n) for n in ("ingest", "notify", "batch", "hourly")]
    assert run(snap(functions, async_triggers()), DLQ) == []  # never read (an older snapshot)
    denied = rec(
        "lambda",
        "ListFunctionEventInvokeConfigs",
        {"Error": {"Code": "ResourceNotFoundException", "Message": "Function not found"}},
        FunctionName=fn_arn("ingest"),
    )
    # not found here means the function is gone, not "none configured"
    assert run(snap(functions, async_triggers(), denied), DLQ) == []


# --- config.no-reserved-concurrency ------------------------------------------------------


@rule_case("config.no-reserved-concurrency", "positive")
def test_public_function_without_reserved_concurrency_is_flagged() -> None:
    found = run(snap([function("open")], concurrency("open", None), policies={"open": PUBLIC}), CONCURRENCY)
    assert names(found) == {"open"}
    assert evidence(found[0], "internet-facing via") == "resource-policy"


@rule_case("config.no-reserved-concurrency", "negative")
def test_reserved_unknown_or_private_functions_pass() -> None:
    functions = [function("capped"), function("unread"), function("private")]
    records = [concurrency("capped", 50), concurrency("private", None)]
    policies = {"capped": PUBLIC, "unread": PUBLIC}
    assert run(snap(functions, *records, policies=policies), CONCURRENCY) == []


# --- config.url-cors-wildcard ------------------------------------------------------------


def url(auth: str, *origins: str) -> dict[str, Any]:
    return {
        "FunctionUrl": "https://abc.lambda-url.eu-west-1.on.aws/",
        "AuthType": auth,
        "Cors": {"AllowOrigins": list(origins)},
    }


@rule_case("config.url-cors-wildcard", "positive")
def test_wildcard_cors_is_flagged_worse_without_auth() -> None:
    urls = {"hook": url("NONE", "*"), "api": url("AWS_IAM", "https://app.example", "*")}
    found = {
        f.title.split(":")[0]: f for f in run(snap([function("hook"), function("api")], urls=urls), CORS)
    }
    assert set(found) == {"hook", "api"}
    assert found["hook"].severity is Severity.MEDIUM and found["api"].severity is Severity.LOW


@rule_case("config.url-cors-wildcard", "negative")
def test_explicit_origins_or_no_url_pass() -> None:
    urls = {"hook": url("NONE", "https://partner.example")}
    assert run(snap([function("hook"), function("plain")], urls=urls), CORS) == []


# --- config.region-not-allowed -----------------------------------------------------------


def us_function(name: str) -> Record:
    return rec("lambda", "ListFunctions", {"Functions": [function(name, region=US)]}, US)


@rule_case("config.region-not-allowed", "positive")
def test_resources_outside_allowed_regions_are_flagged() -> None:
    snapshot = snap(
        [function("eu-fn")], us_function("us-fn"), *table("eu-table", "pci"), *queue("eu-q", "pci")
    )
    found = run(snapshot, REGIONS, Settings(allowed_regions=(US,)))
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"eu-fn", "eu-table", "eu-q"}
    assert by_name["eu-table"].severity is Severity.HIGH  # pci data outside the allowed regions
    assert by_name["eu-fn"].severity is Severity.MEDIUM
    assert evidence(by_name["eu-fn"], "allowed_regions") == [US]


@rule_case("config.region-not-allowed", "negative")
def test_no_allowed_list_or_all_allowed_means_no_finding() -> None:
    snapshot = snap([function("eu-fn")], us_function("us-fn"), *table("eu-table", "pci"))
    assert run(snapshot, REGIONS) == []
    assert run(snapshot, REGIONS, Settings(allowed_regions=(REGION, US))) == []


# --- the demo estate ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Snapshot:
    if not DEMO.exists():
        pytest.skip("demo snapshot not built")
    from estate.snapshot import load_snapshot

    return load_snapshot(DEMO)


def by_rule(subject: Snapshot | Analysis, settings: Settings | None = None) -> dict[str, dict[str, Finding]]:
    """Findings by rule and name; of a snapshot analysed with `settings`, or of a shared analysis."""
    from analyzers.analysis import analyze_snapshot

    analysis = subject if isinstance(subject, Analysis) else analyze_snapshot(subject, TODAY, settings)
    out: dict[str, dict[str, Finding]] = {}
    for f in analysis.findings:
        out.setdefault(f.rule.id, {})[f.title.split(":", 1)[0]] = f
    return out


# Asynchronous triggers in estate/sources/demo_builder/catalogue_invokers.py, written out by hand.
DEMO_ASYNC = {
    *("settlement-batch", "settlement-report", "ledger-reconcile", "ledger-export-legacy"),
    *("payouts-stripe-sync", "fx-rates-refresh", "fraud-model-refresh", "statements-render"),
    *("platform-janitor", "audit-log-shipper", "statements-render-dr", "notify-digest"),
    *("kyc-watchlist-sync", "dr-health-probe"),  # EventBridge rules
    *("card-lifecycle-events", "statements-dispatch", "notify-email", "notify-sms", "notify-push"),  # SNS
    *("statements-ingest", "kyc-document-check", "settlement-file-ingest", "statements-archive-dr"),  # S3
}


@rule_case("config.no-dlq", "positive")
@rule_case("config.no-reserved-concurrency", "positive")
@rule_case("config.url-cors-wildcard", "positive")
def test_demo_function_deployment_rules(demo_analysis: Analysis) -> None:
    from tests.ground_truth.plants import (
        NO_DLQ_FUNCTIONS,
        PUBLIC_API_ROUTE_FUNCTIONS,
        PUBLIC_FUNCTIONS,
        RESERVED_CONCURRENCY,
    )

    found = by_rule(demo_analysis)
    # every other asynchronously invoked function has an on-failure destination (an SQS queue)
    assert set(NO_DLQ_FUNCTIONS) < DEMO_ASYNC
    assert set(found[DLQ]) == set(NO_DLQ_FUNCTIONS)
    assert all(evidence(f, "DestinationConfig.OnFailure") is None for f in found[DLQ].values())
    public = set(PUBLIC_FUNCTIONS) | set(PUBLIC_API_ROUTE_FUNCTIONS)
    assert set(found[CONCURRENCY]) == public - set(RESERVED_CONCURRENCY)
    assert set(found[CORS]) == {"partner-webhook-receiver"}
    # moto implements no code signing configs and the demo uses no layers: nothing to report
    assert SIGNING not in found and LAYER not in found
    assert REGIONS not in found  # no allowed_regions configured


@rule_case("config.region-not-allowed", "positive")
def test_demo_us_resources_are_outside_an_eu_only_policy(demo: Snapshot) -> None:
    from tests.ground_truth.plants import FUNCTIONS_BY_REGION

    found = by_rule(demo, Settings(allowed_regions=(REGION,)))[REGIONS]
    us_stores = {
        "notification-preferences",
        "fintech-statements-dr-us",
        "notify/sms-provider-key",
        "customer-notifications",
        "email-bounces",
        "lambda-async-failures-us",
        "platform-alerts-us",
        "/fintech/notify/sender-id",
    }
    assert set(found) == set(FUNCTIONS_BY_REGION[US]) | us_stores
    assert found["fintech-statements-dr-us"].severity is Severity.HIGH  # confidential
