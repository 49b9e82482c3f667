"""The Lambda runtime deprecation calendar, kept as reviewed data in data/runtimes.json."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class RuntimeStatus:
    runtime: str
    deprecated_on: dt.date | None
    state: str  # deprecated | deprecating | supported | unknown

    def days_left(self, today: dt.date) -> int | None:
        return None if self.deprecated_on is None else (self.deprecated_on - today).days


@functools.cache
def deprecation_dates() -> dict[str, dt.date]:
    text = resources.files("analyzers").joinpath("data/runtimes.json").read_text()
    data = json.loads(text)
    return {name: dt.date.fromisoformat(v["deprecated"]) for name, v in data["runtimes"].items()}


def runtime_status(runtime: str, today: dt.date, warn_days: int = 90) -> RuntimeStatus:
    date = deprecation_dates().get(runtime)
    if date is None:
        return RuntimeStatus(runtime, None, "unknown")
    if date <= today:
        return RuntimeStatus(runtime, date, "deprecated")
    if (date - today).days <= warn_days:
        return RuntimeStatus(runtime, date, "deprecating")
    return RuntimeStatus(runtime, date, "supported")
