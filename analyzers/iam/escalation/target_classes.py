"""One caller's engine decisions over many targets at once: one evaluation per class of targets
the engine answers alike.

Why: a caller that may attach policies to a team's roles (`role/team-a-*`) and holds two thousand
roles asked the evaluator two thousand times; on a dense account that was 150,000 evaluations
and most of the IAM analysis, although each caller's statements split the targets into two or
three classes. The engine's answer depends on a target only through its signature
(`analyzers.iam.signature`): the verdict of each statement that applies on it, its account, and
its tags when a statement has a Condition. Here each Resource pattern is matched once against
every principal of the estate (under its literal prefix only) and kept as bitsets (covers, may
cover); a statement's verdicts are unions of its patterns' bitsets, and the classes of a target
set are the intersections, found without looking at a single target. Each class is decided once,
for its first member, and the grant is read for any other member with `grant.retarget`.
"""

from __future__ import annotations

from collections import defaultdict

from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.targets import SortedArns
from analyzers.iam.grant import Grant, account_of, retarget
from analyzers.iam.principal_policies import IamModel, TrustMode
from policy.document import Statement
from policy.resources import pattern_truth
from policy.truth import Tri

Classes = list[tuple[int, Grant]]  # (targets, the grant of the first of them), allowed classes only


class TargetClasses:
    """Per-pattern bitsets over every principal, and the classes of a caller's targets."""

    def __init__(self, model: IamModel, principals: PrincipalIndex) -> None:
        self.model = model
        self.principals = principals
        self.every = (1 << len(principals)) - 1
        self._sorted = SortedArns(principals.arns)
        self._patterns: dict[str, tuple[int, int]] = {}
        self._statements: dict[int, tuple[Statement, tuple[int, int]]] = {}
        accounts: dict[str, list[str]] = defaultdict(list)
        tags: dict[frozenset[tuple[str, object]], list[str]] = defaultdict(list)
        for arn in principals.arns:
            accounts[account_of(arn)].append(arn)
            tags[frozenset(model.resource_context(arn).items())].append(arn)
        self._accounts = {a: principals.mask(arns) for a, arns in accounts.items()}
        self._tags = [principals.mask(arns) for arns in tags.values()]

    def _pattern(self, pattern: str) -> tuple[int, int]:
        """(covers, may cover) over every principal, for one Resource pattern."""
        held = self._patterns.get(pattern)
        if held is None:
            where = self.principals.position
            covers = maybe = 0
            for arn in self._sorted.under((pattern,)):
                truth = pattern_truth(pattern, arn)
                if truth is Tri.TRUE:
                    covers |= 1 << where[arn]
                elif truth is Tri.UNKNOWN:
                    maybe |= 1 << where[arn]
            held = self._patterns[pattern] = (covers, maybe)
        return held

    def _statement(self, statement: Statement) -> tuple[int, int]:
        """(covers, may cover) for a statement's Resource or NotResource element (absent: all)."""
        held = self._statements.get(id(statement))
        if held is not None:
            return held[1]
        if statement.resources is None and statement.not_resources is None:
            found = (self.every, 0)
        else:
            covers = maybe = 0
            for pattern in statement.resources or statement.not_resources or ():
                one, unsure = self._pattern(pattern)
                covers |= one
                maybe |= unsure
            maybe &= ~covers
            if statement.not_resources is not None and statement.resources is None:
                covers = self.every & ~covers & ~maybe
            found = (covers, maybe)
        self._statements[id(statement)] = (statement, found)  # the statement kept alive with its id
        return found

    def classes(
        self,
        caller: str,
        action: str,
        targets: int,
        *,
        passed_to: str | None = None,
        trust: TrustMode = "none",
    ) -> Classes | None:
        """The classes of `targets` on which the engine allows `action` to `caller`, each with the
        grant of its first member (None: a statement names a policy variable; decide one by one).
        `trust` "actual" (each role's own trust policy) has no classes."""
        if trust == "actual":
            return None
        model, principals = self.model, self.principals
        found: Classes = []
        for account, members in self._accounts.items():
            part = targets & members
            if not part:
                continue
            statements = model.signatures.relevant(caller, action, account)
            if statements is None:
                return None
            pieces = [part]
            if model.signatures.conditioned(statements):  # a Condition may read the tags
                pieces = [p & tagged for p in pieces for tagged in self._tags if p & tagged]
            for statement in statements:
                covers, maybe = self._statement(statement)
                pieces = [
                    piece for p in pieces for piece in (p & covers, p & maybe, p & ~covers & ~maybe) if piece
                ]
            for piece in pieces:
                first = principals.arns[(piece & -piece).bit_length() - 1]
                grant = model.decide(caller, action, first, passed_to=passed_to, trust=trust)
                if grant is not None:
                    found.append((piece, grant))
        return found


Combo = tuple[int, tuple[Grant, ...], tuple[bool, ...]]
"""Targets, the grant of each need for them, and which of those grants name the target (a class's
first member's, read for each target with `retarget`; the others hold for any target)."""


def combine(targets: int, per_need: list[Grant | Classes]) -> list[Combo]:
    """The classes of targets allowed every need: the intersections of each need's classes."""
    combos: list[Combo] = [(targets, (), ())]
    for need in per_need:
        if isinstance(need, Grant):
            combos = [(mask, (*grants, need), (*named, False)) for mask, grants, named in combos]
        else:
            combos = [
                (mask & allowed, (*grants, grant), (*named, True))
                for mask, grants, named in combos
                for allowed, grant in need
                if mask & allowed
            ]
    return combos


def combo_of(combos: list[Combo], place: int) -> Combo | None:
    bit = 1 << place
    return next((combo for combo in combos if combo[0] & bit), None)


def grants_for(combo: Combo, target: str) -> tuple[Grant, ...]:
    """A combo's grants, as the engine gives them for `target`."""
    _, grants, named = combo
    return tuple(retarget(g, g.resource, target) if n else g for g, n in zip(grants, named, strict=True))


def sure(combo: Combo) -> bool:
    return not any(g.conditional for g in combo[1])
