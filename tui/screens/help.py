"""`?`: the key bindings of the screen underneath (read from its BINDINGS) and a legend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.safe_text import ESCAPE_STYLE


@dataclass(frozen=True, slots=True)
class KeyHelp:
    keys: str
    description: str
    everywhere: bool  # an app binding, not this screen's


def key_help(app: App[Any], bindings: Iterable[ActiveBinding]) -> list[KeyHelp]:
    """One entry per (owner, action): the keys that trigger it and what it does."""
    merged: dict[tuple[bool, str], tuple[list[str], str]] = {}
    for active in bindings:
        binding = active.binding
        if not binding.description or binding.system:
            continue
        everywhere = active.node is app
        slot = merged.setdefault((everywhere, binding.action), ([], binding.description))
        display = app.get_key_display(binding)
        if display not in slot[0]:
            slot[0].append(display)
    return [
        KeyHelp(" ".join(keys), description, everywhere)
        for (everywhere, _action), (keys, description) in merged.items()
    ]


LEGEND = (
    ("C H M L", "findings by severity: critical, high, medium, low (· is none)"),
    ("internet, N", "anyone on the internet can invoke it; N sources in all"),
    ("▲ ▼", "the column the table is sorted by, and which way"),
)


def _help_table(title: str, entries: list[KeyHelp]) -> Table:
    table = Table(
        title=title, title_justify="left", title_style="bold", box=None, show_header=False, expand=True
    )
    table.add_column("Keys", style="bold", no_wrap=True, width=14)
    table.add_column("Action", ratio=1)
    for entry in entries:
        table.add_row(entry.keys, entry.description)
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close help"),
        Binding("question_mark", "dismiss", "Close help", show=False),
    ]

    def __init__(self, entries: list[KeyHelp], screen_name: str) -> None:
        super().__init__(classes="help-screen")
        self._entries = entries
        self._screen_name = screen_name

    def compose(self) -> ComposeResult:
        here = [e for e in self._entries if not e.everywhere]
        everywhere = [e for e in self._entries if e.everywhere]
        legend = Table(
            title="Legend", title_justify="left", title_style="bold", box=None, show_header=False, expand=True
        )
        legend.add_column("Mark", style="bold", no_wrap=True, width=14)
        legend.add_column("Meaning", ratio=1)
        for mark, meaning in LEGEND:
            legend.add_row(mark, meaning)
        legend.add_row(
            Text("\\x1b", ESCAPE_STYLE),
            "a control character in AWS data, shown escaped; AWS text is never interpreted",
        )
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Help"
            yield Static(
                Group(
                    _help_table(f"Keys on this screen ({self._screen_name})", here),
                    Text(),
                    _help_table("Keys everywhere", everywhere),
                    Text(),
                    legend,
                ),
                id="help-text",
            )
