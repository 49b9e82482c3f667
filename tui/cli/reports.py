"""Headless report formats for `lambdascope findings` (json, markdown, csv, sarif).

Pure functions from an Analysis to text. JSON escapes control characters itself; every other
format passes AWS-sourced strings through `escape_control` so nothing reaches a terminal raw.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from analyzers.analysis import Analysis
from analyzers.findings.compliance import frameworks, requirement_summaries
from analyzers.findings.model import Finding, Severity, Suppression, count_by_severity
from analyzers.findings.registry import RULES
from estate.text import escape_control

FINDINGS_SCHEMA = "lambdascope.findings/1"
FORMATS = ("json", "markdown", "csv", "sarif")
# `suppression`: who accepted the risk, until when, and why (empty for open findings)
CSV_COLUMNS = (
    *("id", "severity", "rule", "analyzer", "resource", "region", "title", "compliance"),
    *("status", "suppression"),
)


def findings_json(analysis: Analysis) -> str:
    payload = {
        "schema": FINDINGS_SCHEMA,
        "snapshot": {
            **analysis.estate.manifest.summary(),
            "functions": len(analysis.estate.functions),
            "evaluated_on": analysis.today.isoformat(),
        },
        "suppressed": analysis.suppressed,
        "suppressions": {
            "config": str(analysis.settings.source) if analysis.settings.source else None,
            "expired": [s.to_json() for s in analysis.expired_suppressions],
            "unused": [s.to_json() for s in analysis.unused_suppressions],
        },
        "findings": [f.to_json() for f in analysis.findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=True)


def _suppressed_line(analysis: Analysis) -> str:
    source = analysis.settings.source
    where = f" by {_md(str(source))}" if source else ""
    return (
        f"Suppressed: {analysis.suppressed} findings{where}; "
        f"{len(analysis.expired_suppressions)} suppressions expired, "
        f"{len(analysis.unused_suppressions)} in force but matching nothing."
    )


def _suppression_md(s: Suppression) -> str:
    until = f" until {s.expires.isoformat()}" if s.expires else ""
    return f"{_md(s.rule)} on {_md(s.resource)} by {_md(s.author)}{until}: {_md(s.reason)}"


def _md(text: str) -> str:
    """Literal in Markdown: escape controls, pipes and markup-significant characters."""
    safe = escape_control(str(text))
    for ch in "\\`*_[]<>|":
        safe = safe.replace(ch, "\\" + ch)
    return safe


def _evidence_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=True) if not isinstance(value, str) else value


def findings_markdown(analysis: Analysis) -> str:
    manifest = analysis.estate.manifest
    counts = count_by_severity(analysis.open_findings)
    out = [
        "# lambdascope findings",
        "",
        f"Snapshot: {_md(manifest.source)} created {_md(manifest.created_at)}, "
        f"accounts {_md(', '.join(manifest.accounts))}, regions {_md(', '.join(manifest.regions))}; "
        f"{len(analysis.estate.functions)} functions; evaluated on {analysis.today.isoformat()}.",
        "",
        "| Severity | Open |",
        "| --- | --- |",
        *[f"| {sev.value} | {counts[sev]} |" for sev in Severity],
        "",
        _suppressed_line(analysis),
        "",
    ]
    for heading, entries in (
        ("Expired suppressions", analysis.expired_suppressions),
        ("Unused suppressions", analysis.unused_suppressions),
    ):
        if entries:
            out += [f"## {heading}", "", *[f"- {_suppression_md(s)}" for s in entries], ""]
    gaps = analysis.estate.gaps
    if gaps:
        out += ["## Coverage gaps", ""]
        out += [
            f"- {_md(g.region)} {_md(g.service)}:{_md(g.operation)}: {_md(g.status)} ({_md(g.detail)})"
            for g in gaps
        ]
        out.append("")
    for rule in RULES:
        rule_findings = [f for f in analysis.findings if f.rule.id == rule.id]
        if not rule_findings:
            continue
        out += [
            f"## {rule.id}: {_md(rule.title)} ({len(rule_findings)})",
            "",
            _md(rule.rationale),
            "",
        ]
        out += [f"Remediation: {_md(rule.remediation)}", ""]
        if rule.compliance:
            out += ["Compliance: " + ", ".join(rule.compliance), ""]
        for finding in rule_findings:
            mark = f" (suppressed: {_suppression_md(finding.suppression)})" if finding.suppression else ""
            out.append(f"- **{finding.severity.value}**{mark} {_md(finding.title)}  ")
            resource = escape_control(finding.resource).replace("`", "'")
            out.append(f"  `{resource}`")
            for ev in finding.evidence:
                out.append(f"  - {_md(ev.label)}: {_md(_evidence_line(ev.value))}")
        out.append("")
    return "\n".join([*out, *_compliance_summary(analysis)])


def _compliance_summary(analysis: Analysis) -> list[str]:
    """Per requirement: open findings by severity and the rules checking it (0: checked, clean)."""
    summaries = requirement_summaries(analysis.findings, RULES)
    out = ["## Compliance summary", ""]
    for framework in frameworks():
        rows = [r for r in summaries if r.framework == framework.id]
        if not rows:
            continue
        out += [
            f"### {_md(framework.title)}",
            "",
            "| Requirement | Title | " + " | ".join(s.value for s in Severity) + " | Suppressed | Rules |",
            "| --- | --- | " + " | ".join("---" for _ in Severity) + " | --- | --- |",
        ]
        for r in rows:
            counts = " | ".join(str(r.open_by_severity[s.value]) for s in Severity)
            rules = ", ".join(f"{rule_id} ({n})" for rule_id, n in sorted(r.rules.items()))
            out.append(f"| {_md(r.id)} | {_md(r.title)} | {counts} | {r.suppressed} | {_md(rules)} |")
        out.append("")
    return out


def findings_csv(analysis: Analysis) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in analysis.findings:
        writer.writerow(
            [
                f.id,
                f.severity.value,
                f.rule.id,
                f.analyzer,
                escape_control(f.resource),
                f.region,
                _csv_cell(escape_control(f.title)),
                " ".join(f.compliance),
                f.status,
                _csv_cell(escape_control(_suppression_text(f.suppression))) if f.suppression else "",
            ]
        )
    return buffer.getvalue()


def _suppression_text(s: Suppression) -> str:
    until = f" until {s.expires.isoformat()}" if s.expires else ""
    return f"{s.author}{until}: {s.reason}"


def _csv_cell(text: str) -> str:
    """Defuse spreadsheet formula injection from AWS-controlled names."""
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


_SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def _sarif_result(f: Finding) -> dict[str, Any]:
    return {
        "ruleId": f.rule.id,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.title},
        "locations": [{"logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]}],
        "partialFingerprints": {"lambdascope/v1": f.id},
        # SARIF 2.1.0 3.27.23: [] means "not suppressed"; "external": the suppression is in lambdascope.toml
        "suppressions": [_sarif_suppression(f.suppression)] if f.suppression else [],
        "properties": {
            "severity": f.severity.value,
            "evidence": [e.to_json() for e in f.evidence],
            "compliance": list(f.compliance),
        },
    }


def _sarif_suppression(s: Suppression) -> dict[str, Any]:
    return {
        "kind": "external",
        "status": "accepted",
        "justification": s.reason,
        "properties": s.to_json(),
    }


def findings_sarif(analysis: Analysis) -> str:
    used = sorted({f.rule.id for f in analysis.findings})
    rules = [
        {
            "id": r.id,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.rationale},
            "help": {"text": r.remediation},
            "properties": {"tags": list(r.compliance), "severity": r.severity.value},
        }
        for r in (RULES.get(rule_id) for rule_id in used)
    ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "lambdascope", "version": "0.1.0", "rules": rules}},
                "results": [_sarif_result(f) for f in analysis.findings],
                "properties": {"suppressed": analysis.suppressed},
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=True)


def render(analysis: Analysis, fmt: str) -> str:
    return {
        "json": findings_json,
        "markdown": findings_markdown,
        "csv": findings_csv,
        "sarif": findings_sarif,
    }[fmt](analysis)
