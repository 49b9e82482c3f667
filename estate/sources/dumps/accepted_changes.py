"""Accepted dump files for CloudTrail's recent Lambda management events (the Anomalies view's
change history), read as estate/sources/live/cloudtrail.py reads them.

The collector asks LookupEvents for events whose EventSource is Lambda's over the metrics window,
50 a page, at most 20 pages. scripts/dump-estate.sh writes two files per region:
`cloudtrail-lookup-events-request.json`, the `--cli-input-json` request (the filter and the
window, which the CLI's output does not repeat), and `cloudtrail-lookup-events.json`, the output of
`aws cloudtrail lookup-events --cli-input-json file://... --page-size 50 --max-items 1000`.

The CLI joins the pages into one `{"Events": [...]}`, so the import stores one record under the
collector's first-page key (the filter, StartTime, EndTime, MaxResults 50): the model reads every
LookupEvents record's events alike. When `--max-items` cut the history short the output keeps a
`NextToken`, which the model reads as the collector's page cap: the history is then known from
the oldest event read, not from the window start.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from estate.sources.dumps.accepted_account import utc_text
from estate.sources.dumps.kinds import FileKind, Resource, const
from estate.sources.live.cloudtrail import EVENTS_PER_PAGE, LAMBDA_EVENT_SOURCE, MAX_CHANGE_PAGES

# The one lookup attribute the collector filters on; a request asking for anything else would
# bring other services' events (SNS and SQS have an AddPermission too) under its key.
LOOKUP_ATTRIBUTES = [{"AttributeKey": "EventSource", "AttributeValue": LAMBDA_EVENT_SOURCE}]
MAX_EVENTS = MAX_CHANGE_PAGES * EVENTS_PER_PAGE  # the script's --max-items: the collector's cap
REQUEST_STEM = "cloudtrail-lookup-events-request"


def lookup_params(resource: Resource | None) -> dict[str, Any]:
    """The collector's first-page request, from the dump's request (times as the collector
    stores its datetimes). The request's shape and filter were checked when it was read."""
    assert resource is not None
    request = resource.extra
    return {
        "LookupAttributes": LOOKUP_ATTRIBUTES,
        "StartTime": utc_text(request.get("StartTime")),
        "EndTime": utc_text(request.get("EndTime")),
        "MaxResults": EVENTS_PER_PAGE,
    }


def iso_event_times(data: Any) -> Any:
    """LookupEvents output with epoch-second EventTimes (AWS CLI v1 prints them so) as the ISO
    text the SDK's datetimes are stored as; anything else is left for the shape check."""
    if not isinstance(data, dict) or not isinstance(data.get("Events"), list):
        return data
    for event in data["Events"]:
        when = event.get("EventTime") if isinstance(event, dict) else None
        if isinstance(when, int | float) and not isinstance(when, bool) and 0 <= when < 253402300800:
            event["EventTime"] = dt.datetime.fromtimestamp(when, dt.UTC).isoformat()
    return data


CHANGE_KINDS: tuple[FileKind, ...] = (
    FileKind(
        REQUEST_STEM,
        "cloudtrail",
        "LookupEventsRequest",
        "region",
        ("LookupAttributes", "StartTime", "EndTime"),
        const(),
        stored_as="LookupEvents",  # an unreadable request is a gap of the read it asks for
        stored=False,
    ),
    FileKind(
        "cloudtrail-lookup-events",
        "cloudtrail",
        "LookupEvents",
        "region",
        ("Events",),
        lookup_params,
        count_key="Events",
        prepare=iso_event_times,
        request=REQUEST_STEM,
    ),
)
