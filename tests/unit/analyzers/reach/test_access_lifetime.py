"""The access analysis ends with its stage: freed by reference counting, not left as cyclic garbage.

The CLI pauses the cyclic collector for the whole analysis (and freezes what is left after), so a
reference cycle through the access analysis would keep every target, parsed resource policy and
per-principal cache alive until the process ends: at 100,000 functions, memory the rules that
follow could have reused.
"""

from __future__ import annotations

import gc
import weakref

from analyzers.iam.principal_policies import IamModel
from analyzers.reach.access_edges import AccessAnalysis
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from tests.paths import DEMO_SNAPSHOT


def test_the_access_analysis_is_freed_when_its_last_reference_goes() -> None:
    estate = load_estate(load_snapshot(DEMO_SNAPSHOT))
    model = IamModel(estate)
    enabled = gc.isenabled()
    gc.disable()
    try:
        analysis = AccessAnalysis(estate, model)
        for arn in list(model.actors)[:20]:  # fill its caches as the stage does
            analysis.forget_principal()
            list(analysis.edges_for(arn))
        gone = weakref.ref(analysis)
        planner = weakref.ref(analysis.sets)
        del analysis
        assert gone() is None and planner() is None  # no cycle held them
    finally:
        if enabled:
            gc.enable()
