"""What a `can` edge can point at: data stores, KMS keys and functions, as the engine names them.

Each target has one or more *forms*: a service and the catalogue resource types its actions act
on (a bucket is both `bucket` and `object`; a database both `db` and an IAM-auth `db-user`).
Object-level and db-user requests need a concrete ARN inside the target, so `representatives`
derives one per Resource pattern (with the S3 prefix or DB user it is scoped to), and
`TargetIndex.matching` finds the targets a pattern can name without scanning every target for
literal ARNs (pattern matches are cached across principals).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from analyzers.iam.grant import loose_regex
from estate.model import Estate
from estate.model.invoke_grants import ResourcePolicies
from policy.catalogue import ActionCatalogue, iter_bits
from policy.document import PolicyParseError
from policy.request import NamedPolicy


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    service: str
    resource_types: frozenset[str]
    only: tuple[str, ...] = ()  # when set, just these actions (lambda:InvokeFunction)


FORMS: dict[str, Form] = {
    f.name: f
    for f in (
        Form("table", "dynamodb", frozenset({"table"})),
        Form("bucket", "s3", frozenset({"bucket"})),
        Form("object", "s3", frozenset({"object"})),
        Form("secret", "secretsmanager", frozenset({"Secret"})),
        Form("parameter", "ssm", frozenset({"parameter"})),
        Form("db", "rds", frozenset({"db"})),
        Form("cluster", "rds", frozenset({"cluster"})),
        Form("db-user", "rds-db", frozenset({"db-user"})),
        Form("queue", "sqs", frozenset({"queue"})),
        Form("topic", "sns", frozenset({"topic"})),
        Form("key", "kms", frozenset({"key"})),
        Form("function", "lambda", frozenset({"function"}), only=("lambda:InvokeFunction",)),
    )
}
_FORMS_OF_KIND = {
    "table": ("table",),
    "bucket": ("bucket", "object"),
    "secret": ("secret",),
    "parameter": ("parameter",),
    "queue": ("queue",),
    "topic": ("topic",),
    "key": ("key",),
    "function": ("function",),
}
ANY_OBJECT = "lambdascope-any"  # stands for the part of a resource a wildcard leaves open


@dataclass(frozen=True, slots=True)
class Target:
    """A resource principals may act on; `policy` is its parsed resource (or key) policy."""

    arn: str
    kind: str  # a store kind, "key" or "function"
    name: str
    account: str
    region: str
    forms: tuple[str, ...]
    policy: NamedPolicy | None = None
    policy_note: str | None = None  # why the resource-policy side is unknown, when it is
    tags: Mapping[str, str] = field(default_factory=dict)


def form_masks(catalogue: ActionCatalogue) -> dict[str, int]:
    """Per form, the bitset of actions that act on its resource types."""
    masks: dict[str, int] = {}
    for form in FORMS.values():
        bits = 0
        if form.only:
            for action in form.only:
                index = catalogue.index(action)
                bits |= 0 if index is None else 1 << index
        else:
            for index in iter_bits(catalogue.service_mask(form.service)):
                if form.resource_types & set(catalogue.actions[index].resource_types):
                    bits |= 1 << index
        masks[form.name] = bits
    return masks


def _parse(
    name: str, text: str | None, arn: str, cache: dict[str, NamedPolicy | None], documents: ResourcePolicies
) -> NamedPolicy | None:
    if not text:
        return None
    key = f"{arn}\n{text}"  # one per target: its name and ARN explain the statements it grants
    if key not in cache:
        try:
            cache[key] = NamedPolicy(name, arn, documents.parse(text), "resource")
        except PolicyParseError:
            cache[key] = None
    return cache[key]


def build_targets(estate: Estate, documents: ResourcePolicies | None = None) -> list[Target]:
    """Every store, key and function as a target, with its policy parsed (once per text;
    `documents`, shared with the graph builder, which reads the functions' policies again)."""
    documents = documents if documents is not None else ResourcePolicies()
    parsed: dict[str, NamedPolicy | None] = {}
    out: list[Target] = []
    for store in estate.data_stores.values():
        forms: tuple[str, ...] | None = (
            ("cluster",) if store.kind == "db" and store.db and store.db.cluster else None
        )
        if store.kind == "db":
            forms = (*(forms or ("db",)), "db-user")
        policy = _parse(
            f"{store.name} {store.kind} policy", store.resource_policy, store.arn, parsed, documents
        )
        note = None
        if store.resource_policy and policy is None:
            note = "the resource policy could not be parsed"
        elif store.policy_state == "unknown":
            note = "the resource policy was not collected"
        out.append(
            Target(
                store.arn,
                store.kind,
                store.name,
                store.account,
                store.region,
                forms or _FORMS_OF_KIND[store.kind],
                policy,
                note,
                store.tags,
            )
        )
    for key in estate.kms_keys.values():
        name = key.aliases[0] if key.aliases else key.id
        policy = _parse(f"{name} key policy", key.policy, key.arn, parsed, documents)
        note = None if policy is not None else "the key policy was not collected or could not be parsed"
        out.append(Target(key.arn, "key", name, key.account, key.region, ("key",), policy, note))
    for fn in estate.functions:
        text = fn.policy.text if fn.policy else None
        policy = _parse(f"{fn.name} function policy", text, fn.arn, parsed, documents)
        note = "the function policy could not be parsed" if text and policy is None else None
        out.append(
            Target(fn.arn, "function", fn.name, fn.account, fn.region, ("function",), policy, note, fn.tags)
        )
    return out


class TargetIndex:
    """Targets by form, with pattern look-ups cached (patterns repeat across principals)."""

    def __init__(self, targets: list[Target]) -> None:
        self.by_form: dict[str, dict[str, Target]] = {name: {} for name in FORMS}
        for target in targets:
            for form in target.forms:
                self.by_form[form][target.arn] = target
        self._matches: dict[tuple[str, str], tuple[Target, ...]] = {}
        self._named: dict[tuple[str, str], frozenset[str]] = {}

    def names(self, form: str, patterns: tuple[str, ...] | None, arn: str) -> bool:
        """Whether `matching(form, patterns)` includes the target `arn` (without listing it)."""
        if patterns is None or "*" in patterns:
            return arn in self.by_form[form]
        for pattern in patterns:
            key = (form, pattern)
            found = self._named.get(key)
            if found is None:
                found = self._named[key] = frozenset(t.arn for t in self._match(form, pattern))
            if arn in found:
                return True
        return False

    def matching(self, form: str, patterns: tuple[str, ...] | None) -> list[Target]:
        """Targets of `form` some pattern may name (None: every target)."""
        pool = self.by_form[form]
        if patterns is None or "*" in patterns:
            return list(pool.values())
        found: dict[str, Target] = {}
        for pattern in patterns:
            for target in self._match(form, pattern):
                found[target.arn] = target
        return list(found.values())

    def _match(self, form: str, pattern: str) -> tuple[Target, ...]:
        key = (form, pattern)
        cached = self._matches.get(key)
        if cached is None:
            pool = self.by_form[form]
            bucket = _literal_bucket(pattern) if form == "object" else None
            if bucket == "":  # a bucket's own ARN names none of its objects
                cached = ()
            elif bucket is not None:  # one bucket named: look it up, never scan every bucket
                hit = pool.get(f"arn:aws:s3:::{bucket}")
                cached = (hit,) if hit is not None and representatives(form, hit, (pattern,)) else ()
            elif form in ("object", "db-user"):
                cached = tuple(t for t in pool.values() if representatives(form, t, (pattern,)))
            elif "*" not in pattern and "?" not in pattern:
                hit = pool.get(pattern)
                cached = (hit,) if hit is not None else ()
            else:
                regex = re.compile(loose_regex(pattern), re.IGNORECASE | re.DOTALL)
                cached = tuple(t for t in pool.values() if regex.fullmatch(t.arn))
            self._matches[key] = cached
        return cached


@functools.lru_cache(maxsize=16384)
def _glob(text: str) -> re.Pattern[str]:
    """Compiled once per text: a scan of every bucket for every object pattern asks again and
    again, and `re`'s own cache (512 entries) thrashes at that size."""
    return re.compile(loose_regex(text), re.DOTALL)


def _literal_bucket(pattern: str) -> str | None:
    """The bucket an object pattern names, when it names exactly one (no wildcard before the
    key): then only that bucket can match; "" for a bucket's own ARN (no key: no object). Each
    role's grant on a bucket is its own pattern, so scanning every bucket per pattern grew with
    roles x buckets."""
    head, sep, rest = pattern.partition(":::")
    bucket, slash, _key = rest.partition("/")
    if head != "arn:aws:s3" or not sep or not bucket or "*" in bucket or "?" in bucket:
        return None
    return bucket if slash else ""


def _concrete(text: str) -> str:
    return text.replace("*", ANY_OBJECT).replace("?", "x")


def _literal_head(text: str) -> str:
    return re.split(r"[*?]", text, maxsplit=1)[0]


def representatives(
    form: str, target: Target, patterns: tuple[str, ...] | None
) -> list[tuple[str, str | None]]:
    """(resource ARN to evaluate, scope note) pairs for the target under these Resource patterns.

    Plain forms evaluate the target's own ARN. For S3 objects, one object ARN per pattern that
    reaches into the bucket; its scope is the prefix when narrower than the whole bucket. For IAM
    database users the DB's resource id is not collected: a pattern whose resource id is `*`
    (in the DB's account and region) names a user of every database there.
    """
    if form == "object":
        return _objects(target, patterns)
    if form == "db-user":
        return _db_users(target, patterns)
    return [(target.arn, None)]


def _objects(target: Target, patterns: tuple[str, ...] | None) -> list[tuple[str, str | None]]:
    base = f"arn:aws:s3:::{target.name}/"
    whole: list[tuple[str, str | None]] = [(base + ANY_OBJECT, None)]
    if patterns is None:
        return whole
    out: dict[str, str | None] = {}
    for pattern in patterns:
        if pattern == "*":
            return whole
        head, sep, rest = pattern.partition(":::")
        if not sep or not _glob(head).fullmatch("arn:aws:s3"):
            continue
        bucket, slash, tail = rest.partition("/")
        if not slash:  # `bucket*`: a trailing wildcard may run into the key
            if not bucket.endswith("*") or not _glob(bucket).fullmatch(target.name + "/x"):
                continue
            return whole
        if not _glob(bucket).fullmatch(target.name):
            continue
        if tail in ("*", ""):
            if tail == "*":
                return whole
            continue
        prefix = _literal_head(tail)
        out[base + _concrete(tail)] = prefix or None
    return sorted(out.items())


def _db_users(target: Target, patterns: tuple[str, ...] | None) -> list[tuple[str, str | None]]:
    base = f"arn:aws:rds-db:{target.region}:{target.account}:dbuser:"
    if patterns is None or "*" in patterns:
        return [(base + f"{ANY_OBJECT}/{ANY_OBJECT}", None)]
    out: dict[str, str | None] = {}
    for pattern in patterns:
        parts = pattern.split(":", 6)
        if len(parts) != 7 or not _glob(parts[2]).fullmatch("rds-db") or parts[5] != "dbuser":
            continue
        if not (_glob(parts[3]).fullmatch(target.region) and _glob(parts[4]).fullmatch(target.account)):
            continue
        resource_id, slash, user = parts[6].partition("/")
        if resource_id != "*" and not (not slash and resource_id == "*"):
            continue  # names one database by its resource id, which is not collected
        user = user if slash else "*"
        out[base + f"{ANY_OBJECT}/{_concrete(user)}"] = None if user == "*" else f"db user {user}"
    return sorted(out.items())
