"""The app's top-level views, and the screen each shows for the app's state.

`VIEWS`: name -> (screen class, app-wide key, label). Adding a pane is one entry here; the key
reaches the view from every screen (but while a text input has focus), `1`..`9` also switch to
the views in this order, and every screen's view bar names them all. A view's own key on that
view stays there (back at its top level): no key toggles. While the analysis is pending, a view
whose screen does not `shows_pending` is an `AnalysisPendingScreen`.
"""

from __future__ import annotations

from textual.screen import Screen

from tui.screens.analysis_pending import AnalysisPendingScreen
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.anomalies import AnomaliesScreen
from tui.screens.changes import ChangesScreen
from tui.screens.coverage import CoverageScreen
from tui.screens.findings import FindingsScreen
from tui.screens.functions import FunctionsScreen
from tui.screens.home import HomeScreen
from tui.screens.iam import IamScreen
from tui.screens.posture import PostureScreen
from tui.screens.reach import ReachScreen
from tui.viewmodels.loading import EstateState, Pending

VIEWS: dict[str, tuple[type[AnalysisScreen], str, str]] = {
    "functions": (FunctionsScreen, "f", "Functions"),
    "findings": (FindingsScreen, "F", "Findings"),
    "iam": (IamScreen, "i", "IAM"),
    "coverage": (CoverageScreen, "c", "Coverage gaps"),
    "posture": (PostureScreen, "o", "Posture"),
    "reach": (ReachScreen, "e", "Reachability"),
    "anomalies": (AnomaliesScreen, "a", "Anomalies"),
    "changes": (ChangesScreen, "d", "Changes"),
    # Last, so `1`..`7` keep reaching the views they always did; the view bar names it first.
    "home": (HomeScreen, "h", "Home"),
}


GRAPH_VIEWS = frozenset({"reach", "iam", "anomalies", "changes"})
"""The views that need the whole graph (access and escalation edges, the IAM analysis): opened
from the analysis cache, they wait while it is built; every other view shows the cached findings."""


def view_screen(view: str, state: EstateState, building: bool = False) -> Screen[None]:
    """The screen of one of the VIEWS for `state` (the factory each view's mode is given);
    `building`: the findings are in, the graph is still being built."""
    screen, _key, label = VIEWS[view]
    if isinstance(state, Pending) and not screen.shows_pending:
        return AnalysisPendingScreen(view, label)
    if building and view in GRAPH_VIEWS:
        return AnalysisPendingScreen(view, label, needs="the whole graph")
    return screen(state)
