"""Shapes shared by several services: tags, policy documents, ISO 8601 times."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

# A policy document as AWS returns it (an object) or as some dumps keep it (URL-encoded JSON text).
PolicyDocument = dict[str, Any] | str
# A time the analyses parse with datetime.fromisoformat and compare: it must carry its zone.
AwareTime = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class Shape(msgspec.Struct):
    """Base of every shape: unknown fields are ignored (AWS adds fields; we read a subset)."""


class Tag(Shape):
    Key: str
    Value: str | None = None


# Tags come as [{"Key": k, "Value": v}, ...] or as {k: v}, depending on the service.
TagList = list[Tag]
Tags = list[Tag] | dict[str, str | None]


class EmptyShape(Shape):
    """A response whose content the model does not read beyond it being an object."""
