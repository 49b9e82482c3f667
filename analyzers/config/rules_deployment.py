"""Configuration rules on how a function is deployed and triggered: code signing, layers from other
accounts, dead-letter queues for asynchronous triggers, reserved concurrency for internet-facing
functions, wildcard CORS on function URLs, and regions outside the allowed list.

Each per-function setting has a read state; "unknown" (not read, or refused) yields no finding.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from analyzers.config.function_finding import function_finding
from analyzers.config.rules_stores import SENSITIVE_CLASSES, classification
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from estate.model import Estate
from estate.model.invoke_grants import INTERNET

NO_CODE_SIGNING = RULES.register(
    Rule(
        id="config.no-code-signing",
        analyzer="config",
        severity=Severity.LOW,
        title="Function does not enforce code signing",
        rationale=(
            "Without a code signing configuration Lambda accepts any package a deployer uploads: a "
            "stolen CI credential or a compromised build step ships unreviewed code to production."
        ),
        remediation=(
            "Create a signing profile (AWS Signer) and a code signing config with "
            "UntrustedArtifactOnDeployment=Enforce, then aws lambda "
            "put-function-code-signing-config --function-name NAME --code-signing-config-arn ARN."
        ),
    ),
    check=lambda ctx: no_code_signing_findings(ctx.estate),
)

CROSS_ACCOUNT_LAYER = RULES.register(
    Rule(
        id="config.cross-account-layer",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Function runs a layer published by another account",
        rationale=(
            "A layer's code runs inside the function with its role's permissions. A layer owned by "
            "another account is code you neither build nor review, and its owner can delete the "
            "version (breaking deploys) or publish a malicious one you may pick up on upgrade."
        ),
        remediation=(
            "Vendor the layer into your own account (aws lambda get-layer-version, then "
            "publish-layer-version) after review, or pin and record the exact version you trust."
        ),
    ),
    check=lambda ctx: cross_account_layer_findings(ctx.estate),
)

NO_DLQ = RULES.register(
    Rule(
        id="config.no-dlq",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Asynchronously invoked function has no dead-letter queue or on-failure destination",
        rationale=(
            "S3, SNS, EventBridge, Scheduler and CloudWatch Logs invoke asynchronously: after the "
            "retries an event that keeps failing is dropped without trace unless a dead-letter "
            "queue (or an on-failure destination) keeps it."
        ),
        remediation=(
            "aws lambda update-function-configuration --function-name NAME --dead-letter-config "
            "TargetArn=QUEUE_OR_TOPIC_ARN (or configure an on-failure destination with "
            "put-function-event-invoke-config)."
        ),
    ),
    check=lambda ctx: no_dlq_findings(ctx.estate),
)

NO_RESERVED_CONCURRENCY = RULES.register(
    Rule(
        id="config.no-reserved-concurrency",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Internet-facing function has no reserved concurrency",
        rationale=(
            "Anyone on the internet can drive an internet-facing function to the account's "
            "concurrency limit, throttling every other function in the region (a denial of "
            "service and a denial of wallet); reserved concurrency caps it."
        ),
        remediation=(
            "aws lambda put-function-concurrency --function-name NAME "
            "--reserved-concurrent-executions N (console: Configuration > Concurrency)."
        ),
    ),
    check=lambda ctx: no_reserved_concurrency_findings(ctx.estate, ctx.graph),
)

URL_CORS_WILDCARD = RULES.register(
    Rule(
        id="config.url-cors-wildcard",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Function URL allows CORS requests from any origin",
        rationale=(
            "AllowOrigins * lets script on every website call the URL from a visitor's browser and "
            "read the response, so a phishing or compromised page can use the endpoint as its own."
        ),
        remediation=(
            "aws lambda update-function-url-config --function-name NAME --cors "
            "AllowOrigins=https://your.site (list the exact origins that need it)."
        ),
    ),
    check=lambda ctx: url_cors_wildcard_findings(ctx.estate),
)

REGION_NOT_ALLOWED = RULES.register(
    Rule(
        id="config.region-not-allowed",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Resource in a region outside the allowed list",
        rationale=(
            "The team's policy (lambdascope.toml allowed_regions) restricts where functions run and "
            "data lives; a resource elsewhere is outside the documented scope and may break data "
            "residency commitments."
        ),
        remediation=(
            "Move or delete the resource, or add the region to allowed_regions; enforce with an SCP "
            "denying actions where aws:RequestedRegion is not in the list."
        ),
    ),
    check=lambda ctx: region_not_allowed_findings(ctx.estate, ctx.settings),
)


def internet_facing(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Function ARN -> how anyone on the internet reaches it: a public `invokes` edge from
    `internet` to the function, or to an invoker (API route, URL, alias) that invokes it."""
    out: dict[str, str] = {}
    if INTERNET not in graph:
        return out
    for _src, node, data in graph.out_edges(INTERNET, data=True):
        if data.get("kind") != "invokes" or not data.get("public"):
            continue
        how = str(data.get("via") or "invokes")
        if graph.nodes[node].get("kind") == "function":
            out.setdefault(node, how)
            continue
        for _inv, target, hop in graph.out_edges(node, data=True):
            kind = graph.nodes[target].get("kind")
            if hop.get("kind") == "invokes" and not hop.get("conditional") and kind == "function":
                out.setdefault(target, f"{how} -> {node}")
    return out


def _code_signing_unsupported(estate: Estate) -> set[tuple[str, str]]:
    """(account, region) where the endpoint does not implement code signing (local emulators)."""
    return {
        (c.account, c.region)
        for c in estate.manifest.coverage
        if c.service == "lambda" and c.operation == "ListCodeSigningConfigs" and c.status == "unsupported"
    }


def no_code_signing_findings(estate: Estate) -> Iterator[Finding]:
    unsupported = _code_signing_unsupported(estate)
    for fn in estate.functions:
        if fn.code_signing_state != "absent" or fn.package_type != "Zip":
            continue  # unknown; container images are verified through ECR, not a signing config
        if (fn.account, fn.region) in unsupported:
            continue  # no function there can have one: the answer says nothing
        yield function_finding(
            NO_CODE_SIGNING,
            fn,
            "no code signing configuration",
            NO_CODE_SIGNING.severity,
            Evidence("CodeSigningConfigArn", None),
        )


def cross_account_layer_findings(estate: Estate) -> Iterator[Finding]:
    own = set(estate.manifest.accounts) | set(estate.iam_accounts)
    for fn in estate.functions:
        foreign = [ref for ref in fn.layer_refs if ref.cross_account]
        if not foreign:
            continue
        accounts = sorted({str(ref.account) for ref in foreign})
        # An account this snapshot also covers is presumably your own organisation's.
        severity = Severity.LOW if set(accounts) <= own else CROSS_ACCOUNT_LAYER.severity
        yield function_finding(
            CROSS_ACCOUNT_LAYER,
            fn,
            f"layer from account {', '.join(accounts)}",
            severity,
            Evidence("layers", [ref.arn for ref in foreign]),
            Evidence("owning accounts", accounts),
            Evidence("accounts in this snapshot", sorted(own & set(accounts))),
        )


def _async_triggers(estate: Estate) -> dict[str, list[str]]:
    """Function ARN -> the asynchronous triggers configured for it."""
    out: dict[str, list[str]] = {}
    invokers = estate.invokers
    if invokers is None:
        return out
    for note in invokers.bucket_notifications:
        out.setdefault(note.function_arn, []).append(f"S3 notification {note.bucket_arn}")
    for sub in invokers.sns_subscriptions:
        if sub.function_arn:
            out.setdefault(sub.function_arn, []).append(f"SNS subscription {sub.topic_arn}")
    for rule in invokers.event_rules:
        for arn in rule.function_arns:
            out.setdefault(arn, []).append(f"EventBridge rule {rule.arn} ({rule.state})")
    for schedule in invokers.schedules:
        if schedule.function_arn:
            out.setdefault(schedule.function_arn, []).append(f"Scheduler schedule {schedule.arn}")
    for sub_filter in invokers.log_subscriptions:
        if sub_filter.function_arn:
            out.setdefault(sub_filter.function_arn, []).append(f"Logs subscription {sub_filter.log_group}")
    return out


def no_dlq_findings(estate: Estate) -> Iterator[Finding]:
    """A dead-letter queue or an on-failure destination on the function keeps failed events;
    where the destinations were not read (older snapshot, refused) the answer is unknown."""
    for arn, triggers in sorted(_async_triggers(estate).items()):
        fn = estate.function(arn)
        if fn is None or fn.dead_letter_target or fn.event_invoke_state != "absent":
            continue
        unqualified = next((c for c in fn.event_invoke_configs if c.qualifier is None), None)
        # Triggers are modelled unqualified: a destination on an alias only may or may not apply.
        on_aliases = {
            c.qualifier: c.on_failure for c in fn.event_invoke_configs if c.qualifier and c.on_failure
        }
        yield function_finding(
            NO_DLQ,
            fn,
            f"no dead-letter queue or on-failure destination for {len(triggers)} asynchronous trigger(s)",
            NO_DLQ.severity,
            Evidence("DeadLetterConfig.TargetArn", None),
            Evidence("DestinationConfig.OnFailure", None),
            Evidence("asynchronous triggers", sorted(triggers)),
            Evidence("MaximumRetryAttempts", unqualified.maximum_retry_attempts if unqualified else None),
            Evidence("on-failure destinations of qualifiers", on_aliases or None),
        )


def no_reserved_concurrency_findings(estate: Estate, graph: nx.MultiDiGraph) -> Iterator[Finding]:
    for arn, how in sorted(internet_facing(graph).items()):
        fn = estate.function(arn)
        if fn is None or fn.reserved_concurrency_state != "absent":
            continue
        settings = estate.account_settings.get((fn.account, fn.region))
        limit = settings.concurrent_executions if settings is not None else None
        yield function_finding(
            NO_RESERVED_CONCURRENCY,
            fn,
            "internet-facing without reserved concurrency",
            NO_RESERVED_CONCURRENCY.severity,
            Evidence("ReservedConcurrentExecutions", None),
            Evidence("internet-facing via", how),
            Evidence("account concurrency limit", limit),
        )


def url_cors_wildcard_findings(estate: Estate) -> Iterator[Finding]:
    for fn in estate.functions:
        if fn.url is None or "*" not in fn.url.cors_allow_origins:
            continue
        public = fn.url.auth_type.upper() == "NONE"
        yield function_finding(
            URL_CORS_WILDCARD,
            fn,
            f"function URL allows any origin (AuthType {fn.url.auth_type})",
            Severity.MEDIUM if public else Severity.LOW,
            Evidence("Cors.AllowOrigins", list(fn.url.cors_allow_origins)),
            Evidence("AuthType", fn.url.auth_type),
            Evidence("FunctionUrl", fn.url.url),
        )


def region_not_allowed_findings(estate: Estate, settings: Settings) -> Iterator[Finding]:
    allowed = set(settings.allowed_regions)
    if not allowed:
        return
    evidence = Evidence("allowed_regions", sorted(allowed))
    for fn in estate.functions:
        if fn.region not in allowed:
            yield function_finding(
                REGION_NOT_ALLOWED,
                fn,
                f"function in {fn.region}",
                REGION_NOT_ALLOWED.severity,
                Evidence("region", fn.region),
                evidence,
            )
    for store in estate.data_stores.values():
        if store.region in allowed or store.region in ("unknown", "global", ""):
            continue  # a bucket whose location was not read has no known region
        label = classification(store, settings)
        yield Finding(
            rule=REGION_NOT_ALLOWED,
            resource=store.arn,
            title=f"{store.name}: {store.kind} in {store.region}",
            severity=Severity.HIGH if label in SENSITIVE_CLASSES else REGION_NOT_ALLOWED.severity,
            evidence=(
                Evidence("region", store.region),
                evidence,
                Evidence(settings.classification_tag_key, label),
            ),
            region=store.region,
        )
