"""Command palette provider: `category: verb` commands and every function by name or ARN.

`discover` (the empty palette) lists only the handful of view and export commands; `search`
also matches every function, by name or ARN, as `open: function <name>`, and every role
and user as `open: principal <name>` (once the analysis is done: the functions are there from the
model on). The provider drives the app through `PaletteHost`, the few actions it needs, so the
palette never imports the app that lists it in `COMMANDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.markup import escape

from tui.safe_text import clean, literal
from tui.screens.posture import PostureScreen
from tui.screens.reach import ReachScreen
from tui.viewmodels.loading import EstateState, is_analysed
from tui.viewmodels.posture_groups import Grouping

if TYPE_CHECKING:
    pass

_MATCH_STYLE = Style(reverse=True)
BASELINE_CANDIDATES = 50
"""Snapshot files the palette offers as a baseline, at most (newest first)."""


def baseline_candidates(opened: Path | None) -> list[Path]:
    """`*.lsnap` files beside the open snapshot and in the working directory, newest first, the
    open one left out; a directory that cannot be listed offers none."""
    found: dict[Path, float] = {}
    for folder in {p for p in (opened.parent if opened else None, Path.cwd()) if p is not None}:
        try:
            for path in folder.glob("*.lsnap"):
                found[path.resolve()] = path.stat().st_mtime
        except OSError:
            continue
    if opened is not None:
        found.pop(opened.resolve(), None)
    return sorted(found, key=lambda p: (-found[p], str(p)))[:BASELINE_CANDIDATES]


def highlighted(matcher: Matcher, candidate: str) -> Text:
    """The candidate, literal, with the matched characters highlighted (never as markup)."""
    text = literal(candidate)
    if clean(candidate) != candidate:
        return text  # escapes shift offsets; show it unhighlighted rather than mis-highlighted
    _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            text.stylize(_MATCH_STYLE, offset, offset + 1)
    return text


class PaletteHost(Protocol):
    """What the palette asks of the app: its state, and the actions its commands run."""

    @property
    def state(self) -> EstateState | None: ...

    async def action_show_view(self, view: str) -> None: ...
    async def open_function(self, arn: str) -> None: ...
    async def open_principal(self, arn: str) -> None: ...
    def action_copy_arn(self) -> None: ...
    def action_help(self) -> None: ...
    def compare_with(self, path: Path) -> None: ...


POSTURE_HELP = {
    Grouping.RULE: "Findings by rule, config first, with counts by severity",
    Grouping.RESOURCE: "Findings by resource, worst first",
    Grouping.REQUIREMENT: "Findings by compliance requirement (PCI DSS, FSBP, CIS, SOX) incl. passing",
    Grouping.FRAMEWORK: "Findings by compliance framework",
}


class LambdascopeCommands(Provider):
    @property
    def _app(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

    def _static_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self._app
        return [
            ("view: functions", "The functions table", partial(app.action_show_view, "functions")),
            ("view: findings", "Every finding, worst first", partial(app.action_show_view, "findings")),
            ("view: IAM principals", "Roles and users, riskiest first", partial(app.action_show_view, "iam")),
            (
                "view: coverage gaps",
                "What the collector could not read (denied, unsupported, failed)",
                partial(app.action_show_view, "coverage"),
            ),
            (
                "view: anomalies",
                "Functions ranked by metric anomalies, with their posture",
                partial(app.action_show_view, "anomalies"),
            ),
            *(
                (f"view: posture by {g.value}", POSTURE_HELP[g], partial(self._show_posture, g))
                for g in Grouping
            ),
            ("reach: from internet", "What anyone on the internet reaches, hop by hop", self._reach_internet),
            ("export: copy ARN", "Copy the selected resource's ARN", app.action_copy_arn),
            ("help: key bindings", "What every key does here", app.action_help),
        ]

    async def _reach_internet(self) -> None:
        await self._app.action_show_view("reach")
        if isinstance(self.app.screen, ReachScreen):
            self.app.screen.show_from("internet")

    async def _show_posture(self, grouping: Grouping) -> None:
        """The posture pane, grouped as asked."""
        await self._app.action_show_view("posture")
        if isinstance(self.app.screen, PostureScreen):
            self.app.screen.grouping = grouping

    async def discover(self) -> Hits:
        if self._app.state is None:
            return
        for text, help_text, callback in self._static_commands():
            yield DiscoveryHit(text, callback, text=text, help=help_text)
        for text, help_text, callback in self._baseline_commands():
            yield DiscoveryHit(text, callback, text=text, help=help_text)

    def _baseline_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        """`baseline: compare with <file>` for the snapshot files beside the open one and in the
        working directory (the Changes view, key d, then shows what changed since it)."""
        opened = getattr(self.app, "snapshot_path", None)
        return [
            (
                f"baseline: compare with {clean(path.name)}",
                escape(clean(path)),
                partial(self._app.compare_with, path),
            )
            for path in baseline_candidates(opened if isinstance(opened, Path) else None)
        ]

    async def search(self, query: str) -> Hits:
        app = self._app
        state = app.state
        if state is None:
            return
        matcher = self.matcher(query)
        for text, help_text, callback in [*self._static_commands(), *self._baseline_commands()]:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text, help=help_text)
        for fn in state.estate.functions:
            candidate = f"open: function {fn.name}"
            score = max(matcher.match(candidate), matcher.match(fn.name), matcher.match(fn.arn))
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, candidate),
                    partial(app.open_function, fn.arn),
                    text=candidate,
                    help=escape(clean(fn.arn)),
                )
        if not is_analysed(state) or state.iam is None:
            return
        for arn, principal in state.iam.model.actors.items():
            candidate = f"open: principal {principal.name}"
            score = max(matcher.match(candidate), matcher.match(principal.name), matcher.match(arn))
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, candidate),
                    partial(app.open_principal, arn),
                    text=candidate,
                    help=escape(clean(arn)),
                )
