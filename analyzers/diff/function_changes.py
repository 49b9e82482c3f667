"""Estate changes per function between two snapshots, matched by ARN.

A function renamed between the snapshots is reported as one removed and one added: Lambda has no
rename (a new name is a new function with a new ARN, policy and log group), and guessing a pair
from look-alike settings would put a claim in front of a reviewer that the evidence does not make.

Env var values are compared by the keyed hash the snapshot keeps (`hmac_sha256`), never by value;
a field whose read failed in either snapshot (`*_state == "unknown"`) is listed as not comparable
instead of being reported as a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from analyzers.diff.field_change import FieldChange, parse_policy_text, statements_of
from analyzers.findings.model import JSONValue
from estate.model import EnvVar, LambdaFunction


@dataclass(frozen=True, slots=True)
class FunctionChange:
    arn: str
    name: str
    changes: tuple[FieldChange, ...]
    not_comparable: tuple[str, ...] = ()  # fields unread in either snapshot

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "arn": self.arn,
            "name": self.name,
            "changes": [c.to_json() for c in self.changes],
            "not_comparable": list(self.not_comparable),
        }


@dataclass(frozen=True, slots=True)
class FunctionsDelta:
    added: tuple[LambdaFunction, ...] = ()
    removed: tuple[LambdaFunction, ...] = ()
    changed: tuple[FunctionChange, ...] = ()

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "added": [_brief(f) for f in self.added],
            "removed": [_brief(f) for f in self.removed],
            "changed": [c.to_json() for c in self.changed],
        }


def _brief(fn: LambdaFunction) -> dict[str, JSONValue]:
    return {"arn": fn.arn, "name": fn.name, "runtime": fn.runtime, "role": fn.role_arn}


def diff_functions(old: Iterable[LambdaFunction], new: Iterable[LambdaFunction]) -> FunctionsDelta:
    before = {f.arn: f for f in old}
    after = {f.arn: f for f in new}
    changed = []
    for arn in sorted(before.keys() & after.keys()):
        a, b = before[arn], after[arn]
        changes = tuple(_changes(a, b))
        unknown = tuple(_not_comparable(a, b))
        if changes:
            changed.append(FunctionChange(arn, b.name, changes, unknown))
    return FunctionsDelta(
        added=tuple(after[a] for a in sorted(after.keys() - before.keys())),
        removed=tuple(before[a] for a in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
    )


_STATES = {
    "url": "url_state",
    "resource policy": "policy_state",
    "reserved concurrency": "reserved_concurrency_state",
}


def _known(a: LambdaFunction, b: LambdaFunction, state: str) -> bool:
    return getattr(a, state) != "unknown" and getattr(b, state) != "unknown"


def _not_comparable(a: LambdaFunction, b: LambdaFunction) -> Iterator[str]:
    for label, state in _STATES.items():
        if not _known(a, b, state):
            yield label
    after = {v.key: v for v in b.environment}
    for var in a.environment:
        if var.key in after and _env_value_changed(var, after[var.key]) is None:
            yield f"env value {var.key}"


def _changes(a: LambdaFunction, b: LambdaFunction) -> Iterator[FieldChange]:
    for field, before, after in (
        ("runtime", a.runtime, b.runtime),
        ("role", a.role_arn, b.role_arn),
        ("handler", a.handler, b.handler),
        ("memory", a.memory_size, b.memory_size),
        ("timeout", a.timeout, b.timeout),
    ):
        if before != after:
            yield FieldChange(field, before, after)
    yield from _env_changes(a.environment, b.environment)
    if _known(a, b, "url_state"):
        old_auth = a.url.auth_type if a.url else None
        new_auth = b.url.auth_type if b.url else None
        if old_auth != new_auth:
            yield FieldChange("url auth type", old_auth, new_auth)
    if _known(a, b, "policy_state"):
        yield from _policy_changes(a, b)
    if a.layers != b.layers:
        yield from _set_change("layers", a.layers, b.layers)
    vpc_a, vpc_b = _vpc(a), _vpc(b)
    if vpc_a != vpc_b:
        yield FieldChange("vpc", vpc_a, vpc_b)
    if _known(a, b, "reserved_concurrency_state") and a.reserved_concurrency != b.reserved_concurrency:
        yield FieldChange("reserved concurrency", a.reserved_concurrency, b.reserved_concurrency)


def _set_change(field: str, before: Iterable[str], after: Iterable[str]) -> Iterator[FieldChange]:
    old, new = set(before), set(after)
    if new - old:
        yield FieldChange(f"{field} added", None, sorted(new - old))
    if old - new:
        yield FieldChange(f"{field} removed", sorted(old - new), None)
    if old == new:  # the same set in another order (layer order is the merge order: it matters)
        yield FieldChange(f"{field} order", list(before), list(after))


def _vpc(fn: LambdaFunction) -> JSONValue:
    if fn.vpc is None:
        return None
    return {
        "vpc": fn.vpc.vpc_id,
        "subnets": sorted(fn.vpc.subnet_ids),
        "security_groups": sorted(fn.vpc.security_group_ids),
    }


def _policy_changes(a: LambdaFunction, b: LambdaFunction) -> Iterator[FieldChange]:
    text_a = a.policy.text if a.policy else None
    text_b = b.policy.text if b.policy else None
    if text_a == text_b:
        return
    old = statements_of(parse_policy_text(text_a)) if text_a is not None else frozenset()
    new = statements_of(parse_policy_text(text_b)) if text_b is not None else frozenset()
    if old is None or new is None:  # unreadable on a side: say the text changed, statement by none
        yield FieldChange("resource policy text", text_a, text_b)
        return
    if new - old:
        yield FieldChange("resource policy statements added", None, sorted(new - old))
    if old - new:
        yield FieldChange("resource policy statements removed", sorted(old - new), None)


def _env_changes(old: Iterable[EnvVar], new: Iterable[EnvVar]) -> Iterator[FieldChange]:
    before = {v.key: v for v in old}
    after = {v.key: v for v in new}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    changed = [k for k in sorted(before.keys() & after.keys()) if _env_value_changed(before[k], after[k])]
    if added:
        yield FieldChange("env keys added", None, added)
    if removed:
        yield FieldChange("env keys removed", removed, None)
    if changed:
        yield FieldChange("env values changed", None, changed)


def _env_value_changed(a: EnvVar, b: EnvVar) -> bool | None:
    """True/False by the keyed hashes (or, where a snapshot kept secrets, the values' equality,
    which no output shows); a different length is a change whatever is kept; None: no way to tell."""
    if a.length != b.length:
        return True
    if a.digest is not None and b.digest is not None:
        return a.digest != b.digest
    if a.value is not None and b.value is not None:
        return a.value != b.value
    return None
