"""CloudTrail, per region: the trails that log the region (its own and shadows of multi-region
or organization trails), and for each trail its event selectors (are Lambda data events
logged?) and status (is it logging?).

A trail's selectors and status are read from its home region (a local AWS answers only there).
Each trail is read once per account: by its home region's collection, or, when that region is
not being collected, by the account's first collected region.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.live.calls import CallContext


def fetch_trails(ctx: CallContext) -> None:
    answer = ctx.call("cloudtrail", "DescribeTrails", includeShadowTrails=True)
    trails = [] if answer is None or "Error" in answer else list(answer.get("trailList", ()) or ())
    ctx.mark_ok("cloudtrail", "DescribeTrails", f"{len(trails)} trails")
    mine = [t for t in trails if _reads_here(ctx, t)]
    ctx.each(mine, lambda trail: _trail(ctx, trail))


def _reads_here(ctx: CallContext, trail: Mapping[str, Any]) -> bool:
    home = str(trail.get("HomeRegion") or ctx.region)
    if home == ctx.region:
        return True
    collected = ctx.account_regions or (ctx.region,)
    return home not in collected and ctx.region == min(collected)


def _trail(ctx: CallContext, trail: Mapping[str, Any]) -> None:
    arn = str(trail["TrailARN"])
    home = ctx.in_region(str(trail.get("HomeRegion") or ctx.region))
    home.call("cloudtrail", "GetEventSelectors", TrailName=arn)
    home.call("cloudtrail", "GetTrailStatus", Name=arn)
