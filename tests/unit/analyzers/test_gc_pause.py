"""The analysis pauses the cyclic garbage collector and always gives it back as it found it."""

from __future__ import annotations

import gc

import pytest

from analyzers.gc_pause import cyclic_gc_paused


def test_nested_pauses_restore_the_collector_once_the_last_ends() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer analysis is still running
    assert gc.isenabled()


def test_an_error_still_restores_it_and_a_disabled_collector_stays_off() -> None:
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("analysis failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
