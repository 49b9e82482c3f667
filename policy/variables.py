"""Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) and escapes.

AWS substitutes variables in Resource and Condition values from the request context, only in
policies with Version 2012-10-17 (older versions treat `${...}` as text). `${*}`, `${?}` and
`${$}` are literal `*`, `?` and `$`. A substituted value is literal too: it never acts as a
wildcard. Resolution is three-way: resolved to text, unknown (the key is not known in an
incomplete context), or missing (the key is known absent or multi-valued and there is no
default, where AWS documents that the statement may not apply).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from policy.context import UNKNOWN_KEY, RequestContext

VARIABLES_VERSION = "2012-10-17"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}

# A resolved value is a sequence of (text, literal) pieces: literal pieces came from a variable
# or an escape and never act as wildcards; authored pieces keep `*` and `?` as wildcards.
Segments = tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # as written; context lookups ignore case
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed value: authored text, literal escapes and variables, in order."""

    parts: tuple[str | Variable | tuple[str], ...]  # tuple[str] is an escaped literal

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.parts if isinstance(p, Variable))

    @property
    def has_substitutions(self) -> bool:
        return any(not isinstance(p, str) for p in self.parts)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Segments when every variable resolved; otherwise the keys that were unknown or missing."""

    segments: Segments | None
    unknown: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@functools.lru_cache(maxsize=65536)
def parse_template(text: str) -> Template:
    if "${" not in text:
        return Template((text,))
    parts: list[str | Variable | tuple[str]] = []
    last = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        body = match.group(1)
        if body in _ESCAPES:
            parts.append((_ESCAPES[body],))
        elif (with_default := _WITH_DEFAULT.match(body)) is not None:
            parts.append(Variable(with_default.group(1), with_default.group(2).replace("''", "'")))
        elif body.strip() and not any(ch.isspace() for ch in body.strip()) and "," not in body:
            parts.append(Variable(body.strip()))
        else:
            parts.append(match.group(0))  # malformed: AWS leaves it as text
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return Template(tuple(parts))


@functools.lru_cache(maxsize=65536)
def _literal_segments(text: str) -> Segments:
    return ((text, False),)


def resolve(text: str, context: RequestContext, *, variables: bool = True) -> Resolution:
    """Substitute variables in one policy value from the context."""
    if not variables or "${" not in text:
        return Resolution(_literal_segments(text))
    template = parse_template(text)
    segments: list[tuple[str, bool]] = []
    unknown: list[str] = []
    missing: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            segments.append((part, False))
        elif isinstance(part, tuple):
            segments.append((part[0], True))
        else:
            found = context.lookup(part.key)
            if found is UNKNOWN_KEY:
                unknown.append(part.key)
            elif isinstance(found, tuple) and len(found) == 1:
                segments.append((found[0], True))
            elif part.default is not None:  # absent or multi-valued: the default applies
                segments.append((part.default, True))
            else:
                missing.append(part.key)
    if unknown or missing:
        return Resolution(None, tuple(unknown), tuple(missing))
    return Resolution(tuple(segments))


def segments_text(segments: Segments) -> str:
    return "".join(text for text, _ in segments)


def uses_variables(version: str | None) -> bool:
    return version == VARIABLES_VERSION
