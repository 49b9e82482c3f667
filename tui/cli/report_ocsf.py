"""`lambdascope findings --format ocsf`: a JSON array of OCSF 1.5.0 Detection Findings (class_uid
2004, type_uid 200401), in the shape Prowler emits, built with `py-ocsf-models` (Prowler's own
library) so every finding is checked against the schema as it is made.

Mapping: `finding_info.uid` our finding id (stable), `resources[0].uid` the resource ARN,
`severity_id` 1-5, `status_id` from `OCSF_STATUS` (a table keyed by our status string, so the
triage states slot in as they arrive), `remediation.desc` the rule's fix, `cloud.account.uid` and
`cloud.region`, and under `unmapped` what OCSF has no field for: the compliance ids by framework
(Prowler's `{"framework": ["requirement", ...]}`), the rule, the path and the evidence.

Scale: 57,000 findings at 10,000 functions. Each is built, dumped and dropped in turn (`ocsf_chunks`),
never a list of models nor one string of the whole array. Output is ASCII (`\\uXXXX` escapes), like
the JSON format: a name with a bidi override reaches no terminal raw.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from py_ocsf_models.events.findings.detection_finding_type_id import DetectionFindingTypeID
from py_ocsf_models.events.findings.finding import FindingInformation
from py_ocsf_models.events.findings.severity_id import SeverityID
from py_ocsf_models.events.findings.status_id import StatusID
from py_ocsf_models.objects.account import Account, TypeID
from py_ocsf_models.objects.cloud import Cloud
from py_ocsf_models.objects.group import Group
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

from analyzers.findings.model import Finding, Rule, Severity
from analyzers.findings.triage import collected_at
from tui.cli.report_resources import account_of, home_region, parse_resource

UNKNOWN_ACCOUNT = "unknown"  # an S3 bucket's account in a snapshot of several accounts

OCSF_SEVERITY = {
    Severity.INFO: SeverityID.Informational,
    Severity.LOW: SeverityID.Low,
    Severity.MEDIUM: SeverityID.Medium,
    Severity.HIGH: SeverityID.High,
    Severity.CRITICAL: SeverityID.Critical,
}

OCSF_STATUS: Mapping[str, StatusID] = {
    "open": StatusID.New,
    "acknowledged": StatusID.InProgress,
    "investigating": StatusID.InProgress,
    "false-positive": StatusID.Suppressed,
    "risk-accepted": StatusID.Suppressed,
    "resolved": StatusID.Resolved,
}
"""Our status (DESIGN.md section 5's triage states) -> OCSF status_id; a status missing here is
written as `Other` (99) with our string in `status`."""


def compliance_by_framework(ids: Iterable[str]) -> dict[str, list[str]]:
    """`PCI-DSS-4.0:7.2.1` -> {"PCI-DSS-4.0": ["7.2.1"]}: Prowler's `unmapped.compliance` shape."""
    out: dict[str, list[str]] = {}
    for compliance_id in ids:
        framework, _, requirement = compliance_id.partition(":")
        out.setdefault(framework, []).append(requirement or framework)
    return out


@functools.cache
def _version() -> str:
    try:
        return importlib.metadata.version("lambdascope")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@functools.lru_cache(maxsize=16)
def _epoch(created_at: Any) -> tuple[int, dt.datetime]:
    """The snapshot's creation time: when every finding in it was observed."""
    when = collected_at(created_at) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return int(when.timestamp()), when


@functools.lru_cache(maxsize=1024)
def _rule_parts(rule: Rule) -> tuple[Remediation, Metadata, dict[str, list[str]]]:
    """What every finding of one rule shares, validated once (about a quarter of the time at
    57,000 findings): pydantic takes a model instance in a field without validating it again."""
    product = Product(uid="lambdascope", name="lambdascope", vendor_name="lambdascope", version=_version())
    metadata = Metadata(event_code=rule.id, product=product, profiles=["cloud", "datetime"])
    return Remediation(desc=rule.remediation), metadata, compliance_by_framework(rule.compliance)


@functools.lru_cache(maxsize=1024)
def _cloud(account: str, region: str) -> Cloud:
    owner = Account(uid=account, name=account, type_id=TypeID.AWS_Account, type="AWS Account")
    return Cloud(provider="aws", region=region, account=owner)


def ocsf_finding(finding: Finding, snapshot: Mapping[str, Any]) -> DetectionFinding:
    """One finding as an OCSF Detection Finding (pydantic validates it here)."""
    resource = parse_resource(finding.resource)
    account = account_of(resource, snapshot.get("accounts") or ()) or UNKNOWN_ACCOUNT
    region = home_region(finding.region or resource.region, snapshot.get("regions") or ())
    time, time_dt = _epoch(str(snapshot.get("created_at")))
    remediation, metadata, compliance = _rule_parts(finding.rule)
    severity = OCSF_SEVERITY[finding.severity]
    status = OCSF_STATUS.get(finding.status, StatusID.Other)
    suppression = finding.suppression
    desc = finding.rule.rationale
    if finding.path:
        desc += "\nPath: " + " -> ".join(finding.path)
    return DetectionFinding(
        message=finding.title,
        activity_id=ActivityID.Create,
        activity_name=ActivityID.Create.name,
        finding_info=FindingInformation(
            uid=finding.id,
            title=finding.title,
            desc=desc,
            types=[finding.analyzer],
            created_time=time,
            created_time_dt=time_dt,
        ),
        time=time,
        time_dt=time_dt,
        remediation=remediation,
        severity_id=severity,
        severity=severity.name,
        status_id=status,
        status=status.name if status is not StatusID.Other else finding.status,
        status_code="FAIL",
        status_detail=_status_detail(finding),
        risk_details=finding.rule.rationale,
        resources=[
            ResourceDetails(
                uid=finding.resource or "unknown",  # never empty: OCSF consumers key on it
                name=resource.name,
                type=resource.resource_type,
                group=Group(name=resource.service or None),
                cloud_partition=resource.partition or None,
                region=region,
            )
        ],
        metadata=metadata,
        type_uid=DetectionFindingTypeID.Create,
        type_name=f"Detection Finding: {DetectionFindingTypeID.Create.name}",
        cloud=_cloud(account, region),
        unmapped={
            "compliance": compliance,
            "rule": finding.rule.id,
            "analyzer": finding.analyzer,
            "status": finding.status,  # ours (status_id is OCSF's coarser one: risk-accepted -> Suppressed)
            "path": list(finding.path),
            "evidence": [e.to_json() for e in finding.evidence],
            **({"suppression": suppression.to_json()} if suppression else {}),
            **({"triage": finding.triage.to_json()} if finding.triage is not None else {}),
        },
    )


def _status_detail(finding: Finding) -> str | None:
    """Why the status is what it is: the suppression's reason, else the triage note (and who set
    it), a re-opened finding saying so."""
    if finding.suppression is not None:
        return finding.suppression.reason
    t = finding.triage
    if t is None:
        return None
    if t.reopened:
        return f"re-opened: marked resolved by {t.author} at {t.at.isoformat()} but still present"
    return f"{t.state} by {t.author}" + (f": {t.note}" if t.note else "")


def finding_json(model: DetectionFinding) -> bytes:
    """The model's JSON (no nulls, as Prowler writes it), ASCII only."""
    text = model.model_dump_json(exclude_none=True).encode()
    if text.isascii() and b"\x7f" not in text:
        return text
    return json.dumps(json.loads(text), ensure_ascii=True, separators=(",", ":")).encode("ascii")


def ocsf_chunks(findings: Sequence[Finding], snapshot: Mapping[str, Any]) -> Iterator[bytes]:
    """The JSON array, one finding per line."""
    yield b"["
    separator = b"\n"
    for finding in findings:
        yield separator
        yield finding_json(ocsf_finding(finding, snapshot))
        separator = b",\n"
    yield b"\n]" if findings else b"]"
