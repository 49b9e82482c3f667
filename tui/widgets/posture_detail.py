"""One finding as a reviewer reads it: status, why, evidence, the fix and the requirements it fails.

Everything that came from AWS (resource, title, evidence) is rendered literally; evidence is shown
exactly as the model holds it, and the model holds no secret values (only kind, length and a keyed
hash) unless the user collected with `--keep-secrets`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from analyzers.findings.compliance import requirement_title
from analyzers.findings.model import Finding
from tui.safe_text import literal
from tui.severity import SeverityPalette
from tui.viewmodels.posture_groups import PostureGroup
from tui.widgets.finding_card import evidence_lines

_DIM = Style(dim=True)
_HEADING = Style(bold=True, underline=True)


def suppression_status(finding: Finding, today: dt.date) -> Text:
    """`risk-accepted by … until …: reason` (a suppression), `open again` when a suppression
    lapsed, the triage state with who, when and the note, or `open`."""
    s = finding.suppression
    if s is not None:
        text = Text("risk-accepted", Style(bold=True))
        text.append(" by ")
        text.append_text(literal(s.author, "italic"))
        if s.expires is not None:
            days = (s.expires - today).days
            text.append(f" until {s.expires.isoformat()} ({days} day{'s' if days != 1 else ''} left)")
        else:
            text.append(" (no expiry)")
        text.append(": ")
        text.append_text(literal(s.reason))
        return text
    lapsed = next((e.value for e in finding.evidence if e.label == "suppression expired"), None)
    if isinstance(lapsed, Mapping):
        text = Text("open again", Style(bold=True))
        text.append(f": the suppression expired on {lapsed.get('expires')} (")
        text.append_text(literal(lapsed.get("reason", "")))
        text.append(")")
        return text
    t = finding.triage
    if t is not None:
        text = Text("re-opened" if t.reopened else t.state, Style(bold=True))
        text.append(" (was resolved) by " if t.reopened else " by ")
        text.append_text(literal(t.author, "italic"))
        text.append(f" at {t.at:%Y-%m-%d %H:%M} UTC")
        if t.note:
            text.append(": ")
            text.append_text(literal(t.note))
        return text
    return Text("open", Style(bold=True))


def finding_detail(finding: Finding, palette: SeverityPalette, today: dt.date) -> RenderableType:
    head = palette.badge(finding.severity)
    head.append(" ")
    head.append(finding.rule.id, Style(bold=True))
    head.append(f"  ({finding.analyzer})", _DIM)
    parts: list[RenderableType] = [head, literal(finding.title, "bold"), Text()]
    for label, value in (
        ("Resource", literal(finding.resource)),
        ("Region", literal(finding.region or "–")),
        ("Status", suppression_status(finding, today)),
    ):
        parts.append(Text.assemble((f"{label}: ", "bold"), value))
    parts += [Text(), Text("Why it matters", _HEADING), literal(finding.rule.rationale)]
    parts += [Text(), Text("Fix", _HEADING), literal(finding.rule.remediation, keep_newlines=True)]
    if finding.compliance:
        parts += [Text(), Text("Compliance", _HEADING)]
        for cid in finding.compliance:
            line = literal(cid, "italic")
            title = requirement_title(cid)
            if title:
                line.append("  ")
                line.append_text(literal(title))
            parts.append(line)
    if finding.path:
        path = Text("Path: ", style="bold")
        for index, node in enumerate(finding.path):
            if index:
                path.append(" → ", _DIM)
            path.append_text(literal(node))
        parts += [Text(), path]
    evidence = [e for e in finding.evidence if e.label != "suppression expired"]
    if evidence:
        parts += [Text(), Text("Evidence", _HEADING)]
        for item in evidence:
            parts.extend(evidence_lines(item))
    return Group(*parts)


def group_detail(group: PostureGroup, show_triaged: bool) -> RenderableType:
    """What a group with nothing to list says: the rules that checked it, or why it is empty."""
    head = literal(group.label, "bold")
    if group.title:
        head.append("  ")
        head.append_text(literal(group.title))
    parts: list[RenderableType] = [head, Text()]
    if group.triaged and not show_triaged and not group.open:
        parts.append(Text(f"All {group.triaged} findings here are triaged, none open (S shows them)."))
    elif not group.findings:
        parts.append(Text("No findings: every rule that checks this passed."))
    if group.rules:
        parts += [Text(), Text("Checked by", _HEADING)]
        parts += [Text(rule_id) for rule_id in group.rules]
    return Group(*parts)


class PostureDetail(Static):
    """Shows a finding, a group summary or a hint; receives its content, fetches nothing."""

    def show_finding(self, finding: Finding, palette: SeverityPalette, today: dt.date) -> None:
        self.update(finding_detail(finding, palette, today))

    def show_group(self, group: PostureGroup, show_triaged: bool) -> None:
        self.update(group_detail(group, show_triaged))

    def show_hint(self, hint: str) -> None:
        self.update(Text(hint, _DIM))
