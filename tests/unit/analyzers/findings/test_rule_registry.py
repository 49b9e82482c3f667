"""Every registered rule has a check, and at least one positive and one negative test case."""

from __future__ import annotations

import re

from analyzers.analysis import RULE_MODULES, Analysis
from analyzers.findings.context import RuleContext
from analyzers.findings.registry import RULES
from tests.paths import ROOT, TESTS

ANALYZERS = ROOT / "analyzers"

CASE = re.compile(r"""rule_case\(\s*(?:RULE|["']([\w.-]+)["'])\s*,\s*["'](positive|negative)["']""")
RULE_CONST = re.compile(r"""^RULE\s*=\s*["']([\w.-]+)["']""", re.MULTILINE)


def _cases() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in TESTS.rglob("test_*.py"):
        text = path.read_text()
        const = RULE_CONST.search(text)
        for match in CASE.finditer(text):
            rule = match.group(1) or (const.group(1) if const else "")
            found.add((rule, match.group(2)))
    return found


def test_every_rule_has_positive_and_negative_cases() -> None:
    cases = _cases()
    missing = [
        f"{rule.id}:{kind}"
        for rule in RULES
        for kind in ("positive", "negative")
        if (rule.id, kind) not in cases
    ]
    assert missing == []
    assert len(RULES) >= 3


def test_every_rule_carries_its_check() -> None:
    assert [rule.id for rule in RULES if not callable(RULES.entry(rule.id).check)] == []


def test_every_module_that_registers_rules_is_run_by_the_analysis() -> None:
    """A rule module `analyze()` does not import would have its rules silently never run."""
    registering = {
        ".".join(path.relative_to(ANALYZERS.parent).with_suffix("").parts)
        for path in ANALYZERS.rglob("*.py")
        if "RULES.register(" in path.read_text() and path.parent.name != "findings"
    }
    assert registering == {module.__name__ for module in RULE_MODULES}


def test_each_check_emits_only_its_own_rule(demo_analysis: Analysis) -> None:
    ctx = RuleContext(demo_analysis.estate, demo_analysis.graph, demo_analysis.today)
    emitted = {entry.rule.id: list(entry.check(ctx)) for entry in RULES.entries()}
    assert {rule_id: {f.rule.id for f in found} - {rule_id} for rule_id, found in emitted.items()} == {
        rule_id: set() for rule_id in emitted
    }
    assert sorted(f.id for found in emitted.values() for f in found) == sorted(
        f.id for f in demo_analysis.raw_findings
    )
