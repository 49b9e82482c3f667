"""Argument types the headless commands share (argparse turns their errors into exit 2)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path


def positive_int(text: str) -> int:
    """A whole number of at least 1 (a count, a limit, a tag)."""
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def iso_date(text: str) -> dt.date:
    """A day, YYYY-MM-DD (`--as-of`)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def iso_datetime(text: str) -> dt.datetime:
    """An ISO 8601 time; without a zone it is UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def non_negative(text: str) -> float:
    """A number of at least 0 (a duration, a rate)."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """`--as-of DAY`: the day the date-dependent rules are evaluated as of (default: today)."""
    parser.add_argument("--as-of", type=iso_date, help="evaluate date-dependent rules as of this day")


def add_config(parser: argparse.ArgumentParser) -> None:
    """`--config PATH`: the project's settings and suppressions (lambdascope.toml)."""
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="project settings and suppressions (default: ./lambdascope.toml if present)",
    )


MAX_JOBS = 4


def default_jobs() -> int:
    """The CPUs this process may run on, at most MAX_JOBS (each job holds a forked copy's pages)."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_JOBS))
