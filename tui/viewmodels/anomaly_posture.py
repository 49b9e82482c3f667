"""What the Anomalies pane puts beside a function's metrics: is it internet-invocable, which data
stores its role reaches, its open config findings, the alarms on it and its last changes.

Pure (no Textual). Absent data is a state of its own: the alarms were not read, the role is not
in the graph, the change history was not collected; each says so rather than "none".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzers.findings.model import Finding, sort_findings
from estate.model import Estate, LambdaFunction
from estate.model.audit import Alarm, FunctionChange

if TYPE_CHECKING:
    import networkx as nx

    from analyzers.analysis import Analysis

# Graph nodes holding data: stores proper, plus queues and topics (kind "invoker" as they can
# also trigger functions).
_DATA_SUBKINDS = frozenset({"queue", "topic"})
CHANGES_NOT_COLLECTED = "change history not collected (CloudTrail LookupEvents)"


@dataclass(frozen=True, slots=True)
class StoreAccess:
    """One `can` edge from the function's role to a data store."""

    arn: str
    name: str
    kind: str
    access: str  # the strongest level: permissions-management, write, read, list, tagging
    levels: tuple[str, ...]
    classification: str | None
    conditional: bool


@dataclass(frozen=True, slots=True)
class FunctionPosture:
    public_via: str | None  # how anyone on the internet invokes it; None: not internet-invocable
    public_known: bool  # False: the resource policy was not collected and nothing public was found
    role_in_graph: bool
    stores: tuple[StoreAccess, ...]
    config_findings: tuple[Finding, ...]  # open ones
    suppressed_config: int  # not open (`Finding.is_open`): risk-accepted, false positive, resolved
    alarms: tuple[Alarm, ...] | None  # None: DescribeAlarms not collected for its account/region
    last_modified: str | None
    changes: tuple[FunctionChange, ...] | None  # in the range, newest first; None: not collected
    changes_note: str  # why there are none, or what of the history is not known


def internet_invocable(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Function ARN -> how the internet invokes it (a public `invokes` edge from `internet`,
    directly or through an invoker such as an API route): the config rules' own definition."""
    from analyzers.config.rules_deployment import internet_facing

    return internet_facing(graph)


def alarms_on(estate: Estate, fn: LambdaFunction) -> tuple[Alarm, ...] | None:
    """AWS/Lambda alarms on the function (FunctionName, or Resource `name:alias`) or on every
    function of its region (no dimensions); None when the alarms were not read there."""
    if estate.collected("cloudwatch", "DescribeAlarms", fn.account, fn.region) is not True:
        return None
    found = []
    for alarm in estate.alarms.values():
        if alarm.namespace != "AWS/Lambda" or (alarm.account, alarm.region) != (fn.account, fn.region):
            continue
        dims = dict(alarm.dimensions)
        name = dims.get("FunctionName") or dims.get("Resource", "").split(":", 1)[0]
        if name == fn.name or not alarm.dimensions:
            found.append(alarm)
    return tuple(sorted(found, key=lambda a: a.name))


def alarm_coverage(alarms: tuple[Alarm, ...] | None, metric: str | None) -> str:
    """`yes` (an alarm watches the metric), `other` (alarms, not on it), `no`, or `unknown`."""
    if alarms is None:
        return "unknown"
    if not alarms:
        return "no"
    base = metric.split(":", 1)[0] if metric else None
    return "yes" if base is None or any(a.metric_name == base for a in alarms) else "other"


def stores_reached(graph: nx.MultiDiGraph, role_arn: str) -> tuple[StoreAccess, ...]:
    """The role's own `can` grants on data stores (store sets expanded), strongest access first."""
    from analyzers.reach.grants import can_grants

    if role_arn not in graph:
        return ()
    order = ("permissions-management", "write", "read", "list", "tagging")
    out = []
    for target, data in can_grants(graph, role_arn):
        node = graph.nodes[target]
        kind = str(node.get("subkind") or node.get("kind") or "")
        if node.get("kind") != "data-store" and kind not in _DATA_SUBKINDS:
            continue
        access = str(data.get("access") or "unknown")
        out.append(
            StoreAccess(
                arn=target,
                name=_short(str(node.get("label") or target)),
                kind=kind,
                access=access,
                levels=tuple(str(level) for level in data.get("levels") or (access,)),
                classification=str(node["classification"]) if node.get("classification") else None,
                conditional=bool(data.get("conditional")),
            )
        )
    rank = {level: i for i, level in enumerate(order)}
    return tuple(sorted(out, key=lambda s: (rank.get(s.access, len(order)), s.name)))


def _short(label: str) -> str:
    """A queue's or topic's label is its ARN: show its name."""
    return label.rsplit(":", 1)[-1] if label.startswith("arn:") else label


def function_changes(
    estate: Estate, fn: LambdaFunction, since: dt.datetime | None = None
) -> tuple[tuple[FunctionChange, ...] | None, str]:
    """The function's changes (CHANGE_EVENTS) at or after `since`, and a note on what is unknown:
    not collected, refused (with the coverage status), or read only partly (the page cap)."""
    state = estate.collected("cloudtrail", "LookupEvents", fn.account, fn.region)
    history = estate.function_changes
    if state is None or history is None:
        return None, CHANGES_NOT_COLLECTED
    gaps = sorted(
        {
            c.status
            for c in estate.gaps
            if (c.service, c.operation, c.account) == ("cloudtrail", "LookupEvents", fn.account)
            and c.region == fn.region
        }
    )
    read_since = history.read_since.get((fn.account, fn.region))
    if state is False and read_since is None:
        return None, f"{CHANGES_NOT_COLLECTED[:-1]}: {', '.join(gaps) or 'failed'})"
    changes = tuple(
        c for c in history.changes(fn.account, fn.region, fn.name) if since is None or c.time >= since
    )
    notes = []
    if not changes:
        notes.append(
            "no code, configuration, permission or concurrency change" + (" in the range" if since else "")
        )
    if read_since is not None and (since is None or read_since > since):
        notes.append(f"history read from {read_since:%m-%d %H:%M} only (older events not read)")
    if gaps:
        notes.append(f"incomplete: LookupEvents {', '.join(gaps)}")
    return changes, "; ".join(notes)


def function_posture(
    analysis: Analysis, fn: LambdaFunction, public: dict[str, str], since: dt.datetime | None = None
) -> FunctionPosture:
    """`public` is `internet_invocable(analysis.graph)`, computed once per analysis; `since` is
    the start of the range the pane shows (changes before it are left out)."""
    config = [f for f in analysis.findings_for(fn.arn) if f.analyzer == "config"]
    open_config = tuple(sort_findings(f for f in config if f.is_open))
    via = public.get(fn.arn)
    changes, note = function_changes(analysis.estate, fn, since)
    return FunctionPosture(
        public_via=via,
        public_known=via is not None or fn.policy_state != "unknown",
        role_in_graph=bool(fn.role_arn) and fn.role_arn in analysis.graph,
        stores=stores_reached(analysis.graph, fn.role_arn),
        config_findings=open_config,
        suppressed_config=len(config) - len(open_config),
        alarms=alarms_on(analysis.estate, fn),
        last_modified=fn.last_modified or None,
        changes=changes,
        changes_note=note,
    )
