"""Loading pauses the cyclic garbage collector and always gives it back as it found it, also when
the analysis layer's own pause (analyzers/gc_pause.py) interleaves with it."""

from __future__ import annotations

import gc

import pytest

from analyzers.gc_pause import cyclic_gc_paused as analysis_paused
from estate.gc_pause import cyclic_gc_paused


def test_nested_pauses_restore_the_collector_once_the_last_ends() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer load is still running
    assert gc.isenabled()


def test_an_error_still_restores_it_and_a_disabled_collector_stays_off() -> None:
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("load failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("outer_ends_first", [True, False])
def test_the_two_layers_pauses_never_leave_the_collector_off(outer_ends_first: bool) -> None:
    """Two counters interleaving (a load in one worker, an analysis in another) can re-enable the
    collector early, never keep it disabled."""
    load, analysis = cyclic_gc_paused(), analysis_paused()
    load.__enter__()
    analysis.__enter__()
    assert not gc.isenabled()
    first, second = (load, analysis) if outer_ends_first else (analysis, load)
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert gc.isenabled()
