"""Offline import: a snapshot from AWS CLI JSON outputs (reviewers often get dumps, not credentials)."""

from estate.sources.dumps.accepted_files import KINDS, NOT_IMPORTED
from estate.sources.dumps.importer import ImportOptions, import_dump

__all__ = ["KINDS", "NOT_IMPORTED", "ImportOptions", "import_dump"]
