"""Fixtures for the integration tests: botocore's retry waits compressed (`fast_clock`)."""

from __future__ import annotations

import time

import pytest

_SPEEDUP = 50


@pytest.fixture
def fast_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry machinery on a clock 50x faster: backoff delays and the adaptive rate
    limiter's token bucket (which measures, refills and waits by its Clock) keep every decision
    botocore makes, only the waiting is compressed."""
    from botocore.retries import bucket, standard

    backoff = standard.ExponentialBackoff.delay_amount
    monkeypatch.setattr(
        standard.ExponentialBackoff, "delay_amount", lambda self, ctx: backoff(self, ctx) / _SPEEDUP
    )
    monkeypatch.setattr(bucket.Clock, "current_time", lambda self: time.time() * _SPEEDUP)
    monkeypatch.setattr(bucket.Clock, "sleep", lambda self, amount: time.sleep(amount / _SPEEDUP))
    wait = vars(bucket.TokenBucket)["_sleep_amount"]
    monkeypatch.setattr(
        bucket.TokenBucket, "_sleep_amount", lambda self, amount: wait(self, amount) / _SPEEDUP
    )
