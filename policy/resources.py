"""Resource / NotResource matching against a request's resource, with policy variables.

ARN-shaped patterns match segment by segment (see `policy.patterns`); `*` matches everything.
A pattern that is not a six-segment ARN but still matches an ARN by letting a wildcard cross
colons (`arn:aws:*`) is reported as unknown rather than guessed. A variable missing from an
incomplete context makes the match unknown, naming the key; one known to be absent makes the
pattern match nothing (AWS: the resource does not match), and in NotResource it makes the
statement not apply (AWS: the statement may be invalid), so neither case grants or denies by accident.
"""

from __future__ import annotations

import functools

from policy.context import EMPTY_CONTEXT, RequestContext
from policy.document import Statement
from policy.patterns import arn_regex, glob_regex, is_arn_shaped
from policy.truth import FALSE, TRUE, Tri, Unresolved, Verdict, verdict_any
from policy.variables import Segments, resolve

_SHORT_PATTERN = "not a six-segment ARN pattern; AWS matches ARNs segment by segment"


@functools.lru_cache(maxsize=65536)
def _segments_match(segments: Segments, resource: str) -> Tri:
    if segments == (("*", False),):
        return Tri.TRUE
    text = "".join(t for t, _ in segments)
    if "*" not in text and "?" not in text and is_arn_shaped(text):
        return Tri.of(literal_arn_match(text, resource))
    compiled = arn_regex(segments) if is_arn_shaped(text) else None
    if compiled is not None:
        return Tri.of(compiled.fullmatch(resource) is not None)
    matched = glob_regex(segments).fullmatch(resource) is not None
    if matched and is_arn_shaped(resource) and text != resource:
        return Tri.UNKNOWN
    return Tri.of(matched)


def literal_arn_match(pattern: str, resource: str) -> bool:
    """A wildcard-free ARN pattern against a resource, as its compiled regex would answer: the five
    leading segments compare case-insensitively, the resource segment exactly. Estates name
    thousands of literal ARNs; compiling a regex for each costs seconds."""
    want, have = pattern.split(":", 5), resource.split(":", 5)
    if len(have) < len(want):
        return False
    return want[5] == have[5] and all(a.lower() == b.lower() for a, b in zip(want[:5], have[:5], strict=True))


def literal_arn_key(arn: str) -> tuple[str, str] | None:
    """What `literal_arn_match` compares of an ARN: its five leading segments without case, and
    its resource segment as it is (None if it has fewer than six segments). Two six-segment ARNs
    match exactly when their keys are equal, so a set of keys answers for many literals at once."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    return ":".join(parts[:5]).lower(), parts[5]


def _pattern_verdict(
    pattern: str, resource: str, context: RequestContext, variables: bool
) -> Verdict[Unresolved]:
    resolution = resolve(pattern, context, variables=variables)
    if resolution.segments is None:
        if resolution.missing:
            return FALSE
        return Verdict(
            Tri.UNKNOWN,
            tuple(
                Unresolved(key, "Resource", (pattern,), "policy variable not in the request context")
                for key in resolution.unknown
            ),
        )
    truth = _segments_match(resolution.segments, resource)
    if truth is Tri.UNKNOWN:
        return Verdict(truth, (Unresolved("Resource", "Resource", (pattern,), _SHORT_PATTERN),))
    return TRUE if truth is Tri.TRUE else FALSE


def pattern_truth(pattern: str, resource: str) -> Tri:
    """Whether one Resource pattern without policy variables covers `resource`: what
    `statement_resource_verdict(..., variables=False)` reads per pattern, for callers that match
    a pattern against many resources once (and combine the answers per statement)."""
    return _pattern_verdict(pattern, resource, EMPTY_CONTEXT, False).truth


def _has_missing_variable(patterns: tuple[str, ...], context: RequestContext, variables: bool) -> bool:
    return any(resolve(p, context, variables=variables).missing for p in patterns if "${" in p)


@functools.lru_cache(maxsize=65536)
def _needs_context(patterns: tuple[str, ...]) -> bool:
    return any("${" in p for p in patterns)


@functools.lru_cache(maxsize=65536)
def _fixed_verdict(patterns: tuple[str, ...], resource: str, variables: bool) -> Verdict[Unresolved]:
    """Patterns that read nothing from the context: their answer depends on the resource only."""
    return verdict_any(_pattern_verdict(p, resource, EMPTY_CONTEXT, variables) for p in patterns)


def _patterns_verdict(
    patterns: tuple[str, ...], resource: str, context: RequestContext, variables: bool
) -> Verdict[Unresolved]:
    if not variables or not _needs_context(patterns):
        return _fixed_verdict(patterns, resource, variables)
    return verdict_any(_pattern_verdict(p, resource, context, variables) for p in patterns)


def statement_resource_verdict(
    statement: Statement, resource: str, context: RequestContext = EMPTY_CONTEXT, *, variables: bool = True
) -> Verdict[Unresolved]:
    """Whether the statement's Resource/NotResource covers `resource` (absent element: it does)."""
    if statement.resources is not None:
        return _patterns_verdict(statement.resources, resource, context, variables)
    if statement.not_resources is not None:
        needs_context = variables and _needs_context(statement.not_resources)
        if needs_context and _has_missing_variable(statement.not_resources, context, variables):
            return FALSE
        return ~_patterns_verdict(statement.not_resources, resource, context, variables)
    return TRUE  # resource policies may omit Resource: the attached resource is implied
