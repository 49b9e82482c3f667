"""Keep the layers honest mechanically (STYLE.md): imports point down only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "policy": {"textual", "boto3", "botocore", "estate", "analyzers", "tui"},
    "estate": {"textual", "analyzers", "tui"},
    "analyzers": {"textual", "boto3", "botocore", "tui"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_down(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & FORBIDDEN[package]
    }
    # the demo pipeline deploys with boto3 by design; it is a source, not an analysis
    assert offenders == {}


def test_demo_runs_on_a_runtime_only_install() -> None:
    """`lambdascope demo` must not need test/dev dependencies (moto, pytest, hypothesis)."""
    import subprocess
    import sys

    code = (
        "import sys, tui.cli.lambdascope, tui.app, analyzers.analysis\n"
        "from estate.snapshot import load_snapshot\n"
        "analyzers.analysis.analyze_snapshot(load_snapshot(tui.cli.lambdascope.demo_snapshot_path()))\n"
        "bad = sorted({'moto', 'pytest', 'hypothesis'} & set(sys.modules))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)
