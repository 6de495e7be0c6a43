"""Cleaning of cell texts: the spec's rules for every text field.

Single spaces, line-break hyphenation joined ("menanda- tangani" ->
"menandatangani"), table-border and flowchart-symbol debris dropped, and a
cell holding only a placeholder ("-") read as empty. Spelling is otherwise
kept: the reviewer must see what the source says.
"""

from __future__ import annotations

import re

#: Tokens OCR leaves where a ruling line or a flowchart symbol was; never words.
DEBRIS_TOKENS = frozenset({"|", "||", "[", "]", "{", "}", "v", "V", "Q", "¢", "©", "‘", "’", "'", "`", "~", "_", "®"})
PLACEHOLDERS = frozenset({"-", "–", "—", "--", ".", "..."})
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])- +(?=[a-z])")


def clean_text(text: str | None) -> str | None:
    """A cell's text as the spec wants it, or None when nothing is left."""
    if text is None:
        return None
    tokens = [t for t in text.split() if t not in DEBRIS_TOKENS]
    out = " ".join(tokens)
    out = _HYPHEN_BREAK.sub("", out)
    out = out.strip()
    if not out or out in PLACEHOLDERS:
        return None
    return out
