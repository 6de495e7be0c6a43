"""Where everything of a flowchart goes: row heights, page breaks, symbols, arrows and off-page connectors.

Word and LibreOffice lay a table out only when it is opened, so the page a
row lands on cannot be read back while writing. Instead every row gets an
"at least" height larger than its text needs (measured with Arial's widths,
:mod:`sopbaku.render.textmetrics`), which makes the rendered height exactly
the planned one, and the rows are cut into pages here. Each page becomes a
table of its own after a hard page break, with the two header rows repeated,
a connector row at its foot and one under the header of the next page, so
an estimate that is slightly off can never move a break between a symbol and
its connector. Rows tied by a loop back or a decision's branches are kept on
one page (a "keep block"), so that only forward flow crosses a break, which
is what off-page connectors express.

All coordinates are points; x runs from the table's left edge, y from the
top of the row a shape is anchored in.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from sopbaku.render.textmetrics import line_count

#: Cell margins of the flowchart table (the template's 60 and 20 twips).
CELL_PAD_X, CELL_PAD_Y = 3.0, 1.0
#: Step-row text: size and exact line height; header text: size and exact line height.
TEXT_PT, LINE_PT = 9.0, 11.0
HEADER_PT, ROLE_PT, HEADER_LINE_PT = 8.0, 7.0, 10.0
#: Air above and below a symbol (so consecutive symbols are joined by a visible arrow); air under text.
SYMBOL_GAP, TEXT_ROOM = 9.0, 4.0
#: Height of a connector row; size of an off-page connector; spacing of two connectors in one cell.
STRIP_H, CONNECTOR_W, CONNECTOR_H, CONNECTOR_STEP = 32.0, 16.0, 18.0, 20.0
#: Room kept free at the foot of every page for what the estimate cannot know (rounding, a header wrap).
PAGE_GUARD = 14.0
#: "Ya"/"Tidak" label boxes; the lane a side route runs in; the least width an elbow may have.
LABEL_W, LABEL_H = 26.0, 10.0
LANE_GAP, MIN_DX = 8.0, 1.0
#: Where a down elbow turns across, in 1/100000 of the way down from the source symbol.
ELBOW_ACROSS = 35000
PRESETS = {"terminator": "flowChartTerminator", "process": "flowChartProcess",
           "decision": "flowChartDecision", "connector": "flowChartOffpageConnector"}


@dataclass(frozen=True)
class FlowStep:
    """One step as the drawing needs it: printed texts, performer columns, symbol and where the flow goes."""

    no: int
    texts: tuple[str, ...]  # No, Kegiatan, Kelengkapan, Waktu, Output, Keterangan as printed
    columns: tuple[int, ...]  # role columns (0-based) of the performers
    kind: str  # terminator | process | decision
    next: tuple[int, ...]
    ya: int | None = None
    tidak: int | None = None

    @classmethod
    def of(cls, step: dict[str, Any]) -> FlowStep:
        """From a step of the template context (``sopbaku.render.context``)."""
        texts = (str(step["no"]), step["kegiatan"], step["kelengkapan"], step["waktu"], step["output"],
                 step["keterangan"])
        return cls(step["no"], texts, tuple(step["columns"]), step["simbol"] or "process", tuple(step["next"]),
                   step["branch_ya"], step["branch_tidak"])


@dataclass(frozen=True)
class Box:
    """A shape's unrotated box and transform (bentConnector3's ``adj`` in 1/100000 of the width)."""

    x: float
    y: float
    w: float
    h: float
    rot90: bool = False
    flip_h: bool = False
    flip_v: bool = False
    adj: int | None = None


@dataclass(frozen=True)
class Shape:
    """A DrawingML shape to anchor in the cell (``row``, role ``column``) of one page's table.

    ``centred`` symbols are centred in their cell by the editor (they stay so
    when the column is resized); the others keep the offsets of ``box``.
    """

    row: int
    column: int
    prst: str
    box: Box
    text: str = ""
    centred: bool = False


@dataclass(frozen=True)
class Spot:
    """Centre and size of a drawn symbol: page, row of that page's table, role column."""

    page: int
    row: int
    column: int
    cx: float
    cy: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.h / 2


@dataclass
class PageRows:
    """The body rows of one page's table: steps (by index) and connector rows (None)."""

    rows: list[int | None] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)

    def top_of(self, row: int) -> float:
        return sum(self.heights[:row])


@dataclass(frozen=True)
class Geometry:
    """Column widths and the page room the flowchart has (points)."""

    widths: tuple[float, ...]
    n_roles: int
    room: float  # usable page height
    first_page_extra: float  # what the page's title takes above the first table

    @property
    def role_w(self) -> float:
        return self.widths[2]

    def role_center(self, column: int) -> float:
        return sum(self.widths[: 2 + column]) + self.role_w / 2

    def text_widths(self) -> list[float]:
        """Inner widths of No, Kegiatan, Kelengkapan, Waktu, Output, Keterangan."""
        w = [self.widths[0], self.widths[1], *self.widths[-4:]]
        return [x - 2 * CELL_PAD_X for x in w]


def symbol_size(kind: str, role_w: float) -> tuple[float, float]:
    """Width and height of a symbol drawn in a role column ``role_w`` wide."""
    w = min(role_w * 0.72, 58.0)
    if kind == "decision":  # wider than the others, but inside the cell's margins
        return min(role_w - 2 * CELL_PAD_X - 2, w * 1.25), 30.0
    if kind == "connector":
        return CONNECTOR_W, CONNECTOR_H
    return w, 20.0


def text_height(lines: int, line: float = LINE_PT) -> float:
    """Row height that holds ``lines`` lines, with some air below the last."""
    return lines * line + 2 * CELL_PAD_Y + TEXT_ROOM


def header_heights(geo: Geometry, role_names: list[str]) -> tuple[float, float]:
    """Heights of the two header rows: the group titles, then the role names and Mutu Baku columns."""
    inner = [w - 2 * CELL_PAD_X for w in geo.widths]
    top = max(line_count(t, w, HEADER_PT, bold=True) for t, w in
              (("Kegiatan", inner[1]), ("Pelaksana", geo.role_w * geo.n_roles), ("Keterangan", inner[-1])))
    names = max((line_count(n, inner[2], ROLE_PT, bold=True) for n in role_names), default=1)
    mutu = max(line_count(t, w, HEADER_PT, bold=True) for t, w in
               (("Kelengkapan", inner[-4]), ("Waktu", inner[-3]), ("Output", inner[-2])))
    return text_height(top, HEADER_LINE_PT), text_height(max(names, mutu), HEADER_LINE_PT)


def row_height(step: FlowStep, geo: Geometry) -> float:
    lines = max(line_count(t, w, TEXT_PT) for t, w in zip(step.texts, geo.text_widths(), strict=True))
    symbol = symbol_size(step.kind, geo.role_w)[1] + 2 * SYMBOL_GAP if step.columns else 0.0
    return max(text_height(lines), symbol)


def keep_blocks(steps: list[FlowStep]) -> list[range]:
    """Runs of steps that must share a page: a loop back, and a decision with all its exits."""
    index = {s.no: i for i, s in enumerate(steps)}
    reach = list(range(len(steps)))  # reach[i]: last step tied to step i
    for i, step in enumerate(steps):
        targets = [index[t] for t in (*step.next, step.ya, step.tidak) if t in index]
        tied = [j for j in targets if j < i or step.kind == "decision"]
        for j in tied:
            lo, hi = min(i, j), max(i, j)
            reach[lo] = max(reach[lo], hi)
    blocks, start, end = [], 0, -1
    for i in range(len(steps)):
        if i > end and i:
            blocks.append(range(start, end + 1))
            start = i
        end = max(end, reach[i])
    if steps:
        blocks.append(range(start, len(steps)))
    return blocks


def paginate(heights: list[float], blocks: list[range], geo: Geometry, header: float,
             strip: float = STRIP_H) -> list[list[int]]:
    """Steps of each page: whole keep blocks where they fit, a block taller than a page row by row.

    ``strip`` is the height of the connector row at each end of a page break.
    """
    room = geo.room - PAGE_GUARD
    pages: list[list[int]] = [[]]
    used = geo.first_page_extra + header

    def place(rows: list[int]) -> None:
        nonlocal used
        need = sum(heights[i] for i in rows)
        if pages[-1] and used + need + strip > room:
            pages.append([])
            used = header + strip
        pages[-1].extend(rows)
        used += need

    for block in blocks:
        rows = list(block)
        if header + 2 * strip + sum(heights[i] for i in rows) > room:
            for i in rows:
                place([i])
        else:
            place(rows)
    return pages


@dataclass
class FlowPlan:
    """Every page's body rows with their heights and the shapes anchored in them."""

    header: tuple[float, float]
    pages: list[PageRows]


def plan_flowchart(steps: list[FlowStep], geo: Geometry, role_names: list[str]) -> FlowPlan:
    """Rows, pages and shapes of a flowchart table."""
    header = header_heights(geo, role_names)
    heights = [row_height(s, geo) for s in steps]
    drawn = any(s.columns for s in steps)  # without symbols there is no flow to carry over a break
    by_page = paginate(heights, keep_blocks(steps), geo, sum(header), STRIP_H if drawn else 0.0)
    pages = []
    for p, members in enumerate(by_page):
        page = PageRows()
        if p and drawn:
            page.rows.append(None)
            page.heights.append(STRIP_H)
        page.rows += members
        page.heights += [heights[i] for i in members]
        if p < len(by_page) - 1 and drawn:
            page.rows.append(None)
            page.heights.append(STRIP_H)
        pages.append(page)
    _draw(steps, geo, pages)
    return FlowPlan(header, pages)


def _draw(steps: list[FlowStep], geo: Geometry, pages: list[PageRows]) -> None:
    """Symbols in the performers' cells, then arrows, labels and connector pairs from each step's exits."""
    spots: dict[int, Spot] = {}
    for p, page in enumerate(pages):
        for r, i in enumerate(page.rows):
            if i is None or not steps[i].columns:
                continue
            step = steps[i]
            w, h = symbol_size(step.kind, geo.role_w)
            for column in step.columns:
                spot = Spot(p, r, column, geo.role_center(column), page.heights[r] / 2, w, h)
                spots.setdefault(step.no, spot)
                box = Box(spot.cx - w / 2, spot.top, w, h)
                page.shapes.append(Shape(r, column, PRESETS[step.kind], box, centred=True))
    letters = iter(string.ascii_uppercase)
    for step in steps:
        src = spots.get(step.no)
        if src is None:
            continue
        sides = _sides(step, src, spots, geo)
        for target in dict.fromkeys((*step.next, *(t for t in (step.ya, step.tidak) if t is not None))):
            dst = spots.get(target)
            if dst is None or target == step.no:
                continue
            label = "Ya" if target == step.ya else "Tidak" if target == step.tidak else ""
            if dst.page == src.page:
                _arrow(pages[src.page], src, dst, label, sides)
            elif dst.page > src.page:
                letter = next(letters, "")
                out = _connector(pages[src.page], geo, src.page, len(pages[src.page].rows) - 1, src.column, letter)
                into = _connector(pages[dst.page], geo, dst.page, 0, dst.column, letter)
                _arrow(pages[src.page], src, out, label, sides)
                _arrow(pages[dst.page], into, dst, "", sides)


def _sides(step: FlowStep, src: Spot, spots: dict[int, Spot], geo: Geometry) -> list[bool]:
    """Which side the side routes of a step take: right unless that runs into Mutu Baku, then the other."""
    outermost = max([src.column, *(spots[t].column for t in step.next if t in spots)])
    first_right = outermost < geo.n_roles - 1 or src.column == 0
    return [first_right, not first_right]


def _connector(page: PageRows, geo: Geometry, p: int, row: int, column: int, letter: str) -> Spot:
    """An off-page connector with its letter in a connector row, beside any already in that cell."""
    taken = sum(1 for s in page.shapes if s.row == row and s.column == column)
    cx = geo.role_center(column) + taken * CONNECTOR_STEP
    spot = Spot(p, row, column, cx, page.heights[row] / 2, CONNECTOR_W, CONNECTOR_H)
    page.shapes.append(Shape(row, column, PRESETS["connector"], Box(cx - CONNECTOR_W / 2, spot.top,
                                                                    CONNECTOR_W, CONNECTOR_H), letter))
    return spot


def _arrow(page: PageRows, src: Spot, dst: Spot, label: str, sides: list[bool]) -> None:
    """An arrow from ``src`` to ``dst`` on one page, anchored in the source's cell, and its exit label."""
    if dst.row == src.row:
        return
    dy = page.top_of(dst.row) - page.top_of(src.row)
    down = dst.row == src.row + 1
    right = True if down else (sides.pop(0) if len(sides) > 1 else sides[0])
    box = _down_arrow(src, dst, dy) if down else _side_arrow(src, dst, dy, right)
    prst = "straightConnector1" if not (box.rot90 or box.adj is not None) else "bentConnector3"
    page.shapes.append(Shape(src.row, src.column, prst, box))
    if label:
        page.shapes.append(Shape(src.row, src.column, "rect", _exit_label(src, down, right), label))


def _down_arrow(src: Spot, dst: Spot, dy: float) -> Box:
    """From the bottom of ``src`` to the top of ``dst`` in the next row (``dy``: top of dst's row from src's).

    Same column: a straight line. Other column: an elbow turned a quarter
    (down, across, down), as Word draws a bottom-to-top elbow connector.
    """
    x0, y0, x1, y1 = src.cx, src.bottom, dst.cx, dy + dst.top
    if abs(x1 - x0) < MIN_DX:
        return Box(x0, y0, 0, y1 - y0)
    w, h = y1 - y0, abs(x1 - x0)  # the unrotated box, centred between the ends; a quarter turn stands it up
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return Box(cx - w / 2, cy - h / 2, w, h, rot90=True, flip_v=x1 > x0, adj=ELBOW_ACROSS)


def _side_arrow(src: Spot, dst: Spot, dy: float, right: bool) -> Box:
    """From the side of ``src`` to the same side of ``dst`` in another row, through a lane beside both."""
    sign = 1 if right else -1
    x0, y0 = src.cx + sign * src.w / 2, src.cy
    x1, y1 = dst.cx + sign * dst.w / 2, dy + dst.cy
    if abs(x1 - x0) < MIN_DX:
        x1 = x0 - sign * MIN_DX  # keep a width for adj1 to be a fraction of
    lane = (max(x0, x1) + LANE_GAP) if right else (min(x0, x1) - LANE_GAP)
    adj = round((lane - x0) / (x1 - x0) * 100000)
    return Box(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0), flip_h=x1 < x0, flip_v=y1 < y0, adj=adj)


def _exit_label(src: Spot, down: bool, right: bool) -> Box:
    """A "Ya"/"Tidak" text box beside the exit a decision arrow leaves from."""
    if down:
        return Box(src.cx + 3, src.bottom + 1, LABEL_W, LABEL_H)
    x = src.cx + src.w / 2 + 2 if right else src.cx - src.w / 2 - 2 - LABEL_W
    return Box(x, src.cy - LABEL_H - 1, LABEL_W, LABEL_H)
