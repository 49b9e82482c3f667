"""The shape of a synthetic estate: how many of each thing, and which function uses which.

Every choice is a pure function of (seed, purpose, index) through a keyed hash, never of a
shared random stream, so changing one part of the generator does not reshuffle the others and
any function's attributes can be computed on its own (no big lookup tables at 100,000 functions).
Scale follows DESIGN.md section 7: per 10,000 functions, 5,000 roles, 1,000 subnets and 3,000
data stores.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ACCOUNT = "111122223333"
PARTNER_ACCOUNT = "210987654321"
ORG_ID = "o-synth0example"
REGION = "eu-west-1"
AZS = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
CREATED_AT = "2026-11-01T00:00:00+00:00"
MODIFIED = "2026-10-01T09:30:00.000+0000"
TEAMS = (
    "payments",
    "ledger",
    "kyc",
    "fraud",
    "statements",
    "cards",
    "payouts",
    "notify",
    "risk",
    "treasury",
    "lending",
    "support",
    "platform",
    "data",
    "identity",
    "growth",
)
VERBS = ("api", "worker", "ingest", "sync", "export", "score", "notify", "reconcile", "webhook", "report")


@dataclass(frozen=True, slots=True)
class Scale:
    functions: int
    roles: int
    shared_roles: int
    subnets: int
    vpcs: int
    stores: int
    kms_keys: int
    users: int

    @classmethod
    def for_functions(cls, functions: int) -> Scale:
        roles = max(2, functions // 2)
        subnets = max(10, functions // 100 * 10)  # whole rows of ten subnets (see network.py)
        return cls(
            functions=functions,
            roles=roles,
            shared_roles=max(1, roles // 10),
            subnets=subnets,
            vpcs=-(-subnets // 240),  # 24 rows of ten /24 subnets in each /16
            stores=max(14, functions * 3 // 10),
            kms_keys=max(3, functions // 200),
            users=max(3, functions // 100),
        )


class Chooser:
    """Deterministic choices keyed by (seed, purpose, index)."""

    def __init__(self, seed: int) -> None:
        self._key = str(seed).encode()

    def unit(self, purpose: str, index: int) -> float:
        """A number in [0, 1) fixed by the seed, the purpose and the index."""
        digest = hashlib.blake2b(f"{purpose}:{index}".encode(), key=self._key, digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def pick(self, purpose: str, index: int, count: int) -> int:
        return int(self.unit(purpose, index) * count)

    def hexid(self, purpose: str, index: int, length: int) -> str:
        digest = hashlib.blake2b(f"{purpose}:{index}".encode(), key=self._key, digest_size=32).hexdigest()
        return digest[:length]

    def uuid(self, purpose: str, index: int) -> str:
        h = self.hexid(purpose, index, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def team_of(function: int) -> str:
    return TEAMS[function % len(TEAMS)]


def function_name(function: int) -> str:
    verb = VERBS[(function // len(TEAMS)) % len(VERBS)]
    return f"{team_of(function)}-{verb}-{function:06d}"


def function_arn(function: int) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name(function)}"


def role_of(scale: Scale, function: int) -> int:
    """Per-function roles first, then a pool of roles shared by the remaining functions."""
    own = scale.roles - scale.shared_roles
    return function if function < own else own + (function - own) % scale.shared_roles


def role_name(role: int) -> str:
    return f"{TEAMS[role % len(TEAMS)]}-fn-role-{role:06d}"


def role_arn(role: int) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{role_name(role)}"


def kms_key_id(chooser: Chooser, key: int) -> str:
    return chooser.uuid("kms", key)


def kms_key_arn(chooser: Chooser, key: int) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{kms_key_id(chooser, key)}"
