"""One line under the header naming every view and its key, the current one highlighted.

Every screen drawn from the estate carries it (issue 15: a new user on the first screen could
not tell that Reachability, Posture or Anomalies exist). It reads the views from the app
(`ViewHost.view_keys`: the app's table, so the line can never disagree with the bindings) and
highlights the view whose stack its screen is in, without any screen telling it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.widgets import Static

TRAILER = ((":", "jump"), ("?", "help"), ("q", "quit"))
"""The app-wide keys named after the views."""


@runtime_checkable
class ViewHost(Protocol):
    """What the bar asks of the app: (view, key, label) for every view, in order."""

    def view_keys(self) -> Sequence[tuple[str, str, str]]: ...


def view_line(views: Sequence[tuple[str, str, str]], current: str | None) -> Text:
    """` h Home  f Functions  …  │ : jump  ? help  q quit`, the current view in reverse."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for view, key, label in views:
        style = "reverse bold" if view == current else ""
        text.append(f" {key} ", style=f"bold {style}".strip())
        text.append(f"{label} ", style=style)
        text.append(" ")
    text.append("│", style="dim")
    for key, label in TRAILER:
        text.append(f" {key} ", style="bold")
        text.append(label, style="dim")
        text.append(" ")
    return text


class ViewBar(Static):
    """The line of view keys; it follows the app's current mode."""

    DEFAULT_CSS = """
    ViewBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="view-bar", markup=False)

    def on_mount(self) -> None:
        self._draw()
        self.call_after_refresh(self._draw)  # by then the screen is in its view's stack

    def _draw(self) -> None:
        if not self.is_attached:  # recomposed away (a detail under a live refresh) before this ran
            return
        app = self.app
        views = app.view_keys() if isinstance(app, ViewHost) else ()
        self.update(view_line(views, self._view_of_screen(views)))

    def _view_of_screen(self, views: Sequence[tuple[str, str, str]]) -> str | None:
        for view, _key, _label in views:
            try:
                if self.screen in self.app.get_screen_stack(view):
                    return view
            except KeyError:  # the view is not installed (yet)
                continue
        return None
