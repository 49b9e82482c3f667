"""Time-bound keys known only to a window (aws:TokenIssueTime: at most 36 hours before the
snapshot) decide a condition when it reads the same across the window, both ways at the edges."""

from __future__ import annotations

import datetime as dt

import pytest

from policy.conditions import evaluate_condition
from policy.context import RequestContext, TimeWindow
from policy.document import Condition
from policy.truth import Tri

AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
WINDOW = TimeWindow(AT - dt.timedelta(hours=36), AT)
EARLIEST = "2026-11-28T00:00:00Z"  # AT - 36 h
LATEST = "2026-11-29T12:00:00Z"


def _token(operator: str, value: str, window: TimeWindow = WINDOW) -> Tri:
    context = RequestContext.build({"aws:TokenIssueTime": window})
    return evaluate_condition(Condition(operator, "aws:TokenIssueTime", (value,)), context).truth


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("DateLessThan", "2020-01-01T00:00:01Z", Tri.FALSE),  # never: no such old token now
        ("DateGreaterThan", "2020-01-01T00:00:01Z", Tri.TRUE),  # always
        ("DateLessThan", "2026-11-29T00:00:00Z", Tri.UNKNOWN),  # inside the window
        ("DateLessThan", EARLIEST, Tri.FALSE),  # boundary: the earliest token is not earlier
        ("DateLessThanEquals", EARLIEST, Tri.UNKNOWN),  # ... but may equal it
        ("DateGreaterThanEquals", EARLIEST, Tri.TRUE),
        ("DateGreaterThan", EARLIEST, Tri.UNKNOWN),
        ("DateLessThanEquals", LATEST, Tri.TRUE),  # boundary at the snapshot's own time
        ("DateLessThan", LATEST, Tri.UNKNOWN),
        ("DateGreaterThan", LATEST, Tri.FALSE),
        ("DateEquals", "2026-11-29T00:00:00Z", Tri.UNKNOWN),  # not ordered: left open
        ("DateLessThanIfExists", "2020-01-01T00:00:00Z", Tri.FALSE),
    ],
)
def test_token_issue_time_window(operator: str, value: str, expected: Tri) -> None:
    assert _token(operator, value) is expected


def test_a_key_that_may_be_absent_stays_open_when_absence_reads_otherwise() -> None:
    user = TimeWindow(WINDOW.earliest, WINDOW.latest, may_be_absent=True)  # long-term keys: no token
    assert _token("DateGreaterThan", "2020-01-01T00:00:00Z", user) is Tri.UNKNOWN  # absent: false
    assert _token("DateLessThan", "2020-01-01T00:00:00Z", user) is Tri.FALSE  # false either way
    assert _token("DateLessThanIfExists", "2020-01-01T00:00:00Z", user) is Tri.UNKNOWN  # absent: true


def test_an_instant_window_is_a_plain_value() -> None:
    epoch = TimeWindow(AT, AT, epoch=True)
    context = RequestContext.build({"aws:EpochTime": epoch})
    assert context.lookup("aws:epochtime") == (str(int(AT.timestamp())),)
    limit = str(int(AT.timestamp()))
    assert (
        evaluate_condition(Condition("NumericLessThan", "aws:EpochTime", (limit,)), context).truth
        is Tri.FALSE
    )
    assert (
        evaluate_condition(Condition("NumericLessThanEquals", "aws:EpochTime", (limit,)), context).truth
        is Tri.TRUE
    )


def test_given_value_wins_over_a_derived_window() -> None:
    context = RequestContext.build(
        {"aws:TokenIssueTime": "2019-06-01T00:00:00Z"}, derived={"aws:TokenIssueTime": WINDOW}
    )
    cond = Condition("DateLessThan", "aws:TokenIssueTime", ("2020-01-01T00:00:01Z",))
    assert evaluate_condition(cond, context).truth is Tri.TRUE
