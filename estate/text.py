"""Make untrusted strings from AWS safe to print: control characters become visible escapes.

Names, descriptions, tags, env keys and policy text can carry terminal escape sequences; none
may reach a terminal raw. Tab and newline are kept only where the caller allows them.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_NO_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """Replace control and bidi-override characters with \\xNN / \\uNNNN escapes."""
    pattern = _CONTROL if keep_newlines else _CONTROL_NO_NEWLINE
    return pattern.sub(_visible, text)
