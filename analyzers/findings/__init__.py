"""Findings: the finding model, the rule registry, compliance mapping, suppressions and settings.

`RuleContext` and `Check` (context.py) are exported lazily: they import the graph library and the
estate model, which a cached `lambdascope findings` run never needs.
"""

from typing import Any

from analyzers.findings.compliance import (
    Framework,
    RequirementSummary,
    compliance_for,
    compliance_note,
    framework_of,
    frameworks,
    requirement_sort_key,
    requirement_summaries,
    requirement_title,
)
from analyzers.findings.model import (
    ANALYZERS,
    Evidence,
    Finding,
    Rule,
    Severity,
    Suppression,
    count_by_severity,
    finding_id,
    sort_findings,
)
from analyzers.findings.registry import RULES, RuleEntry, RuleRegistry
from analyzers.findings.settings import FILE_NAME, Settings, load_settings, parse_settings, save_suppression
from analyzers.findings.suppressions import SuppressionOutcome, apply_severity_overrides, apply_suppressions


def __getattr__(name: str) -> Any:
    if name in ("Check", "RuleContext"):
        from analyzers.findings import context

        return getattr(context, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ANALYZERS",
    "FILE_NAME",
    "RULES",
    "Check",
    "Evidence",
    "Finding",
    "Framework",
    "RequirementSummary",
    "Rule",
    "RuleContext",
    "RuleEntry",
    "RuleRegistry",
    "Settings",
    "Severity",
    "Suppression",
    "SuppressionOutcome",
    "apply_severity_overrides",
    "apply_suppressions",
    "compliance_for",
    "compliance_note",
    "count_by_severity",
    "finding_id",
    "framework_of",
    "frameworks",
    "load_settings",
    "parse_settings",
    "requirement_sort_key",
    "requirement_summaries",
    "requirement_title",
    "save_suppression",
    "sort_findings",
]
