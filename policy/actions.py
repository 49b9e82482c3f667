"""Case-insensitive IAM action and ARN wildcard matching.

Patterns compile once to regexes and are cached: `*` matches any run of characters, `?` one.
"""

from __future__ import annotations

import functools
import re

from policy.document import Statement


@functools.lru_cache(maxsize=65536)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def wildcard_match(pattern: str, value: str) -> bool:
    """IAM-style match: whole string, case-insensitive, `*` and `?` wildcards."""
    return _compile(pattern).fullmatch(value) is not None


def statement_applies_to_action(statement: Statement, action: str) -> bool:
    """Whether Action/NotAction of the statement covers `action`."""
    if statement.actions is not None:
        return any(wildcard_match(p, action) for p in statement.actions)
    assert statement.not_actions is not None
    return not any(wildcard_match(p, action) for p in statement.not_actions)


def statement_applies_to_resource(statement: Statement, resource: str) -> bool:
    """Whether Resource/NotResource covers `resource` (no Resource means the policy's own)."""
    if statement.resources is not None:
        return any(wildcard_match(p, resource) for p in statement.resources)
    if statement.not_resources is not None:
        return not any(wildcard_match(p, resource) for p in statement.not_resources)
    return True  # resource policies may omit Resource: the attached resource is implied
