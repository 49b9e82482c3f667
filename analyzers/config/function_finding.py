"""The shape most config findings share: one function, titled with its name, placed in its region."""

from __future__ import annotations

from analyzers.findings.model import Evidence, Finding, Rule, Severity
from estate.model import LambdaFunction


def function_finding(
    rule: Rule, fn: LambdaFunction, title: str, severity: Severity, *evidence: Evidence
) -> Finding:
    """A finding about one function, titled with its name and placed in its region."""
    return Finding(
        rule=rule,
        resource=fn.arn,
        title=f"{fn.name}: {title}",
        severity=severity,
        evidence=evidence,
        region=fn.region,
    )
