"""The rule registry: every rule lambdascope can emit, by id, each with the check that finds it.

A rule module declares a rule and its check in one entry (`RULES.register(Rule(...), check=...)`)
and `analyzers.analysis.analyze` runs every registered check, so adding a rule touches one place.
Registering merges the reviewed compliance table (data/compliance.json) into the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from analyzers.findings.compliance import compliance_for
from analyzers.findings.model import Rule

if TYPE_CHECKING:  # the context imports the graph library; reading the registry needs neither
    from analyzers.findings.context import Check


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """A registered rule and the check that emits its findings."""

    rule: Rule
    check: Check


class RuleRegistry:
    """Rules by id. Declaring a rule twice is a programming error."""

    def __init__(self) -> None:
        self._entries: dict[str, RuleEntry] = {}

    def register(self, rule: Rule, check: Check) -> Rule:
        """Add a rule (its compliance ids completed from the reviewed table) and its check."""
        if rule.id in self._entries:
            raise ValueError(f"rule {rule.id} declared twice")
        merged = tuple(dict.fromkeys((*compliance_for(rule.id), *rule.compliance)))
        if merged != rule.compliance:
            rule = replace(rule, compliance=merged)
        self._entries[rule.id] = RuleEntry(rule, check)
        return rule

    def get(self, rule_id: str) -> Rule:
        return self._entries[rule_id].rule

    def entry(self, rule_id: str) -> RuleEntry:
        return self._entries[rule_id]

    def entries(self) -> list[RuleEntry]:
        """Every entry, by rule id."""
        return [self._entries[rule_id] for rule_id in sorted(self._entries)]

    def __iter__(self) -> Iterator[Rule]:
        return (entry.rule for entry in self.entries())

    def __len__(self) -> int:
        return len(self._entries)


RULES = RuleRegistry()
"""The registry every rule module registers into; complete once `analyzers.analysis` is imported."""
