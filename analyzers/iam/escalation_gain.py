"""What an escalation gains, graded, so `iam.privesc` is rated by the prize rather than the path.

A target is graded on what its holder can do that the escalating principal could not before:
- CRITICAL: the target is an administrator (every action on every resource);
- HIGH: the target can read or write a sensitive data store (classified pci or confidential, or
  any secret) on which the principal could do nothing of that level at all;
- MEDIUM: otherwise, it gains Write or Permissions-management actions on every resource (on the
  sensitive services `privilege.SENSITIVE_SERVICES` compares);
- LOW: otherwise (it only gains Read, List or Tagging actions on non-sensitive resources).
The rule then lowers a conditional path one step; the grade here is the unconditional one.

"Read" and "write" are the catalogue's access levels of the actions acting on the store's resource
types, as the `can` edges count them. Store access is read from the effective permissions over
the store's ARN (and its objects, for a bucket): identity policies, boundary and SCPs. A resource
policy that already admits the principal is not consulted, so a gain may be overstated there.

Cost: administrators (most targets) need nothing beyond their flag. A lesser target's reach over
the sensitive stores is computed once per distinct permissions (a role reached by many principals
costs once; about 25 ms at 1,200 sensitive stores when its grants are scoped per store), and a
principal's prior access only on the stores its targets reach, once per (principal, store).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analyzers.findings.model import Severity
from analyzers.iam.escalation.paths import EscalationPath
from analyzers.iam.escalation.types import Yields
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.privilege import Privilege
from estate.graph.stores import store_classification
from estate.model import DataStore
from policy.catalogue import ActionCatalogue, iter_bits, load_catalogue
from policy.effective import EffectivePermissions

SENSITIVE_CLASSES = frozenset({"pci", "confidential"})
READ, WRITE = 1, 2  # store access levels, as bits
_LEVEL_NAMES = ((READ, "read"), (WRITE, "write"))
# The service and catalogue resource types of each store kind's own actions.
Bits = tuple[int, int, int]  # (allowed, conditional, scoped) action bitsets over one scope
_KIND_FORMS: Mapping[str, tuple[str, frozenset[str]]] = {
    "table": ("dynamodb", frozenset({"table"})),
    "bucket": ("s3", frozenset({"bucket", "object"})),
    "secret": ("secretsmanager", frozenset({"Secret"})),
    "parameter": ("ssm", frozenset({"parameter"})),
    "db": ("rds", frozenset({"db", "cluster"})),
    "queue": ("sqs", frozenset({"queue"})),
    "topic": ("sns", frozenset({"topic"})),
}


def levels_text(levels: int) -> str:
    return "/".join(name for bit, name in _LEVEL_NAMES if levels & bit)


@dataclass(frozen=True, slots=True)
class StoreGain:
    """A sensitive store the target can use at a level the principal could not."""

    arn: str
    kind: str
    name: str
    classification: str  # pci | confidential | secret (an unclassified secret)
    levels: int  # READ | WRITE bits gained

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.arn,
            "kind": self.kind,
            "classification": self.classification,
            "access": levels_text(self.levels),
        }


@dataclass(frozen=True, slots=True)
class Gain:
    """What becoming one target gives a principal, and the grade of it (before conditions)."""

    grade: Severity
    admin: bool
    stores: tuple[StoreGain, ...] = ()  # new access to sensitive stores, by ARN
    actions: Mapping[str, int] | None = None  # access level -> actions gained on every resource

    @property
    def outcome(self) -> str:
        """A short phrase for titles and the other-targets list."""
        if self.admin:
            return "an administrator"
        if self.stores:
            levels = 0
            for store in self.stores:
                levels |= store.levels
            classes = sorted({s.classification for s in self.stores})
            count = len(self.stores)
            return (
                f"more privileged: new {levels_text(levels)} access to {count} "
                f"{'/'.join(classes)} store{'s' if count != 1 else ''}"
            )
        if self.grade is Severity.MEDIUM:
            return "more privileged: new write or permissions-management actions"
        return "more privileged: new read/list actions"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome, "grade": self.grade.value}
        if self.stores:
            out["sensitive stores"] = [s.to_json() for s in self.stores]
        if self.actions:
            out["actions gained on every resource"] = dict(self.actions)
        return out


ADMIN_GAIN = Gain(Severity.CRITICAL, admin=True)


def held_permissions(model: IamModel, path: EscalationPath) -> EffectivePermissions:
    """The permissions the caller acts with at the end of `path` (its last hop's state)."""
    last = path.hops[-1]
    if last.through is not None:  # a role passed to a service: the code runs as that role
        return model.effective(last.through.target)
    yields = last.edge.method.yields
    if yields is Yields.CONTROL:
        return model.ceiling(last.edge.target, last.edge.method.removes)
    if yields is Yields.MEMBERSHIP:
        return model.joined(last.edge.source, last.edge.target)
    return model.effective(last.edge.target)


class GainGrader:
    """Grades escalation paths for one IAM model; caches per target permissions and per
    (principal, store), so a whole estate's paths cost what its distinct targets cost."""

    def __init__(self, model: IamModel, tag_key: str | None = None) -> None:
        self.model = model
        self.catalogue = load_catalogue()
        self._stores = _sensitive_stores(model.estate.data_stores.values(), tag_key)
        self._masks = _kind_masks(self.catalogue)
        self._reach: dict[int, tuple[EffectivePermissions, dict[str, int]]] = {}
        self._prior: dict[tuple[str, str], int] = {}
        self._privilege: dict[str, Privilege] = {}
        self._actions: dict[tuple[int, int], tuple[Severity, Mapping[str, int]]] = {}

    def gain(self, path: EscalationPath) -> Gain:
        if path.admin:
            return ADMIN_GAIN
        start = path.start
        stores: list[StoreGain] = []
        for arn, levels in self._reach_of(held_permissions(self.model, path)).items():
            new = levels & ~self._prior_levels(start, arn)
            if new:
                store, classification = self._stores[arn]
                stores.append(StoreGain(arn, store.kind, store.name, classification, new))
        grade, actions = self._action_gain(self._start_privilege(start), path.privilege)
        if stores:
            grade = Severity.HIGH
        return Gain(grade, admin=False, stores=tuple(stores), actions=actions)

    # -- what the target reaches, and what the principal already did --------------------------
    def _reach_of(self, permissions: EffectivePermissions) -> dict[str, int]:
        """Sensitive store ARN -> the levels `permissions` grant on it (allowed, or on part of it)."""
        held = self._reach.get(id(permissions))
        if held is not None and held[0] is permissions:
            return held[1]
        allowed, conditional, scoped = permissions.bits()
        anywhere = allowed | conditional | scoped
        reach: dict[str, int] = {}
        for arn, (store, _) in self._stores.items():
            masks = self._masks.get(store.kind)
            if masks is None or not anywhere & (masks[0] | masks[1]):
                continue
            levels = _levels_on(permissions, store, masks, certain=True)
            if levels:
                reach[arn] = levels
        self._reach[id(permissions)] = (permissions, reach)
        return reach

    def _prior_levels(self, start: str, arn: str) -> int:
        """The levels the principal may already use on the store, even conditionally or in part."""
        key = (start, arn)
        held = self._prior.get(key)
        if held is None:
            store = self._stores[arn][0]
            held = self._prior[key] = _levels_on(
                self.model.effective(start), store, self._masks[store.kind], certain=False
            )
        return held

    def _start_privilege(self, start: str) -> Privilege:
        held = self._privilege.get(start)
        if held is None:
            held = self._privilege[start] = Privilege.of(self.model.effective(start))
        return held

    def _action_gain(self, base: Privilege, target: Privilege) -> tuple[Severity, Mapping[str, int]]:
        """MEDIUM when the target adds Write or Permissions-management actions on every resource,
        else LOW; with the count of actions gained per access level."""
        key = (id(base), id(target))
        held = self._actions.get(key)
        if held is None:
            gained = target.allowed & ~base.allowed
            counts = {
                level: n
                for level in self.catalogue.levels
                if (n := (gained & self.catalogue.level_mask(level)).bit_count())
            }
            strong = counts.get("Write", 0) or counts.get("Permissions management", 0)
            held = self._actions[key] = (Severity.MEDIUM if strong else Severity.LOW, counts)
        return held


def _sensitive_stores(stores: Any, tag_key: str | None) -> dict[str, tuple[DataStore, str]]:
    out: dict[str, tuple[DataStore, str]] = {}
    for store in stores:
        label = store_classification(store, tag_key)
        if label in SENSITIVE_CLASSES:
            out[store.arn] = (store, label)
        elif store.kind == "secret":
            out[store.arn] = (store, "secret")
    return dict(sorted(out.items()))


def _kind_masks(catalogue: ActionCatalogue) -> dict[str, tuple[int, int]]:
    """Per store kind, the (Read, Write) action bitsets of the actions on its resource types."""
    read, write = catalogue.level_mask("Read"), catalogue.level_mask("Write")
    out: dict[str, tuple[int, int]] = {}
    for kind, (service, types) in _KIND_FORMS.items():
        own = 0
        for index in iter_bits(catalogue.service_mask(service)):
            if types & set(catalogue.actions[index].resource_types):
                own |= 1 << index
        out[kind] = (own & read, own & write)
    return out


def _levels_on(
    permissions: EffectivePermissions, store: DataStore, masks: tuple[int, int], *, certain: bool
) -> int:
    """READ/WRITE bits for what `permissions` allow on the store (and, for a bucket, its objects):
    `certain` counts actions allowed on all or part of it, otherwise also conditional ones.

    A level granted on every resource, or on none, is read from the `*` bitsets (already
    computed); only a level granted on some resources is evaluated over the store's own ARN."""
    levels, pending = _settle(permissions.bits(), masks, certain, READ | WRITE, final=False)
    if pending:
        scopes = (store.arn, f"{store.arn}/*") if store.kind == "bucket" else (store.arn,)
        bits = _union(permissions.bits(scope) for scope in scopes)
        levels |= _settle(bits, masks, certain, pending, final=True)[0]
    return levels


def _settle(
    bits: Bits, masks: tuple[int, int], certain: bool, candidates: int, *, final: bool
) -> tuple[int, int]:
    """(levels held, levels still open) among `candidates` over one scope: held when granted on the
    whole scope (on the store's own scope: on any part of it); open when granted on part of it."""
    allowed, conditional, scoped = bits
    whole = allowed | (0 if certain else conditional)
    part = allowed | scoped | (0 if certain else conditional)
    held = part if final else whole
    found = pending = 0
    for bit, mask in ((READ, masks[0]), (WRITE, masks[1])):
        if candidates & bit:
            if held & mask:
                found |= bit
            elif not final and (allowed | conditional | scoped) & mask:
                pending |= bit
    return found, pending


def _union(triples: Iterable[Bits]) -> Bits:
    allowed = conditional = scoped = 0
    for a, c, s in triples:
        allowed, conditional, scoped = allowed | a, conditional | c, scoped | s
    return allowed, conditional, scoped
