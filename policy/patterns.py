"""Wildcard patterns over strings and ARNs, compiled once and cached.

Two shapes: a plain glob (`*` any run, `?` one character, whole string) for String*Like, and an
ARN pattern for Resource and Arn* conditions, matched segment by segment as AWS does: the five
colon-separated leading segments (arn, partition, service, region, account) compare
case-insensitively and their wildcards never cross a colon; the resource segment (everything after
the fifth colon, colons included) is case-sensitive and its wildcards may span anything.

Patterns arrive as resolved segments (see `policy.variables`): literal pieces never act as
wildcards. "Containment" mode compiles a pattern P so that matching it against another pattern Q,
read as text, soundly answers "does P cover every string Q covers" (P's `?` cannot stand for Q's `*`).
"""

from __future__ import annotations

import functools
import re

from policy.variables import Segments

_ARN_SEGMENTS = 6


def _glob_piece(text: str, literal: bool, any_run: str, any_one: str) -> str:
    if literal:
        return re.escape(text)
    return "".join(any_run if ch == "*" else any_one if ch == "?" else re.escape(ch) for ch in text)


@functools.lru_cache(maxsize=65536)
def glob_regex(segments: Segments, ignore_case: bool = False, containment: bool = False) -> re.Pattern[str]:
    any_one = "[^*]" if containment else "."
    body = "".join(_glob_piece(text, literal, ".*", any_one) for text, literal in segments)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _arn_parts(segments: Segments) -> list[list[tuple[str, bool]]] | None:
    """Split resolved pieces into the six ARN segments, or None if there are fewer than six."""
    parts: list[list[tuple[str, bool]]] = [[]]
    for text, literal in segments:
        pieces = text.split(":")
        for index, piece in enumerate(pieces):
            if index and len(parts) < _ARN_SEGMENTS:
                parts.append([])
            elif index:
                parts[-1].append((":", True))
            if piece:
                parts[-1].append((piece, literal))
    return parts if len(parts) == _ARN_SEGMENTS else None


@functools.lru_cache(maxsize=65536)
def arn_regex(segments: Segments, containment: bool = False) -> re.Pattern[str] | None:
    """Regex for an ARN-shaped pattern; None when the pattern does not have six segments."""
    parts = _arn_parts(segments)
    if parts is None:
        return None
    head_one = "[^:*]" if containment else "[^:]"
    tail_one = "[^*]" if containment else "."
    head = [
        "(?i:" + "".join(_glob_piece(t, lit, "[^:]*", head_one) for t, lit in part) + ")"
        for part in parts[:5]
    ]
    tail = "".join(_glob_piece(t, lit, ".*", tail_one) for t, lit in parts[5])
    return re.compile(":".join([*head, tail]), re.DOTALL)


def _star_runs(part: list[tuple[str, bool]], lower: bool) -> list[str] | None:
    """The literal runs between a segment's `*` wildcards; None if it has a `?` (or, `lower`
    asked, is not ASCII: the regex's case-insensitive match knows more than str.lower)."""
    runs, run = [], []
    for text, literal in part:
        if lower and not text.isascii():
            return None
        if literal:
            run.append(text.lower() if lower else text)
            continue
        for char in text:
            if char == "?":
                return None
            if char == "*":
                runs.append("".join(run))
                run = []
            else:
                run.append(char.lower() if lower else char)
    runs.append("".join(run))
    return runs


def _star_match(runs: list[str], text: str) -> bool:
    """fullmatch of a `*`-only glob given as its literal runs (leftmost, greedy: exact for `*`)."""
    if len(runs) == 1:
        return text == runs[0]
    head, tail = runs[0], runs[-1]
    if len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
        return False
    at, end = len(head), len(text) - len(tail)
    for run in runs[1:-1]:
        found = text.find(run, at, end)
        if found < 0:
            return False
        at = found + len(run)
    return True


@functools.lru_cache(maxsize=65536)
def arn_star_matcher(segments: Segments) -> tuple[list[list[str]], list[str]] | None:
    """The literal runs of an ARN pattern's six segments, when its wildcards are all `*` and its
    five leading segments are ASCII: it then matches without compiling a regex (compiling is
    0.1 ms a pattern, and resource policies name thousands of distinct ones). None otherwise."""
    parts = _arn_parts(segments)
    if parts is None:
        return None
    head = [_star_runs(part, lower=True) for part in parts[:5]]
    tail = _star_runs(parts[5], lower=False)
    if tail is None or any(runs is None for runs in head):
        return None
    return [runs for runs in head if runs is not None], tail


def arn_star_match(matcher: tuple[list[list[str]], list[str]], value: str) -> bool | None:
    """`arn_regex(segments).fullmatch(value) is not None` for a matcher of `arn_star_matcher`;
    None when the value's leading segments are not ASCII (the regex must answer)."""
    have = value.split(":", 5)
    if len(have) < 6:
        return False
    head, tail = matcher
    for runs, text in zip(head, have[:5], strict=True):
        if not text.isascii():
            return None
        if not _star_match(runs, text.lower()):
            return False
    return _star_match(tail, have[5])


def is_arn_shaped(text: str) -> bool:
    return text.count(":") >= _ARN_SEGMENTS - 1


def _plain(pattern: str) -> Segments:
    return ((pattern, False),)


@functools.lru_cache(maxsize=65536)
def pattern_covers(pattern: str, query: str) -> bool:
    """Whether every resource `query` (itself a pattern) names is matched by `pattern`.

    A pattern without `?` is matched by its literal runs (`_star_match`, `arn_star_match`): its
    containment regex is its plain one then, and compiling one per distinct pattern was a tenth of
    a second of a 2,000-role account's effective permissions."""
    if pattern == "*":
        return True
    if is_arn_shaped(pattern) and not is_arn_shaped(query):
        return False  # an ARN pattern covers ARNs only; no need to compile it to know
    if "?" not in pattern:  # containment differs only on `?`: match the runs, compile nothing
        if not is_arn_shaped(pattern):
            return _star_match(pattern.split("*"), query)
        matcher = arn_star_matcher(_plain(pattern))
        verdict = None if matcher is None else arn_star_match(matcher, query)
        if verdict is not None:
            return verdict
    compiled = arn_regex(_plain(pattern), True) if is_arn_shaped(pattern) else None
    if compiled is None:
        compiled = glob_regex(_plain(pattern), False, True)
    return compiled.fullmatch(query) is not None


def _literal_prefix(text: str) -> str:
    cut = min((i for i in (text.find("*"), text.find("?")) if i >= 0), default=len(text))
    return text[:cut]


def _segments_may_meet(left: str, right: str, ignore_case: bool) -> bool:
    a, b = _literal_prefix(left), _literal_prefix(right)
    if ignore_case:
        a, b = a.lower(), b.lower()
    whole_a, whole_b = a == left, b == right
    if whole_a and whole_b:
        return a == b
    return a.startswith(b) or b.startswith(a)


@functools.lru_cache(maxsize=65536)
def patterns_may_intersect(left: str, right: str) -> bool:
    """Sound over-approximation: False only when no resource can match both patterns."""
    if left == "*" or right == "*":
        return True
    if _literal_prefix(right) == right:  # a concrete name: exact
        return pattern_covers(left, right)
    if _literal_prefix(left) == left:
        return pattern_covers(right, left)
    if not (is_arn_shaped(left) and is_arn_shaped(right)):
        return True
    lparts, rparts = left.split(":", 5), right.split(":", 5)
    heads = all(_segments_may_meet(lp, rp, True) for lp, rp in zip(lparts[:5], rparts[:5], strict=True))
    return heads and _segments_may_meet(lparts[5], rparts[5], False)
