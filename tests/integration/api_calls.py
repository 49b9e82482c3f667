"""Every AWS operation made through boto3 while a block runs, recorded as (service, operation):
how the integration tests check what the collector and the live refresh call (read-only, and
only what they should)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.client import BaseClient


@contextmanager
def recorded_calls() -> Iterator[list[tuple[str, str]]]:
    """The list the block's AWS operations are appended to, in order, as they are made."""
    made: list[tuple[str, str]] = []
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def spy(self: BaseClient, operation: str, params: Any) -> Any:
        made.append((self.meta.service_model.service_name, operation))
        return original(self, operation, params)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(BaseClient, "_make_api_call", spy)
        yield made
