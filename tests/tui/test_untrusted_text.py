"""AWS strings are shown literally: markup is not interpreted, control characters never escape.

The hostile estate plants Rich markup and terminal escapes in a function's description, an
environment variable key, the role's name and tag, the resource policy's Sid and condition, and
the snapshot's own manifest; the test opens the table and the detail with real key presses and
reads what the terminal would show.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from analyzers.analysis import Analysis
from tests.tui.conftest import TODAY
from tests.tui.fixture_estate import HOSTILE_NAME, LINK_MARKUP, MARKUP
from tests.tui.held_analysis import HeldAnalysis, held_at, until
from tests.tui.helpers import screen_text, type_text, wait_loaded
from tui.app import create_app
from tui.safe_text import clean, literal, pretty_json
from tui.screens.detail import FunctionDetailScreen
from tui.widgets.finding_card import FindingCard
from tui.widgets.invoker_card import InvokerCard
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.tui

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
INVISIBLE = re.compile("[\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]")
TALL = (160, 110)  # tall enough that the whole detail fits on one screen


def assert_no_control_characters(text: str) -> None:
    found = UNSAFE.findall(text)
    assert not found, f"raw control characters reached the screen: {found!r}"


def rendered(renderable: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_table_and_detail_show_aws_text_literally(
    hostile_path: Path, hostile_analysis: Analysis
) -> None:
    app = create_app(hostile_path, analysis=hostile_analysis, today=TODAY)
    async with app.run_test(size=TALL) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(ResourceTable)
        row = next(r for r in table.visible_rows if r.key.endswith(f":function:{HOSTILE_NAME}"))
        role_cell = row.cells[4].plain
        assert MARKUP in role_cell
        assert "\\x1b[31m" in role_cell
        for r in table.visible_rows:
            for cell in r.cells:
                assert_no_control_characters(cell.plain)

        svg = app.export_screenshot()
        assert "\x1b" not in svg and "&#27;" not in svg and "\x07" not in svg
        text = screen_text(app)
        assert_no_control_characters(text)
        assert f"evil-role{MARKUP}\\x1b[31m" in text
        assert f"hostile{MARKUP}\\x1b]0;title\\x07" in text  # the header's subtitle

        await pilot.press("slash")
        await type_text(pilot, HOSTILE_NAME)
        await pilot.press("enter", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FunctionDetailScreen)
        text = screen_text(app)
        assert_no_control_characters(text)
        assert "\x1b" not in app.export_screenshot()
        # description, env key, role tag, Sid and condition value: each literal, escapes visible
        assert f"Imports {MARKUP} {LINK_MARKUP}" in text
        assert "\\x1b[31mred\\x07" in text
        assert "KEY_[link=http://x]click[" in text
        assert f"owner={MARKUP}\\x1b[31m\\x07" in text
        assert f"Sid: Sid{MARKUP}\\x1b[31m" in text
        assert "\\x9b2J" in text  # a C1 control (CSI) in the condition value
        assert text.count(MARKUP) >= 6

        invoker = rendered(screen.query_one(InvokerCard).content)
        assert f'"Sid": "Sid{MARKUP}\\u001b[31m"' in invoker  # the statement, pretty-printed
        for card in screen.query(FindingCard):
            assert_no_control_characters(rendered(card.content))


async def test_the_table_shows_aws_text_literally_while_analysing(
    hostile_path: Path, held_analysis: HeldAnalysis
) -> None:
    """The first paint, from the model alone, escapes the same way the analysed table does."""
    app = create_app(hostile_path, today=TODAY)
    async with app.run_test(size=TALL) as pilot:
        await until(pilot, lambda: held_at(app, held_analysis), "the model painted")
        table = app.screen.query_one(ResourceTable)
        row = next(r for r in table.visible_rows if r.key.endswith(f":function:{HOSTILE_NAME}"))
        assert row.cells[4].plain == f"evil-role{MARKUP}\\x1b[31m"
        for r in table.visible_rows:
            for cell in r.cells:
                assert_no_control_characters(cell.plain)
        assert "\x1b" not in app.export_screenshot()
        text = screen_text(app)
        assert_no_control_characters(text)
        assert f"evil-role{MARKUP}\\x1b[31m" in text
        assert f"hostile{MARKUP}\\x1b]0;title\\x07" in text  # the header, with the stage
        assert "analysing: access" in text


def test_literal_never_interprets_markup_or_passes_controls() -> None:
    text = literal(f"{MARKUP}\x1b[2J\x07\u202eabc\x9b\r\n\t")
    assert text.plain == f"{MARKUP}\\x1b[2J\\x07\\u202eabc\\x9b\\r\\n\\t"
    assert not text.spans or all(span.style for span in text.spans)
    assert clean("a\x1bb") == "a\\x1bb"
    block = pretty_json({"k": "v\x1b\x85", "[b]": [1, None]})
    assert "\n" in block.plain and "\x1b" not in block.plain and "\x85" not in block.plain
    assert "\\u001b" in block.plain and "\\x85" in block.plain and '"[b]"' in block.plain


@given(st.text())
def test_literal_output_is_always_safe(value: str) -> None:
    plain = literal(value).plain
    assert_no_control_characters(plain)
    assert "\n" not in plain
    if not UNSAFE.search(value) and not INVISIBLE.search(value) and "\n" not in value:
        assert plain == value
