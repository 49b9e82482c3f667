"""A function's posture in a few lines, beside its metrics: is it public, what its role reaches,
its open config findings, its alarms and its last changes (CloudTrail). Every AWS string renders
literally."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui.safe_text import literal
from tui.severity import SeverityPalette
from tui.viewmodels.anomaly_posture import FunctionPosture

_DIM = Style(dim=True, italic=True)
_HEAD = Style(bold=True)
MAX_LINES = 6  # per list; the rest is counted


def _heading(text: str) -> Text:
    return Text(text, _HEAD)


def posture_text(posture: FunctionPosture, palette: SeverityPalette, role: str) -> Text:
    lines: list[Text] = [_public(posture, palette), Text()]
    lines.append(Text.assemble(_heading("Data stores its role reaches"), ("  (", _DIM), literal(role, _DIM)))
    lines[-1].append(", direct grants)", _DIM)
    if not posture.role_in_graph:
        lines.append(Text("  role not in the IAM data (not collected, or another account): unknown", _DIM))
    elif not posture.stores:
        lines.append(Text("  no data-store access edges", _DIM))
    for store in posture.stores[:MAX_LINES]:
        line = Text("  ")
        line.append(
            f"{store.access:<12}", palette.alarm if store.access == "permissions-management" else _HEAD
        )
        line.append_text(literal(store.name))
        line.append(f"  {store.kind}", _DIM)
        line.append("  ")
        line.append_text(
            literal(store.classification or "unclassified", "bold" if store.classification else _DIM)
        )
        if store.conditional:
            line.append("  (conditional)", _DIM)
        lines.append(line)
    _more(lines, len(posture.stores))
    lines.append(Text())
    suppressed = f", {posture.suppressed_config} triaged" if posture.suppressed_config else ""
    lines.append(_heading(f"Open config findings ({len(posture.config_findings)}{suppressed})"))
    if not posture.config_findings:
        lines.append(Text("  none open", _DIM))
    for finding in posture.config_findings[:MAX_LINES]:
        line = Text("  ")
        line.append_text(palette.badge(finding.severity))
        line.append(f" {finding.rule.id}  ", _HEAD)
        line.append_text(literal(finding.title))
        lines.append(line)
    _more(lines, len(posture.config_findings))
    lines.append(Text())
    lines.append(_alarms(posture))
    lines.append(Text())
    lines.append(_heading("Last changes"))
    lines.extend(_changes(posture, palette))
    if posture.last_modified:
        lines.append(Text.assemble("  last modified (GetFunction) ", literal(posture.last_modified)))
    return Text("\n").join(lines)


def _public(posture: FunctionPosture, palette: SeverityPalette) -> Text:
    line = _heading("Internet-invocable  ")
    if posture.public_via is not None:
        line.append(" yes ", palette.alarm)
        line.append(" via ")
        line.append_text(literal(posture.public_via))
    elif not posture.public_known:
        line.append("unknown (resource policy not collected)", _DIM)
    else:
        line.append("no")
    return line


def _alarms(posture: FunctionPosture) -> Text:
    line = _heading("Alarms  ")
    if posture.alarms is None:
        line.append("not collected (CloudWatch DescribeAlarms)", _DIM)
        return line
    if not posture.alarms:
        line.append("no AWS/Lambda alarm watches this function", _DIM)
        return line
    for alarm in posture.alarms[:MAX_LINES]:
        line.append("\n  ")
        line.append_text(literal(alarm.name, "bold"))
        line.append("  ")
        line.append_text(literal(f"{alarm.metric_name or 'composite'} · {alarm.state}"))
        if not alarm.actions_enabled:
            line.append("  (actions disabled)", _DIM)
    if len(posture.alarms) > MAX_LINES:
        line.append(f"\n  … and {len(posture.alarms) - MAX_LINES} more", _DIM)
    return line


def _changes(posture: FunctionPosture, palette: SeverityPalette) -> list[Text]:
    """Newest first: when, what, who and from where, then what the request set."""
    lines = []
    for change in (posture.changes or ())[:MAX_LINES]:
        line = Text("  ")
        line.append(change.time.strftime("%m-%d %H:%M "))
        line.append(
            f"{change.event_name:<28}", palette.alarm if change.event_name == "AddPermission" else _HEAD
        )
        line.append_text(literal(change.actor))
        if change.source_ip:
            line.append("  from ", _DIM)
            line.append_text(literal(change.source_ip))
        lines.append(line)
        detail = Text("      ")
        detail.append_text(literal(change.summary, _DIM))
        if change.error_code:
            detail.append("  failed: ", _DIM)
            detail.append_text(literal(change.error_code))
        lines.append(detail)
    if posture.changes and len(posture.changes) > MAX_LINES:
        lines.append(Text(f"  … and {len(posture.changes) - MAX_LINES} more", _DIM))
    if posture.changes_note:
        lines.append(Text(f"  {posture.changes_note}", _DIM))
    return lines


def _more(lines: list[Text], count: int) -> None:
    if count > MAX_LINES:
        lines.append(Text(f"  … and {count - MAX_LINES} more", _DIM))


class PostureCard(Static):
    """Receives a FunctionPosture (or None while nothing is selected) and renders it."""

    def show(self, posture: FunctionPosture | None, role: str = "") -> None:
        if posture is None:
            self.update(Text("No function selected.", _DIM))
            return
        self.update(posture_text(posture, SeverityPalette(self.app.get_css_variables()), role))
