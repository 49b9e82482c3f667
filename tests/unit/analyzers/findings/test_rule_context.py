"""RuleContext: a pass several rules share runs once per context, and each rule keeps its own findings."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from analyzers.findings.context import RuleContext
from analyzers.findings.model import Finding, Rule, Severity
from estate.model import Estate, load_estate
from tests.builders import function, snapshot_of

A = Rule("config.a", "config", Severity.LOW, "a", "r", "m")
B = Rule("config.b", "config", Severity.HIGH, "b", "r", "m")


def one_function_estate() -> Estate:
    return load_estate(snapshot_of([function("payments")]))


def _context(estate: Estate) -> RuleContext:
    return RuleContext(estate, nx.MultiDiGraph(), dt.date(2026, 11, 29))


def test_once_runs_a_pass_once_and_shares_its_result() -> None:
    calls: list[RuleContext] = []

    def shared(ctx: RuleContext) -> list[str]:
        calls.append(ctx)
        return ["computed"]

    ctx = _context(one_function_estate())
    first, second = ctx.once(shared), ctx.once(shared)
    assert first is second and first == ["computed"]
    assert calls == [ctx]
    assert _context(ctx.estate).once(shared) == ["computed"] and len(calls) == 2  # per context


def test_given_records_a_pass_computed_outside_the_rules() -> None:
    def never(ctx: RuleContext) -> str:
        raise AssertionError("a given pass is not recomputed")

    ctx = _context(one_function_estate())
    ctx.given(never, "known")
    assert ctx.once(never) == "known"


def test_emitted_keeps_one_rules_findings_in_pass_order() -> None:
    def both(ctx: RuleContext) -> list[Finding]:
        return [
            Finding(B, "arn:2", "t", Severity.HIGH),
            Finding(A, "arn:1", "t", Severity.LOW),
            Finding(B, "arn:1", "t", Severity.HIGH),
        ]

    ctx = _context(one_function_estate())
    assert [f.resource for f in ctx.emitted(B, both)] == ["arn:2", "arn:1"]
    assert [f.resource for f in ctx.emitted(A, both)] == ["arn:1"]
