"""Where synthetic responses go: record keys exactly as the live collector writes them.

`RecordSink.pages` splits a listing into the pages the real API would return (with its own
request and response token names), so paginated estates exercise the same parsers as live ones.
Coverage is counted per operation, as `estate.sources.live.coverage.condense` would report it.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from estate.snapshot import CoverageEntry, Record, RecordKey

GLOBAL = "global"


class RecordSink:
    """Collects the records of one account; `region` is the default record-key region."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.records: list[Record] = []
        self._ok: Counter[tuple[str, str, str]] = Counter()

    def add(
        self, service: str, operation: str, response: Any, region: str | None = None, **params: Any
    ) -> None:
        where = region or self.region
        self.records.append(Record(RecordKey(self.account, where, service, operation, params), response))
        self._ok[(where, service, operation)] += 1

    def pages(
        self,
        service: str,
        operation: str,
        items: Sequence[Any],
        result_key: str,
        page_size: int,
        tokens: tuple[str, str],
        params: Mapping[str, Any] | None = None,
        region: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """The listing as successive pages; `tokens` is (request parameter, response key)."""
        token_in, token_out = tokens
        count = max(1, -(-len(items) // page_size))
        for page in range(count):
            request = dict(params or {})
            if page:
                request[token_in] = page_token(operation, page)
            response: dict[str, Any] = {result_key: list(items[page * page_size : (page + 1) * page_size])}
            response.update(extra or {})
            if page + 1 < count:
                response[token_out] = page_token(operation, page + 1)
            if operation == "GetAccountAuthorizationDetails":
                response["IsTruncated"] = page + 1 < count
            self.add(service, operation, response, region, **request)

    def coverage(self) -> tuple[CoverageEntry, ...]:
        """One ok entry per account, region and operation, with the number of records read."""
        return tuple(
            CoverageEntry(self.account, region, service, operation, "ok", f"{count} calls")
            for (region, service, operation), count in sorted(self._ok.items())
        )


def page_token(operation: str, page: int) -> str:
    return base64.b64encode(f"{operation}:{page}".encode()).decode()
