"""`findings --format asff`: BatchImportFindings-ready JSON lines of at most 100 findings."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Evidence, Finding, Rule, Severity, Suppression
from tests.paths import DEMO_SNAPSHOT
from tui.cli.lambdascope import main
from tui.cli.report_asff import BATCH_SIZE, MAX_FINDING_BYTES, asff_chunks, unfiled
from tui.cli.reports import FindingsReport, render

REQUIRED = {
    "SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt",
    "UpdatedAt", "Severity", "Title", "Description", "Resources",
}  # fmt: skip
SNAPSHOT = {
    "accounts": ["111122223333"],
    "regions": ["us-east-1", "eu-west-1"],
    "created_at": "2026-11-01T00:00:00+00:00",
}
RULE = Rule("config.no-dlq", "config", Severity.LOW, "No DLQ", "why", "add a DLQ", ("PCI-DSS-4.0:10.7.2",))


def _batches(findings: list[Finding], snapshot: dict[str, Any] = SNAPSHOT) -> list[list[dict[str, Any]]]:
    raw = b"".join(asff_chunks(findings, snapshot))
    assert raw.isascii()
    return [json.loads(line) for line in raw.decode().splitlines()]


def _finding(name: str, **kw: Any) -> Finding:
    resource = kw.pop("resource", f"arn:aws:lambda:eu-west-1:111122223333:function:{name}")
    return Finding(
        RULE,
        resource,
        kw.pop("title", f"{name}: no DLQ"),
        Severity.LOW,
        region=kw.pop("region", "eu-west-1"),
        **kw,
    )


def test_every_demo_finding_is_batch_import_ready(demo_analysis: Analysis) -> None:
    report = FindingsReport.of(demo_analysis)
    lines = render(report, "asff").splitlines()
    batches = [json.loads(line) for line in lines]
    assert all(1 <= len(batch) <= BATCH_SIZE for batch in batches)
    items = [item for batch in batches for item in batch]
    assert len(items) == len(report.findings)  # one account: every finding is filed
    for finding, item in zip(report.findings, items, strict=True):
        assert set(item) >= REQUIRED
        assert item["Id"] == finding.id and item["GeneratorId"] == f"lambdascope/{finding.rule.id}"
        account, region = item["AwsAccountId"], item["Region"]
        assert item["ProductArn"] == f"arn:aws:securityhub:{region}:{account}:product/{account}/default"
        assert re.fullmatch(r"\d{12}", account) and region in {"eu-west-1", "us-east-1"}
        assert item["Compliance"]["Status"] == "FAILED"
        assert item["Compliance"].get("RelatedRequirements", []) == list(finding.compliance)
        assert item["Workflow"]["Status"] == "NEW" and item["RecordState"] == "ACTIVE"
        assert item["Severity"]["Original"] == finding.severity.value
        assert item["Resources"][0]["Id"] == finding.resource
        assert len(json.dumps(item).encode()) < MAX_FINDING_BYTES
        assert item["CreatedAt"] == item["UpdatedAt"] == "2026-11-01T00:00:00.000Z"


def test_batches_hold_at_most_100_findings() -> None:
    batches = _batches([_finding(f"f{i}") for i in range(250)])
    assert [len(b) for b in batches] == [100, 100, 50]
    assert len({item["Id"] for batch in batches for item in batch}) == 250


def test_no_findings_is_no_line() -> None:
    assert _batches([]) == []


def test_suppressed_is_workflow_suppressed_and_open_is_new() -> None:
    suppression = Suppression("config.no-dlq", "batch job", "alice", expires=dt.date(2027, 1, 1))
    (batch,) = _batches([_finding("a", suppression=suppression), _finding("b")])
    assert batch[0]["Workflow"]["Status"] == "SUPPRESSED"
    assert json.loads(batch[0]["ProductFields"]["lambdascope/suppression"])["author"] == "alice"
    assert (
        batch[1]["Workflow"]["Status"] == "NEW" and "lambdascope/suppression" not in batch[1]["ProductFields"]
    )


def test_a_global_finding_is_filed_in_the_first_region_and_types_follow_the_analyzer() -> None:
    iam_rule = Rule("iam.admin", "iam", Severity.CRITICAL, "Admin", "why", "fix")
    role = Finding(
        iam_rule, "arn:aws:iam::111122223333:role/r", "r: admin", Severity.CRITICAL, region="global"
    )
    ((item,),) = _batches([role])
    assert item["Region"] == "eu-west-1"  # the snapshot's first region, sorted
    assert item["ProductArn"].startswith("arn:aws:securityhub:eu-west-1:111122223333:")
    assert item["Resources"][0]["Type"] == "AwsIamRole" and item["Severity"]["Label"] == "CRITICAL"
    assert item["Types"] == ["Software and Configuration Checks/AWS Security Best Practices/IAM"]


def test_a_bucket_among_several_accounts_is_left_out_and_counted(capsys: pytest.CaptureFixture[str]) -> None:
    several = {**SNAPSHOT, "accounts": ["111122223333", "444455556666"]}
    bucket = _finding("b", resource="arn:aws:s3:::reports")
    ((kept,),) = _batches([bucket, _finding("a")], several)
    assert kept["Resources"][0]["Id"].endswith(":function:a")
    assert unfiled([bucket, _finding("a")], several) == 1
    ((alone,),) = _batches([bucket])  # one account: the bucket's is known
    assert alone["AwsAccountId"] == "111122223333" and alone["Resources"][0]["Type"] == "AwsS3Bucket"
    assert unfiled([bucket], SNAPSHOT) == 0


def test_huge_evidence_and_titles_are_cut_to_the_field_limits() -> None:
    big = _finding("a", title="t" * 5000, evidence=(Evidence("statement", {"x": "y" * 400_000}),),
                   path=tuple(f"arn:aws:iam::111122223333:role/r{i}" for i in range(500)))  # fmt: skip
    ((item,),) = _batches([big])
    assert len(item["Title"]) == 256 and item["Title"].endswith("has it whole)")
    assert all(len(value) <= 2048 for value in item["ProductFields"].values())
    assert len(json.dumps(item).encode()) < MAX_FINDING_BYTES


def test_hostile_strings_are_ascii_and_round_trip() -> None:
    title = "fn\x1b]0;owned\x07 \u202e [red]x[/red]"
    ((item,),) = _batches([_finding("a", title=title)])
    assert item["Title"] == title


def test_cli_writes_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings", str(DEMO_SNAPSHOT), "--format", "asff", "--as-of", "2026-11-29"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all(isinstance(json.loads(line), list) for line in lines)
    assert captured.err == ""
