"""Findings: the finding model, the rule registry, compliance mapping, suppressions and settings."""
