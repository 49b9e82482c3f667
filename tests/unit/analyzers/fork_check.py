"""Run a `*_check.py` script in a fresh, single-threaded interpreter and read its verdict.

The forked-worker tests need one: the product forks only a single-threaded process, and a
pytest-xdist worker runs other threads. The script prints one JSON line last; a failing script
fails the test with its stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def run_check_script(script: Path, *args: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    verdict: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return verdict
