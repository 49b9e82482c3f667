"""The findings JSON is streamed finding by finding (orjson), and is still the document
`json.dumps(document, indent=2, ensure_ascii=True)` wrote: the same bytes on the demo, the same
parsed document on hostile strings, with every control character and every non-ASCII
character escaped."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from typing import Any

import pytest

from analyzers.findings.model import Evidence, Finding, Severity, Suppression
from tests.builders import fn_arn
from tests.paths import analysed_demo
from tui.cli.reports import FindingsReport, _json_header, finding_text, findings_json, write_json

CONTROLS = "".join(map(chr, range(32))) + '"q" \\ / </script>'  # ASCII: orjson writes these
HOSTILE = CONTROLS + "\x7f \x85 \x9b31m \u2028 \u202e caf\u00e9 \U0001f600 \ud800"  # json.dumps does


def _as_json_dumps_wrote_it(report: FindingsReport) -> str:
    """The document as `findings_json` made it before it streamed: one json.dumps call."""
    document = {**_json_header(report), "findings": [f.to_json() for f in report.findings]}
    return json.dumps(document, indent=2, ensure_ascii=True)


def _hostile_report(evidence: tuple[Evidence, ...]) -> FindingsReport:
    from analyzers.analysis import RULES  # every rule registered

    rule = RULES.get("config.env-secret")
    finding = Finding(
        rule,
        fn_arn(f"evil{HOSTILE}"),
        f"title {HOSTILE}",
        Severity.HIGH,
        path=(HOSTILE, "internet"),
        evidence=evidence,
        region="eu-west-1",
        suppression=Suppression("config.*", f"reason {HOSTILE}", "alice"),
    )
    plain = Finding(rule, fn_arn("plain"), "plain", Severity.LOW, evidence=(Evidence("n", [1, 2.5]),))
    snapshot = {"source": f"src {HOSTILE}", "accounts": ["123456789012"], "coverage_gaps": []}
    return FindingsReport(snapshot, 2, analysed_demo().today, tuple(RULES), (finding, plain))


def test_the_demo_document_is_byte_for_byte_what_json_dumps_wrote() -> None:
    report = FindingsReport.of(analysed_demo())
    assert len(report.findings) > 100
    assert findings_json(report) == _as_json_dumps_wrote_it(report)


def test_streaming_writes_the_same_document() -> None:
    report = FindingsReport.of(analysed_demo())
    out = io.BytesIO()
    write_json(report, out)
    assert out.getvalue() == findings_json(report).encode("ascii")


def test_no_findings_is_an_empty_list() -> None:
    empty = FindingsReport({"source": "x"}, 0, analysed_demo().today, (), ())
    assert findings_json(empty) == _as_json_dumps_wrote_it(empty)
    assert json.loads(findings_json(empty))["findings"] == []


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE,
        {HOSTILE: [HOSTILE, {"nested": HOSTILE}]},
        {"int keys": {1: "a", 2: "b"}},  # orjson refuses: json.dumps writes this finding
        {"huge": 2**80},  # beyond 64 bits: json.dumps too
        {"small floats": [1e-05, 1.5e-07, -3e-09, 0.1, 1e16, 1.0]},  # spelt otherwise, same numbers
    ],
    ids=["string", "nested", "int-keys", "big-int", "floats"],
)
def test_hostile_findings_parse_to_the_same_document(value: Any) -> None:
    report = _hostile_report((Evidence(f"label {HOSTILE}", value), Evidence("k", None)))
    streamed = findings_json(report)
    assert json.loads(streamed) == json.loads(_as_json_dumps_wrote_it(report))
    assert streamed.isascii()
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", streamed)  # newlines only between tokens
    assert "\\u001b" in streamed and "\\u007f" in streamed and "\\u0085" in streamed
    assert "\\u202e" in streamed and "\\ud83d\\ude00" in streamed


def test_orjson_escapes_ascii_controls_as_json_dumps_does(monkeypatch: pytest.MonkeyPatch) -> None:
    report = _hostile_report((Evidence(CONTROLS, {CONTROLS: [CONTROLS, 1, 2.5, True, None]}),))
    finding = report.findings[0]
    finding = replace(finding, resource=CONTROLS, path=(CONTROLS,), title=CONTROLS, suppression=None)
    report = replace(report, findings=(finding,), snapshot={"source": "plain"})
    expected = _as_json_dumps_wrote_it(report)

    def no_fallback(*_args: Any, **_kwargs: Any) -> str:
        raise AssertionError("json.dumps wrote a finding orjson could write")

    import tui.cli.reports

    monkeypatch.setattr(tui.cli.reports.json, "dumps", no_fallback)
    assert finding_text(finding) in expected.encode()
    monkeypatch.undo()
    assert findings_json(report) == expected


def test_hostile_strings_are_byte_for_byte_what_json_dumps_wrote() -> None:
    report = _hostile_report((Evidence(HOSTILE, {HOSTILE: [HOSTILE, 1, 2.5, True, None]}),))
    assert findings_json(report) == _as_json_dumps_wrote_it(report)


@pytest.mark.parametrize("block", [1, 7, 500])
def test_findings_written_a_block_at_a_time_are_the_findings_written_one_by_one(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.cli.reports

    demo = FindingsReport.of(analysed_demo())
    hostile = _hostile_report((Evidence(HOSTILE, {HOSTILE: [HOSTILE, 2**80]}),)).findings
    # plain blocks, and blocks with a finding only json.dumps writes, across block boundaries
    findings = (*demo.findings[:20], *hostile, *demo.findings[20:45], hostile[0], *demo.findings[45:])
    report = replace(demo, findings=findings)
    monkeypatch.setattr(tui.cli.reports, "_BLOCK", block)
    document = findings_json(report)
    assert document == _as_json_dumps_wrote_it(report)
    one_by_one = b",\n    ".join(finding_text(f) for f in findings)
    assert document.encode("ascii").count(one_by_one) == 1


def test_a_block_never_spans_two_rules_and_shrinks_to_what_its_findings_weigh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tui.cli.reports

    findings = FindingsReport.of(analysed_demo()).findings
    blocks: list[list[str]] = []
    real = tui.cli.reports.joined_texts

    def recorded(block: Any) -> bytes:
        blocks.append([f.rule.id for f in block])
        return real(block)

    monkeypatch.setattr(tui.cli.reports, "joined_texts", recorded)
    one_by_one = b",\n    ".join(finding_text(f) for f in findings)
    assert b",\n    ".join(tui.cli.reports._blocks(findings)) == one_by_one
    assert all(len(set(rules)) == 1 for rules in blocks)  # never two rules in one block
    assert sum(map(len, blocks)) == len(findings) and max(map(len, blocks)) > 1
    blocks.clear()
    monkeypatch.setattr(tui.cli.reports, "_BLOCK_BYTES", 1)  # every finding weighs more than that
    assert b",\n    ".join(tui.cli.reports._blocks(findings)) == one_by_one
    assert [len(b) for b in blocks] == [1] * len(findings)
