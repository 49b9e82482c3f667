"""Severity colours, taken from the running theme's variables (never hard-coded colours).

Table cells and Rich renderables cannot reference `$error` the way `.tcss` does, so a
`SeverityPalette` resolves the styles from `App.get_css_variables()` once, when a table or card
is built, and hands out (cached) styles, badges and count cells.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError

from analyzers.findings.model import Severity

# Which theme variable colours each severity; critical also gets a filled badge.
_VARIABLE = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "text-error",
    Severity.MEDIUM: "text-warning",
    Severity.LOW: "text-primary",
    Severity.INFO: "text-secondary",
}
SHORT = {
    Severity.CRITICAL: "C",
    Severity.HIGH: "H",
    Severity.MEDIUM: "M",
    Severity.LOW: "L",
    Severity.INFO: "I",
}
_NONE = Style(dim=True)


def _colour(variables: Mapping[str, str], name: str) -> Color | None:
    try:
        return Color.parse(variables[name])
    except (KeyError, ColorParseError):
        return None


class SeverityPalette:
    """Styles for each severity under one theme. Cells it returns are shared: copy to change."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self._styles: dict[Severity, Style] = {}
        for severity, name in _VARIABLE.items():
            colour = _colour(variables, name)
            style = Style(color=colour.rich_color) if colour else Style()
            if severity in (Severity.CRITICAL, Severity.HIGH):
                style += Style(bold=True)
            self._styles[severity] = style
        error = _colour(variables, "error")
        self._alarm = (
            Style(
                bgcolor=error.rich_color,
                color=error.get_contrast_text(1.0).rich_color,
                bold=True,
            )
            if error
            else Style(reverse=True, bold=True)
        )
        self._counts: dict[tuple[Severity, int], Text] = {}

    def style(self, severity: Severity) -> Style:
        return self._styles[severity]

    @property
    def alarm(self) -> Style:
        """A filled style for what must stand out: CRITICAL, PUBLIC."""
        return self._alarm

    def badge(self, severity: Severity) -> Text:
        """`CRITICAL` filled, the others as coloured words, all the same width (a new Text)."""
        label = f" {severity.value.upper():<8} "
        if severity is Severity.CRITICAL:
            return Text(label, self._alarm)
        return Text(label, self._styles[severity])

    def count(self, severity: Severity, count: int) -> Text:
        cell = self._counts.get((severity, count))
        if cell is None:
            style = self._styles[severity] if count else _NONE
            cell = Text(str(count) if count else "·", style, justify="right")
            self._counts[(severity, count)] = cell
        return cell
