"""CallContext: pagination across pages, resume from the store, refusals become coverage gaps.

moto never paginates (LOCAL-AWS.md), so multi-page behaviour is tested with a stub client that
answers like AWS does, page by page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from estate.snapshot import SnapshotStore
from estate.sources.live.calls import READ_ONLY_OPERATIONS, CallContext
from estate.sources.live.lambda_ import fetch_functions


class PagedLambda:
    """Three pages of functions, linked by NextMarker, as AWS returns them."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def list_functions(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        page = {None: 0, "m1": 1, "m2": 2}[params.get("Marker")]
        out: dict[str, Any] = {
            "Functions": [
                {
                    "FunctionName": f"f{page}{i}",
                    "FunctionArn": f"arn:aws:lambda:eu-west-1:1:function:f{page}{i}",
                }
                for i in range(2)
            ]
        }
        if page < 2:
            out["NextMarker"] = f"m{page + 1}"
        return out

    def get_policy(self, **params: Any) -> dict[str, Any]:
        raise ClientError(
            {
                "Error": {"Code": "AccessDeniedException", "Message": "no"},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            },
            "GetPolicy",
        )

    def get_function_url_config(self, **params: Any) -> dict[str, Any]:
        raise ClientError(
            {"Error": {"Code": "ResourceNotFoundException", "Message": "none"}},
            "GetFunctionUrlConfig",
        )


def _ctx(tmp_path: Path, client: Any) -> CallContext:
    return CallContext(
        "111122223333", "eu-west-1", lambda _service: client, SnapshotStore(tmp_path / "c"), []
    )


def test_all_pages_are_read_and_each_is_a_record(tmp_path: Path) -> None:
    client = PagedLambda()
    ctx = _ctx(tmp_path, client)
    assert len(fetch_functions(ctx)) == 6
    assert [c.get("Marker") for c in client.calls] == [None, "m1", "m2"]
    assert len([r for r in ctx.store.records() if r.key.operation == "ListFunctions"]) == 3


def test_resume_answers_from_the_store_without_calling_aws(tmp_path: Path) -> None:
    first = PagedLambda()
    fetch_functions(_ctx(tmp_path, first))
    again = PagedLambda()
    ctx = _ctx(tmp_path, again)
    assert len(fetch_functions(ctx)) == 6 and again.calls == []


def test_denied_is_a_gap_and_not_found_is_a_fact(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, PagedLambda())
    assert ctx.call("lambda", "GetPolicy", FunctionName="x") is None
    assert [(c.operation, c.status) for c in ctx.coverage] == [("GetPolicy", "denied")]
    assert ctx.call("lambda", "GetFunctionUrlConfig", FunctionName="x") == {
        "Error": {"Code": "ResourceNotFoundException", "Message": "none"}
    }


def test_only_read_only_operations_can_be_called(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, PagedLambda())
    with pytest.raises(PermissionError):
        ctx.call("lambda", "DeleteFunction", FunctionName="x")
    assert all(op.startswith(("Get", "List", "Describe", "Lookup")) for _svc, op in READ_ONLY_OPERATIONS)
