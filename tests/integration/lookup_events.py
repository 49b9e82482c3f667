"""CloudTrail LookupEvents for the local AWS, which lacks it (../shared/LOCAL-AWS.md): planted
events answered the way CloudTrail answers them, so the collector (boto3) and
scripts/dump-estate.sh (the AWS CLI, in a subprocess) read the same history from one server.

`planted_events` adds a `lookup_events` action to moto's in-process CloudTrail responder for the
duration of a `with` block: the events of the request's region inside [StartTime, EndTime),
matching its lookup attribute, newest first, MaxResults a page with an offset as the NextToken;
EventTime on the wire is epoch seconds, as AWS's JSON protocol sends it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto.cloudtrail.responses import CloudTrailResponse

_ATTRIBUTE_FIELDS = {"EventSource": "EventSource", "EventName": "EventName", "Username": "Username"}


def lambda_event(
    name: str, when: dt.datetime, function: str, *, account: str, region: str, source: str = ""
) -> dict[str, Any]:
    """One management event as LookupEvents returns it (the full record as JSON text)."""
    source = source or "lambda.amazonaws.com"
    event_id = f"{name}-{function}-{int(when.timestamp())}"
    detail = {
        "eventVersion": "1.08",
        "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{account}:assumed-role/deploy/ci"},
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.9",
        "requestParameters": {"functionName": function},
        "responseElements": None,
        "eventID": event_id,
        "recipientAccountId": account,
    }
    return {
        "EventId": event_id,
        "EventName": name,
        "ReadOnly": "false",
        "EventTime": when,
        "EventSource": source,
        "Username": "ci",
        "Resources": [],
        "CloudTrailEvent": json.dumps(detail),
    }


def _time(value: Any) -> dt.datetime:
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _answer(events: dict[str, list[dict[str, Any]]], region: str, request: dict[str, Any]) -> str:
    start = _time(request["StartTime"]) if "StartTime" in request else dt.datetime.min.replace(tzinfo=dt.UTC)
    end = _time(request["EndTime"]) if "EndTime" in request else dt.datetime.max.replace(tzinfo=dt.UTC)
    wanted = [
        e
        for e in events.get(region, ())
        if start <= e["EventTime"] < end
        and all(
            e.get(_ATTRIBUTE_FIELDS[a["AttributeKey"]]) == a["AttributeValue"]
            for a in request.get("LookupAttributes") or ()
        )
    ]
    wanted.sort(key=lambda e: e["EventTime"], reverse=True)
    offset = int(request.get("NextToken") or 0)
    size = int(request.get("MaxResults") or 50)
    page = [{**e, "EventTime": e["EventTime"].timestamp()} for e in wanted[offset : offset + size]]
    answer: dict[str, Any] = {"Events": page}
    if offset + size < len(wanted):
        answer["NextToken"] = str(offset + size)
    return json.dumps(answer)


@contextlib.contextmanager
def planted_events(events: dict[str, list[dict[str, Any]]]) -> Iterator[None]:
    """The local AWS answers LookupEvents with `events` (region -> events) inside the block."""

    def lookup_events(self: CloudTrailResponse) -> str:
        return _answer(events, self.region, json.loads(self.body or "{}"))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CloudTrailResponse, "lookup_events", lookup_events, raising=False)
        yield


_NAMES = (
    "UpdateFunctionCode20150331v2",
    "UpdateFunctionConfiguration20150331v2",
    "AddPermission20150331v2",
    "PutFunctionConcurrency20171031",
    "GetFunction20150331v2",  # a read: logged, never a change
)


def history(
    functions: list[str], count: int, *, start: dt.datetime, end: dt.datetime, account: str, region: str
) -> list[dict[str, Any]]:
    """`count` Lambda events spread evenly inside [start, end), cycling over the functions and the
    event names; plus what the collector's request leaves out: an event at `end`, one before
    `start`, and SNS's AddPermission (another EventSource) inside the window."""
    step = (end - start) / (count + 1)
    out = [
        lambda_event(
            _NAMES[i % len(_NAMES)],
            (end - step * (i + 1)).replace(microsecond=0),
            functions[i % len(functions)],
            account=account,
            region=region,
        )
        for i in range(count)
    ]
    outside = [
        lambda_event(_NAMES[0], end, functions[0], account=account, region=region),
        lambda_event(
            _NAMES[0], start - dt.timedelta(seconds=1), functions[0], account=account, region=region
        ),
        lambda_event(
            "AddPermission",
            end - step / 2,
            functions[0],
            account=account,
            region=region,
            source="sns.amazonaws.com",
        ),
    ]
    return out + outside
