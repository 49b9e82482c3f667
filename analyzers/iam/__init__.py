"""The IAM analysis: effective permissions per principal, escalation edges and paths, the iam.* rules.

Exported: the analysis itself and the per-principal summary the IAM pane shows. The rule modules
(`rules_permissions`, `rules_paths`) are not imported here: `analyzers.analysis` runs them.
"""

from analyzers.iam.analysis import IamAnalysis, analyze_iam, iam_pass
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.principal_summary import AccessCounts, PrincipalSummary, iam_analysis, principal_summary

__all__ = [
    "AccessCounts",
    "IamAnalysis",
    "IamModel",
    "PrincipalSummary",
    "analyze_iam",
    "iam_analysis",
    "iam_pass",
    "principal_summary",
]
