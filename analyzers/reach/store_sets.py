"""Resource-set summaries for `can` edges: one edge for a grant that names many stores alike.

A role allowed `dynamodb:*` on `*` may act on every table of its account; on a 10,000-function
estate ~200 such roles drew ~480,000 `can` edges, each saying the same thing. Instead, stores are
grouped into *blocks* (account, region, kind, classification; stores with a resource policy of
their own are never in one, since that policy can answer differently per store), and a principal
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
into the set that contains the store (`expand_grants` in grants.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzers.reach.access_targets import Target

STORE_SET = "store-set"
CONTAINS = "contains"
STORE_FANOUT = 10
"""A principal's grant on more than this many stores of one block (alike) becomes a set edge."""
_WHOLE = "*"
_SCOPED_KINDS = frozenset({"bucket", "db"})  # object and db-user forms: only `*` sets (see plan)


@dataclass(frozen=True, slots=True)
class Block:
    """Stores that may share set edges: same account, region, kind and classification, and no
    resource policy of their own. `members` are in target order."""

    account: str
    region: str
    kind: str
    classification: str
    members: tuple[Target, ...]
    arns: frozenset[str]

    @property
    def forms(self) -> tuple[str, ...]:
        return self.members[0].forms

    def node(self, pattern: str) -> str:
        return f"store-set:{self.account}:{self.region}:{self.kind}:{self.classification}:{pattern}"

    def label(self, pattern: str, count: int) -> str:
        what = (
            f"{self.classification} {self.kind}s"
            if self.classification != "unclassified"
            else f"{self.kind}s"
        )
        where = f"{self.account}/{self.region}"
        if pattern == _WHOLE:
            return f"every {what} in {where} ({count})"
        return f"{count} {what} in {where} matching {pattern}"


def build_blocks(targets: Iterable[Target], classification: Mapping[str, str | None]) -> list[Block]:
    """Blocks of more than STORE_FANOUT stores (smaller ones gain nothing from a set)."""
    grouped: dict[tuple[str, str, str, str, tuple[str, ...]], list[Target]] = defaultdict(list)
    for target in targets:
        if target.kind in ("key", "function") or target.policy is not None or target.policy_note is not None:
            continue
        label = classification.get(target.arn) or "unclassified"
        grouped[(target.account, target.region, target.kind, label, target.forms)].append(target)
    return [
        Block(account, region, kind, label, tuple(members), frozenset(t.arn for t in members))
        for (account, region, kind, label, _forms), members in grouped.items()
        if len(members) > STORE_FANOUT
    ]


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
    }
