"""What the home view shows: the estate at a glance, then one panel per analysis with its worst
items, each naming the view (and key) that has the rest.

Pure data (no Textual). `estate_glance` needs only the model, so the home view paints it while
the analysis runs; `home_panels` needs the analysis and is one pass over the findings (about
0.1 s at 10,000 functions and 100,000 findings: the screen still runs it in a thread worker).
Each panel names the analysis stage it waits for, which the view shows while it is pending.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from analyzers.findings.model import Finding, Severity, count_by_severity
from analyzers.findings.triage import count_by_status
from estate.model import Estate
from tui.viewmodels.summary import resource_name

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

PANEL_ITEMS = 10
"""How many items a panel lists; the rest are one key away, in the panel's view."""


@dataclass(frozen=True, slots=True)
class EstateGlance:
    """Accounts, regions, functions and coverage gaps: the model alone tells them."""

    source: str
    created_at: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    functions: int
    principals: int
    gaps: int


def estate_glance(estate: Estate) -> EstateGlance:
    manifest = estate.manifest
    return EstateGlance(
        source=manifest.source,
        created_at=manifest.created_at,
        accounts=tuple(manifest.accounts),
        regions=tuple(manifest.regions),
        functions=len(estate.functions),
        principals=len(estate.principals),
        gaps=len(estate.gaps),
    )


@dataclass(frozen=True, slots=True)
class HomeItem:
    """One line of a panel; `enter` opens `target` (a function's detail, a principal's, or the
    finding's own when its resource is neither)."""

    severity: Severity
    name: str  # the resource's short name (AWS-sourced: rendered literally)
    text: str  # the finding's title (AWS-sourced)
    target: str  # the resource ARN
    finding: Finding
    new: bool = False  # a finding the baseline did not have


@dataclass(frozen=True, slots=True)
class HomePanel:
    """One analysis' worst items; `total` of them in all, the rest in `view` (key `key`)."""

    id: str
    title: str
    view: str
    key: str
    stage: str  # the analysis stage whose result it shows (named while pending)
    empty: str  # what it says when there is nothing to show
    items: tuple[HomeItem, ...]
    total: int


@dataclass(frozen=True, slots=True)
class PanelSpec:
    id: str
    title: str
    view: str
    key: str
    stage: str
    empty: str


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("exposure", "Internet → sensitive data", "reach", "e", "access", "no path from the internet"),
    PanelSpec(
        "escalation", "Escalations to admin", "iam", "i", "IAM escalation", "no principal can become admin"
    ),
    PanelSpec("posture", "Critical and high posture findings", "posture", "o", "rules", "none open"),
    PanelSpec("anomalies", "Functions anomalous now", "anomalies", "a", "rules", "every function is calm"),
)
CHANGES = PanelSpec("changes", "Changed since the baseline", "changes", "", "rules", "nothing changed")


class BaselineDiff(Protocol):
    """What the home view reads of a baseline comparison (`analyzers.diff.SnapshotDiff`), when
    the app has one (`app.baseline.diff`)."""

    @property
    def new_finding_ids(self) -> frozenset[str]: ...


def is_admin_escalation(finding: Finding) -> bool:
    """An `iam.privesc` finding whose worst outcome is becoming an administrator (its `gain`
    evidence; any other shape is not one)."""
    if finding.rule.id != "iam.privesc":
        return False
    for ev in finding.evidence:
        if (
            ev.label == "gain"
            and isinstance(ev.value, dict)
            and ev.value.get("outcome") == "an administrator"
        ):
            return True
    return False


def _worst_first(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, f.resource, f.id))


def _panel(
    spec: PanelSpec, analysis: Analysis, findings: Sequence[Finding], new: frozenset[str]
) -> HomePanel:
    shown = findings[:PANEL_ITEMS]
    items = tuple(
        HomeItem(f.severity, resource_name(analysis, f.resource), f.title, f.resource, f, f.id in new)
        for f in shown
    )
    return HomePanel(spec.id, spec.title, spec.view, spec.key, spec.stage, spec.empty, items, len(findings))


def _one_per_resource(findings: Iterable[Finding]) -> list[Finding]:
    """The worst finding of each resource, worst first (a function anomalous in three metrics is
    one line)."""
    seen: set[str] = set()
    out: list[Finding] = []
    for f in _worst_first(findings):
        if f.resource not in seen:
            seen.add(f.resource)
            out.append(f)
    return out


def home_panels(
    analysis: Analysis, diff: BaselineDiff | None = None, changes_key: str = ""
) -> tuple[HomePanel, ...]:
    """One panel per analysis (and one for the baseline's new findings when there is a baseline),
    from the findings still open (a suppressed, false-positive or resolved one is not listed)."""
    exposure: list[Finding] = []
    escalation: list[Finding] = []
    posture: list[Finding] = []
    anomalous: list[Finding] = []
    for f in analysis.findings:
        if not f.is_open:
            continue
        rule = f.rule.id
        if rule == "reach.public-to-sensitive":
            exposure.append(f)
        elif is_admin_escalation(f):
            escalation.append(f)
        elif f.analyzer == "config" and f.severity.rank >= Severity.HIGH.rank:
            posture.append(f)
        elif f.analyzer == "anomaly":
            anomalous.append(f)
    new = diff.new_finding_ids if diff is not None else frozenset()
    by_id = {
        "exposure": _worst_first(exposure),
        "escalation": _worst_first(escalation),
        "posture": _worst_first(posture),
        "anomalies": _one_per_resource(anomalous),
    }
    panels = [_panel(spec, analysis, by_id[spec.id], new) for spec in PANELS]
    if diff is not None:
        fresh = _worst_first(f for f in analysis.findings if f.id in new)
        spec = PanelSpec(CHANGES.id, CHANGES.title, CHANGES.view, changes_key, CHANGES.stage, CHANGES.empty)
        panels.append(_panel(spec, analysis, fresh, new))
    return tuple(panels)


@dataclass(frozen=True, slots=True)
class FindingsGlance:
    """The findings line of the estate panel: open ones by severity, and every status."""

    open_by_severity: dict[Severity, int]
    statuses: dict[str, int]
    reopened: int


def findings_glance(analysis: Analysis) -> FindingsGlance:
    reopened = sum(1 for f in analysis.findings if f.triage is not None and f.triage.reopened)
    return FindingsGlance(
        dict(count_by_severity(analysis.open_findings)), count_by_status(analysis.findings), reopened
    )
