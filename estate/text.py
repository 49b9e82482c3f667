"""Make untrusted strings from AWS safe to show: the one definition of "unsafe character".

Names, descriptions, tags, env keys and policy text are chosen by whoever wrote them, and a
snapshot may come from an account an attacker controls. C0 and C1 controls (ESC sequences that
move the cursor or set the title, BEL, CSI U+009B), DEL, and the invisible Unicode format
characters that hide or reorder text (zero-width, bidi embeddings/overrides/isolates, line and
paragraph separators, BOM) are replaced by visible escapes such as `\\x1b` or `\\u202e`. The TUI
(tui/safe_text.py) and every headless output use these same patterns.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
UNSAFE_KEEP_NEWLINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    """The visible stand-in for one unsafe character (`\\x1b`, `\\n`, `\\u202e`)."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every unsafe character replaced by its visible escape."""
    pattern = UNSAFE_KEEP_NEWLINES if keep_newlines else UNSAFE
    return pattern.sub(lambda m: escape_char(m.group()), text)
