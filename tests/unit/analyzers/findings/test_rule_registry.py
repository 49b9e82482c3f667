"""Every registered rule has at least one positive and one negative test case."""

from __future__ import annotations

import re

import analyzers.analysis  # noqa: F401  (registers every rule)
from analyzers.findings.model import RULES
from tests.paths import TESTS

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
