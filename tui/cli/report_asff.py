"""`lambdascope findings --format asff`: AWS Security Finding Format, ready for
`aws securityhub batch-import-findings`. lambdascope writes the file; it never calls Security Hub.

Output: JSON lines, each one JSON array of at most `BATCH_SIZE` (100) findings, the most one
BatchImportFindings call takes. Every finding has the required attributes (SchemaVersion, Id,
ProductArn, GeneratorId, AwsAccountId, Types, CreatedAt, UpdatedAt, Severity, Title, Description,
Resources), a stable `Id` (our finding id), the account's default product
(`arn:aws:securityhub:<region>:<account>:product/<account>/default`), `Compliance.Status` FAILED
with the requirement ids, and `Workflow.Status` from `WORKFLOW_STATUS`. Long text is cut to the
documented field limits, so a finding stays far under the 240 KB one may weigh.

A finding whose account cannot be known (an S3 bucket's ARN names none; with several accounts in
the snapshot there is no single answer) has no valid AwsAccountId: `unfiled` counts those, and
they are left out rather than filed under a guessed account.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from analyzers.findings.model import Finding, Severity
from analyzers.findings.triage import collected_at
from tui.cli.report_resources import account_of, home_region, parse_resource

SCHEMA_VERSION = "2018-10-08"
BATCH_SIZE = 100  # BatchImportFindings: at most 100 findings a call
MAX_FINDING_BYTES = 240 * 1024  # ... and each finding under 240 KB
TITLE_MAX, DESCRIPTION_MAX, RECOMMENDATION_MAX = 256, 1024, 512
PRODUCT_FIELD_MAX, REQUIREMENTS_MAX = 2048, 32
NOTE_MAX, NOTE_BY_MAX = 512, 512  # Note.Text and Note.UpdatedBy

ASFF_SEVERITY = {
    Severity.INFO: "INFORMATIONAL",
    Severity.LOW: "LOW",
    Severity.MEDIUM: "MEDIUM",
    Severity.HIGH: "HIGH",
    Severity.CRITICAL: "CRITICAL",
}

WORKFLOW_STATUS: Mapping[str, str] = {
    "open": "NEW",
    "acknowledged": "NOTIFIED",
    "investigating": "NOTIFIED",
    "false-positive": "SUPPRESSED",
    "risk-accepted": "SUPPRESSED",
    "resolved": "RESOLVED",
}
"""Our status (DESIGN.md section 5's triage states) -> Security Hub's Workflow.Status (NEW,
NOTIFIED, SUPPRESSED, RESOLVED). Missing: NEW."""

_TYPES = {
    "reachability": "Software and Configuration Checks/AWS Security Best Practices/Network Reachability",
    "iam": "Software and Configuration Checks/AWS Security Best Practices/IAM",
    "config": "Software and Configuration Checks/AWS Security Best Practices/Lambda Configuration",
    "anomaly": "Unusual Behaviors/Application/Lambda Metrics",
}


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    note = f"... ({len(text)} characters; `--format json` has it whole)"
    return text[: limit - len(note)] + note


def _timestamp(created_at: Any) -> str:
    """The snapshot's creation time, as ASFF wants it (ISO 8601, UTC, `Z`)."""
    when = collected_at(created_at) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _iso_z(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def asff_finding(finding: Finding, snapshot: Mapping[str, Any]) -> dict[str, Any] | None:
    """One finding in ASFF, or None when its account cannot be known."""
    resource = parse_resource(finding.resource)
    account = account_of(resource, snapshot.get("accounts") or ())
    if account is None:
        return None
    region = home_region(finding.region or resource.region, snapshot.get("regions") or ())
    partition = resource.partition or "aws"
    when = _timestamp(snapshot.get("created_at"))
    evidence = json.dumps([e.to_json() for e in finding.evidence], ensure_ascii=True, sort_keys=True)
    fields = {
        "lambdascope/rule": finding.rule.id,
        "lambdascope/analyzer": finding.analyzer,
        "lambdascope/status": finding.status,
        "lambdascope/evidence": _cut(evidence, PRODUCT_FIELD_MAX),
    }
    if finding.path:
        fields["lambdascope/path"] = _cut(" -> ".join(finding.path), PRODUCT_FIELD_MAX)
    if finding.suppression is not None:
        fields["lambdascope/suppression"] = _cut(
            json.dumps(finding.suppression.to_json(), ensure_ascii=True), PRODUCT_FIELD_MAX
        )
    if finding.triage is not None:
        triage = json.dumps(finding.triage.to_json(), ensure_ascii=True)
        fields["lambdascope/triage"] = _cut(triage, PRODUCT_FIELD_MAX)
    out: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding.id,
        "ProductArn": f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": "lambdascope",
        "CompanyName": "lambdascope",
        "GeneratorId": f"lambdascope/{finding.rule.id}",
        "AwsAccountId": account,
        "Region": region,
        "Types": [_TYPES.get(finding.analyzer, _TYPES["config"])],
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": ASFF_SEVERITY[finding.severity], "Original": finding.severity.value},
        "Title": _cut(finding.title, TITLE_MAX),
        "Description": _cut(finding.rule.rationale, DESCRIPTION_MAX),
        "Remediation": {"Recommendation": {"Text": _cut(finding.rule.remediation, RECOMMENDATION_MAX)}},
        "Resources": [
            {
                "Type": resource.resource_type,
                "Id": finding.resource,
                "Partition": partition,
                "Region": region,
            }
        ],
        "Compliance": {"Status": "FAILED"},
        "Workflow": {"Status": WORKFLOW_STATUS.get(finding.status, "NEW")},
        "RecordState": "ACTIVE",
        "ProductFields": fields,
    }
    if finding.triage is not None and finding.triage.note:
        # Security Hub's own place for a workflow note: text, who, when
        out["Note"] = {
            "Text": _cut(finding.triage.note, NOTE_MAX),
            "UpdatedBy": _cut(finding.triage.author, NOTE_BY_MAX),
            "UpdatedAt": _iso_z(finding.triage.at),
        }
    if finding.compliance:
        out["Compliance"]["RelatedRequirements"] = list(finding.compliance[:REQUIREMENTS_MAX])
    return out


def unfiled(findings: Sequence[Finding], snapshot: Mapping[str, Any]) -> int:
    """How many findings the ASFF output leaves out: their account cannot be known."""
    accounts = snapshot.get("accounts") or ()
    return sum(1 for f in findings if account_of(parse_resource(f.resource), accounts) is None)


def asff_chunks(findings: Sequence[Finding], snapshot: Mapping[str, Any]) -> Iterator[bytes]:
    """JSON lines: each a batch (a JSON array) of at most BATCH_SIZE findings, ASCII only."""
    batch: list[bytes] = []
    for finding in findings:
        record = asff_finding(finding, snapshot)
        if record is None:
            continue
        batch.append(json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode("ascii"))
        if len(batch) == BATCH_SIZE:
            yield b"[" + b",".join(batch) + b"]\n"
            batch = []
    if batch:
        yield b"[" + b",".join(batch) + b"]\n"
