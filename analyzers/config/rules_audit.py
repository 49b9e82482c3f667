"""Configuration rules on audit and monitoring: log retention of the functions' log groups,
CloudTrail data events for Lambda Invoke, and CloudWatch alarms on Errors and Throttles.

Each rule first asks whether the read behind it was done for the function's account and region
(`Estate.collected`); where it was not, or failed, the answer is unknown and there is no finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import networkx as nx

from analyzers.config.function_finding import function_finding
from analyzers.config.rules_deployment import internet_facing
from analyzers.findings.model import Evidence, Finding, Rule, Severity, finding_id
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from estate.model import Estate, LambdaFunction
from estate.model.audit import Alarm, Trail
from policy.actions import wildcard_match

ALARM_METRICS = ("Errors", "Throttles")

LOG_RETENTION = RULES.register(
    Rule(
        id="config.log-retention",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Function logs kept shorter than required, forever, or not at all",
        rationale=(
            "PCI DSS 10.5.1 wants twelve months of audit history: a shorter retention loses the "
            "evidence an investigation needs. Never-expiring groups keep any personal or card data "
            "that reached the logs indefinitely; a missing group means nothing was logged yet, or "
            "the logs were deleted."
        ),
        remediation=(
            "aws logs put-retention-policy --log-group-name /aws/lambda/NAME --retention-in-days 365 "
            "(or the value of min_log_retention_days; console: CloudWatch > Log groups > "
            "Actions > Edit retention setting)."
        ),
    ),
    check=lambda ctx: log_retention_findings(ctx.estate, ctx.settings),
)

NO_TRAIL_DATA_EVENTS = RULES.register(
    Rule(
        id="config.no-trail-data-events",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="No CloudTrail trail records Lambda Invoke data events",
        rationale=(
            "Management events do not include lambda:Invoke. Without data events nobody can tell "
            "who invoked a function, when, or from where: abuse of a public or over-shared "
            "function leaves no audit trail."
        ),
        remediation=(
            "aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors "
            '\'[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},'
            '{"Field":"resources.type","Equals":["AWS::Lambda::Function"]}]}]\' on a logging, '
            "multi-Region trail."
        ),
    ),
    check=lambda ctx: no_trail_data_events_findings(ctx.estate),
)

NO_ALARMS = RULES.register(
    Rule(
        id="config.no-alarms",
        analyzer="config",
        severity=Severity.LOW,
        title="Function has no CloudWatch alarm on Errors and Throttles",
        rationale=(
            "Without alarms on AWS/Lambda Errors and Throttles a failing or throttled function is "
            "found by its users, not by the team: failed payments or dropped events go unnoticed."
        ),
        remediation=(
            "aws cloudwatch put-metric-alarm --namespace AWS/Lambda --metric-name Errors "
            "--dimensions Name=FunctionName,Value=NAME --statistic Sum --period 300 "
            "--threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 "
            "--alarm-actions SNS_TOPIC_ARN (and the same for Throttles)."
        ),
    ),
    check=lambda ctx: no_alarms_findings(ctx.estate, ctx.graph),
)


def _collected(estate: Estate, service: str, operation: str) -> Callable[[str, str], bool]:
    """Was the read done (and did it not fail) in an account and region; memoised per place."""
    seen: dict[tuple[str, str], bool] = {}

    def check(account: str, region: str) -> bool:
        if (account, region) not in seen:
            seen[(account, region)] = estate.collected(service, operation, account, region) is True
        return seen[(account, region)]

    return check


def log_retention_findings(estate: Estate, settings: Settings) -> Iterator[Finding]:
    minimum = settings.min_log_retention_days
    collected = _collected(estate, "logs", "DescribeLogGroups")
    for fn in estate.functions:
        if not collected(fn.account, fn.region):
            continue
        group = estate.log_groups.get((fn.account, fn.region, fn.log_group_name))
        required = Evidence("min_log_retention_days", minimum)
        if group is None:
            invocations = estate.series(fn, "Invocations")
            yield function_finding(
                LOG_RETENTION,
                fn,
                f"no log group {fn.log_group_name} (logs not written yet, or deleted)",
                Severity.LOW,
                Evidence("log group", fn.log_group_name),
                Evidence("found", False),
                # invoked yet no group: logs deleted, or the role may not write them
                Evidence(
                    "Invocations in the metrics window", sum(invocations.values) if invocations else None
                ),
                required,
            )
        elif group.retention_days is None:
            yield function_finding(
                LOG_RETENTION,
                fn,
                f"log group {group.name} never expires",
                Severity.LOW,
                Evidence("log group", group.arn or group.name),
                Evidence("retentionInDays", None),
                required,
            )
        elif group.retention_days < minimum:
            yield function_finding(
                LOG_RETENTION,
                fn,
                f"log group {group.name} kept {group.retention_days} days (< {minimum})",
                LOG_RETENTION.severity,
                Evidence("log group", group.arn or group.name),
                Evidence("retentionInDays", group.retention_days),
                required,
            )


def _scope_covers(trail: Trail, fn: LambdaFunction) -> bool:
    for value in trail.lambda_data_scope:
        if value.startswith("*"):
            return True  # every function ("* (with exclusions)" is given the benefit of the doubt)
        pattern = value if "*" in value else f"{value}*"  # selector values are ARN prefixes
        if wildcard_match(pattern, fn.arn):
            return True
    return False


def _trail_evidence(trail: Trail) -> dict[str, object]:
    return {
        "trail": trail.arn,
        "multi_region": trail.multi_region,
        "is_logging": trail.is_logging,
        "lambda_data_events": trail.lambda_data_events,
        "scope": list(trail.lambda_data_scope),
    }


def _region_verdict(trails: list[Trail], functions: list[LambdaFunction]) -> tuple[str, list[LambdaFunction]]:
    """("covered" | "unknown" | "missing", the functions no logging trail records)."""
    uncovered = list(functions)
    unknown = False
    for trail in trails:
        if trail.is_logging is False:
            continue
        if trail.is_logging is None or trail.lambda_data_events is None:
            unknown = True
            continue
        if trail.lambda_data_events:
            uncovered = [fn for fn in uncovered if not _scope_covers(trail, fn)]
    if not uncovered:
        return "covered", []
    return ("unknown" if unknown else "missing"), uncovered


def no_trail_data_events_findings(estate: Estate) -> Iterator[Finding]:
    groups: dict[tuple[str, str], list[LambdaFunction]] = {}
    for fn in estate.functions:
        groups.setdefault((fn.account, fn.region), []).append(fn)
    for (account, region), functions in sorted(groups.items()):
        if estate.collected("cloudtrail", "DescribeTrails", account, region) is not True:
            continue
        trails = sorted(
            # an organization trail (seen as a shadow from member accounts) logs every account of it
            (
                t
                for t in estate.trails.values()
                if (t.account == account or t.organization_trail) and t.covers(region)
            ),
            key=lambda t: t.arn,
        )
        verdict, uncovered = _region_verdict(trails, functions)
        if verdict == "covered":
            continue
        names = sorted(fn.name for fn in uncovered)
        partial = len(uncovered) < len(functions)
        if verdict == "unknown":
            title = f"account {account} {region}: Lambda data events unknown (selectors or status not read)"
            severity = Severity.INFO
        elif not trails:
            title = f"account {account} {region}: no CloudTrail trail covers the region"
            severity = NO_TRAIL_DATA_EVENTS.severity
        else:
            what = f"{len(names)} of {len(functions)} functions" if partial else "Lambda Invoke"
            title = f"account {account} {region}: no logging trail records data events for {what}"
            severity = NO_TRAIL_DATA_EVENTS.severity
        resource = f"account:{account}"
        yield Finding(
            rule=NO_TRAIL_DATA_EVENTS,
            resource=resource,
            title=title,
            severity=severity,
            # one finding per region of the account: the region joins the hashed material
            id=finding_id(NO_TRAIL_DATA_EVENTS.id, resource, (region,)),
            evidence=(
                Evidence("region", region),
                Evidence("trails covering the region", [_trail_evidence(t) for t in trails]),
                Evidence("functions not recorded", names),
            ),
            region=region,
        )


class _AlarmIndex:
    """AWS/Lambda Errors/Throttles alarms by (account, region, function name); "" keys the
    account-wide ones (no dimensions), which watch every function of the region."""

    def __init__(self, alarms: Iterable[Alarm]) -> None:
        self.by_function: dict[tuple[str, str, str], dict[str, list[str]]] = {}
        for alarm in alarms:
            if alarm.namespace != "AWS/Lambda" or alarm.metric_name not in ALARM_METRICS:
                continue
            dims = dict(alarm.dimensions)
            # FunctionName, or Resource "name:alias" for a version or alias
            name = dims.get("FunctionName") or dims.get("Resource", "").split(":", 1)[0]
            if alarm.dimensions and not name:
                continue  # e.g. ExecutedVersion only: not about a function we can name
            watched = self.by_function.setdefault((alarm.account, alarm.region, name), {})
            watched.setdefault(str(alarm.metric_name), []).append(alarm.name)

    def watching(self, fn: LambdaFunction) -> dict[str, list[str]]:
        """Metric -> the alarms watching it for this function (its own or account-wide)."""
        out: dict[str, list[str]] = {}
        for name in (fn.name, ""):
            for metric, alarms in self.by_function.get((fn.account, fn.region, name), {}).items():
                out.setdefault(metric, []).extend(alarms)
        return out


def no_alarms_findings(estate: Estate, graph: nx.MultiDiGraph) -> Iterator[Finding]:
    index = _AlarmIndex(estate.alarms.values())
    public = internet_facing(graph)
    collected = _collected(estate, "cloudwatch", "DescribeAlarms")
    for fn in estate.functions:
        if not collected(fn.account, fn.region):
            continue
        watched = index.watching(fn)
        missing = [m for m in ALARM_METRICS if m not in watched]
        if not missing:
            continue
        exposed = fn.arn in public
        yield function_finding(
            NO_ALARMS,
            fn,
            f"no alarm on {' or '.join(missing)}" + (" (internet-facing)" if exposed else ""),
            Severity.MEDIUM if exposed else NO_ALARMS.severity,
            Evidence("missing alarms", [f"AWS/Lambda {m}" for m in missing]),
            Evidence("alarms found", watched),
            Evidence("internet-facing", public.get(fn.arn)),
        )
