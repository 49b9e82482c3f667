"""Untrusted AWS strings, made safe to display: the one way any AWS text reaches the screen.

Descriptions, environment keys, tags, role names and policy text are chosen by whoever wrote
them, and a snapshot may come from an account an attacker controls. Two things must never
happen when we show them:

- Rich or Textual markup inside them is interpreted (`[link=...]`, `[bold red]`): every helper
  here builds a `rich.text.Text` from the plain string, never from markup, and widgets that
  would parse a `str` as markup (DataTable cells, the palette's help line, notifications) are
  given a `Text` or the escaped string instead.
- Terminal control characters reach the terminal (ESC sequences that move the cursor, clear
  the screen or set the title; BEL; C1 controls such as CSI U+009B; bidi overrides that reorder
  what the reader sees): each is replaced by a visible escape such as `\\x1b` or `\\u202e`,
  styled so it stands out from the text around it.
"""

from __future__ import annotations

import json
from typing import Any

from rich.highlighter import JSONHighlighter
from rich.style import Style, StyleType
from rich.text import Text

from estate.text import UNSAFE, UNSAFE_KEEP_NEWLINES, escape_char

ESCAPE_STYLE = Style(reverse=True, dim=True)
_JSON = JSONHighlighter()


def clean(value: object) -> str:
    """`value` as one line of plain text with every unsafe character escaped.

    For places that take a plain string and show it literally (the header's title, the
    clipboard notice). Markup is not escaped here: pass the result only to APIs that do not
    parse markup, or through `textual.markup.escape` first.
    """
    return UNSAFE.sub(lambda m: escape_char(m.group()), _as_str(value))


def literal(value: object, style: StyleType = "", *, keep_newlines: bool = False) -> Text:
    """`value` as a Text shown exactly as written: no markup, control characters escaped.

    `keep_newlines` keeps line feeds (for multi-line blocks such as pretty-printed JSON);
    everything else, carriage returns and tabs included, is always escaped.
    """
    text = _as_str(value)
    pattern = UNSAFE_KEEP_NEWLINES if keep_newlines else UNSAFE
    if pattern.search(text) is None:  # the common case: nothing to escape
        return Text(text, style)
    out = Text(style=style)
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            out.append(text[position : match.start()])
        out.append(escape_char(match.group()), ESCAPE_STYLE)
        position = match.end()
    if position < len(text):
        out.append(text[position:])
    return out


def pretty_json(value: Any) -> Text:
    """A JSON document (a policy statement, evidence) pretty-printed, literal and highlighted.

    A string that is itself JSON text (a raw resource policy) is parsed first so it is indented
    like the rest; anything that is not JSON is shown literally as it is.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return literal(value, keep_newlines=True)
    rendered = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    text = literal(rendered, keep_newlines=True)
    _JSON.highlight(text)
    return text


def _as_str(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
