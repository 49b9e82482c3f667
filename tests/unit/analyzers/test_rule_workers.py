"""The reachability rules in a forked child: the same findings as one process finds, whatever fails."""

from __future__ import annotations

from pathlib import Path

import pytest

import analyzers.analysis  # noqa: F401  (registers every rule)
from analyzers.findings.registry import RULES
from analyzers.forking import can_fork
from analyzers.rule_workers import in_child
from tests.unit.analyzers.fork_check import run_check_script


def test_the_child_takes_the_reachability_rules_and_only_them() -> None:
    away = {e.rule.id for e in RULES.entries() if in_child(e)}
    assert {"reach.public-to-sensitive", "reach.public-invoke", "reach.cross-account-invoke"} <= away
    assert "config.unclassified-store" in away  # it searches the `can` edges too
    assert not any(rule_id.startswith(("anomaly.", "iam.")) for rule_id in away)  # their passes stay here
    assert len(away) < len(RULES) / 2


@pytest.mark.skipif(not can_fork(), reason="no os.fork on this platform")
def test_rules_in_a_child_find_what_one_process_finds() -> None:
    result = run_check_script(Path(__file__).with_name("rule_workers_check.py"), "120")
    assert result["findings"] > 0 and result["from_child"] > 0
    assert result["two"]
    assert result["registry_rules"]  # a rule comes back as the registry's own object, not a copy
    assert result["progress_total"] == [len(RULES)]
    assert result["failed_child"]  # its rules ran in the parent instead
    assert result["no_fork"]
