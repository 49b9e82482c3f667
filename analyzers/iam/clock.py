"""The instant the IAM analysis evaluates time-bound conditions at, and what a request then says.

Policies can test the time of the request (aws:CurrentTime, aws:EpochTime) and when the caller's
credentials were issued (aws:TokenIssueTime). Left unknown, a statement allowing an action only
until 2020 is reported as a conditional escalation; decided against the snapshot's time it never
applies. The token was issued at most the longest session duration (36 hours, a role chained from
a federated session can last no longer) before the request, and an IAM user's long-term access
key carries no token at all, so that key is only known to lie in a window (`TimeWindow`).
"""

from __future__ import annotations

import datetime as dt

from estate.model import Estate
from policy.context import ContextInput, TimeWindow, context_string

LONGEST_SESSION = dt.timedelta(hours=36)


def evaluation_time(estate: Estate, as_of: dt.date | None = None) -> dt.datetime | None:
    """The snapshot's creation time; an `as_of` day other than the snapshot's own moves it to
    that day's start (UTC). None when neither is known (then the time keys stay unknown)."""
    created = _parse(getattr(estate.manifest, "created_at", None))
    if as_of is not None and (created is None or created.date() != as_of):
        return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    return created


def time_context(at: dt.datetime | None, kind: str) -> dict[str, ContextInput]:
    """The time keys of a request made at `at` by a principal of `kind` (role or user)."""
    if at is None:
        return {}
    return {
        "aws:CurrentTime": context_string(at),  # (normalised once: read on every request)
        "aws:EpochTime": str(int(at.timestamp())),
        "aws:TokenIssueTime": TimeWindow(at - LONGEST_SESSION, at, may_be_absent=kind != "role"),
    }


def _parse(text: object) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
