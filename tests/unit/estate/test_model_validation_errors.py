"""Never a traceback, never a misleading exit code: a bug is one line, a saved traceback and exit
code 70; a manifest or record key of the wrong shape is refused with one line (exit 2)."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from estate.errors import EXIT_INTERNAL, LambdascopeError, record_internal_error
from estate.snapshot import Manifest, Record, RecordKey, Snapshot, export_snapshot, load_snapshot
from tui.cli import lambdascope


@pytest.fixture
def crash_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path))
    return tmp_path / "crashes"


def _fails_with(error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(_argv: Any) -> int:
        raise error

    monkeypatch.setattr(lambdascope, "run", run)


def test_a_bug_is_one_line_a_saved_traceback_and_exit_70(
    crash_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fails_with(RuntimeError("boom \x1b[31m[bold]x[/bold]"), monkeypatch)
    assert lambdascope.main(["findings", "x.lsnap"]) == EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("lambdascope: internal error: RuntimeError: boom \\x1b[31m[bold]x[/bold]; ")
    (saved,) = crash_dir.iterdir()
    assert f"details written to {saved}" in err
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    text = saved.read_text()
    assert text.startswith("lambdascope findings\n") and "Traceback" in text and "RuntimeError" in text


def test_a_user_error_is_still_exit_2_and_saves_nothing(
    crash_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fails_with(LambdascopeError("no such snapshot file: x.lsnap"), monkeypatch)
    assert lambdascope.main(["findings", "x.lsnap"]) == 2
    assert capsys.readouterr().err == "lambdascope: error: no such snapshot file: x.lsnap\n"
    assert not crash_dir.exists()


def test_the_line_is_bounded_and_says_when_nothing_could_be_saved(crash_dir: Path) -> None:
    crash_dir.parent.joinpath("crashes").write_text("a file where the directory should be")
    line = record_internal_error(ValueError("x" * 5000))
    assert line.startswith("internal error: ValueError: xxx") and "could not be saved" in line
    assert len(line) < 400


def _snapshot_file(tmp_path: Path, manifest: dict[str, Any] | None = None, line: bytes | None = None) -> Path:
    key = RecordKey("123456789012", "eu-west-1", "lambda", "ListFunctions", {})
    path = export_snapshot(
        Snapshot(Manifest("2026-11-01T00:00:00+00:00", "test"), [Record(key, {"Functions": []})]),
        tmp_path / "s.lsnap",
    )
    if manifest is None and line is None:
        return path
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    data = json.loads(members["manifest.json"])
    if line is not None:
        name = next(n for n in members if n != "manifest.json")
        members[name] = line
        data["members"][name] = hashlib.sha256(line).hexdigest()
    data.update(manifest or {})
    members["manifest.json"] = json.dumps(data).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return path


def test_a_well_formed_manifest_loads(tmp_path: Path) -> None:
    assert load_snapshot(_snapshot_file(tmp_path)).manifest.created_at == "2026-11-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"created_at": "last tuesday"}, "created_at is not an ISO 8601 time"),
        ({"metrics_start": 5}, "Expected `str | null`, got `int` - at `$.metrics_start`"),
        ({"accounts": "123456789012"}, "at `$.accounts`"),
        ({"coverage": [{"account": 1}]}, "at `$.coverage[0].account`"),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_naming_the_field(
    tmp_path: Path, change: dict[str, Any], says: str
) -> None:
    with pytest.raises(LambdascopeError, match="snapshot manifest is malformed") as refused:
        load_snapshot(_snapshot_file(tmp_path, manifest=change))
    assert says in str(refused.value)


@pytest.mark.parametrize(
    "line",
    [
        b'{"operation": 5, "params": {}, "response": {}}\n',
        b'{"operation": "ListFunctions", "params": [], "response": {}}\n',
        b'["ListFunctions", {}, {}]\n',
    ],
)
def test_a_record_key_of_the_wrong_shape_is_refused_naming_the_line(tmp_path: Path, line: bytes) -> None:
    with pytest.raises(LambdascopeError, match=r"line 1 is malformed"):
        load_snapshot(_snapshot_file(tmp_path, line=line))
