"""The page layout intermediate shared by the PDF, DOCX and scan readers.

Each of those readers knows how to find, in its own medium, the lines of text,
the ruled tables with their cells, and the drawn flowchart symbols and arrows.
What comes after is the same for all three: telling identity tables from
flowchart tables, reading the header, mapping columns to roles, joining a
table continued over pages, splitting a file into SOPs, and placing each
symbol in the row and role column under its centre. So each reader turns its
input into a list of :class:`Page` objects, and :func:`sopbaku.ingest.assemble.assemble`
turns pages into ``RawSop`` objects, once for every medium.

Coordinates are those of the page: points for PDF, pixels for images, and
for DOCX (which has no pages) a virtual page whose units are EMU/12700 (points).
``top`` grows downwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from sopbaku.raw import MarkKind, Shape

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom
W = TypeVar("W")


def split_at_gaps(line: list[W], gap: float, left: Callable[[W], float], right: Callable[[W], float]) -> list[list[W]]:
    """The words of one line (left to right) in runs, a run ending where the next word starts more than ``gap``
    after it: two blocks of text side by side on a page (a signature beside a footer) stay two lines."""
    runs = [[line[0]]]
    for word in line[1:]:
        if left(word) - right(runs[-1][-1]) > gap:
            runs.append([])
        runs[-1].append(word)
    return runs


Axis = Literal["h", "v"]


@dataclass(frozen=True)
class Segment:
    """A straight horizontal (``h``) or vertical (``v``) piece: a table rule, a connector's leg, a run of ink.

    ``pos`` is its y (for ``h``) or x (for ``v``); ``start``..``end`` its extent
    along the other axis; ``thickness`` its stroke width where it was measured
    (scans), 0 for a vector path's ideal line. The PDF and scan readers find
    their lines in different media and then reason about them the same way.
    """

    axis: Axis
    pos: float
    start: float
    end: float
    thickness: float = 0.0

    @property
    def horizontal(self) -> bool:
        return self.axis == "h"

    @property
    def length(self) -> float:
        return self.end - self.start

    def shifted(self, dx: float, dy: float) -> Segment:
        """The same segment in a frame whose origin is at (-dx, -dy): for pieces found in a crop."""
        along, across = (dx, dy) if self.axis == "h" else (dy, dx)
        return Segment(self.axis, self.pos + across, self.start + along, self.end + along, self.thickness)

    def ends(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The two end points as (x, y)."""
        if self.axis == "h":
            return (self.start, self.pos), (self.end, self.pos)
        return (self.pos, self.start), (self.pos, self.end)


@dataclass
class TextLine:
    """A line of text outside any table (titles, headings, the signature block)."""

    text: str
    bbox: BBox


@dataclass
class Cell:
    """One cell of a ruled table; merged cells span several grid rows/columns."""

    row: int
    col: int
    text: str  # the cell's lines joined by "\n", as printed
    bbox: BBox
    row_span: int = 1
    col_span: int = 1
    confidence: float | None = None  # mean OCR word confidence (0-100), None when not OCR'd


@dataclass
class Table:
    """A ruled table on one page, as a grid of cells (row-major, merged cells once)."""

    cells: list[Cell]
    n_rows: int
    n_cols: int
    bbox: BBox
    col_edges: list[float] = field(default_factory=list)  # n_cols + 1 x positions, when known
    row_edges: list[float] = field(default_factory=list)  # n_rows + 1 y positions, when known

    def grid(self) -> list[list[str]]:
        """Cell texts as a full grid: a merged cell's text in its top-left slot, "" elsewhere."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            if 0 <= c.row < self.n_rows and 0 <= c.col < self.n_cols:
                out[c.row][c.col] = c.text
        return out


@dataclass
class Symbol:
    """Something drawn or written to mark a performer: a flowchart shape or a tick mark."""

    kind: MarkKind  # "symbol" (a drawn shape) or "mark" (a tick, "v", "X")
    bbox: BBox
    shape: Shape | None = None  # for symbols; None when drawn but not classified (e.g. a picture)
    text: str = ""  # for marks, and the letter in an off-page connector


@dataclass
class Arrow:
    """A drawn connector from one symbol towards another (tail -> head)."""

    tail: tuple[float, float]
    head: tuple[float, float]
    label: str = ""  # "Ya" / "Tidak" printed beside it, if any
    path: list[tuple[float, float]] = field(default_factory=list)  # the polyline, tail first


Block = TextLine | Table


@dataclass
class Page:
    """Everything a reader found on one page, blocks in reading order."""

    number: int  # 1-based
    width: float
    height: float
    blocks: list[Block] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    source: Literal["vector", "ocr", "docx"] = "vector"
