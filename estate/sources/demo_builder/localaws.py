"""A local AWS for tests and the demo build: moto's ThreadedMotoServer on 127.0.0.1.

Starting it also prepares the process for the demo:
- ``MOTO_IAM_LOAD_MANAGED_POLICIES=true`` so AWS managed policies (AdministratorAccess,
  AWSLambdaBasicExecutionRole, ...) exist; moto reads it when an IAM backend is created or reset.
- ``AWS_DISABLE_REQUEST_COMPRESSION=true``: moto's server mis-reads botocore's gzip-compressed
  PutMetricData bodies.
- the CloudWatch read speedup of cloudwatch_index and the request timestamp parser of
  moto_timestamps (performance only, same results; together they make a 14-day metrics
  deployment and its read-back take minutes rather than hours).
- werkzeug's per-request access log is silenced.

moto keeps its state in process-wide backends, so two servers in one process share one state;
use one server per process (per pytest-xdist worker) and `reset()` between tests.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from types import TracebackType

from moto.server import ThreadedMotoServer

from . import cloudwatch_index, moto_timestamps


class LocalAws:
    """A running moto server; also a context manager that stops it."""

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        host, bound_port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{bound_port}"
        self._stopped = False

    def _post(self, path: str) -> None:
        request = urllib.request.Request(f"{self.endpoint_url}{path}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def reset(self) -> None:
        """Forget every resource (POST /moto-api/reset)."""
        self._post("/moto-api/reset")

    def seed(self, value: int) -> None:
        """Make moto's generated ids (subnets, keys, API ids) repeat (POST /moto-api/seed)."""
        self._post(f"/moto-api/seed?a={int(value)}")

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._server.stop()

    def __enter__(self) -> LocalAws:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def prepare_process() -> None:
    """Environment and patches the local AWS needs; safe to call more than once."""
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    os.environ["AWS_DISABLE_REQUEST_COMPRESSION"] = "true"
    # moto's 500s on unsupported calls (CloudWatch p99) are expected and become coverage gaps;
    # werkzeug would print a traceback for each of them.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    cloudwatch_index.install()
    moto_timestamps.install()


def start_local_aws(port: int = 0) -> LocalAws:
    """Start a moto server on 127.0.0.1 (port 0 = a free port)."""
    prepare_process()
    return LocalAws(port)
