"""Per-function extras (tags, concurrency, code signing, asynchronous invocation configs, aliases,
versions, layers, log group) and the per-region account settings, from the reads
estate/sources/live/lambda_.py makes per function.

Each extra carries a state: "present", "absent" (read, and there is none) or "unknown" (not read,
or refused), so a missing read never passes for "not configured".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from estate.model.function_parts import Alias, EventInvokeConfig, LayerRef, ResourcePolicy
from estate.model.functions import LambdaFunction
from estate.model.raw import arn_account, error_code, index_responses, response_state
from estate.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """GetAccountSettings for one account and region."""

    account: str
    region: str
    concurrent_executions: int | None
    unreserved_concurrent_executions: int | None
    code_size_zipped: int | None = None
    total_code_size: int | None = None


def layer_refs(raw_layers: Iterable[Any], account: str) -> tuple[LayerRef, ...]:
    out = []
    for layer in raw_layers or ():
        arn = str(layer.get("Arn", "")) if isinstance(layer, Mapping) else str(layer)
        owner = arn_account(arn)
        out.append(LayerRef(arn, owner, owner is not None and owner != account))
    return tuple(out)


def _concurrency(response: Any) -> tuple[int | None, str]:
    state = response_state(response)
    if state != "present":
        return None, "unknown" if state == "unknown" else "absent"
    value = response.get("ReservedConcurrentExecutions")
    return (int(value), "present") if value is not None else (None, "absent")


def _code_signing(response: Any) -> tuple[str | None, str]:
    if response is None or error_code(response):
        return None, "unknown"  # not-found here means the function is gone, not "unsigned"
    arn = response.get("CodeSigningConfigArn")
    return (str(arn), "present") if arn else (None, "absent")


def _tags(response: Any) -> tuple[dict[str, str], str]:
    state = response_state(response)
    if state != "present":
        return {}, state
    return {str(k): str(v) for k, v in (response.get("Tags") or {}).items()}, "present"


def _alias(raw: Mapping[str, Any], policies: Mapping[Any, list[Any]], account: str, region: str) -> Alias:
    arn = str(raw.get("AliasArn", ""))
    weights = (raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    found = policies.get((account, region, (arn,)))
    response = found[0] if found else None
    state = response_state(response)
    policy = None
    if state == "present" and response is not None:
        policy = ResourcePolicy(str(response.get("Policy", "")), response.get("RevisionId"))
    return Alias(
        name=str(raw.get("Name", "")),
        arn=arn,
        function_version=str(raw.get("FunctionVersion", "")),
        routing_weights={str(k): float(v) for k, v in weights.items()},
        policy=policy,
        policy_state=state,
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _event_invoke_config(raw: Mapping[str, Any]) -> EventInvokeConfig:
    parts = str(raw.get("FunctionArn", "")).split(":")
    qualifier = parts[7] if len(parts) > 7 and parts[7] not in ("", "$LATEST") else None
    destinations = raw.get("DestinationConfig") or {}
    return EventInvokeConfig(
        qualifier=qualifier,
        on_failure=(destinations.get("OnFailure") or {}).get("Destination") or None,
        on_success=(destinations.get("OnSuccess") or {}).get("Destination") or None,
        maximum_retry_attempts=_optional_int(raw.get("MaximumRetryAttempts")),
        maximum_event_age_seconds=_optional_int(raw.get("MaximumEventAgeInSeconds")),
    )


def _event_invoke(pages: list[Any] | None) -> tuple[tuple[EventInvokeConfig, ...], str | None, str]:
    """(every qualifier's config, the unqualified function's on-failure destination, state).

    The state is about the unqualified function, which the async triggers in the model invoke:
    "present" when it has an on-failure destination, "absent" when the configs were read and it
    has none (no config, or one without OnFailure), "unknown" when not read or refused.
    """
    raw, state = _listing(pages, "FunctionEventInvokeConfigs")
    if state == "unknown":
        return (), None, "unknown"
    configs = tuple(_event_invoke_config(c) for c in raw if isinstance(c, Mapping))
    destination = next((c.on_failure for c in configs if c.qualifier is None and c.on_failure), None)
    return configs, destination, "present" if destination else "absent"


def _listing(pages: list[Any] | None, key: str) -> tuple[list[Any], str]:
    if not pages:
        return [], "unknown"
    items: list[Any] = []
    for page in pages:
        if error_code(page):
            return [], "unknown"
        items.extend(page.get(key) or ())
    return items, "present" if items else "absent"


def enrich_functions(functions: Iterable[LambdaFunction], snapshot: Snapshot) -> tuple[LambdaFunction, ...]:
    """The functions with their per-function extras filled in from the snapshot (one index per read)."""
    first = lambda records, *p: {k: v[0] for k, v in index_responses(records, *p).items()}  # noqa: E731
    tags = first(snapshot.responses("lambda", "ListTags"), "Resource")
    concurrency = first(snapshot.responses("lambda", "GetFunctionConcurrency"), "FunctionName")
    signing = first(snapshot.responses("lambda", "GetFunctionCodeSigningConfig"), "FunctionName")
    aliases = index_responses(snapshot.responses("lambda", "ListAliases"), "FunctionName")
    versions = index_responses(snapshot.responses("lambda", "ListVersionsByFunction"), "FunctionName")
    policies = index_responses(snapshot.responses("lambda", "GetPolicy"), "FunctionName")
    invoke_configs = index_responses(
        snapshot.responses("lambda", "ListFunctionEventInvokeConfigs"), "FunctionName"
    )
    logging: dict[str, str] = {}
    for record in snapshot.responses("lambda", "ListFunctions"):
        for raw in record.response.get("Functions", ()) or ():
            group = (raw.get("LoggingConfig") or {}).get("LogGroup")
            if group:
                logging[str(raw.get("FunctionArn"))] = str(group)
    out = []
    for fn in functions:
        by_arn = (fn.account, fn.region, (fn.arn,))
        by_name = (fn.account, fn.region, (fn.name,))
        fn_tags, tags_state = _tags(tags.get(by_arn))
        reserved, reserved_state = _concurrency(concurrency.get(by_arn))
        csc, csc_state = _code_signing(signing.get(by_arn))
        raw_aliases, aliases_state = _listing(aliases.get(by_name), "Aliases")
        event_configs, on_failure, event_state = _event_invoke(invoke_configs.get(by_arn))
        raw_versions, versions_state = _listing(versions.get(by_name), "Versions")
        published = tuple(
            str(v["Version"]) for v in raw_versions if v.get("Version") not in (None, "$LATEST")
        )
        out.append(
            dataclasses.replace(
                fn,
                tags=fn_tags,
                tags_state=tags_state,
                reserved_concurrency=reserved,
                reserved_concurrency_state=reserved_state,
                code_signing_config_arn=csc,
                code_signing_state=csc_state,
                event_invoke_configs=event_configs,
                on_failure_destination=on_failure,
                event_invoke_state=event_state,
                aliases=tuple(_alias(a, policies, fn.account, fn.region) for a in raw_aliases),
                aliases_state=aliases_state,
                versions=published,
                versions_state="present"
                if published
                else ("unknown" if versions_state == "unknown" else "absent"),
                layer_refs=layer_refs(fn.layers, fn.account),
                log_group=logging.get(fn.arn),
            )
        )
    return tuple(out)


def parse_account_settings(snapshot: Snapshot) -> dict[tuple[str, str], AccountSettings]:
    out: dict[tuple[str, str], AccountSettings] = {}
    for record in snapshot.responses("lambda", "GetAccountSettings"):
        response = record.response
        if not isinstance(response, Mapping) or error_code(response):
            continue
        limit = response.get("AccountLimit") or {}
        usage = response.get("AccountUsage") or {}

        def number(value: Any) -> int | None:
            return None if value is None else int(value)

        account, region = record.key.account, record.key.region
        out[(account, region)] = AccountSettings(
            account=account,
            region=region,
            concurrent_executions=number(limit.get("ConcurrentExecutions")),
            unreserved_concurrent_executions=number(limit.get("UnreservedConcurrentExecutions")),
            code_size_zipped=number(limit.get("CodeSizeZipped")),
            total_code_size=number(usage.get("TotalCodeSize")),
        )
    return out
