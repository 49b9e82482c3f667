"""Benchmark children run from compiled bytecode, as an installed lambdascope does.

`pip install` compiles the package; this checkout's environment sets PYTHONDONTWRITEBYTECODE, so
without this every child would compile every module it imports on every run (0.4-0.8 s of CPU on
the 2-core machine) and the figures would measure the compiler. Children get
PYTHONPYCACHEPREFIX pointing at the benchmarks' own cache (this checkout's tree stays clean) with
writing allowed; `compile_packages` fills it for lambdascope's packages before any timed run, and
an untimed warm-up run (the caller's) fills it for the dependencies a command imports.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

BYTECODE = Path.home() / ".cache" / "lambdascope-bench" / "pycache"
PACKAGES = ("analyzers", "estate", "policy", "tui")


def child_env(bytecode: bool, base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this environment) for a child: with `bytecode`, modules compiled once and
    read back from BYTECODE; without, the environment as it is (every module compiled per run)."""
    env = dict(os.environ if base is None else base)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    return env


def compile_packages(env: dict[str, str]) -> None:
    """Compile lambdascope's packages into the children's bytecode cache (no timing)."""
    roots: list[str] = []
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            roots.extend(spec.submodule_search_locations)
    if roots:
        subprocess.run([sys.executable, "-m", "compileall", "-q", *roots], env=env, check=False)
