"""KMS, per region: every key's metadata (KeyManager, spec, state), its key policy and, for
customer-managed symmetric keys, whether automatic rotation is on; and the aliases.

Rotation status is asked only where AWS can answer it: AWS-managed keys always rotate, and
asymmetric, HMAC or disabled-for-deletion keys return an error instead of a status.
"""

from __future__ import annotations

from estate.sources.live.calls import CallContext

_ROTATABLE_STATES = frozenset({"Enabled", "Disabled"})


def fetch_keys(ctx: CallContext) -> None:
    keys = ctx.items("kms", "ListKeys", "Marker", "NextMarker", "Keys", Limit=1000)
    ctx.each([str(k["KeyId"]) for k in keys], lambda key_id: _key(ctx, key_id))
    ctx.items("kms", "ListAliases", "Marker", "NextMarker", "Aliases", Limit=100)


def _key(ctx: CallContext, key_id: str) -> None:
    described = ctx.call("kms", "DescribeKey", KeyId=key_id)
    ctx.call("kms", "GetKeyPolicy", KeyId=key_id, PolicyName="default")
    meta = (described or {}).get("KeyMetadata") or {}
    if (
        meta.get("KeyManager") == "CUSTOMER"
        and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        and meta.get("KeyState") in _ROTATABLE_STATES
        and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
    ):
        ctx.call("kms", "GetKeyRotationStatus", KeyId=key_id)
