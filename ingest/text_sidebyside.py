"""Two numbered lists printed side by side, as OCR reads them: one text line across both columns.

The identity page prints its lists in pairs of cells (Dasar Hukum | Kualifikasi
Pelaksana, Keterkaitan | Peralatan/Perlengkapan, Peringatan | Pencatatan dan
Pendataan). An OCR text dump reads such a row line by line straight across, so
one line may hold the end of a left item and a right item ("2012 tentang ...
Pemerintahan 2. Teliti dan bertanggung jawab"), and the headings, printed in
shaded cells, are often lost. :func:`split_columns` takes the lines back apart
by the numbering alone: each column counts 1, 2, 3 ..., so a number in the
middle of a line that continues the right column's count starts a right item,
and a "1." at the start of a line after both columns began opens the next pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ITEM_START = re.compile(r"^\s*(\d{1,2})\s*[.)]\s+")
#: An item number inside a line: after text, before a word.
_MID_ITEM = re.compile(r"(?<=\S)\s+(\d{1,2})\s*[.)]\s+(?=\S)")
#: Words too common in list items to tell two lists apart.
_COMMON = frozenset({"yang", "dengan", "untuk", "dalam", "atau", "pada", "dari", "serta", "tidak"})


@dataclass
class ColumnPair:
    """One row of two list cells: the items of the left and of the right column, numbers kept."""

    left: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)


def _number(text: str) -> int | None:
    m = _ITEM_START.match(text)
    return int(m[1]) if m else None


def split_columns(lines: list[str]) -> list[ColumnPair]:
    """The pairs of side-by-side lists in ``lines`` (all numbered list lines, in reading order).

    A number both columns expect next ("3." when each has two items) goes to the
    column with an item sharing more words with it (a fourth regulation joins the
    regulations); on a draw, to the right one, the lists the page prints longer.
    A line without a number continues the left item when the line before had a
    left part, else the right one: it is the rest of a wrapped item.
    """
    pairs: list[ColumnPair] = []
    pair = ColumnPair()
    had_left = False
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if _number(line) == 1 and (pair.left or pair.right):
            pairs.append(pair)
            pair, had_left = ColumnPair(), False
        cut = next((m for m in _MID_ITEM.finditer(line) if int(m[1]) == len(pair.right) + 1), None)
        head, tail = (line[:cut.start()].strip(), line[cut.start():].strip()) if cut else (line, "")
        left_part = False
        if head:
            no = _number(head)
            if no is not None and no == len(pair.left) + 1 and (tail or no != len(pair.right) + 1
                                                                 or _closer_to_left(head, pair)):
                pair.left.append(head)
                left_part = True
            elif no is not None and no == len(pair.right) + 1:
                pair.right.append(head)
            elif (tail or had_left) and pair.left:
                pair.left[-1] = f"{pair.left[-1]} {head}"
                left_part = True
            elif pair.right:
                pair.right[-1] = f"{pair.right[-1]} {head}"
            else:
                pair.left.append(head)
                left_part = True
        if tail:
            pair.right.append(tail)
        had_left = left_part
    if pair.left or pair.right:
        pairs.append(pair)
    return pairs


def _closer_to_left(item: str, pair: ColumnPair) -> bool:
    """Whether ``item`` shares more words with an item of the left column than with one of the right."""
    def shared(items: list[str]) -> int:
        return max((len(_words(item) & _words(other)) for other in items), default=0)
    return shared(pair.left) > shared(pair.right)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.casefold()) if w not in _COMMON}


def is_side_by_side(lines: list[str]) -> bool:
    """Whether the first list line starts two columns: "1) SOP Pengarsipan 1) Printer", or with the left
    number lost, "SOP Pengarsipan 1) Printer"."""
    first = next((" ".join(line.split()) for line in lines if line and line.strip()), "")
    return _number(first) in (1, None) and any(int(m[1]) == 1 for m in _MID_ITEM.finditer(first))
