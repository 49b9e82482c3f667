"""Pilot helpers: wait for the load worker, read what the terminal shows, find a good function."""

from __future__ import annotations

import html
import re
from collections import defaultdict

from textual.app import App
from textual.pilot import Pilot

from analyzers.analysis import Analysis
from estate.model import LambdaFunction
from tui.viewmodels.summary import most_exposed_function

_TEXT = re.compile(
    r'<text[^>]*\bx="(?P<x>[\d.]+)"[^>]*clip-path="url\(#terminal-[\w-]*?line-(?P<line>\d+)\)"[^>]*>'
    r"(?P<body>[^<]*)</text>"
)
_CELL_WIDTH = 12.2  # Textual's SVG export: one terminal cell is 12.2 units wide


async def wait_loaded(pilot: Pilot[object]) -> None:
    """Let the snapshot-loading worker finish and the first screen paint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def screen_text(app: App[object]) -> str:
    """The terminal's text as the user sees it, line by line, taken from an SVG export."""
    svg = app.export_screenshot()
    lines: dict[int, dict[int, str]] = defaultdict(dict)
    for match in _TEXT.finditer(svg):
        column = round(float(match["x"]) / _CELL_WIDTH)
        lines[int(match["line"])][column] = html.unescape(match["body"]).replace("\xa0", " ")
    out = []
    for number in range(max(lines, default=-1) + 1):
        row = ""
        for column, text in sorted(lines.get(number, {}).items()):
            row = row.ljust(column) + text
        out.append(row.rstrip())
    return "\n".join(out)


def showcase_function(analysis: Analysis) -> LambdaFunction:
    """The function with the most to show (the one the screenshots open too)."""
    fn = most_exposed_function(analysis)
    assert fn is not None, "the estate has no functions"
    return fn


async def type_text(pilot: Pilot[object], text: str) -> None:
    await pilot.press(*[_key(c) for c in text])


def _key(char: str) -> str:
    names = {" ": "space", "-": "minus", ".": "full_stop", "/": "slash", ":": "colon", "_": "underscore"}
    return names.get(char, char)
