"""Resource-set summaries for `can` edges: one edge for a grant that names many stores alike.

A role allowed `dynamodb:*` on `*` may act on every table of its account; on a 10,000-function
estate ~200 such roles drew ~480,000 `can` edges, each saying the same thing. Instead, stores are
grouped into *blocks* (account, region, kind, classification and, for stores with a resource
policy of their own, that policy's *shape*), and a principal
whose grant covers a block (or the stores of a block one wide Resource pattern names) alike gets
one `can` edge to a `store-set` node; the set's `contains` edges lead to its members.

A set edge is drawn only when the answer is provably the same for every member, judged on the
principal's statements that bear on those actions (DESIGN.md section 3: answers equal those of the
expanded graph):
- every such statement names every member alike: Resource `*`, or a Resource list holding the
  set's own pattern (which matches every member);
- or it is an Allow naming some members by other patterns. Allows only ever add access, so the
  members those patterns may name (a superset, by the loose matcher) are *exceptions*: each gets its
  own direct edge, evaluated as before, whose access includes the set's;
- anything else (a Deny naming some members, NotResource, a policy variable, a condition on the
  resource's tags) keeps the per-store edges: correct first, compact where it is safe.
So the expanded answer for (principal, store) is its direct edge when there is one, else the edge
into the set that contains the store (`can_grants` in grants.py).

A store's own resource policy joins it to a block only when the policy is the same as the other
members' but for the store's own ARN (`policy_shape`): every Resource/NotResource is `*`, the
store's ARN or a path under it, and no condition reads the store's tags. Each member is then
judged against its own ARN by statements that read alike, so one member's answer is every
member's (an SNS topic's default policy, a bucket policy written from one template: at 100,000
functions, 1,500 wildcard roles x 2,400 such stores were 3.6 million edges). The set edge is
evaluated on one member, so its evidence cites that member's policy; `member_grant` in grants.py
names each member's own.

KMS keys are blocked the same way: a key's policy is required (IAM alone grants nothing on a
key), and keys whose policies read alike (the console's default, which delegates to the
account, or one template) require the same of every principal. At 100,000 functions, ~800
administrator-like roles x 500 such keys were 400,000 edges. A key whose policy was not
collected is judged alone, as any target with a `policy_note`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzers.reach.access_targets import Target
from policy.document import Statement

STORE_SET = "store-set"
CONTAINS = "contains"
STORE_FANOUT = 10
"""A principal's grant on more than this many stores of one block (alike) becomes a set edge."""
_WHOLE = "*"
_SCOPED_KINDS = frozenset({"bucket", "db"})  # object and db-user forms: only `*` sets (see plan)


@dataclass(frozen=True, slots=True)
class Block:
    """Stores that may share set edges: same account, region, kind and classification, and either
    no resource policy of their own or policies of one shape (`shaped`). `members` are in target
    order."""

    account: str
    region: str
    kind: str
    classification: str
    members: tuple[Target, ...]
    arns: frozenset[str]
    shaped: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        return self.members[0].forms

    def node(self, pattern: str) -> str:
        base = f"store-set:{self.account}:{self.region}:{self.kind}:{self.classification}"
        if self.shaped:  # one set per policy shape: name it by its first member's policy
            policy = self.members[0].policy
            return f"{base}:policy-like:{policy.name if policy else '?'}:{pattern}"
        return f"{base}:{pattern}"

    def label(self, pattern: str, count: int) -> str:
        what = (
            f"{self.classification} {self.kind}s"
            if self.classification != "unclassified"
            else f"{self.kind}s"
        )
        where = f"{self.account}/{self.region}"
        own = "key" if self.kind == "key" else "resource"
        alike = f" whose {own} policies read alike" if self.shaped else ""
        if pattern == _WHOLE:
            return f"all {what}{alike} in {where} ({count})"
        return f"{count} {what}{alike} in {where} matching {pattern}"


def build_blocks(targets: Iterable[Target], classification: Mapping[str, str | None]) -> list[Block]:
    """Blocks of more than STORE_FANOUT stores (smaller ones gain nothing from a set)."""
    grouped: dict[tuple[str, str, str, str, tuple[str, ...], object], list[Target]] = defaultdict(list)
    for target in targets:
        if target.kind == "function" or target.policy_note is not None:
            continue
        shape = None if target.policy is None else policy_shape(target)
        if target.policy is not None and shape is None:
            continue  # a policy that may answer differently per store: per-store edges
        label = classification.get(target.arn) or "unclassified"
        grouped[(target.account, target.region, target.kind, label, target.forms, shape)].append(target)
    return [
        Block(
            account, region, kind, label, tuple(members), frozenset(t.arn for t in members), shape is not None
        )
        for (account, region, kind, label, _forms, shape), members in grouped.items()
        if len(members) > STORE_FANOUT
    ]


_SELF = "\x00self"  # stands for the store's own ARN in a policy shape


def policy_shape(target: Target) -> tuple[object, ...] | None:
    """The target's resource policy with its own ARN abstracted, when every member with the same
    shape is provably answered alike (module docstring); None otherwise."""
    if target.policy is None:
        return None
    shape: list[object] = []
    for statement in target.policy.document.statements:
        one = _statement_shape(statement, target.arn)
        if one is None:
            return None
        shape.append(one)
    return tuple(shape)


def _statement_shape(statement: Statement, arn: str) -> tuple[object, ...] | None:
    resources = _own(statement.resources, arn)
    not_resources = _own(statement.not_resources, arn)
    if resources is False or not_resources is False:
        return None
    conditions = []
    for condition in statement.conditions:
        if condition.key.casefold().startswith("aws:resourcetag"):
            return None  # members' tags may differ
        values = tuple(v.replace(arn, _SELF) for v in condition.values)
        conditions.append((condition.operator, condition.key, values))
    return (
        statement.effect,
        statement.sid,
        statement.principals,
        statement.not_principals,
        statement.actions,
        statement.not_actions,
        resources,
        not_resources,
        tuple(conditions),
    )


def _own(patterns: tuple[str, ...] | None, arn: str) -> tuple[str, ...] | bool | None:
    """Patterns with the own ARN abstracted; False when one names anything else but `*` (it could
    name some members and not others)."""
    if patterns is None:
        return None
    out = []
    for pattern in patterns:
        if pattern == _WHOLE:
            out.append(pattern)
        elif pattern == arn or (pattern.startswith(arn + "/") and "$" not in pattern):
            out.append(_SELF + pattern[len(arn) :])
        else:
            return False
    return tuple(out)


def scoped_only_whole(block: Block) -> bool:
    """Buckets (object keys) and databases (db users) are summarised only for `*` grants: a
    narrower pattern may scope differently per member (a prefix, a user)."""
    return block.kind in _SCOPED_KINDS


def set_attrs(block: Block, pattern: str, count: int) -> dict[str, object]:
    """The `store-set` node's attributes (kind, label, where, and what it stands for)."""
    return {
        "label": block.label(pattern, count),
        "account": block.account,
        "region": block.region,
        "store_kind": block.kind,
        "classification": None if block.classification == "unclassified" else block.classification,
        "pattern": pattern,
        "member_count": count,
        **({"policy_like": True} if block.shaped else {}),
    }
