"""KMS keys and how a store's key reference resolves against them.

Encryption is decided by resolving each store's key reference (key id, key ARN, alias name or
alias ARN) against the collected keys and aliases: a key that is AWS managed, or whose only aliases
are `alias/aws/*` (moto reports those keys as CUSTOMER), is "aws-managed"; a resolved customer key
is "customer"; a key of another account is "customer" (AWS managed keys never leave their
account); an unresolvable same-account key is "unknown" with `encrypted=True`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from estate.model.raw import error_code
from estate.model.store_fields import first_by_param
from estate.model.store_records import Encryption, KmsKey
from estate.snapshot import Snapshot


@dataclass
class KeyIndex:
    """Resolves key references per account and region: key ids, key ARNs, alias names and ARNs."""

    keys: dict[str, KmsKey] = field(default_factory=dict)  # ARN -> key
    by_id: dict[tuple[str, str, str], KmsKey] = field(default_factory=dict)
    alias_target: dict[tuple[str, str, str], str] = field(default_factory=dict)  # alias name -> key id
    aliases_of: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # key id -> aliases

    def encryption(self, ref: str | None, account: str, region: str) -> Encryption:
        if not ref:
            return Encryption("none", encrypted=False)
        key_id, where = ref, (account, region)
        if ref.startswith("arn:"):
            parts = ref.split(":")
            where = (parts[4], parts[3]) if len(parts) > 5 else where
            key_id = parts[5] if len(parts) > 5 else ref
        if key_id.startswith("key/"):
            key_id = key_id[4:]
        if key_id.startswith("alias/"):
            if key_id.startswith("alias/aws/"):
                target = self.alias_target.get((*where, key_id))
                return Encryption("aws-managed", ref, self._arn(where, target), True)
            resolved = self.alias_target.get((*where, key_id))
            if resolved is None:
                return Encryption(self._unresolved(where, account), ref, None, True)
            key_id = resolved
        key = self.by_id.get((*where, key_id))
        if key is not None:
            state = "aws-managed" if key.manager == "AWS" else "customer"
            return Encryption(state, ref, key.arn, True)
        names = self.aliases_of.get((*where, key_id))
        if names:
            state = "aws-managed" if all(n.startswith("alias/aws/") for n in names) else "customer"
            return Encryption(state, ref, self._arn(where, key_id), True)
        return Encryption(self._unresolved(where, account), ref, None, True)

    @staticmethod
    def _unresolved(where: tuple[str, str], account: str) -> str:
        return "customer" if where[0] != account else "unknown"

    @staticmethod
    def _arn(where: tuple[str, str], key_id: str | None) -> str | None:
        return f"arn:aws:kms:{where[1]}:{where[0]}:key/{key_id}" if key_id else None


def parse_keys(snapshot: Snapshot) -> KeyIndex:
    index = KeyIndex()
    for record in snapshot.responses("kms", "ListAliases"):
        account, region = record.key.account, record.key.region
        for alias in record.response.get("Aliases") or ():
            name, target = str(alias.get("AliasName", "")), alias.get("TargetKeyId")
            if target:
                index.alias_target[(account, region, name)] = str(target)
                index.aliases_of.setdefault((account, region, str(target)), []).append(name)
    policies = first_by_param(snapshot, "kms", "GetKeyPolicy", "KeyId")
    rotation = first_by_param(snapshot, "kms", "GetKeyRotationStatus", "KeyId")
    for record in snapshot.responses("kms", "DescribeKey"):
        meta = record.response.get("KeyMetadata") if not error_code(record.response) else None
        if not meta:
            continue
        account, region = record.key.account, record.key.region
        key_id = str(meta["KeyId"])
        names = tuple(sorted(index.aliases_of.get((account, region, key_id), ())))
        manager = str(meta.get("KeyManager", "CUSTOMER"))
        if names and all(n.startswith("alias/aws/") for n in names):
            manager = "AWS"  # moto says CUSTOMER for the AWS managed keys
        policy = policies.get((account, region, key_id))
        rotated = rotation.get((account, region, key_id))
        key = KmsKey(
            arn=str(meta.get("Arn") or f"arn:aws:kms:{region}:{account}:key/{key_id}"),
            id=key_id,
            account=account,
            region=region,
            manager=manager,
            rotation_enabled=None
            if rotated is None or error_code(rotated)
            else bool(rotated.get("KeyRotationEnabled")),
            state=meta.get("KeyState"),
            policy=None if policy is None or error_code(policy) else policy.get("Policy"),
            policy_state="unknown" if policy is None else ("absent" if error_code(policy) else "present"),
            aliases=names,
            description=str(meta.get("Description", "") or ""),
            key_spec=meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
        )
        index.keys[key.arn] = key
        index.by_id[(account, region, key_id)] = key
    return index
