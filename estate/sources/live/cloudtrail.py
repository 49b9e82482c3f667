"""CloudTrail, per region: the trails that log the region (its own and shadows of multi-region
or organization trails), and for each trail its event selectors (are Lambda data events
logged?) and status (is it logging?); and the region's recent Lambda management events
(LookupEvents: who changed which function's code, configuration, permissions or concurrency).

A trail's selectors and status are read from its home region (a local AWS answers only there).
Each trail is read once per account: by its home region's collection, or, when that region is
not being collected, by the account's first collected region.
"""

from __future__ import annotations

import datetime as dt
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


LAMBDA_EVENT_SOURCE = "lambda.amazonaws.com"
# LookupEvents answers at most 50 events a page and 2 calls a second per account and region;
# a read-heavy account logs thousands of Lambda management events a day, so the newest
# MAX_CHANGE_PAGES pages are read and the rest is recorded as not read.
MAX_CHANGE_PAGES = 20
EVENTS_PER_PAGE = 50


def fetch_function_changes(ctx: CallContext, start: dt.datetime, end: dt.datetime) -> None:
    """The region's Lambda management events in [start, end), newest first, page-capped.

    The first page uses the best-effort client: an endpoint without LookupEvents (a local AWS)
    costs one retry, not a full backoff, and is a coverage gap. Later pages retry fully, as
    LookupEvents' low rate limit makes throttling mid-read likely on a busy account.
    """
    token: str | None = None
    pages = events = 0
    while pages < MAX_CHANGE_PAGES:
        params: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": LAMBDA_EVENT_SOURCE}],
            "StartTime": start,
            "EndTime": end,
            "MaxResults": EVENTS_PER_PAGE,
        }
        if token:
            params["NextToken"] = token
        page = ctx.call("cloudtrail", "LookupEvents", best_effort=token is None, **params)
        if page is None or "Error" in page:
            break  # a refusal is already a recorded gap; later pages are simply not read
        pages += 1
        events += len(page.get("Events") or ())
        token = page.get("NextToken")
        if not token:
            break
    if pages:
        capped = f"; capped at {MAX_CHANGE_PAGES} pages, older events not read" if token else ""
        ctx.mark_ok("cloudtrail", "LookupEvents", f"{events} Lambda events in {pages} pages{capped}")
