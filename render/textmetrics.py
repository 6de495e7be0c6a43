"""How much room printed text takes: Arial advance widths and a greedy word wrap.

The flowchart renderer must know each row's height before Word or
LibreOffice lays the page out, to put page breaks (and the off-page
connectors that go with them) where the rows really end. Arial's widths are
what Word uses and what LibreOffice's metric-compatible Liberation Sans
uses, so an estimate made from them holds in both; a small slack keeps a line
the estimate fits from wrapping when rendered.
"""

from __future__ import annotations

#: Arial advance widths (1/1000 em) of ASCII 32..126; Liberation Sans, LibreOffice's stand-in, is metric-equal.
ARIAL_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
#: Bold Arial is at most this much wider; other characters (accents, symbols) count as wide as "M".
BOLD_FACTOR, OTHER_WIDTH = 1.1, 833
#: Safety on the measured width so that a line the estimate fits never wraps when rendered.
WIDTH_SLACK = 1.04


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in points when set in Arial at ``size`` points."""
    units = sum(ARIAL_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else OTHER_WIDTH for c in text)
    return units * size / 1000 * (BOLD_FACTOR if bold else 1.0) * WIDTH_SLACK


def line_count(text: str, width: float, size: float, bold: bool = False) -> int:
    """Lines a greedy word wrap needs for ``text`` in a column ``width`` points wide (at least 1)."""
    lines = 0
    space = text_width(" ", size, bold)
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if used and used + space + w > width:
                lines += 1
                used = 0.0
            if w > width:  # a word longer than the column breaks anywhere
                extra, used = divmod(w, width)
                lines += int(extra)
            else:
                used += (space if used else 0.0) + w
    return max(lines, 1)
