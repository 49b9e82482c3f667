"""The posture pane's data: findings grouped by rule, resource, compliance requirement or framework.

Pure (no Textual), like tui/viewmodels/summary.py: the Posture screen turns these into rows. Every group
keeps all its findings, open and triaged, so every view can say how many were triaged; "open" is
`Finding.is_open`, the rule the home view, the tables and the reports count by (a risk-accepted,
i.e. suppressed, a false-positive or a resolved finding is not open). Config findings come first,
then the worst, so the pane reads as a configuration review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from analyzers.findings.compliance import framework_of, frameworks, requirement_sort_key, requirement_title
from analyzers.findings.model import OPEN_STATUSES, Finding, Rule, Severity, sort_findings
from analyzers.findings.triage import count_by_status
from tui.viewmodels.summary import finding_search_text

if TYPE_CHECKING:
    from analyzers.analysis import Analysis


class Grouping(StrEnum):
    RULE = "rule"
    RESOURCE = "resource"
    REQUIREMENT = "requirement"
    FRAMEWORK = "framework"

    @property
    def next(self) -> Grouping:
        """The next grouping in the cycle rule -> resource -> requirement -> framework -> rule."""
        members = list(Grouping)
        return members[(members.index(self) + 1) % len(members)]


@dataclass(frozen=True, slots=True)
class PostureGroup:
    """One row of the groups table: what it is, its findings and how the default order ranks it."""

    key: str  # unique across groupings: "<grouping>:<label>" (or the ARN for resources)
    label: str  # rule id, resource name, requirement id or framework id
    title: str  # rule title, resource ARN, requirement title or framework title
    findings: tuple[Finding, ...]  # open and triaged, config first, then worst first
    order: tuple[Any, ...]  # the default sort key of the group column
    rules: tuple[str, ...] = ()  # rules that check a requirement or framework (even with no finding)

    @property
    def open_by_severity(self) -> dict[Severity, int]:
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            if finding.is_open:
                counts[finding.severity] += 1
        return counts

    @property
    def open(self) -> int:
        return sum(1 for f in self.findings if f.is_open)

    @property
    def triaged(self) -> int:
        """Findings someone decided are not to act on: risk-accepted, false positive, resolved."""
        return sum(1 for f in self.findings if not f.is_open)

    @property
    def suppressed(self) -> int:
        """The risk-accepted among the triaged (a suppression in lambdascope.toml)."""
        return sum(1 for f in self.findings if f.suppression is not None)

    @property
    def worst(self) -> int:
        """The worst open severity's rank; -1 when nothing is open."""
        return max((f.severity.rank for f in self.findings if f.is_open), default=-1)


def config_first(findings: Iterable[Finding]) -> list[Finding]:
    """Config findings first, each part worst first (stable, so every output is the same)."""
    ordered = sort_findings(findings)
    return [f for f in ordered if f.analyzer == "config"] + [f for f in ordered if f.analyzer != "config"]


def group_findings(
    findings: Sequence[Finding],
    grouping: Grouping,
    *,
    rules: Iterable[Rule] = (),
    name: Callable[[str], str] = lambda arn: arn,
    include_unfound: bool = True,
) -> list[PostureGroup]:
    """Group `findings`; `rules` (the registry) lists requirements that were checked and found
    nothing, shown when `include_unfound` (a compliance view should show what passes too)."""
    if grouping is Grouping.RULE:
        return _by_rule(findings)
    if grouping is Grouping.RESOURCE:
        return _by_resource(findings, name)
    return _by_compliance(findings, grouping, list(rules), include_unfound)


def _by_rule(findings: Sequence[Finding]) -> list[PostureGroup]:
    buckets: dict[str, list[Finding]] = {}
    for finding in findings:
        buckets.setdefault(finding.rule.id, []).append(finding)
    out = []
    for rule_id, members in buckets.items():
        rule = members[0].rule
        group = PostureGroup(f"rule:{rule_id}", rule_id, rule.title, tuple(config_first(members)), ())
        out.append(_ordered(group, (rule.analyzer != "config", -group.worst, -group.open, rule_id)))
    return out


def _by_resource(findings: Sequence[Finding], name: Callable[[str], str]) -> list[PostureGroup]:
    buckets: dict[str, list[Finding]] = {}
    for finding in findings:
        buckets.setdefault(finding.resource, []).append(finding)
    out = []
    for arn, members in buckets.items():
        label = name(arn)
        group = PostureGroup(f"resource:{arn}", label, arn, tuple(config_first(members)), ())
        has_config = any(f.analyzer == "config" for f in members)
        out.append(_ordered(group, (-group.worst, not has_config, -group.open, label.lower(), arn)))
    return out


def _by_compliance(
    findings: Sequence[Finding], grouping: Grouping, rules: list[Rule], include_unfound: bool
) -> list[PostureGroup]:
    def key_of(compliance_id: str) -> str:
        return compliance_id if grouping is Grouping.REQUIREMENT else framework_of(compliance_id)

    checkers: dict[str, dict[str, None]] = {}
    for rule in rules:
        for cid in rule.compliance:
            checkers.setdefault(key_of(cid), {})[rule.id] = None
    buckets: dict[str, list[Finding]] = {}
    for finding in findings:
        for key in dict.fromkeys(key_of(cid) for cid in finding.compliance):
            buckets.setdefault(key, []).append(finding)
            checkers.setdefault(key, {})[finding.rule.id] = None
    keys = set(buckets) | (set(checkers) if include_unfound else set())
    titles = {f.id: f.title for f in frameworks()}
    out = []
    for key in keys:
        if grouping is Grouping.REQUIREMENT:
            title, order = requirement_title(key) or "", requirement_sort_key(key)
        else:
            title, order = titles.get(key, ""), requirement_sort_key(f"{key}:")
        members = tuple(config_first(buckets.get(key, ())))
        out.append(PostureGroup(f"{grouping.value}:{key}", key, title, members, order, tuple(checkers[key])))
    return sorted(out, key=lambda g: g.order)


def _ordered(group: PostureGroup, order: tuple[Any, ...]) -> PostureGroup:
    return PostureGroup(group.key, group.label, group.title, group.findings, order, group.rules)


def posture_search_text(analysis: Analysis, finding: Finding) -> str:
    """What `/` matches: the findings table's text plus compliance ids, status and the reason."""
    parts = [finding_search_text(analysis, finding), finding.analyzer, finding.status, *finding.compliance]
    if finding.suppression is not None:
        parts += [finding.suppression.reason, finding.suppression.author]
    return " ".join(parts).lower()


@dataclass(frozen=True, slots=True)
class PostureCounts:
    """The status line: open and triaged findings (by status), and suppressions that lapsed."""

    open: int
    triaged: dict[str, int]  # status -> findings not open (risk-accepted, false-positive, resolved)
    expired_suppressions: int
    reopened: int  # open findings that only an expired suppression matched

    @property
    def suppressed(self) -> int:
        return self.triaged.get("risk-accepted", 0)

    @property
    def triaged_total(self) -> int:
        return sum(self.triaged.values())


def posture_counts(analysis: Analysis) -> PostureCounts:
    reopened = sum(
        1
        for f in analysis.findings
        if f.suppression is None and any(e.label == "suppression expired" for e in f.evidence)
    )
    statuses = count_by_status(analysis.findings)
    return PostureCounts(
        open=sum(1 for f in analysis.findings if f.is_open),
        triaged={s: n for s, n in statuses.items() if s not in OPEN_STATUSES},
        expired_suppressions=len(analysis.expired_suppressions),
        reopened=reopened,
    )
