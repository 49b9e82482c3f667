"""Run as a script by test_rule_workers.py, in a fresh single-threaded interpreter (forking a
process with other threads running, such as a pytest-xdist worker's, is not something the
product does): prints one JSON line comparing the findings of a synthetic estate analysed with
the rules in one process, with the reachability rules in a forked child, with a child that
fails, with a slow child whose rules this process takes from the back, and without fork; and
the same for an account of more principals than functions, where the IAM rules go to a child
forked once the escalation fans are made and the access workers begin on every principal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
import time
from typing import Any
from unittest import mock

from analyzers import rule_workers
from analyzers.analysis import analyze
from analyzers.findings.registry import RULES
from analyzers.reach import access_workers
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from estate.sources.demo import snapshot_path
from estate.sources.synth import SynthOptions, synthesize

DAY = dt.date(2026, 11, 1)


def findings(estate: Any, workers: int) -> list[Any]:
    analysis = analyze(estate, DAY, workers=workers)
    return [json.dumps(f.to_json(), sort_keys=True) for f in analysis.findings]


def main() -> None:
    estate = load_estate(synthesize(SynthOptions(int(sys.argv[1]), seed=5)))
    one = findings(estate, 1)
    stages: list[tuple[int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "rules":
            stages.append((done, total))

    two_analysis = analyze(estate, DAY, workers=2, progress=progress)
    two = [json.dumps(f.to_json(), sort_keys=True) for f in two_analysis.findings]
    same_rules = all(f.rule is RULES.get(f.rule.id) for f in two_analysis.findings)
    real_claimed = rule_workers._claimed
    parent = os.getpid()

    def failing(ctx: Any, entries: Any, claim: Any, *rest: Any) -> Any:
        if os.getpid() != parent:
            claim()  # the rule it took is lost with it
            raise RuntimeError("the child fails")
        return real_claimed(ctx, entries, claim, *rest)

    with mock.patch.object(rule_workers, "_claimed", failing):
        failed = findings(estate, 2)
    taken: list[int] = []  # reachability rules this process took from the back

    def slow_child(ctx: Any, entries: Any, claim: Any, *rest: Any) -> Any:
        if os.getpid() != parent:

            def slowly() -> int | None:  # this process finishes its own rules and takes the rest
                place = claim()
                if place is not None:
                    time.sleep(2)
                return place

            return real_claimed(ctx, entries, slowly, *rest)
        answer = real_claimed(ctx, entries, claim, *rest)
        taken.extend(answer)
        return answer

    with mock.patch.object(rule_workers, "_claimed", slow_child):
        shared = findings(estate, 2)
    with mock.patch.object(rule_workers, "can_fork", lambda: False):
        unforked = findings(estate, 2)
    away = {e.rule.id for e in RULES.entries() if rule_workers.in_child(e)}
    iam_dense = iam_dense_checks(load_estate(load_snapshot(snapshot_path())), failing)
    print(
        json.dumps(
            {
                "findings": len(one),
                "from_child": sum(1 for f in two_analysis.findings if f.rule.id in away),
                "two": two == one,
                "registry_rules": same_rules,
                "progress_total": sorted({t for _d, t in stages}),
                "failed_child": failed == one,
                "shared": shared == one,
                "parent_took": len(taken),
                "reach_rules": len(away),
                "no_fork": unforked == one,
                **iam_dense,
            }
        )
    )


def iam_dense_checks(estate: Any, failing: Any) -> dict[str, Any]:
    """The demo cut to three functions (its 33 principals outnumber them; seven escalate): the
    IAM rules checked in a child forked before the escalation edges are drawn, as in one
    process, with the access workers begun on every principal."""
    dense = dataclasses.replace(estate, functions=estate.functions[:3])
    assert len(dense.functions) < len(dense.principals)
    begun: list[list[str]] = []  # the rules each BegunRules hands a child, first to last
    real_init = rule_workers.BegunRules.__init__

    def recording(self: Any, ctx: Any, entries: Any) -> None:
        real_init(self, ctx, entries)
        begun.append([e.rule.id for e in self._away] if self._child is not None else [])

    with mock.patch.object(access_workers, "MIN_PER_WORKER", 5):
        one = findings(dense, 1)
        stages: list[tuple[int, int]] = []

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "rules":
                stages.append((done, total))

        with mock.patch.object(rule_workers.BegunRules, "__init__", recording):
            analysis = analyze(dense, DAY, workers=2, progress=progress)
        two = [json.dumps(f.to_json(), sort_keys=True) for f in analysis.findings]
        with mock.patch.object(rule_workers, "_claimed", failing):
            failed = findings(dense, 2)
    return {
        "dense_findings": len(one),
        "dense_privesc": sum('"iam.privesc"' in f for f in one),
        "dense_two": two == one,
        "dense_children": begun,
        "dense_progress": [sorted({t for _d, t in stages}), stages[-1], len(RULES)],
        "dense_failed_child": failed == one,
    }


if __name__ == "__main__":
    main()
