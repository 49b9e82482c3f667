"""Reading snapshot members: the fast path (orjson, one comprehension per member) reads what json
read, and every malformed line still fails with the member and the line named.

Members here are written with a matching sha256 in the manifest, so they pass the integrity check
and reach the line parser (a file built by hand, not a tampered one).
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import zipfile
from pathlib import Path

import pytest

from estate.errors import LambdascopeError
from estate.model.load import load_estate
from estate.snapshot import FORMAT, SCHEMA_VERSION, export_snapshot, load_snapshot
from tests.builders import function, snapshot_of

MEMBER = "records/123456789012/eu-west-1/lambda.jsonl"


def _write(path: Path, blob: bytes) -> Path:
    manifest = {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "created_at": "2026-11-01T00:00:00+00:00",
        "source": "test",
        "members": {MEMBER: hashlib.sha256(blob).hexdigest()},
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr(MEMBER, blob)
    return path


def _line(response: str, operation: str = "GetPolicy") -> bytes:
    return f'{{"operation":"{operation}","params":{{"FunctionName":"f"}},"response":{response}}}'.encode()


def test_what_json_accepts_and_orjson_refuses_still_loads(tmp_path: Path) -> None:
    """`json.dumps` writes NaN and Infinity for float NaN and inf; lone surrogates are escapes."""
    blob = b"\n".join(
        [
            _line('{"Value":NaN}'),
            _line('{"Value":-Infinity}'),
            _line('{"Text":"\\ud800"}'),
            _line('{"Value":1.5}'),
        ]
    )
    records = load_snapshot(_write(tmp_path / "x.lsnap", blob + b"\n")).records
    assert math.isnan(records[0].response["Value"])
    assert records[1].response == {"Value": float("-inf")}
    assert records[2].response == {"Text": "\ud800"}
    assert records[3].response == {"Value": 1.5}
    assert [r.key.operation for r in records] == ["GetPolicy"] * 4
    assert records[0].key.params == {"FunctionName": "f"} and records[0].key.service == "lambda"


def test_a_line_separator_inside_a_string_is_not_a_record_boundary(tmp_path: Path) -> None:
    blob = _line('{"Description":"one\u2028two\u0085three"}')  # raw U+2028 and U+0085, valid JSON
    records = load_snapshot(_write(tmp_path / "x.lsnap", blob + b"\n")).records
    assert [r.response for r in records] == [{"Description": "one\u2028two\u0085three"}]


@pytest.mark.parametrize(
    "bad",
    [
        b"{not json",
        b"[1, 2]",  # JSON, but not a record
        b'{"operation":"GetPolicy","params":{}}',  # no response
        _line('{"Text":"x"}').replace(b"x", b"\xff"),  # not UTF-8
        b"",  # an empty line between records
    ],
)
def test_a_malformed_line_is_named(tmp_path: Path, bad: bytes) -> None:
    blob = b"\n".join([_line("{}"), bad, _line("{}")]) + b"\n"
    with pytest.raises(LambdascopeError, match=f"member {MEMBER} line 2 is malformed"):
        load_snapshot(_write(tmp_path / "x.lsnap", blob))


def test_reading_pauses_the_collector_and_gives_it_back(tmp_path: Path) -> None:
    path = export_snapshot(snapshot_of([function("a")]), tmp_path / "x.lsnap")
    assert gc.isenabled()
    load_estate(load_snapshot(path))
    assert gc.isenabled()
    with pytest.raises(LambdascopeError):
        load_snapshot(_write(tmp_path / "bad.lsnap", b"{not json\n"))
    assert gc.isenabled()
