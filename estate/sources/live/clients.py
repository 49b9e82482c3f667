"""boto3 clients for one account's session: shared config, one lock, optional hook.

A boto3 `Session` is not safe for concurrent client creation, so each account's factory creates
clients under one lock and caches them per (region, service, retry profile). Every client gets
the collector's `Config` (adaptive retries, timeouts, a connection pool sized for the workers)
and, if given, the caller's `client_hook` (tests use it to inject faults with botocore events).

"Best-effort" clients retry once instead of eight times: they serve optional reads whose failure
is a recorded gap anyway (CloudWatch percentiles, which a local AWS answers with HTTP 500), so a
deterministic server error costs a second, not the half-minute of a full backoff schedule.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

ClientHook = Callable[[Any], None]
Clients = Callable[[str], Any]  # service name -> boto3 client

_USER_AGENT = "lambdascope/0.1"


class ClientFactory:
    """Creates and caches boto3 clients of one session (one account) for any region."""

    def __init__(
        self,
        session: boto3.session.Session,
        *,
        endpoint_url: str | None = None,
        max_workers: int = 8,
        hook: ClientHook | None = None,
    ) -> None:
        self.session = session
        self._endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self._hook = hook
        pool = max(10, max_workers * 2)
        self._configs = {
            False: Config(
                retries={"mode": "adaptive", "max_attempts": 8},
                connect_timeout=10,
                read_timeout=60,
                max_pool_connections=pool,
                user_agent_extra=_USER_AGENT,
            ),
            True: Config(
                retries={"mode": "standard", "max_attempts": 2},
                connect_timeout=10,
                read_timeout=60,
                max_pool_connections=pool,
                user_agent_extra=_USER_AGENT,
            ),
        }
        self._clients: dict[tuple[str, str, bool], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str, best_effort: bool = False) -> Any:
        key = (region, service, best_effort)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(
                    service,  # type: ignore[call-overload]
                    region_name=region,
                    config=self._configs[best_effort],
                    endpoint_url=self._endpoint,
                )
                if self._hook is not None:
                    self._hook(client)
                self._clients[key] = client
            return client

    def for_region(self, region: str, best_effort: bool = False) -> Clients:
        """A `service -> client` callable bound to one region (what `CallContext` takes)."""
        return lambda service: self.client(service, region, best_effort)
