"""Headless report formats for `lambdascope findings` (json, markdown, csv, sarif; ocsf and asff
in tui/cli/report_ocsf.py and tui/cli/report_asff.py, dispatched from here).

Pure functions from a `FindingsReport` (built from an Analysis, or from the analysis cache without
one) to text; JSON is also streamed (`write_json`): 100,000 findings never sit in one string.
JSON escapes control characters itself; every other format passes AWS-sourced strings through
`escape_control` so nothing reaches a terminal raw.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from analyzers.findings.compliance import frameworks, requirement_summaries
from analyzers.findings.model import (
    Finding,
    Rule,
    SettledFindings,
    Severity,
    Suppression,
    Triage,
    count_by_severity,
)
from analyzers.findings.triage import count_by_status
from estate.text import escape_control
from tui.cache.finding_text import SEPARATOR, Text, finding_text, joined_texts

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

FINDINGS_SCHEMA = "lambdascope.findings/1"
FORMATS = ("json", "markdown", "csv", "sarif", "ocsf", "asff")
_BLOCK = 500  # findings per `joined_texts` call at most (`_blocks`)
_BLOCK_BYTES = 1 << 20  # the JSON a block aims at
STREAMED = ("json", "ocsf", "asff")  # written as they are made (`write_report`), never one string
NEEDS_EVIDENCE = ("markdown", "sarif", "ocsf", "asff")  # not from a report with cached texts
# `suppression`: who accepted the risk, until when, and why (empty for open findings);
# `triage`: who set the triage state, when, and their note (empty if nobody triaged it)
CSV_COLUMNS = (
    *("id", "severity", "rule", "analyzer", "resource", "region", "title", "compliance"),
    *("status", "suppression", "triage"),
)


@dataclass(frozen=True)
class FindingsReport(SettledFindings):
    """What every format prints: the snapshot's header, the day, the settled findings (overrides
    applied, suppressions marked) and the rules that ran."""

    snapshot: Mapping[str, Any]  # `Manifest.summary()`: source, accounts, regions, coverage gaps...
    functions: int
    today: dt.date
    rules: Sequence[Rule]  # every rule that ran, by id (the markdown lists each, SARIF those used)
    findings: Sequence[Finding]
    config: Path | None = None  # the settings file the suppressions came from
    triage_file: Path | None = None  # the triage file the states came from
    expired_suppressions: tuple[Suppression, ...] = ()
    unused_suppressions: tuple[Suppression, ...] = ()
    texts: Sequence[Text | None] = ()
    """Beside `findings` (or empty): each one's `finding_text` where it is known (from the analysis
    cache: a finding no setting touched), printed as it is. Only the JSON and CSV formats take a
    report with texts (the others print from the findings)."""

    @classmethod
    def of(cls, analysis: Analysis) -> FindingsReport:
        from analyzers.findings.registry import RULES  # complete: the analysis imported every rule

        return cls(
            snapshot=analysis.estate.manifest.summary(),
            functions=len(analysis.estate.functions),
            today=analysis.today,
            rules=tuple(RULES),
            findings=analysis.findings,
            config=analysis.settings.source,
            triage_file=analysis.settings.triage.read_from,
            expired_suppressions=analysis.expired_suppressions,
            unused_suppressions=analysis.unused_suppressions,
        )


def _json_header(report: FindingsReport) -> dict[str, Any]:
    """The findings document up to its findings (the last key)."""
    return {
        "schema": FINDINGS_SCHEMA,
        "snapshot": {
            **report.snapshot,
            "functions": report.functions,
            "evaluated_on": report.today.isoformat(),
        },
        "suppressed": report.suppressed,
        "suppressions": {
            "config": str(report.config) if report.config else None,
            "expired": [s.to_json() for s in report.expired_suppressions],
            "unused": [s.to_json() for s in report.unused_suppressions],
        },
        "triage": {
            "file": str(report.triage_file) if report.triage_file else None,
            "statuses": count_by_status(report.findings),
        },
    }


def findings_json(report: FindingsReport) -> str:
    """The findings document: `json.dumps(..., indent=2, ensure_ascii=True)`'s layout and escaping."""
    return b"".join(json_chunks(report)).decode("ascii")


def write_json(report: FindingsReport, out: BinaryIO) -> None:
    """`findings_json(report)` written to `out` as it is made, about a megabyte at a time."""
    write_chunks(json_chunks(report), out)


def write_report(report: FindingsReport, fmt: str, out: BinaryIO) -> None:
    """A streamed format (`STREAMED`) written to `out` as it is made."""
    write_chunks(report_chunks(report, fmt), out)


def report_chunks(report: FindingsReport, fmt: str) -> Iterator[Text]:
    if fmt == "json":
        return json_chunks(report)
    if report.texts:
        raise ValueError(f"a report with cached texts may lack evidence, which {fmt} prints")
    if fmt == "ocsf":  # imported here: pydantic and the OCSF models load only for this format
        from tui.cli.report_ocsf import ocsf_chunks

        return ocsf_chunks(report.findings, report.snapshot)
    if fmt == "asff":
        from tui.cli.report_asff import asff_chunks

        return asff_chunks(report.findings, report.snapshot)
    raise ValueError(f"{fmt} is not a streamed format")


def write_chunks(chunks: Iterable[Text], out: BinaryIO) -> None:
    """`chunks` written to `out` about a megabyte at a time."""
    batch: list[Text] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= 1 << 20:
            out.write(b"".join(batch))
            batch, size = [], 0
    out.write(b"".join(batch))


def json_chunks(report: FindingsReport) -> Iterator[Text]:
    """The findings document in pieces: the header, then each finding and what separates them
    (ASCII only)."""
    head = json.dumps(_json_header(report), indent=2, ensure_ascii=True)
    yield head[: -len("\n}")].encode("ascii") + b',\n  "findings": ['
    separator = b"\n    "
    if not report.texts:  # a block of findings at a time (`joined_texts`, `_blocks`)
        for block in _blocks(report.findings):
            yield separator
            yield block
            separator = SEPARATOR
    else:  # from the analysis cache: each finding's own text, where no setting touched it
        for finding, text in zip(report.findings, report.texts, strict=True):
            yield separator
            yield text if text is not None else finding_text(finding)
            separator = SEPARATOR
    yield b"\n  ]\n}" if report.findings else b"]\n}"


def _blocks(findings: Sequence[Finding]) -> Iterator[bytes]:
    """The findings' `joined_texts`, a block at a time: never across two rules (report order
    keeps a rule's findings together), each rule's first block one finding, and each next block
    as many findings (at most `_BLOCK`) as the last block's size per finding says fit in
    `_BLOCK_BYTES`. A finding's evidence may list thousands of stores (3 MB of JSON at 100,000
    functions), so a block sized by count alone held up to a gigabyte at once."""
    at, count, rule = 0, 1, None
    while at < len(findings):
        if findings[at].rule.id != rule:
            rule, count = findings[at].rule.id, 1
        end = at + 1
        while end < min(at + count, len(findings)) and findings[end].rule.id == rule:
            end += 1
        text = joined_texts(findings[at:end])
        count = max(1, min(_BLOCK, (end - at) * _BLOCK_BYTES // max(len(text), 1)))
        at = end
        yield text


def _suppressed_line(report: FindingsReport) -> str:
    source = report.config
    where = f" by {_md(str(source))}" if source else ""
    return (
        f"Risk accepted (suppressed): {report.suppressed} findings{where}; "
        f"{len(report.expired_suppressions)} suppressions expired, "
        f"{len(report.unused_suppressions)} in force but matching nothing."
    )


def _triage_line(report: FindingsReport) -> str:
    """Markdown: how many findings have each status, and where the triage states came from."""
    counts = ", ".join(f"{status} {n}" for status, n in count_by_status(report.findings).items())
    where = f" (triage file {_md(str(report.triage_file))})" if report.triage_file else ""
    reopened = sum(1 for f in report.findings if f.triage is not None and f.triage.reopened)
    again = f"; {reopened} marked resolved but found again, re-opened" if reopened else ""
    return f"Status: {counts or 'no findings'}{where}{again}."


def _triage_md(t: Triage) -> str:
    state = f"re-opened (was resolved by {_md(t.author)} at {t.at.isoformat()})" if t.reopened else t.state
    by = "" if t.reopened else f" by {_md(t.author)} at {t.at.isoformat()}"
    return f"{_md(state)}{by}" + (f": {_md(t.note)}" if t.note else "")


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


def findings_markdown(report: FindingsReport) -> str:
    manifest = report.snapshot
    counts = count_by_severity(report.open_findings)
    out = [
        "# lambdascope findings",
        "",
        f"Snapshot: {_md(manifest['source'])} created {_md(manifest['created_at'])}, "
        f"accounts {_md(', '.join(manifest['accounts']))}, regions {_md(', '.join(manifest['regions']))}; "
        f"{report.functions} functions; evaluated on {report.today.isoformat()}.",
        "",
        "| Severity | Open |",
        "| --- | --- |",
        *[f"| {sev.value} | {counts[sev]} |" for sev in Severity],
        "",
        _suppressed_line(report),
        "",
        _triage_line(report),
        "",
    ]
    for heading, entries in (
        ("Expired suppressions", report.expired_suppressions),
        ("Unused suppressions", report.unused_suppressions),
    ):
        if entries:
            out += [f"## {heading}", "", *[f"- {_suppression_md(s)}" for s in entries], ""]
    gaps = manifest["coverage_gaps"]
    if gaps:
        out += ["## Coverage gaps", ""]
        out += [
            f"- {_md(g['region'])} {_md(g['service'])}:{_md(g['operation'])}: "
            f"{_md(g['status'])} ({_md(g['detail'])})"
            for g in gaps
        ]
        out.append("")
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule.id, []).append(finding)
    for rule in report.rules:
        rule_findings = by_rule.get(rule.id, [])
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
            mark = f" (risk-accepted: {_suppression_md(finding.suppression)})" if finding.suppression else ""
            if finding.triage is not None:
                mark += f" ({_triage_md(finding.triage)})"
            out.append(f"- **{finding.severity.value}**{mark} {_md(finding.title)}  ")
            resource = escape_control(finding.resource).replace("`", "'")
            out.append(f"  `{resource}`")
            for ev in finding.evidence:
                out.append(f"  - {_md(ev.label)}: {_md(_evidence_line(ev.value))}")
        out.append("")
    return "\n".join([*out, *_compliance_summary(report)])


def _compliance_summary(report: FindingsReport) -> list[str]:
    """Per requirement: open findings by severity and the rules checking it (0: checked, clean)."""
    summaries = requirement_summaries(report.findings, report.rules)
    out = ["## Compliance summary", ""]
    for framework in frameworks():
        rows = [r for r in summaries if r.framework == framework.id]
        if not rows:
            continue
        out += [
            f"### {_md(framework.title)}",
            "",
            "| Requirement | Title | " + " | ".join(s.value for s in Severity) + " | Triaged | Rules |",
            "| --- | --- | " + " | ".join("---" for _ in Severity) + " | --- | --- |",
        ]
        for r in rows:
            counts = " | ".join(str(r.open_by_severity[s.value]) for s in Severity)
            rules = ", ".join(f"{rule_id} ({n})" for rule_id, n in sorted(r.rules.items()))
            out.append(f"| {_md(r.id)} | {_md(r.title)} | {counts} | {r.triaged} | {_md(rules)} |")
        out.append("")
    return out


def findings_csv(report: FindingsReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
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
                _csv_cell(escape_control(_triage_text(f.triage))) if f.triage else "",
            ]
        )
    return buffer.getvalue()


def _suppression_text(s: Suppression) -> str:
    until = f" until {s.expires.isoformat()}" if s.expires else ""
    return f"{s.author}{until}: {s.reason}"


def _triage_text(t: Triage) -> str:
    head = f"re-opened, was resolved by {t.author} at {t.at.isoformat()}" if t.reopened else ""
    head = head or f"{t.state} by {t.author} at {t.at.isoformat()}"
    return head + (f": {t.note}" if t.note else "")


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
        # or the triage file
        "suppressions": _sarif_suppressions(f),
        **({"baselineState": "unchanged"} if f.triage is not None and f.triage.reopened else {}),
        "properties": {
            "status": f.status,
            **({"triage": f.triage.to_json()} if f.triage is not None else {}),
            "severity": f.severity.value,
            "evidence": [e.to_json() for e in f.evidence],
            "compliance": list(f.compliance),
        },
    }


# SARIF 2.1.0 3.35.3: `accepted` suppresses the result, `underReview` does not yet.
_SARIF_TRIAGE_STATUS = {
    "acknowledged": "underReview",
    "investigating": "underReview",
    "false-positive": "accepted",
    "resolved": "accepted",
}


def _sarif_suppressions(f: Finding) -> list[dict[str, Any]]:
    """The suppression in lambdascope.toml, and the triage state where SARIF has one: a re-opened
    finding (marked resolved, found again) and an `open` mark are not suppressed."""
    out = [_sarif_suppression(f.suppression)] if f.suppression else []
    t = f.triage
    if t is not None and not t.reopened and t.state in _SARIF_TRIAGE_STATUS:
        out.append(
            {
                "kind": "external",
                "status": _SARIF_TRIAGE_STATUS[t.state],
                "justification": f"{t.state}: {t.note}" if t.note else t.state,
                "properties": t.to_json(),
            }
        )
    return out


def _sarif_suppression(s: Suppression) -> dict[str, Any]:
    return {
        "kind": "external",
        "status": "accepted",
        "justification": s.reason,
        "properties": s.to_json(),
    }


def findings_sarif(report: FindingsReport) -> str:
    catalogue = {r.id: r for r in report.rules}
    used = sorted({f.rule.id for f in report.findings})
    rules = [
        {
            "id": r.id,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.rationale},
            "help": {"text": r.remediation},
            "properties": {"tags": list(r.compliance), "severity": r.severity.value},
        }
        for r in (catalogue[rule_id] for rule_id in used)
    ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "lambdascope", "version": "0.1.0", "rules": rules}},
                "results": [_sarif_result(f) for f in report.findings],
                "properties": {"suppressed": report.suppressed},
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=True)


def render(report: FindingsReport, fmt: str) -> str:
    """The whole report as one string (the streamed formats too: for tests and small estates)."""
    if report.texts and fmt in NEEDS_EVIDENCE:
        raise ValueError(f"a report with cached texts may lack evidence, which {fmt} prints")
    if fmt in ("ocsf", "asff"):
        return b"".join(report_chunks(report, fmt)).decode("ascii").rstrip("\n")
    return {
        "json": findings_json,
        "markdown": findings_markdown,
        "csv": findings_csv,
        "sarif": findings_sarif,
    }[fmt](report)
