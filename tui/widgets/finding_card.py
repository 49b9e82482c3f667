"""One finding with its evidence, compliance ids and, when expanded, the rule's why and fix."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from analyzers.findings.model import Evidence, Finding
from tui.safe_text import literal, pretty_json
from tui.severity import SeverityPalette


def evidence_lines(evidence: Evidence) -> list[RenderableType]:
    """A label and its value: scalars on one line, documents pretty-printed below."""
    label = literal(evidence.label, "bold")
    value = evidence.value
    if isinstance(value, Mapping | list | tuple):
        label.append(":")
        return [label, pretty_json(value)]
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        label.append(":")
        return [label, pretty_json(value)]
    label.append(": ")
    label.append_text(Text("(none)", style="dim") if value is None else literal(value))
    return [label]


class FindingCard(Static):
    def __init__(self, finding: Finding, palette: SeverityPalette, *, expanded: bool = False) -> None:
        super().__init__(classes=f"card finding -{finding.severity.value}")
        self._finding = finding
        self._palette = palette
        self._expanded = expanded

    @property
    def finding(self) -> Finding:
        return self._finding

    def on_mount(self) -> None:
        self.update(self.body())

    def body(self) -> RenderableType:
        finding = self._finding
        head = self._palette.badge(finding.severity)
        head.append(" ")
        head.append(finding.rule.id, Style(bold=True))
        head.append("  ")
        head.append_text(literal(finding.title))
        parts: list[RenderableType] = [head]
        if self._expanded:
            resource = Text("Resource: ", style="bold")
            resource.append_text(literal(finding.resource))
            parts.append(resource)
            parts.append(Text.assemble(("Why it matters: ", "bold"), finding.rule.rationale))
            parts.append(Text.assemble(("Fix: ", "bold"), finding.rule.remediation))
        if finding.path:
            path = Text("Path: ", style="bold")
            for index, node in enumerate(finding.path):
                if index:
                    path.append(" → ", Style(dim=True))
                path.append_text(literal(node))
            parts.append(path)
        for evidence in finding.evidence:
            parts.extend(evidence_lines(evidence))
        if finding.compliance:
            parts.append(Text.assemble(("Compliance: ", "bold"), (", ".join(finding.compliance), "italic")))
        return Group(*parts)
