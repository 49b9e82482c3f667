"""What a rule's check reads: the estate, its frozen graph, the day, the settings, and shared passes.

Several rules come out of one pass over the estate (the IAM analysis emits four rules, the anomaly
scoring five); `RuleContext.once` runs such a pass the first time a rule asks for it and hands the
same result to the others, so each rule's check stays a small filter over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

import networkx as nx

from analyzers.findings.model import Finding, Rule
from analyzers.findings.settings import Settings
from estate.model import Estate

T = TypeVar("T")

Check = Callable[["RuleContext"], Iterable[Finding]]
"""A rule's check: its findings over one context (any order: the analysis sorts them)."""


@dataclass(frozen=True, eq=False)
class RuleContext:
    """One run of the rules over an estate. `metrics_end` ends the anomaly look-back (None: the
    snapshot's creation time; a live metrics refresh moves it to the end of the data re-read)."""

    estate: Estate
    graph: nx.MultiDiGraph
    today: dt.date
    settings: Settings = field(default_factory=Settings)
    metrics_end: dt.datetime | None = None
    _memo: dict[Callable[[RuleContext], object], object] = field(default_factory=dict, init=False, repr=False)

    def once(self, compute: Callable[[RuleContext], T]) -> T:
        """`compute(self)`, computed the first time any rule asks and shared afterwards.

        `compute` is the key: pass the same module-level function from every rule that shares it.
        """
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        return cast(T, self._memo[compute])

    def given(self, compute: Callable[[RuleContext], T], value: T) -> None:
        """Record a pass already computed outside the rules, so `once(compute)` returns it.

        The IAM analysis is one: it adds escalation edges before the graph is frozen.
        """
        self._memo[compute] = value

    def emitted(self, rule: Rule, compute: Callable[[RuleContext], Sequence[Finding]]) -> list[Finding]:
        """`rule`'s findings out of a pass shared by several rules, in the order the pass made them."""
        return [f for f in self.once(compute) if f.rule.id == rule.id]
