"""How privileged a principal is, and when one is STRICTLY more privileged than another.

A principal's privilege is read from its effective permissions (identity policies after Deny,
permissions boundary and SCPs), over every resource (`*`):
- admin: every catalogue action allowed on every resource, unconditionally;
- allowed: the actions of the sensitive services (SENSITIVE_SERVICES) allowed unconditionally on
  every resource;
- possible: the sensitive actions allowed at all: also under conditions, or on some resources.

T is strictly more privileged than S when S is not admin and either T is admin, or T's allowed
set strictly contains S's and T's possible set contains S's (T can do everything S can, and
something more on every resource, without conditions). For an escalation path, both profiles
are compared without the actions S spends on the first step (sts:AssumeRole, iam:PassRole,
lambda:CreateFunction, ...): S keeps its own credentials, so the means of the move are neither a
privilege the target must also hold nor one it gains by holding them too. Incomparable
principals (each can do something the other cannot) are not "more privileged" either way:
becoming one is a lateral move, not an escalation, left to the reachability analysis.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from policy.catalogue import load_catalogue
from policy.effective import EffectivePermissions

SENSITIVE_SERVICES = ("iam", "sts", "kms", "secretsmanager", "lambda", "s3", "dynamodb")


@functools.cache
def sensitive_mask() -> int:
    catalogue = load_catalogue()
    mask = 0
    for service in SENSITIVE_SERVICES:
        mask |= catalogue.service_mask(service)
    return mask


@dataclass(frozen=True, slots=True, repr=False)
class Privilege:
    admin: bool
    allowed: int
    possible: int

    @classmethod
    def of(cls, permissions: EffectivePermissions) -> Privilege:
        allowed, conditional, scoped = permissions.bits()
        mask = sensitive_mask()
        return cls(
            admin=allowed == permissions.catalogue.all_bits,
            allowed=allowed & mask,
            possible=(allowed | conditional | scoped) & mask,
        )

    def strictly_above(self, other: Privilege, spent: int = 0) -> bool:
        """Whether this privilege is strictly more than `other`, leaving `other`'s `spent` actions
        (a bitset: the means of the move) aside (see the module docstring)."""
        if other.admin:
            return False
        if self.admin:
            return True
        keep = ~spent
        mine, theirs = self.allowed & keep, other.allowed & keep
        return mine != theirs and theirs & ~mine == 0 and other.possible & keep & ~self.possible == 0

    def __repr__(self) -> str:  # the bitsets have ~20,000 bits: too long for a repr
        allowed, possible = self.allowed.bit_count(), self.possible.bit_count()
        return f"Privilege(admin={self.admin}, allowed={allowed}, possible={possible})"

    @property
    def is_empty(self) -> bool:
        return not self.admin and not self.possible

    def describe(self) -> str:
        if self.admin:
            return "administrator (every action on every resource)"
        names = load_catalogue().names(self.allowed)
        services = sorted({n.split(":", 1)[0] for n in names})
        return f"{len(names)} sensitive actions on every resource ({', '.join(services) or 'none'})"
