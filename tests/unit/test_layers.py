"""Keep the layers honest mechanically (DESIGN.md section 1, STYLE.md): import-linter checks the
contracts declared in pyproject.toml (layers, no Textual below the app, no AWS in analyses, no
import cycle at any depth); the runtime tests prove what the static graph cannot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.paths import DEMO_SNAPSHOT, ROOT


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 7 kept, 0 broken." in run.stdout


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))\n"
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    return set(run.stdout.split())


def test_findings_command_never_imports_textual() -> None:
    """`lambdascope findings` is headless: CI jobs run it where no terminal UI is wanted."""
    loaded = _modules_after(
        "import contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['findings', {str(DEMO_SNAPSHOT)!r}, '--format', 'json', '--no-cache'])\n"
        "assert code == 0, code\n"
    )
    assert "analyzers.analysis" in loaded  # it did analyse the snapshot
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_demo_opens_without_its_builder_or_test_dependencies() -> None:
    """`lambdascope demo` needs neither the demo's moto deploy code nor test/dev dependencies."""
    loaded = _modules_after(
        "import tui.cli.lambdascope, tui.app, analyzers.analysis\n"
        "from estate.snapshot import load_snapshot\n"
        "analyzers.analysis.analyze_snapshot(load_snapshot(tui.cli.lambdascope.demo_snapshot_path()))\n"
    )
    assert "analyzers.analysis" in loaded and "tui.app" in loaded
    unwanted = {"moto", "pytest", "hypothesis", "estate.sources.demo_builder"}
    assert not {
        m for m in loaded if m.split(".")[0] in unwanted or m.startswith("estate.sources.demo_builder")
    }
