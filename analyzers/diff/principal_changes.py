"""IAM principals (roles, users, groups) whose policies changed, statement by statement.

A principal's policy is the union of its statements tagged with where each came from: its trust
policy, an inline policy by name, or an attached managed policy by ARN (that policy's default
version). Attaching a policy adds its statements, editing a managed policy changes every
principal that attaches it (reports group those alike), and a statement moved from one policy to
another is one removed and one added. A managed policy whose document was not collected in either
snapshot is compared by attachment only, and listed as not comparable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from analyzers.diff.field_change import canonical_statement, statements_of
from analyzers.findings.model import JSONValue
from estate.model import IamPrincipal, ManagedPolicy

ATTACHED = "(attached)"
"""The statement standing for a managed policy's attachment itself, so attaching or detaching a
policy whose document was not collected still shows."""


@dataclass(frozen=True, slots=True, order=True)
class SourcedStatement:
    """One statement (canonical JSON) and the policy it is in: `trust`, `inline:NAME`,
    `managed:ARN`; a document without a readable statement list is one 'statement', whole."""

    source: str
    statement: str

    def to_json(self) -> dict[str, JSONValue]:
        return {"policy": self.source, "statement": self.statement}


@dataclass(frozen=True, slots=True)
class PrincipalChange:
    arn: str
    name: str
    kind: str
    added: tuple[SourcedStatement, ...] = ()
    removed: tuple[SourcedStatement, ...] = ()
    boundary: tuple[str | None, str | None] | None = None  # (before, after) when it moved
    not_comparable: tuple[str, ...] = ()  # managed policies without a document on a side

    @property
    def signature(self) -> tuple[object, ...]:
        """The change without the principal: equal for principals that changed the same way."""
        return (self.kind, self.added, self.removed, self.boundary)

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "arn": self.arn,
            "name": self.name,
            "kind": self.kind,
            "statements_added": [s.to_json() for s in self.added],
            "statements_removed": [s.to_json() for s in self.removed],
            "boundary": None if self.boundary is None else list(self.boundary),
            "not_comparable": list(self.not_comparable),
        }


@dataclass(frozen=True, slots=True)
class PrincipalsDelta:
    added: tuple[IamPrincipal, ...] = ()
    removed: tuple[IamPrincipal, ...] = ()
    changed: tuple[PrincipalChange, ...] = ()

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "added": [_brief(p) for p in self.added],
            "removed": [_brief(p) for p in self.removed],
            "changed": [c.to_json() for c in self.changed],
        }


def _brief(p: IamPrincipal) -> dict[str, JSONValue]:
    return {"arn": p.arn, "name": p.name, "kind": p.kind}


def diff_principals(
    old: Mapping[str, IamPrincipal],
    new: Mapping[str, IamPrincipal],
    old_policies: Mapping[str, ManagedPolicy],
    new_policies: Mapping[str, ManagedPolicy],
) -> PrincipalsDelta:
    changed = []
    for arn in sorted(old.keys() & new.keys()):
        a, b = old[arn], new[arn]
        held_a, blind_a = _statements(a, old_policies)
        held_b, blind_b = _statements(b, new_policies)
        blind = sorted(blind_a | blind_b)
        # A policy unread on one side compares by attachment only: its statements are left out.
        held_a = {s for s in held_a if s.source not in blind or s.statement == ATTACHED}
        held_b = {s for s in held_b if s.source not in blind or s.statement == ATTACHED}
        boundary = (a.boundary_arn, b.boundary_arn) if a.boundary_arn != b.boundary_arn else None
        if held_a != held_b or boundary is not None:
            changed.append(
                PrincipalChange(
                    arn,
                    b.name,
                    b.kind,
                    tuple(sorted(held_b - held_a)),
                    tuple(sorted(held_a - held_b)),
                    boundary,
                    tuple(blind),
                )
            )
    return PrincipalsDelta(
        added=tuple(new[a] for a in sorted(new.keys() - old.keys())),
        removed=tuple(old[a] for a in sorted(old.keys() - new.keys())),
        changed=tuple(changed),
    )


def _statements(
    principal: IamPrincipal, policies: Mapping[str, ManagedPolicy]
) -> tuple[set[SourcedStatement], set[str]]:
    """The principal's sourced statements, and the managed policies it attaches whose document is
    not in the snapshot (an attachment of an unread policy is still a statement-less source)."""
    held: set[SourcedStatement] = set()
    blind: set[str] = set()
    if principal.trust_policy is not None:
        held.update(_sourced("trust", principal.trust_policy))
    for inline in principal.inline_policies:
        held.update(_sourced(f"inline:{inline.name}", inline.document))
    for arn in principal.attached_policy_arns:
        source = f"managed:{arn}"
        held.add(SourcedStatement(source, ATTACHED))
        policy = policies.get(arn)
        if policy is None or policy.document is None:
            blind.add(source)
            continue
        held.update(_sourced(source, policy.document))
    return held, blind


def _sourced(source: str, document: object) -> Iterator[SourcedStatement]:
    statements: Iterable[str] | None = statements_of(document)
    if statements is None:
        statements = (canonical_statement(document),)
    for statement in statements:
        yield SourcedStatement(source, statement)
