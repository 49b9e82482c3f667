"""What changed between two snapshots: findings, estate (functions, IAM) and exposure.

Pure (no I/O, no Textual): `diff_analyses(old, new)` compares two analyses; the CLI's
`lambdascope diff` and the TUI's Changes view both render its `SnapshotDiff`.
"""

from analyzers.diff.exposure import Exposure, ExposureDrift, InvokerChange, diff_exposure, exposure_of
from analyzers.diff.field_change import FieldChange
from analyzers.diff.findings_delta import FindingChange, FindingsDelta, diff_findings
from analyzers.diff.function_changes import FunctionChange, FunctionsDelta, diff_functions
from analyzers.diff.principal_changes import (
    PrincipalChange,
    PrincipalsDelta,
    SourcedStatement,
    diff_principals,
)
from analyzers.diff.snapshot_diff import DIFF_SCHEMA, SnapshotDiff, comparison_problem, diff_analyses

__all__ = [
    "DIFF_SCHEMA",
    "Exposure",
    "ExposureDrift",
    "FieldChange",
    "FindingChange",
    "FindingsDelta",
    "FunctionChange",
    "FunctionsDelta",
    "InvokerChange",
    "PrincipalChange",
    "PrincipalsDelta",
    "SnapshotDiff",
    "SourcedStatement",
    "comparison_problem",
    "diff_analyses",
    "diff_exposure",
    "diff_findings",
    "diff_functions",
    "diff_principals",
    "exposure_of",
]
