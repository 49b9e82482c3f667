"""Every findings format says how many findings were suppressed; --fail-on ignores them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from estate.snapshot import export_snapshot
from tests.builders import fn_arn, function, snapshot_of, statement
from tui.cli.lambdascope import main

CONFIG = f"""\
[[suppressions]]
rule = "reach.public-invoke"
resource = "{fn_arn("web")}"
reason = "partner webhook, signed payloads"
author = "alice"
expires = 2026-12-31

[[suppressions]]
rule = "config.env-no-cmk"
reason = "lapsed"
author = "bob"
expires = 2025-01-01
"""


@pytest.fixture
def snap_file(tmp_path: Path) -> Path:
    snap = snapshot_of(
        [function("web"), function("api", env={"LOG_LEVEL": "INFO"})],
        policies={"web": [statement("*")]},
    )
    return export_snapshot(snap, tmp_path / "s.lsnap")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(CONFIG)
    return path


def _run(snap: Path, config: Path | None, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    argv = ["findings", str(snap), "--format", fmt, "--as-of", "2026-06-01"]
    assert main([*argv, *(["--config", str(config)] if config else [])]) == 0
    return capsys.readouterr().out


def test_json_counts_and_marks_suppressed(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = json.loads(_run(snap_file, config, "json", capsys))
    assert out["suppressed"] == 1
    by_rule = {f["rule"]: f for f in out["findings"]}
    public = by_rule["reach.public-invoke"]
    # the status is the triage state risk-accepted (DESIGN section 5); the details stay under "suppressed"
    assert public["status"] == "risk-accepted" and public["suppressed"]["author"] == "alice"
    assert public["suppressed"]["expires"] == "2026-12-31"
    reopened = by_rule["config.env-no-cmk"]
    assert reopened["status"] == "open" and reopened["suppressed"] is None
    assert reopened["evidence"][-1]["label"] == "suppression expired"
    assert [s["author"] for s in out["suppressions"]["expired"]] == ["bob"]
    assert out["suppressions"]["config"] == str(config)


def test_json_without_config_says_zero(
    snap_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no lambdascope.toml here
    out = json.loads(_run(snap_file, None, "json", capsys))
    assert out["suppressed"] == 0 and out["suppressions"]["config"] is None
    assert all(f["status"] == "open" for f in out["findings"])


def test_config_in_working_directory_is_found(
    snap_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lambdascope.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    assert json.loads(_run(snap_file, None, "json", capsys))["suppressed"] == 1


def test_sarif_uses_the_suppressions_array(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = json.loads(_run(snap_file, config, "sarif", capsys))["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    (sup,) = results["reach.public-invoke"]["suppressions"]
    assert sup["kind"] == "external" and sup["status"] == "accepted"
    assert sup["justification"] == "partner webhook, signed payloads"
    assert results["config.env-no-cmk"]["suppressions"] == []  # evaluated, not suppressed
    assert run["properties"]["suppressed"] == 1


def test_csv_has_status_and_suppression_columns(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(snap_file, config, "csv", capsys))))
    by_rule = {r["rule"]: r for r in rows}
    assert by_rule["reach.public-invoke"]["status"] == "risk-accepted"  # DESIGN section 5's state
    assert (
        by_rule["reach.public-invoke"]["suppression"]
        == "alice until 2026-12-31: partner webhook, signed payloads"
    )
    assert (
        by_rule["config.env-no-cmk"]["status"] == "open" and by_rule["config.env-no-cmk"]["suppression"] == ""
    )


def test_markdown_says_suppressed_and_summarises_requirements(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(snap_file, config, "markdown", capsys)
    # risk-accepted is DESIGN section 5's name for a suppression, in the summary and on the finding
    assert f"Risk accepted (suppressed): 1 findings by {config}" in out.replace("\\", "")
    assert "1 suppressions expired" in out and "## Expired suppressions" in out
    assert "(risk-accepted: reach.public-invoke on" in out.replace("\\", "")
    assert "| critical | 0 |" in out  # the only critical finding is suppressed
    summary = out[out.index("## Compliance summary") :]
    assert "### PCI DSS v4.0" in summary and "### SOX IT general controls" in summary
    lambda1 = next(line for line in summary.splitlines() if line.startswith("| AWS-FSBP:Lambda.1 |"))
    cells = [c.strip() for c in lambda1.strip("|").split("|")]
    assert cells[2:7] == ["0", "0", "0", "0", "0"] and cells[7] == "1"  # open by severity, triaged
    assert "reach.public-invoke (0)" in cells[8]
    cmk = next(line for line in summary.splitlines() if line.startswith("| PCI-DSS-4.0:3.6.1 |"))
    assert "config.env-no-cmk (1)" in cmk


def test_fail_on_ignores_suppressed_findings(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["findings", str(snap_file), "--as-of", "2026-06-01", "--fail-on", "critical"]
    assert main(base) == 1  # the public function is critical
    assert main([*base, "--config", str(config)]) == 0  # ... and suppressed
    assert main([*base[:-1], "medium", "--config", str(config)]) == 1  # the re-opened env-no-cmk one
    capsys.readouterr()


def test_bad_config_is_one_line_exit_2(
    snap_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[severity_overrides]\n'reach.public-invoke' = 'urgent'\n")
    assert main(["findings", str(snap_file), "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lambdascope: error:") and err.count("\n") == 1
    assert "bad.toml" in err and "severity_overrides.reach.public-invoke" in err


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "sarif", "ocsf", "asff"])
def test_every_format_reports_a_suppression_as_risk_accepted(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """DESIGN section 5: a suppression in lambdascope.toml is the triage state risk-accepted, in every
    format, with its reason; the finding only a lapsed suppression matched is open, and no format
    says `suppressed` as a status any more."""
    out = _run(snap_file, config, fmt, capsys)
    public, lapsed = "reach.public-invoke", "config.env-no-cmk"
    if fmt == "csv":
        rows = {r["rule"]: r for r in csv.DictReader(io.StringIO(out))}
        statuses = {rule: rows[rule]["status"] for rule in (public, lapsed)}
        reason = rows[public]["suppression"]
    elif fmt == "markdown":
        line = next(
            ln for ln in out.replace("\\", "").splitlines() if "risk-accepted: reach.public-invoke" in ln
        )
        statuses = {public: "risk-accepted", lapsed: "open"}
        assert "(risk-accepted" not in next(
            ln for ln in out.splitlines() if "env" in ln and ln.startswith("- **")
        )
        reason = line
    else:
        data = json.loads(out)
        if fmt == "json":
            found = {f["rule"]: (f["status"], f["suppressed"]) for f in data["findings"]}
            statuses = {rule: found[rule][0] for rule in (public, lapsed)}
            reason = found[public][1]["reason"]
        elif fmt == "sarif":
            results = {r["ruleId"]: r for r in data["runs"][0]["results"]}
            statuses = {rule: results[rule]["properties"]["status"] for rule in (public, lapsed)}
            reason = results[public]["suppressions"][0]["justification"]
        elif fmt == "ocsf":
            found_ocsf = {f["unmapped"]["rule"]: f for f in data}
            statuses = {rule: found_ocsf[rule]["unmapped"]["status"] for rule in (public, lapsed)}
            assert found_ocsf[public]["status_id"] == 3 and found_ocsf[lapsed]["status_id"] == 1
            reason = found_ocsf[public]["status_detail"]
        else:
            found_asff = {f["ProductFields"]["lambdascope/rule"]: f for f in data}
            statuses = {
                rule: found_asff[rule]["ProductFields"]["lambdascope/status"] for rule in (public, lapsed)
            }
            assert found_asff[public]["Workflow"]["Status"] == "SUPPRESSED"
            assert found_asff[lapsed]["Workflow"]["Status"] == "NEW"
            reason = found_asff[public]["ProductFields"]["lambdascope/suppression"]
    assert statuses == {public: "risk-accepted", lapsed: "open"}
    assert "partner webhook, signed payloads" in reason
    assert '"suppressed"' not in out.replace('"suppressed": ', "")  # the key stays; no status says it
