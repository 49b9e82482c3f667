"""The bundled demo snapshot: all `lambdascope demo` needs, and nothing else is imported with it.

The snapshot is produced by `estate.sources.demo_builder` (deployed into a local AWS, collected
live); opening the demo never imports that builder or its test-only dependencies.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SNAPSHOT_NAME = "demo.lsnap"
LATER_SNAPSHOT_NAME = "demo-later.lsnap"  # the demo a day later (demo_builder/later.py)


def snapshot_path() -> Path:
    """Where the bundled demo snapshot is installed."""
    return Path(str(resources.files(__name__).joinpath(SNAPSHOT_NAME)))


def later_snapshot_path() -> Path:
    """Where the bundled later demo snapshot is installed (`lambdascope demo --later`)."""
    return Path(str(resources.files(__name__).joinpath(LATER_SNAPSHOT_NAME)))


__all__ = ["LATER_SNAPSHOT_NAME", "SNAPSHOT_NAME", "later_snapshot_path", "snapshot_path"]
