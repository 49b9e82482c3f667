"""The anomaly rules and their findings: every function's CloudWatch series, scored in one batch.

Series are laid on one shared 5-minute grid per (account, region) so each metric is one
(functions x points) block and one vectorised pass. A function gets at most one finding per rule
(users suppress by rule and resource); its evidence lists the worst window first, then the others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from analyzers.anomaly.detect import (
    AnomalyWindow,
    Grid,
    make_grid,
    place,
    point_alerts,
    presence,
    windows_of,
)
from analyzers.anomaly.windows import METRIC_KINDS, Thresholds
from analyzers.findings.context import RuleContext
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from estate.model import Estate, MetricSeries

AWS_DEFAULT_CONCURRENCY = 1000
DEFAULT_LOOKBACK = dt.timedelta(days=14)


def _rule(rule_id: str, severity: Severity, title: str, rationale: str, remediation: str) -> Rule:
    """An anomaly.* rule: its check keeps its own findings out of the one scoring of the estate."""
    rule = Rule(rule_id, "anomaly", severity, title, rationale, remediation)
    return RULES.register(rule, check=lambda ctx: ctx.emitted(rule, anomaly_pass))


THROTTLES = _rule(
    "anomaly.throttles",
    Severity.HIGH,
    "Throttling storm",
    "Throttled invocations are rejected (synchronous callers get 429s, async events are retried "
    "and may be dropped); a storm means the function hit its reserved or the account concurrency.",
    "Raise reserved concurrency or the account quota, shorten the duration, or smooth the load "
    "with a queue in front of the function.",
)
ERRORS = _rule(
    "anomaly.errors",
    Severity.HIGH,
    "Error burst",
    "Far more invocations failed than the function's own error rate predicts: a bad deploy, a "
    "failing dependency or hostile input.",
    "Check the function's logs and recent deployments for the window; add a DLQ or on-failure "
    "destination so failed events are not lost.",
)
INVOCATIONS = _rule(
    "anomaly.invocations",
    Severity.MEDIUM,
    "Invocation anomaly",
    "A spike can be abuse (a public endpoint being hammered, a runaway loop) and costs money; a "
    "drop to zero on a busy function usually means an upstream trigger broke.",
    "Check the function's triggers and callers for the window (API Gateway, event source "
    "mappings, schedules) and consider throttling or WAF rules for public endpoints.",
)
DURATION = _rule(
    "anomaly.duration",
    Severity.MEDIUM,
    "Duration anomaly",
    "Longer runs cost money, hold concurrency (leading to throttles) and approach the timeout; a "
    "slow creep often means a leaking resource or a degrading dependency.",
    "Compare with recent deployments and dependency latency; profile the function.",
)
CONCURRENCY = _rule(
    "anomaly.concurrency",
    Severity.HIGH,
    "Concurrency pressure",
    "When a region's concurrent executions reach the account limit every function in it is "
    "throttled, not just the busy one; unusual per-function concurrency is the early sign.",
    "Reserve concurrency for critical functions, cap noisy ones, and request a higher quota.",
)
RULE_FOR_METRIC = {
    "Throttles": THROTTLES,
    "Errors": ERRORS,
    "Invocations": INVOCATIONS,
    "Duration": DURATION,
    "Duration:p99": DURATION,
    "ConcurrentExecutions": CONCURRENCY,
}


@dataclass
class _Epochs:
    """Timestamps as epoch seconds, each distinct ISO string parsed once. Series read by one
    GetMetricData query share their timestamps and overlapping queries share most of them: at
    10,000 functions, 600,000 strings (1,200 series in 250 distinct tuples) of 4,000 distinct
    values took 0.3 s to parse one by one, nearly all of the anomaly scoring."""

    series: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)
    stamps: dict[str, float] = field(default_factory=dict)

    def of(self, series: MetricSeries) -> np.ndarray:
        """A copy of its own for each caller."""
        found = self.series.get(series.raw_timestamps)
        if found is None:
            found = np.array([self._seconds(t) for t in series.raw_timestamps])
            self.series[series.raw_timestamps] = found
        return found.copy()

    def _seconds(self, stamp: str) -> float:
        seconds = self.stamps.get(stamp)
        if seconds is None:
            seconds = self.stamps[stamp] = dt.datetime.fromisoformat(stamp).timestamp()
        return seconds


def _grid(estate: Estate, stamps: list[np.ndarray], now: dt.datetime, lookback: dt.timedelta) -> Grid:
    lo = (now - lookback).timestamp()
    if estate.manifest.metrics_start:
        lo = max(lo, dt.datetime.fromisoformat(estate.manifest.metrics_start).timestamp())
    seen = np.concatenate(stamps) if stamps else np.array([lo])
    hi = min(float(seen.max()), now.timestamp() - 1)
    return make_grid(np.array([lo, max(lo, hi)]), 300)


def _evidence(worst: AnomalyWindow, others: list[AnomalyWindow]) -> tuple[Evidence, ...]:
    out = [
        Evidence("metric", worst.metric),
        Evidence("kind", worst.kind),
        Evidence("window start", worst.start.isoformat()),
        Evidence("window end", worst.end.isoformat()),
        Evidence("peak at", worst.peak_at.isoformat()),
        Evidence("observed", worst.observed),
        Evidence("expected", worst.expected),
        Evidence("score", worst.score),
        *_basis(worst),
    ]
    if others:
        out.append(
            Evidence(
                "other windows",
                [
                    f"{w.metric} {w.kind} {w.start.isoformat()}..{w.end.isoformat()} score {w.score}"
                    for w in others
                ],
            )
        )
    return tuple(out)


def _basis(w: AnomalyWindow) -> list[Evidence]:
    """The data the window rests on: a new function's first hours read apart from an incident."""
    return [
        Evidence("first datapoint in look-back", w.first_data.isoformat() if w.first_data else "none"),
        Evidence("warm-up ended", w.scored_from.isoformat() if w.scored_from else "never"),
        Evidence("points scored before the window", w.points_scored),
    ]


def _title(name: str, w: AnomalyWindow) -> str:
    when = w.start.strftime("%Y-%m-%d %H:%M")
    return f"{name}: {w.metric} {w.kind} from {when} UTC, {w.observed:g} vs {w.expected:g} expected"


def function_windows(
    estate: Estate, now: dt.datetime, lookback: dt.timedelta, th: Thresholds
) -> Iterator[tuple[tuple[str, str, str], AnomalyWindow]]:
    """Every anomaly window of every function, keyed by (account, region, function name)."""
    by_place: dict[tuple[str, str], dict[str, list[tuple[str, np.ndarray, np.ndarray]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    epochs = _Epochs()
    for (account, region, name, metric), series in estate.metrics.items():
        if metric in METRIC_KINDS and series.values:
            by_place[(account, region)][metric].append((name, epochs.of(series), np.array(series.values)))
    for (account, region), metrics in by_place.items():
        grid = _grid(estate, [e for rows in metrics.values() for _, e, _ in rows], now, lookback)
        blocks = {
            m: (tuple(n for n, _, _ in rows), np.stack([place(grid, e, v, m) for _, e, v in rows]))
            for m, rows in metrics.items()
        }
        # A function's history starts at its first datapoint of any metric (throttled calls are
        # not invocations): before it, "no datapoint" means "no history", not "zero".
        seen: dict[str, np.ndarray] = {}
        for rows in metrics.values():
            for name, e, v in rows:
                mask = presence(grid, e, v)
                seen[name] = seen[name] | mask if name in seen else mask
        invocations = dict(zip(*blocks["Invocations"], strict=True)) if "Invocations" in blocks else {}
        for metric, (names, block) in blocks.items():
            exposure = None
            if metric in {"Errors", "Duration", "Duration:p99"} and invocations:
                zero = np.zeros(grid.epoch.size)
                exposure = np.stack([invocations.get(n, zero) for n in names])
            present = np.stack([seen[n] for n in names])
            alerts = point_alerts(grid, block, metric, th, exposure, present)
            for w in windows_of(names, metric, grid, block, alerts, th, exposure, present):
                yield (account, region, w.function), w


@dataclass(frozen=True, slots=True)
class AnomalyScoring:
    """Every function's anomaly windows as of `now`: scored once per estate and moment, then
    shared by the findings and the Anomalies pane (scoring 10,000 functions takes seconds)."""

    now: dt.datetime
    lookback: dt.timedelta
    windows: tuple[tuple[tuple[str, str, str], AnomalyWindow], ...]


def score_estate(
    estate: Estate,
    now: dt.datetime | None = None,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
    thresholds: Thresholds | None = None,
) -> AnomalyScoring:
    moment = now or dt.datetime.fromisoformat(estate.manifest.created_at)
    windows = tuple(function_windows(estate, moment, lookback, thresholds or Thresholds()))
    return AnomalyScoring(moment, lookback, windows)


def anomaly_scoring(ctx: RuleContext) -> AnomalyScoring:
    """The estate's windows as of the context's metrics end, scored once for the rules and the pane."""
    return score_estate(ctx.estate, ctx.metrics_end)


def account_concurrency_limits(estate: Estate) -> dict[tuple[str, str], int]:
    """ConcurrentExecutions quotas read by GetAccountSettings, where collected."""
    return {
        place: settings.concurrent_executions
        for place, settings in estate.account_settings.items()
        if settings.concurrent_executions
    }


def anomaly_findings(
    estate: Estate,
    now: dt.datetime | None = None,
    *,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
    account_limits: Mapping[tuple[str, str], int] | None = None,
    thresholds: Thresholds | None = None,
    scoring: AnomalyScoring | None = None,
) -> list[Finding]:
    """Anomaly findings over the look-back window ending at `now` (default: the snapshot's created_at).

    `scoring` reuses windows already scored for this estate (its `now` and look-back win).
    `account_limits` maps (account, region) to the ConcurrentExecutions quota; by default the
    estate's GetAccountSettings, and where that is missing the AWS default (1,000), which the
    evidence says.
    """
    if scoring is None:
        scoring = score_estate(estate, now, lookback, thresholds)
    moment, lookback = scoring.now, scoring.lookback
    limits = account_concurrency_limits(estate) if account_limits is None else account_limits
    arns = {(f.account, f.region, f.name): f.arn for f in estate.functions}
    grouped: dict[tuple[str, str, str, str], list[AnomalyWindow]] = defaultdict(list)
    for key, window in scoring.windows:
        grouped[(*key, RULE_FOR_METRIC[window.metric].id)].append(window)
    findings = []
    for (account, region, name, rule_id), windows in sorted(grouped.items()):
        ranked = sorted(windows, key=lambda w: (-w.severity.rank, -w.score))
        worst = ranked[0]
        arn = arns.get((account, region, name), f"arn:aws:lambda:{region}:{account}:function:{name}")
        findings.append(
            Finding(
                rule=RULES.get(rule_id),
                resource=arn,
                title=_title(name, worst),
                severity=worst.severity,
                evidence=_evidence(worst, sorted(ranked[1:], key=lambda w: w.start)),
                region=region,
            )
        )
    findings.extend(concurrency_pressure_findings(estate, moment, lookback, limits))
    return findings


def anomaly_pass(ctx: RuleContext) -> list[Finding]:
    """Every anomaly.* finding of the context, shared by the five rules' checks."""
    return anomaly_findings(ctx.estate, scoring=ctx.once(anomaly_scoring))


def concurrency_pressure_findings(
    estate: Estate,
    now: dt.datetime,
    lookback: dt.timedelta,
    account_limits: Mapping[tuple[str, str], int],
    share: float = 0.8,
) -> list[Finding]:
    """Regions whose summed per-function concurrency reached `share` of the account limit."""
    per_place: dict[tuple[str, str], list[MetricSeries]] = defaultdict(list)
    for (account, region, _name, metric), series in estate.metrics.items():
        if metric == "ConcurrentExecutions" and series.values:
            per_place[(account, region)].append(series)
    out = []
    epochs = _Epochs()
    for (account, region), rows in sorted(per_place.items()):
        stamps = [epochs.of(s) for s in rows]
        grid = _grid(estate, stamps, now, lookback)
        block = np.stack(
            [place(grid, e, np.array(s.values), "Invocations") for e, s in zip(stamps, rows, strict=True)]
        )
        total = block.sum(axis=0)
        limit = account_limits.get((account, region))
        source = "GetAccountSettings" if limit else "AWS default (GetAccountSettings not collected)"
        limit = limit or AWS_DEFAULT_CONCURRENCY
        peak_at = int(np.argmax(total))
        peak = float(total[peak_at])
        if peak < share * limit:
            continue
        over = np.flatnonzero(total >= share * limit)
        when = dt.datetime.fromtimestamp(float(grid.epoch[peak_at]), dt.UTC)
        out.append(
            Finding(
                rule=CONCURRENCY,
                resource=f"account:{account}",
                title=f"{account} {region}: concurrency peaked at {peak:g} of a {limit} limit",
                severity=Severity.HIGH if peak >= 0.95 * limit else Severity.MEDIUM,
                path=(f"account:{account}", region),
                evidence=(
                    Evidence("metric", "sum of per-function ConcurrentExecutions (Maximum), an upper bound"),
                    Evidence("account limit", limit),
                    Evidence("limit source", source),
                    Evidence("peak at", when.isoformat()),
                    Evidence("observed", peak),
                    Evidence("periods at or above 80% of the limit", int(over.size)),
                    Evidence(
                        "window start",
                        dt.datetime.fromtimestamp(float(grid.epoch[over[0]]), dt.UTC).isoformat(),
                    ),
                    Evidence(
                        "window end",
                        dt.datetime.fromtimestamp(
                            float(grid.epoch[over[-1]] + grid.step), dt.UTC
                        ).isoformat(),
                    ),
                ),
                region=region,
            )
        )
    return out
