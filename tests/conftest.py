"""Shared fixtures: the rule-case marker, a local AWS (moto server over HTTP) per worker, the demo
deployed once per worker into a second local AWS, and the bundled demo analysed once per worker.

Two local AWSs because moto keeps its state per process: `local_aws` runs in the worker and is reset
before every `moto_endpoint` test; the demo deployment lives in a child process (`deployed_demo`), so
no reset can wipe it. Tests only read it; a test that changes a deployment deploys its own into
`moto_endpoint`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

from tests.paths import DEMO_SNAPSHOT, DEMO_TODAY, ROOT, analysed_demo

if TYPE_CHECKING:
    from analyzers.analysis import Analysis
    from estate.sources.demo_builder import DemoDeployment

# CI runs property tests derandomized (a red CI must mean a real regression, reproducibly);
# locally they explore fresh examples each run.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule_case(rule_id, kind): positive/negative case of a rule")
    # The analysis cache (tui/cli/analysis_cache.py) of every test, and of the commands tests run
    # in subprocesses, lives in a directory of this run's own, never the user's cache.
    if not os.environ.get("LAMBDASCOPE_CACHE_DIR"):
        os.environ["LAMBDASCOPE_CACHE_DIR"] = tempfile.mkdtemp(prefix="lambdascope-test-cache-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ.pop("LAMBDASCOPE_CACHE_DIR"), ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the run for the "worksteal" schedule below, which first hands one worker the first half
    of this list and the other worker the second half, and from then on lets an idle worker take
    the last half of the other's queue:

    first half: the tests of the shared demo deployment (one worker deploys it, at once, and they
    are at the front of its queue, which the other worker does not take from), then the TUI tests,
    then unit tests up to the half; second half: the other integration tests (their module fixtures
    deploy into the worker's own local AWS), then the rest of the unit tests. The queues end in
    short unit tests, so what moves between workers at the end is cheap. Demo tests that do not
    fit in the first half go last, where the worker holding the deployment takes them back."""

    def folder(item: pytest.Item) -> str:
        return item.nodeid.split("/")[1] if item.nodeid.startswith("tests/") else ""

    demo = [item for item in items if "deployed_demo" in getattr(item, "fixturenames", ())]
    rest = [item for item in items if "deployed_demo" not in getattr(item, "fixturenames", ())]
    half = len(items) // 2
    demo, late_demo = demo[:half], demo[half:]
    tui = [item for item in rest if folder(item) == "tui"]
    integration = [item for item in rest if folder(item) == "integration"]
    other = [item for item in rest if folder(item) not in ("tui", "integration")]
    first = demo + tui
    fill = max(0, half - len(first))
    items[:] = first + other[:fill] + integration + other[fill:] + late_demo


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's "worksteal" schedule when `-n` left the default "load": the suite's long
    tests (a demo deployment, Pilot sessions) sit in a few chunks, and "load" cannot move a queued
    chunk, so one worker would run the long tail while the other idles. An explicit `--dist`
    is kept."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import WorkStealingScheduling

    return WorkStealingScheduling(config, log)


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


# The child process of `deployed_demo`: a local AWS that prints its endpoint, then answers the few
# questions a test asks about its in-process state (one line in, one line out) until stdin closes.
_CHILD = """
import sys
from estate.sources.demo_builder import cloudwatch_index
from estate.sources.demo_builder.localaws import start_local_aws
from moto.cloudwatch.models import cloudwatch_backends

server = start_local_aws()
print(server.endpoint_url, flush=True)
for line in sys.stdin:
    command, *args = line.split()
    if command == "metric-data":  # account region: datums stored in that CloudWatch backend
        print(len(cloudwatch_backends[args[0]][args[1]].metric_data), flush=True)
    elif command == "index":  # on|off: the CloudWatch read speedup
        (cloudwatch_index.install if args[0] == "on" else cloudwatch_index.uninstall)()
        print("ok", flush=True)
server.stop()
"""


class ChildAws:
    """A local AWS in a child process: its state survives the worker's `local_aws.reset()`."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.endpoint_url = self._process.stdout.readline().strip()
        assert self.endpoint_url.startswith("http://"), "the child local AWS did not start"

    def ask(self, *words: str) -> str:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(" ".join(words) + "\n")
        self._process.stdin.flush()
        return self._process.stdout.readline().strip()

    def metric_data(self, account: str, region: str) -> int:
        """How many datums moto stores in that account's CloudWatch backend of `region`."""
        return int(self.ask("metric-data", account, region))

    def set_cloudwatch_index(self, on: bool) -> None:
        assert self.ask("index", "on" if on else "off") == "ok"

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@dataclass(frozen=True)
class DeployedDemo:
    """The demo estate deployed (one day of metrics) into a child local AWS; read it, never change it."""

    endpoint_url: str
    deployment: DemoDeployment
    aws: ChildAws


@pytest.fixture(scope="session")
def deployed_demo(aws_credentials: None) -> Iterator[DeployedDemo]:
    """One deployment of the demo per worker, shared by every test that only reads it."""
    from estate.sources.demo_builder import deploy_demo

    child = ChildAws()
    try:
        deployment = deploy_demo(child.endpoint_url, metrics_days=1)
        yield DeployedDemo(child.endpoint_url, deployment, child)
    finally:
        child.stop()


@pytest.fixture(scope="session")
def demo_analysis() -> Analysis:
    """The bundled demo snapshot analysed once per worker (default settings, on DEMO_TODAY).

    `Analysis` is immutable: tests read it and never change it."""
    if not DEMO_SNAPSHOT.exists():
        pytest.skip("the bundled demo snapshot is absent")
    return analysed_demo(DEMO_TODAY)
