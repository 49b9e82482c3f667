"""EventBridge Scheduler: every schedule, and each one's full definition (GetSchedule carries the
target ARN and the role it runs as; ListSchedules only a summary).
"""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_schedules(ctx: CallContext) -> None:
    schedules = ctx.items("scheduler", "ListSchedules", "NextToken", "NextToken", "Schedules", MaxResults=100)
    ctx.each(
        schedules,
        lambda s: ctx.call(
            "scheduler", "GetSchedule", Name=str(s["Name"]), GroupName=str(s.get("GroupName", "default"))
        ),
    )
