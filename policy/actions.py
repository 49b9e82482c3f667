"""Case-insensitive IAM action wildcard matching, and the boolean Statement checks built on it.

Patterns compile once to regexes and are cached: `*` matches any run of characters, `?` one.
"""

from __future__ import annotations

import functools
import re

from policy.document import Statement
from policy.resources import statement_resource_verdict
from policy.truth import Tri


@functools.lru_cache(maxsize=65536)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """The compiled (cached) case-insensitive whole-string regex for an IAM wildcard pattern."""
    return _compile(pattern)


def wildcard_match(pattern: str, value: str) -> bool:
    """IAM-style match: whole string, case-insensitive, `*` and `?` wildcards."""
    return _compile(pattern).fullmatch(value) is not None


@functools.lru_cache(maxsize=65536)
def patterns_cover_action(patterns: tuple[str, ...], action: str) -> bool:
    """Whether any of the Action patterns matches `action` (cached per pattern list and action)."""
    return any(_compile(p).fullmatch(action) is not None for p in patterns)


def statement_applies_to_action(statement: Statement, action: str) -> bool:
    """Whether Action/NotAction of the statement covers `action`."""
    if statement.actions is not None:
        return patterns_cover_action(statement.actions, action)
    assert statement.not_actions is not None
    return not patterns_cover_action(statement.not_actions, action)


def statement_applies_to_resource(statement: Statement, resource: str) -> bool:
    """Whether Resource/NotResource may cover `resource` (no Resource means the policy's own).

    ARN patterns match segment by segment (see `policy.resources`); policy variables stay
    unresolved here, so a pattern that needs one counts as possibly covering. Use
    `statement_resource_verdict` for the three-valued answer.
    """
    return statement_resource_verdict(statement, resource).truth is not Tri.FALSE
