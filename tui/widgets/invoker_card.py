"""One answer to "who can invoke this function, and why": the source, how, and the evidence.

Receives the graph's `invokes` edge for one source (estate.graph.builder.invokers_of) and the source
node's attributes; renders the statement that grants it, literally.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui.safe_text import literal, pretty_json
from tui.severity import SeverityPalette

_VIA = {
    "resource-policy": "resource policy",
    "function-url": "function URL",
    "event-source-mapping": "event source mapping",
}


def explain(source: str, edge: Mapping[str, Any]) -> str:
    """One sentence, in our words, saying why this source can invoke the function."""
    via = edge.get("via")
    if via == "event-source-mapping":
        return "Lambda polls this source and invokes the function with its records."
    if via == "function-url" and not source.startswith(("internet", "account:", "service:")):
        return "The function has a URL; who may call it depends on its AuthType and policy."
    if edge.get("public"):
        if via == "function-url":
            return (
                "The URL's AuthType is NONE and the policy grants * lambda:InvokeFunctionUrl: "
                "anyone on the internet can call it."
            )
        how = "lambda:InvokeFunction"
        if edge.get("conditional"):
            return (
                f"The policy grants * {how}; its conditions narrow the call but do not identify the caller."
            )
        return f"The policy grants * {how} with no condition: anyone on the internet."
    if source.startswith("account:*"):
        return "Any authenticated AWS principal, in any account, may invoke it."
    if source.startswith("account:"):
        return "Every principal the named account allows may invoke it."
    if source.startswith("service:"):
        return "The AWS service may invoke it" + (
            ", only for the source its conditions name." if edge.get("conditional") else "."
        )
    return "The policy names this caller."


def _conditions(conditions: Any) -> list[Text]:
    lines = []
    for cond in conditions or ():
        if not isinstance(cond, Mapping):
            continue
        values = ", ".join(str(v) for v in cond.get("values", ()))
        line = Text("  ")
        line.append_text(literal(cond.get("operator")))
        line.append(" ")
        line.append_text(literal(cond.get("key"), "bold"))
        line.append(" = ")
        line.append_text(literal(values))
        lines.append(line)
    return lines


class InvokerCard(Static):
    def __init__(
        self,
        source: str,
        node: Mapping[str, Any],
        edge: Mapping[str, Any],
        palette: SeverityPalette,
    ) -> None:
        super().__init__(classes="card invoker")
        self._source = source
        self._node = dict(node)
        self._edge = dict(edge)
        self._palette = palette
        if edge.get("public"):
            self.add_class("-public")

    def on_mount(self) -> None:
        self.update(self.body())

    def body(self) -> RenderableType:
        edge, evidence = self._edge, self._edge.get("evidence") or {}
        head = Text()
        head.append_text(literal(self._source, "bold"))
        kind = self._node.get("subkind") or self._node.get("kind") or ""
        if kind and kind != self._source:
            head.append("  (", Style(dim=True))
            head.append_text(literal(kind, Style(dim=True)))
            head.append(")", Style(dim=True))
        head.append("  ")
        if edge.get("public"):
            head.append(" PUBLIC ", self._palette.alarm)
            head.append(" ")
        head.append(f"via {_VIA.get(str(edge.get('via')), str(edge.get('via')))}")
        head.append(" · conditional" if edge.get("conditional") else " · unconditional")
        parts: list[RenderableType] = [head, Text(explain(self._source, edge), style="italic")]
        if edge.get("via") == "event-source-mapping" or "AuthType" in evidence:
            for key, value in evidence.items():
                line = Text(f"{key}: ", style="bold")
                line.append_text(literal(value if isinstance(value, str) else _compact(value)))
                parts.append(line)
            return Group(*parts)
        sid = evidence.get("sid")
        line = Text("Sid: ", style="bold")
        line.append_text(literal(sid) if sid else Text("(none)", style="dim"))
        parts.append(line)
        if evidence.get("action"):
            action = Text("Action: ", style="bold")
            action.append_text(literal(evidence.get("action")))
            parts.append(action)
        conditions = _conditions(evidence.get("conditions"))
        if conditions:
            parts.append(Text("Conditions:", style="bold"))
            parts.extend(conditions)
        if evidence.get("statement") is not None:
            parts.append(Text("Statement:", style="bold"))
            parts.append(pretty_json(evidence.get("statement")))
        return Group(*parts)


def _compact(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    return "(none)" if value is None else str(value)
