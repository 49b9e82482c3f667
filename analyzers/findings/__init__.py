"""Findings: the finding model, the rule registry, compliance mapping, suppressions and settings."""

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
from analyzers.findings.context import Check, RuleContext
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
