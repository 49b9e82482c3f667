"""`*`-only ARN patterns match by string operations exactly as their compiled regex does.

policy.patterns.arn_star_match skips compiling a regex for the thousands of distinct ArnLike
patterns resource policies name; it must agree with `arn_regex(...).fullmatch` everywhere it
answers (and say None where only the regex can: non-ASCII leading segments, `?`)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from policy.patterns import (
    arn_regex,
    arn_star_match,
    arn_star_matcher,
    glob_regex,
    is_arn_shaped,
    pattern_covers,
)

# Case folding traps (K/k/KELVIN SIGN, s/LONG S, é), separators and wildcards.
_ALPHABET = [
    "a",
    "A",
    "b",
    "-",
    "/",
    "*",
    "*",
    "?",
    ":",
    "x",
    "1",
    "é",
    "K",
    "k",
    "\u212a",
    "s",
    "\u017f",
    ".",
    "\n",
]
_WORDS = st.text(st.sampled_from(_ALPHABET), max_size=12)


@st.composite
def _segments(draw: st.DrawFn) -> tuple[tuple[str, bool], ...]:
    pieces = [(draw(_WORDS), draw(st.booleans())) for _ in range(draw(st.integers(1, 3)))]
    text = "".join(t for t, _ in pieces)
    if text.count(":") < 5:
        pieces.append((":" * (5 - text.count(":")) + draw(_WORDS), False))
    return tuple(pieces)


def _filled(draw: Callable[[st.SearchStrategy[str]], str], segments: tuple[tuple[str, bool], ...]) -> str:
    """A value made from the pattern with its wildcards filled (so matches are common)."""
    out = []
    for text, literal in segments:
        for char in text:
            if not literal and char == "*":
                out.append(draw(st.sampled_from(["", "x", "ab", ":", "K"])))
            elif not literal and char == "?":
                out.append(draw(st.sampled_from(["x", "A"])))
            else:
                out.append(char)
    return "".join(out)


@settings(max_examples=500)
@given(st.data(), _segments())
def test_star_matching_agrees_with_the_regex(
    data: st.DataObject, segments: tuple[tuple[str, bool], ...]
) -> None:
    regex = arn_regex(segments)
    matcher = arn_star_matcher(segments)
    if regex is None:
        assert matcher is None
        return
    for _ in range(4):
        if data.draw(st.booleans()):
            value = _filled(data.draw, segments)
        else:
            value = data.draw(st.text(st.sampled_from([*_ALPHABET, ":", ":"]), max_size=30))
        got = arn_star_match(matcher, value) if matcher is not None else None
        if got is not None:
            assert got == (regex.fullmatch(value) is not None), (segments, value)


def test_a_plain_star_pattern_answers_without_a_regex() -> None:
    segments = (("arn:aws:sns:*:123456789012:topic-*", False),)
    matcher = arn_star_matcher(segments)
    assert matcher is not None
    assert arn_star_match(matcher, "arn:aws:sns:eu-west-1:123456789012:topic-a") is True
    assert arn_star_match(matcher, "arn:aws:sns:eu-west-1:210987654321:topic-a") is False
    assert arn_star_match(matcher, "ARN:AWS:SNS:EU-WEST-1:123456789012:topic-a") is True  # leading: any case
    assert arn_star_match(matcher, "arn:aws:sns:eu-west-1:123456789012:Topic-a") is False  # resource: exact


def _containment_reference(pattern: str, query: str) -> bool:
    """pattern_covers as it was before its string shortcut: the containment regex, always."""
    if pattern == "*":
        return True
    if is_arn_shaped(pattern) and not is_arn_shaped(query):
        return False
    compiled = arn_regex(((pattern, False),), True) if is_arn_shaped(pattern) else None
    if compiled is None:
        compiled = glob_regex(((pattern, False),), False, True)
    return compiled.fullmatch(query) is not None


_TEXT = st.text(st.sampled_from([*_ALPHABET, ":", ":"]), max_size=30)


@settings(max_examples=800)
@given(st.data(), _segments(), st.booleans())
def test_pattern_covers_agrees_with_the_containment_regex(
    data: st.DataObject, segments: tuple[tuple[str, bool], ...], arn_shaped: bool
) -> None:
    """`?`-free patterns answer by string operations (ARN-shaped ones through arn_star_match,
    falling back to the regex on non-ASCII), the others by the containment regex: always alike."""
    pattern = "".join(text for text, _ in segments)
    if not arn_shaped:
        pattern = pattern.replace(":", "")
    for _ in range(4):
        choice = data.draw(st.integers(0, 2))
        if choice == 0:  # the pattern itself, or with its wildcards filled
            query = pattern if data.draw(st.booleans()) else _filled(data.draw, ((pattern, False),))
        else:
            query = data.draw(_TEXT)
        assert pattern_covers.__wrapped__(pattern, query) == _containment_reference(pattern, query), (
            pattern,
            query,
        )


def test_pattern_covers_reads_wildcards_in_the_query_as_patterns() -> None:
    # `*` in the pattern covers any run, wildcards in the query included
    assert pattern_covers("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a*")
    assert pattern_covers("team-*", "team-a?")
    assert not pattern_covers("arn:aws:s3:::bucket/a", "arn:aws:s3:::bucket/*")
    assert not pattern_covers("team-a", "team-*")
    # a `?` stands for one character, never for the query's `*` (the regex path answers)
    assert pattern_covers("arn:aws:s3:::a?c", "arn:aws:s3:::abc")
    assert not pattern_covers("arn:aws:s3:::a?c", "arn:aws:s3:::a*c")
    assert not pattern_covers("a?c", "a*c")
    # leading segments compare in any case, the resource part exactly; non-ASCII goes to the regex
    assert pattern_covers("arn:aws:IAM::*:role/x", "arn:aws:iam::123456789012:role/x")
    assert not pattern_covers("arn:aws:iam::*:role/x", "arn:aws:iam::123456789012:role/X")
    assert pattern_covers("arn:aws:\u212aMS:*:*:key/*", "arn:aws:kms:eu-west-1:1:key/k") == (
        _containment_reference("arn:aws:\u212aMS:*:*:key/*", "arn:aws:kms:eu-west-1:1:key/k")
    )
