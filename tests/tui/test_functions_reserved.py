"""Issue 18 point 3: the functions table's Reserved column (reserved concurrency from the model):
`0 (isolated)` for a function every invocation of which is throttled, the value for a reservation,
`–` for none (the unreserved pool), `?` when it was not read; isolated sorts first."""

from __future__ import annotations

import dataclasses

import pytest

from analyzers.analysis import Analysis
from estate.model import LambdaFunction
from tests.tui.conftest import SIZE, TODAY
from tests.tui.helpers import screen_text, wait_loaded
from tui.app import create_app
from tui.screens.functions import COLUMNS, ISOLATED, FunctionsScreen, SharedCells, reserved_cell

pytestmark = pytest.mark.tui
RESERVED = [c.key for c in COLUMNS].index("reserved")


def _with(fn: LambdaFunction, value: int | None, state: str) -> LambdaFunction:
    return dataclasses.replace(fn, reserved_concurrency=value, reserved_concurrency_state=state)


def test_reserved_cells_and_their_order(analysis: Analysis) -> None:
    fn = analysis.estate.functions[0]
    shared = SharedCells()
    cells = {
        name: reserved_cell(_with(fn, value, state), shared)
        for name, value, state in (
            ("isolated", 0, "present"),
            ("reserved", 25, "present"),
            ("none", None, "absent"),
            ("unread", None, "unknown"),
        )
    }
    assert {name: cell.plain for name, (cell, _key) in cells.items()} == {
        "isolated": ISOLATED,
        "reserved": "25",
        "none": "–",
        "unread": "?",
    }
    order = sorted(cells, key=lambda name: cells[name][1])
    assert order == ["isolated", "reserved", "none", "unread"]


async def test_the_table_shows_an_isolated_function_and_the_others_as_read(analysis: Analysis) -> None:
    isolated = analysis.estate.functions[0]
    functions = tuple(
        _with(f, 0, "present") if f.arn == isolated.arn else f for f in analysis.estate.functions
    )
    shown = dataclasses.replace(analysis, estate=dataclasses.replace(analysis.estate, functions=functions))
    app = create_app(analysis=shown, today=TODAY, first_view="functions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, FunctionsScreen)
        assert "Reserved" in screen_text(app)
        table = screen.table
        cells = {row.key: table.cell_text(i, RESERVED).strip() for i, row in enumerate(table.visible_rows)}
        assert cells[isolated.arn] == ISOLATED
        for fn in analysis.estate.functions[1:]:  # the others exactly as the model has them
            if fn.reserved_concurrency_state == "present" and fn.reserved_concurrency is not None:
                expected = ISOLATED if fn.reserved_concurrency == 0 else str(fn.reserved_concurrency)
            else:
                expected = "–" if fn.reserved_concurrency_state == "absent" else "?"
            assert cells[fn.arn] == expected, fn.name
        others = {cells[f.arn] for f in analysis.estate.functions[1:] if f.reserved_concurrency != 0}
        assert ISOLATED not in others  # only a reservation of 0 reads isolated
