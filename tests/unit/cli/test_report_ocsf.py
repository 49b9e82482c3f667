"""`findings --format ocsf`: OCSF 1.5.0 Detection Findings in Prowler's shape, validated by the
py-ocsf-models classes Prowler builds them with."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from analyzers.analysis import Analysis
from analyzers.findings.model import Evidence, Finding, Rule, Severity, Suppression
from tests.paths import DEMO_SNAPSHOT
from tui.cli.lambdascope import main
from tui.cli.report_ocsf import OCSF_STATUS, compliance_by_framework, ocsf_chunks
from tui.cli.reports import FindingsReport, render

SEVERITY_IDS = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
SNAPSHOT = {"accounts": ["111122223333"], "regions": ["eu-west-1"], "created_at": "2026-11-01T00:00:00+00:00"}
RULE = Rule(
    "config.no-dlq",
    "config",
    Severity.LOW,
    "No DLQ",
    "why",
    "add a DLQ",
    ("PCI-DSS-4.0:10.7.2", "SOX:ITGC-OP-01"),
)


def _ocsf(findings: list[Finding], snapshot: dict[str, Any] = SNAPSHOT) -> list[dict[str, Any]]:
    data = json.loads(b"".join(ocsf_chunks(findings, snapshot)))
    assert isinstance(data, list)
    return data


def _finding(resource: str, **kw: Any) -> Finding:
    return Finding(RULE, resource, kw.pop("title", "fn: no DLQ"), Severity.LOW, region="eu-west-1", **kw)


def test_every_demo_finding_validates_with_ids_statuses_and_mappings(demo_analysis: Analysis) -> None:
    report = FindingsReport.of(demo_analysis)
    out = json.loads(render(report, "ocsf"))
    assert len(out) == len(report.findings) > 100
    for finding, item in zip(report.findings, out, strict=True):
        model = DetectionFinding.model_validate(item)  # the schema, checked again on the way in
        assert (model.class_uid, model.type_uid, model.metadata.version) == (2004, 200401, "1.5.0")
        assert item["finding_info"]["uid"] == finding.id
        assert item["resources"][0]["uid"] == finding.resource != ""
        assert item["severity_id"] == SEVERITY_IDS[finding.severity.value]
        assert item["status_id"] == 1 and item["status"] == "New"
        assert item["remediation"]["desc"] == finding.rule.remediation
        account = item["cloud"]["account"]["uid"]
        assert len(account) == 12 and account.isdigit()
        assert item["cloud"]["region"] in {"eu-west-1", "us-east-1"}  # IAM's `global`: the first region
        assert item["unmapped"]["compliance"] == compliance_by_framework(finding.compliance)
        assert item["unmapped"]["evidence"] == [e.to_json() for e in finding.evidence]
        assert item["unmapped"]["path"] == list(finding.path)
        assert item["metadata"]["event_code"] == finding.rule.id
    assert len({item["finding_info"]["uid"] for item in out}) == len(out)


def test_suppressed_is_status_3_with_the_reason_and_open_is_1() -> None:
    suppression = Suppression(
        "config.no-dlq", "batch job, retried upstream", "alice", expires=dt.date(2027, 1, 1)
    )
    suppressed = _finding("arn:aws:lambda:eu-west-1:111122223333:function:a", suppression=suppression)
    open_one = _finding("arn:aws:lambda:eu-west-1:111122223333:function:b")
    first, second = _ocsf([suppressed, open_one])
    assert (first["status_id"], first["status"]) == (3, "Suppressed")
    assert first["status_detail"] == "batch job, retried upstream"
    assert first["unmapped"]["suppression"]["author"] == "alice"
    assert (second["status_id"], second["status"]) == (1, "New")
    assert "suppression" not in second["unmapped"] and "status_detail" not in second


@pytest.mark.parametrize(
    ("status", "status_id", "name"),
    [("investigating", 2, "InProgress"), ("resolved", 4, "Resolved"), ("risk-accepted", 3, "Suppressed"),
     ("a-state-not-yet-invented", 99, "a-state-not-yet-invented")],
)  # fmt: skip
def test_triage_states_slot_into_the_status_table(
    monkeypatch: pytest.MonkeyPatch, status: str, status_id: int, name: str
) -> None:
    monkeypatch.setattr(Finding, "status", property(lambda self: status))
    (item,) = _ocsf([_finding("arn:aws:lambda:eu-west-1:111122223333:function:a")])
    assert (item["status_id"], item["status"]) == (status_id, name)
    assert OCSF_STATUS.get(status, 99) == status_id


def test_account_of_a_bucket_is_the_single_account_and_unknown_among_several() -> None:
    bucket = _finding("arn:aws:s3:::reports-bucket")
    (one,) = _ocsf([bucket])
    assert one["cloud"]["account"]["uid"] == "111122223333"
    assert one["resources"][0]["type"] == "AwsS3Bucket" and one["resources"][0]["name"] == "reports-bucket"
    (several,) = _ocsf([bucket], {**SNAPSHOT, "accounts": ["111122223333", "444455556666"]})
    assert several["cloud"]["account"]["uid"] == "unknown"  # never a guess
    (arn_says,) = _ocsf([_finding("arn:aws:iam::444455556666:role/r")], {**SNAPSHOT, "accounts": ["1", "2"]})
    assert arn_says["cloud"]["account"]["uid"] == "444455556666"


def test_hostile_strings_stay_ascii_and_round_trip() -> None:
    title = 'fn\x1b[31m red \u202e\u200b [bold]markup[/bold] "quoted"'
    evil = _finding("arn:aws:lambda:eu-west-1:111122223333:function:a", title=title,
                    evidence=(Evidence("tag \x07", {"v": "\u202eoops"}),))  # fmt: skip
    raw = b"".join(ocsf_chunks([evil], SNAPSHOT))
    assert raw.isascii() and b"\x1b" not in raw
    (item,) = json.loads(raw)
    assert item["message"] == title and item["finding_info"]["title"] == title
    assert item["unmapped"]["evidence"] == [{"label": "tag \x07", "value": {"v": "\u202eoops"}}]


def test_no_findings_is_an_empty_array() -> None:
    assert _ocsf([]) == []


def test_cli_writes_ocsf_for_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings", str(DEMO_SNAPSHOT), "--format", "ocsf", "--as-of", "2026-11-29"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out and all(item["class_uid"] == 2004 for item in out)


def test_cli_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["findings", str(DEMO_SNAPSHOT), "--format", "ocsf2"])
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err
