"""A forked child's result is taken as soon as its payload is complete, without waiting for the
child to exit; a child that fails part way gives no result and is reaped at once. What a child
pickles as it goes (`Pickled`) reads back by key, shared values shared."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import IO

from analyzers.forking import Pickled, unpickled
from tests.unit.analyzers.fork_check import run_check_script


def test_a_complete_result_is_taken_while_the_child_exits_and_a_failed_one_is_reaped() -> None:
    verdict = run_check_script(Path(__file__).with_name("forking_check.py"))
    assert verdict == {
        "result": [True, {"answer": 42}],
        "taken_while_the_child_lingers": True,
        "reaped_after": True,
        "failed": [False, None],
        "failed_reaped_at_once": True,
    }


def test_values_pickled_as_they_come_read_back_by_key_with_what_they_share_shared() -> None:
    shared = {"access": "write", "levels": ["write", "read"]}
    sent = Pickled()
    sent.put(7, [("a", shared)])
    sent.put(2, [("b", shared), ("c", {"access": "read"})])
    sent.put(5, [])
    back = unpickled(sent.payload())
    assert list(back) == [7, 2, 5]  # in the order they were put
    assert back == {7: [("a", shared)], 2: [("b", shared), ("c", {"access": "read"})], 5: []}
    assert back[7][0][1] is back[2][0][1]  # written once, one object again when read
    assert back[7][0][1] is not shared


def test_a_pickler_of_ones_own_is_used_for_every_value() -> None:
    made: list[int] = []

    def pickler(out: IO[bytes]) -> pickle.Pickler:
        made.append(1)
        return pickle.Pickler(out, protocol=2)

    sent = Pickled(pickler)
    sent.put(0, "x")
    sent.put(1, "y")
    keys, data = sent.payload()
    assert made == [1] and keys == [0, 1] and data[:2] == b"\x80\x02"
    assert unpickled((keys, data)) == {0: "x", 1: "y"}
