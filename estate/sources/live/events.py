"""EventBridge: event buses with their resource policies (DescribeEventBus: ListEventBuses omits
the policy on AWS), the rules of every bus and every rule's targets (which may be functions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.live.calls import CallContext


def fetch_event_buses(ctx: CallContext) -> None:
    buses = ctx.items("events", "ListEventBuses", "NextToken", "NextToken", "EventBuses", Limit=100)
    ctx.each(buses, lambda bus: _bus(ctx, bus))


def _bus(ctx: CallContext, bus: Mapping[str, Any]) -> None:
    name = str(bus["Name"])
    ctx.call("events", "DescribeEventBus", Name=name)
    for page in ctx.paginate("events", "ListRules", "NextToken", "NextToken", EventBusName=name, Limit=100):
        for rule in page.get("Rules", ()) or ():
            for _page in ctx.paginate(
                "events",
                "ListTargetsByRule",
                "NextToken",
                "NextToken",
                Rule=str(rule["Name"]),
                EventBusName=name,
                Limit=100,
            ):
                pass
