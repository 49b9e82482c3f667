"""`lambdascope reach`: text and JSON output, exit codes, and hostile names printed literally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estate.snapshot import export_snapshot
from tests.builders import fn_arn, function, snapshot_of, statement
from tui.cli.lambdascope import main

EVIL = "[bold red]pwned[/]\x1b[31m\x07"


@pytest.fixture
def snap_file(tmp_path: Path) -> Path:
    snap = snapshot_of(
        [
            function("public-fn", role="public-role"),
            function(f"evil{EVIL}", role="evil-role"),
            function("private-fn", role="private-role"),
        ],
        policies={"public-fn": [statement("*")], f"evil{EVIL}": [statement("*")]},
    )
    return export_snapshot(snap, tmp_path / "s.lsnap")


def test_text_shows_each_path_hop_by_hop(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", str(snap_file), "--from", "internet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("reach forward from internet (internet), at most 6 hops")
    assert "--[invokes, public]--> public-fn (function)" in out
    assert "--[executes-as]--> public-role (role)" in out
    assert "evidence: via resource-policy · Sid" in out
    assert "private-fn" not in out  # nobody outside may invoke it


def test_hostile_names_are_printed_literally(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", str(snap_file), "--from", "internet"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "evil[bold red]pwned[/]\\x1b[31m\\x07 (function)" in out


def test_json_schema(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["reach", str(snap_file), "--from", "public-fn", "--format", "json", "--backward"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "lambdascope.reach/1"
    assert out["query"] == {
        "from": fn_arn("public-fn"),
        "to": None,
        "direction": "backward",
        "max_hops": 6,
        "classification": None,
    }
    assert [r["node"] for r in out["reached"]] == ["internet"]
    (path,) = out["paths"]
    assert path["nodes"] == ["internet", fn_arn("public-fn")]
    assert set(path["hops"][0]) == {
        "source",
        "target",
        "kind",
        "key",
        "access",
        "conditional",
        "public",
        "evidence",
    }
    assert path["hops"][0]["public"] is True and out["truncated"] is False


def test_to_and_max_hops(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["reach", str(snap_file), "--from", "internet", "--to", "public-role", "--format", "json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["nodes"][-1] for p in out["paths"]] == ["arn:aws:iam::123456789012:role/public-role"]
    assert main([*argv, "--max-hops", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["paths"] == []


@pytest.mark.parametrize("node", ["no-such-thing", "arn:aws:lambda:eu-west-1:123456789012:function:gone"])
def test_unknown_node_is_one_line_and_exit_2(
    snap_file: Path, capsys: pytest.CaptureFixture[str], node: str
) -> None:
    assert main(["reach", str(snap_file), "--from", node]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lambdascope: error: unknown node") and err.count("\n") == 1


def test_bad_flags_exit_2(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["reach", str(snap_file), "--from", "internet", "--max-hops", "0"])
    assert exit_info.value.code == 2
    assert "--max-hops" in capsys.readouterr().err
