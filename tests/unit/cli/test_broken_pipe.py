"""`lambdascope findings ... | head`: the reader leaving is not an internal error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT
from tui.cli import lambdascope as cli

DEMO = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"
PROGRAM = (sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())")
"""What the console script runs."""


def test_a_reader_that_leaves_ends_the_command_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    command = [*PROGRAM, "findings", str(DEMO), "--format", "json"]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10) == b'{\n  "schem'
        process.stdout.close()  # as `head -c 10` does
        error = process.stderr.read().decode()
        code = process.wait(timeout=300)
    assert code == cli.EXIT_BROKEN_PIPE == 141
    assert error == ""  # no "internal error", no crash file named
    assert not list((tmp_path / "cache").rglob("internal-error-*"))
