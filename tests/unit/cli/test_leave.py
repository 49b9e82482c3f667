"""The program ends without tearing down what `findings` built (tui/cli/leave.py): its output
complete, its exit code kept, the exit handlers run; a caller in the same process (a test) is
never ended."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT
from tui.cli import lambdascope as cli
from tui.cli import leave

DEMO = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"
PROGRAM = (sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())")
"""What the console script runs."""


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}


def test_nothing_kept_returns_to_the_caller() -> None:
    assert not leave._KEPT
    leave.leave(3)  # nothing kept: the usual exit follows, not this one


def test_a_kept_command_ends_with_its_code_its_output_flushed_and_exit_handlers_run(tmp_path: Path) -> None:
    marker = tmp_path / "handler-ran"
    probe = (
        "import atexit, pathlib, sys\n"
        "from tui.cli import leave\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "sys.stdout.write('x' * 100000)\n"  # buffered, not yet written
        "leave.keep(object())\n"
        "leave.leave(3)\n"
        "print('not reached')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 3, run.stderr
    assert run.stdout == "x" * 100000
    assert marker.read_text() == "yes"


def test_findings_as_the_program_prints_everything_and_keeps_the_fail_on_code(tmp_path: Path) -> None:
    command = [*PROGRAM, "findings", str(DEMO), "--format", "json"]
    run = subprocess.run(
        [*command, "--fail-on", "critical", "--no-cache"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        timeout=300,
    )
    assert run.returncode == cli.EXIT_FINDINGS, run.stderr
    report = json.loads(run.stdout)
    assert report["schema"] == "lambdascope.findings/1" and report["findings"]


def test_findings_in_process_returns_its_code(tmp_path: Path, capsys: object) -> None:
    """Called with arguments (as tests and embedders do), `main` returns: the process goes on."""
    code = cli.main(["findings", str(DEMO), "--format", "json", "--no-cache", "--fail-on", "critical"])
    assert code == cli.EXIT_FINDINGS
    assert not leave._KEPT  # let go: the caller's process goes on
