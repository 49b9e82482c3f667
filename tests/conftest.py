"""Shared fixtures: the rule-case marker and a local AWS (moto server over HTTP) per worker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

# CI runs property tests derandomized (a red CI must mean a real regression, reproducibly);
# locally they explore fresh examples each run.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule_case(rule_id, kind): positive/negative case of a rule")


@pytest.fixture(scope="session")
def aws_credentials() -> None:
    """Fake credentials so nothing can ever reach a real account."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_DISABLE_REQUEST_COMPRESSION": "true",
    }.items():
        os.environ[key] = value
    os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(scope="session")
def local_aws(aws_credentials: None) -> Iterator[Any]:
    """A moto server on 127.0.0.1 (random port), shared by the session; reset per test."""
    from estate.sources.demo_builder.localaws import start_local_aws

    server = start_local_aws()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto_endpoint(local_aws: Any) -> str:
    local_aws.reset()
    return str(local_aws.endpoint_url)
