"""The bundled demo snapshot: all `lambdascope demo` needs, and nothing else is imported with it.

The snapshot is produced by `estate.sources.demo_builder` (deployed into a local AWS, collected
live); opening the demo never imports that builder or its test-only dependencies.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SNAPSHOT_NAME = "demo.lsnap"


def snapshot_path() -> Path:
    """Where the bundled demo snapshot is installed."""
    return Path(str(resources.files(__name__).joinpath(SNAPSHOT_NAME)))


__all__ = ["SNAPSHOT_NAME", "snapshot_path"]
