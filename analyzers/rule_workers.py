"""The rules over a frozen graph, on two cores: the reachability rules in a forked child while
this process runs the others, then takes whichever of them the child has not started.

Every check reads only the context (estate, frozen graph, day, settings, shared passes) and
returns findings, so the rules can run in any order and any process: the analysis sorts what
they emit. The reachability rules (the internet-to-sensitive searches, cross-account, the
unclassified stores' reach) are about as long as all the others together at 10,000 functions;
they go to the child, which sends their findings back pickled rule by rule (forking.Pickled).
The child takes them longest first (`FIRST`), from the front of a shared list; this process,
done with its own, takes from the back (forking.Claims). At 100,000 functions
`reach.public-to-sensitive` alone outlasts all the rules this process runs, and the child used
to check four others before it. A rule is sent by its id, never by value: the parent's
findings hold the registry's own `Rule` objects (a finding and its rule read alike whichever
process found it). A child that cannot be forked or fails costs time, not an
answer: its rules run here (analyzers/forking.py).

The anomaly rules stay here: `Analysis` keeps the scoring they share. Forking is for the headless
commands only (`forking.can_fork`); the TUI runs every rule in its worker thread.
"""

from __future__ import annotations

import copyreg
import dataclasses
import pickle
from collections.abc import Callable, Sequence
from typing import IO, Any

from analyzers.findings.context import RuleContext
from analyzers.findings.model import Evidence, Finding, Rule
from analyzers.findings.registry import RULES, RuleEntry
from analyzers.forking import Claims, Pickled, can_fork, result, start, unpickled
from estate.model import Estate

CHILD_MODULES = ("analyzers.reach.", "analyzers.config.rules_unclassified")
"""Where the checks the child runs are defined: those that search the `can` and `invokes` edges."""

EARLY_MODULES = ("analyzers.iam.rules_",)
"""Where the checks `early_rules` may begin before the edges are drawn are defined: they read the
IAM analysis (its model, permissions and escalation paths) and what the graph builder recorded,
never an escalation or `can` edge (a test runs them before the drawing, after the escalation
edges and after the `can` edges, and compares)."""


FIRST = ("reach.public-to-sensitive", "iam.privesc")
"""Checks a child takes before the others it is given: the longest (`reach.public-to-sensitive`
at 100,000 functions: 32 s of the child's 40; `iam.privesc`, the escalation search, among the
IAM rules begun early)."""

Done = Callable[[int, int], None]


def _quiet(_done: int, _total: int) -> None:
    return None


def _module(entry: RuleEntry) -> str:
    return getattr(entry.check, "__module__", None) or ""


def in_child(entry: RuleEntry) -> bool:
    return entry.rule.analyzer == "reachability" or _module(entry).startswith(CHILD_MODULES)


def is_early(entry: RuleEntry) -> bool:
    return _module(entry).startswith(EARLY_MODULES)


def early_rules(entries: Sequence[RuleEntry], workers: int, estate: Estate) -> list[RuleEntry]:
    """The entries `analyze` hands a child forked as soon as the escalation fans are made
    (`BegunRules`), or none. Either way the findings are the same; it is a choice of where the
    IAM rules' time goes.

    After the access stage, the reachability rules run in a forked child while this process
    checks the others. Where functions outnumber principals, the child is the longer (10,000
    and 100,000 functions), so the IAM rules (the escalation search is made by `iam.privesc`)
    cost no time there; checked earlier they would take a core from the access stage and leave
    their memory to the child (+0.6 GiB in it at 100,000 functions). On an account of
    principals with few functions (2,000 roles, 20 functions), the IAM rules are the rules
    stage: begun in a child before the escalation edges are drawn (they read only the model and
    the fans), they run while this process draws them and takes the `can` edges from the access
    workers, which began on every principal (`access_edges.begin_access`) and were done during
    the escalation analysis. That took 2,000 roles from 3.23 to 2.86 s (means of six runs,
    interleaved). None when nothing forks."""
    if workers <= 1 or not can_fork() or len(estate.functions) >= len(estate.principals):
        return []
    return [e for e in entries if is_early(e)]


def run_rules(
    ctx: RuleContext, entries: Sequence[RuleEntry], workers: int = 1, progress: Done = _quiet
) -> list[Finding]:
    """Every entry's findings (unsorted); `progress(done, total)` before each rule this process
    runs. `workers` > 1 in a process that may fork: the entries `in_child` go to a forked child,
    which takes them from the front while this process runs the others and then takes them from
    the back (counted done when their findings are in)."""
    away = [e for e in entries if in_child(e)] if workers > 1 and can_fork() else []
    here = [e for e in entries if e not in away]
    total = len(entries)
    if not away:
        return _checked(ctx, here, lambda done: progress(done, total))
    begun = BegunRules(ctx, away)
    found = _checked(ctx, here, lambda done: progress(done, total))
    return found + begun.finish(lambda done: progress(len(here) + done, total))


class BegunRules:
    """Entries a forked child starts on now, longest first (`FIRST`), taking them from the front,
    while this process does other work; `finish` takes those left from the back here and adds
    the child's. A child that cannot be forked or fails costs time, not an answer: its rules are
    checked here. `ctx` is the context as it is at the fork: the child sees nothing this process
    adds to the graph after it (`EARLY_MODULES` says which rules need nothing more)."""

    def __init__(self, ctx: RuleContext, entries: Sequence[RuleEntry]) -> None:
        self._ctx = ctx
        self._away = away = _longest_first(list(entries))
        self._claims = claims = Claims(len(away))
        self._child = start(lambda: _sent(ctx, away, claims.front)) if away else None

    def finish(self, progress: Callable[[int], None] = lambda _done: None) -> list[Finding]:
        """Every entry's findings (unsorted): `progress(done)` before each rule checked here."""
        mine = _claimed(self._ctx, self._away, self._claims.back, progress)
        ok, payload = result(self._child)
        theirs = unpickled(payload) if ok else {}
        found: list[Finding] = []
        for place, entry in enumerate(self._away):  # a failed child's rules are checked here
            answer = mine.get(place)
            if answer is None:
                answer = theirs.get(place)
            found.extend(answer if answer is not None else entry.check(self._ctx))
        return found


def _longest_first(entries: list[RuleEntry]) -> list[RuleEntry]:
    return sorted(entries, key=lambda e: e.rule.id not in FIRST)  # stable: registry order after


def _sent(
    ctx: RuleContext, entries: Sequence[RuleEntry], claim: Callable[[], int | None]
) -> tuple[list[int], bytes]:
    """(In the child.) The findings of each entry it claims, pickled as soon as the rule is done
    (`forking.Pickled`, through `_pickler`)."""
    sent = Pickled(_pickler)
    _claimed(ctx, entries, claim, _unmarked, sent.put)
    return sent.payload()


def _claimed(
    ctx: RuleContext,
    entries: Sequence[RuleEntry],
    claim: Callable[[], int | None],
    progress: Callable[[int], None] = lambda _done: None,
    put: Callable[[int, list[Finding]], None] | None = None,
) -> dict[int, list[Finding]]:
    """The findings of each entry this process claims, by its place in `entries`; with `put`,
    each handed to it instead (a child sending them as they come)."""
    found: dict[int, list[Finding]] = {}
    while (place := claim()) is not None:
        progress(len(found))
        findings = list(entries[place].check(ctx))
        if put is None:
            found[place] = findings
        else:
            put(place, findings)
    return found


def _unmarked(_done: int) -> None:
    return None


def _checked(
    ctx: RuleContext, entries: Sequence[RuleEntry], progress: Callable[[int], None] = lambda _done: None
) -> list[Finding]:
    found: list[Finding] = []
    for done, entry in enumerate(entries):
        progress(done)
        found.extend(entry.check(ctx))
    return found


def _registered(rule_id: str) -> Rule:
    return RULES.get(rule_id)


def _by_id(rule: Rule) -> tuple[Callable[[str], Rule], tuple[str]]:
    return _registered, (rule.id,)


def _by_fields(cls: type[Any]) -> Callable[[Any], tuple[type[Any], tuple[Any, ...]]]:
    """Pickle a frozen, slotted dataclass as a call to its constructor: the generic way (a state
    list, set back field by field in Python) took 2.5x as long for a finding's evidence lines."""
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)

    def reduce(obj: Any) -> tuple[type[Any], tuple[Any, ...]]:
        return cls, tuple(getattr(obj, name) for name in names)

    return reduce


_DISPATCH = {
    **copyreg.dispatch_table,
    Rule: _by_id,
    Finding: _by_fields(Finding),
    Evidence: _by_fields(Evidence),
}


def _pickler(out: IO[bytes]) -> pickle.Pickler:
    """A rule is pickled as its id, read back as the registry's object; through the dispatch table,
    which the C pickler consults only for objects of our own classes (a persistent_id method is
    called for every object: a third of the time on an IAM-dense account's findings). Findings
    and evidence lines go as constructor calls (at 10,000 functions the child's 5,608 findings
    pickled in 0.165 -> 0.064 s and load in 0.129 -> 0.075 s)."""
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    return pickler
