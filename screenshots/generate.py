"""Render every pane of the TUI on the demo estate to screenshots/<pane>.svg.

    python screenshots/generate.py [SNAPSHOT] [--today YYYY-MM-DD] [--size 160x48] [--only NAME ...]

SNAPSHOT defaults to the bundled demo (estate/sources/demo/demo.lsnap). The app is built with
`create_app`, the same factory the CLI and the tests use, and driven with real key presses: the
home view as the CLI opens it, then every pane reached from the functions table. With the bundled
demo, its later snapshot (demo-later.lsnap) is also shown against it as the baseline: the home
view's "changed" panel and the Changes view. `--today` defaults to the snapshot's creation date,
so the same snapshot always gives the same pictures. `--only` renders just the named pictures
(e.g. `--only functions posture`), for a change that alters a few panes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # runnable as `python screenshots/generate.py` from a checkout
    sys.path.insert(0, str(ROOT))

from analyzers.analysis import Analysis, analyze_snapshot  # noqa: E402
from estate.errors import LambdascopeError  # noqa: E402
from estate.snapshot import load_snapshot  # noqa: E402
from tui.app import create_app  # noqa: E402
from tui.viewmodels.principal_risk import principal_risks  # noqa: E402
from tui.viewmodels.summary import most_exposed_function  # noqa: E402

DEMO = ROOT / "estate" / "sources" / "demo" / "demo.lsnap"
DEMO_LATER = ROOT / "estate" / "sources" / "demo" / "demo-later.lsnap"
AUTHOR = "oncall"  # the triage form's default author, fixed so the picture does not name whoever ran it
OUT = Path(__file__).resolve().parent
_KEY_NAMES = {" ": "space", "-": "minus", ".": "full_stop", "_": "underscore", ":": "colon"}


def keys(text: str) -> list[str]:
    return [_KEY_NAMES.get(char, char) for char in text]


def panes(analysis: Analysis) -> dict[str, list[str]]:
    """Pane name -> the keys that reach it from the functions table."""
    shots: dict[str, list[str]] = {
        "functions": [],
        "findings": ["F"],
        "triage": ["F", "space", "space", "t", "down"],
        "help": ["question_mark"],
        "iam": ["i"],
        "coverage": ["c"],
        "posture": ["o"],
        "posture-by-requirement": ["o", "b", "b"],
        "reach": ["e", "down", "space", "down", "space"],
        "anomalies": ["a"],
    }
    fn = most_exposed_function(analysis)
    if fn is not None:
        word = fn.name.split("-")[0]
        shots["functions-filtered"] = ["slash", *keys(word), "enter", "s", "s", "s"]
        shots["detail"] = ["slash", *keys(fn.name), "enter", "enter"]
        shots["palette"] = ["ctrl+p", *keys(word)]
    escalating = [r for r in principal_risks(analysis) if r.summary.escalations and not r.summary.admin]
    if escalating:  # the principal with the longest way to the most privilege
        best = max(
            escalating, key=lambda r: (r.risk[1] > 0, max(len(p.hops) for p in r.summary.escalations), r.risk)
        )
        shots["principal"] = ["i", "slash", *keys(best.summary.name), "enter", "enter"]
    return shots


async def shoot(
    analysis: Analysis,
    name: str,
    press: Sequence[str],
    size: tuple[int, int],
    first_view: str = "functions",
    baseline: Path | None = None,
) -> Path:
    app = create_app(analysis=analysis, first_view=first_view, baseline=baseline)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()  # the home view's panels, a baseline's diff
        await pilot.pause()
        for key in press:
            await pilot.press(key)
            await app.workers.wait_for_complete()  # panes compute their rows in workers
        await pilot.pause(0.3 if name == "palette" else 0)
        await pilot.wait_for_scheduled_animations()
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(path.parent))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", nargs="?", type=Path, default=DEMO)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--size", default="160x48", help="terminal size, COLUMNSxROWS")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="render only these pictures (file stems)")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    try:
        snapshot = load_snapshot(args.snapshot)
    except LambdascopeError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 2
    today = args.today or dt.datetime.fromisoformat(snapshot.manifest.created_at).date()
    os.environ["USER"] = AUTHOR
    size = (width, height)
    analysis = analyze_snapshot(snapshot, today)
    plan = {"home": [], **panes(analysis)}
    later_views = {"home-baseline": "home", "changes": "changes"}
    wanted = set(args.only or (*plan, *later_views))
    unknown = wanted - set(plan) - set(later_views)
    if unknown:
        print(f"screenshots: no picture named {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    shots = [
        asyncio.run(shoot(analysis, name, press, size, first_view="home" if name == "home" else "functions"))
        for name, press in plan.items()
        if name in wanted
    ]
    if args.snapshot == DEMO and DEMO_LATER.exists() and wanted & set(later_views):
        later = load_snapshot(DEMO_LATER)
        later_analysis = analyze_snapshot(later, dt.datetime.fromisoformat(later.manifest.created_at).date())
        for name, view in later_views.items():
            if name in wanted:
                shot = shoot(later_analysis, name, [], size, first_view=view, baseline=DEMO)
                shots.append(asyncio.run(shot))
    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
