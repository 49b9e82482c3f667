"""The headless CLI: findings formats, exit codes, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estate.snapshot import export_snapshot
from tests.builders import function, snapshot_of, statement
from tui.cli.lambdascope import main

EVIL = "[bold red]pwned[/] \x1b[31mred\x07"


@pytest.fixture
def snap_file(tmp_path: Path) -> Path:
    snap = snapshot_of(
        [
            function("public-fn", runtime="python3.7", env={"LOG_LEVEL": "INFO"}),
            function(f"evil{EVIL}", env={f"KEY{EVIL}": "x"}, description=EVIL),
            function("clean", kms="arn:aws:kms:eu-west-1:123456789012:key/k"),
        ],
        policies={"public-fn": [statement("*")]},
    )
    return export_snapshot(snap, tmp_path / "s.lsnap")


def test_findings_json_contract(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings", str(snap_file), "--format", "json", "--as-of", "2026-11-29"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "lambdascope.findings/1"
    assert out["snapshot"]["source"] == "test" and out["snapshot"]["evaluated_on"] == "2026-11-29"
    rules = {f["rule"] for f in out["findings"]}
    assert rules == {"reach.public-invoke", "config.env-no-cmk", "config.runtime-deprecated"}
    first = out["findings"][0]
    assert set(first) >= {
        "id",
        "rule",
        "analyzer",
        "severity",
        "resource",
        "title",
        "path",
        "evidence",
        "compliance",
    }
    assert first["severity"] == "critical" and first["rule"] == "reach.public-invoke"


def test_fail_on_sets_exit_code(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings", str(snap_file), "--fail-on", "critical"]) == 1
    clean = export_snapshot(snapshot_of([function("ok")]), snap_file.parent / "clean.lsnap")
    assert main(["findings", str(clean), "--fail-on", "low"]) == 0


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv", "sarif"])
def test_no_control_characters_reach_the_terminal(
    snap_file: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert main(["findings", str(snap_file), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "pwned" in out  # shown, literally escaped, not dropped


def test_markdown_shows_markup_literally(snap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["findings", str(snap_file), "--format", "markdown"])
    out = capsys.readouterr().out
    assert "\\[bold red\\]pwned\\[/\\]" in out and "\\x1b\\[31m" in out
    assert "## reach.public-invoke" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["findings", "/definitely/not/here.lsnap"],
        ["open", "/definitely/not/here.lsnap"],
        ["findings", "."],
        ["nonsense"],
        ["findings"],
        ["findings", "x", "--format", "yaml"],
        ["collect", "--region", "mars-north-9", "-o", "x.lsnap"],
    ],
)
def test_user_errors_are_one_line_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("lambdascope: error:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_corrupt_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.lsnap"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["findings", str(bad)]) == 2
    assert "not a lambdascope snapshot" in capsys.readouterr().err
