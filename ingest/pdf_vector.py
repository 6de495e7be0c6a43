"""One digital PDF page -> a layout :class:`~sopbaku.ingest.layout.Page`: words, ruled tables, symbols, arrows.

A PDF with a text layer still holds everything the author drew: the table
rules, the flowchart shapes and the connectors, as vector paths. pdfplumber
hands them over as ``lines``, ``rects`` and ``curves`` (paths with bezier
segments); this module sorts them into what they are:

* **Rules** are axis-aligned straight pieces (lines, thin rectangles, the
  straight parts of open paths) that meet other rules at both ends. Connector
  lines end on a symbol instead, so pruning every piece with a dangling end,
  until none is left, keeps the table grid and drops the arrows, the lines
  joining the symbols of a shared step and the underlines of text.
* **Grid pieces** are larger rectangles lying on those rules (cell shading,
  cells drawn as boxes, a table's outline); a rectangle that shares no edge
  with a rule or another rectangle, and that no rule runs into, is a
  flowchart symbol.
* **Symbols** are the other closed shapes inside a table cell, classified by
  geometry (:func:`classify_outline`); **arrowheads** are small closed
  triangles (or open "V" strokes), and the open paths leading to them are
  traced back to their tails (:func:`trace_arrows`).

Every tolerance is a fraction of the page's median text height, so the same
rules hold for a 7 pt table and a 12 pt one. The cell grid is built from the
rules themselves (never from text alignment), merged cells included.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
from pdfplumber.utils.text import WordExtractor

from sopbaku.ingest.layout import Arrow, BBox, Block, Cell, Page, Segment, Symbol, Table, TextLine, split_at_gaps
from sopbaku.raw import Shape

Point = tuple[float, float]
Word = dict[str, Any]  # a pdfplumber word: text, x0, x1, top, bottom
PictureShape = Callable[[BBox], Shape | None]  # the shape a picture at this box shows


@dataclass(frozen=True)
class VectorSettings:
    """Tolerances of the vector reader, as fractions of the median text height (``h``)."""

    collinear: float = 0.15  # two rule pieces within this of one line are on the same line
    touch: float = 0.35  # a rule end this close to another rule meets it; an arrow end touches a head
    thin: float = 0.3  # a filled rectangle thinner than this is a rule, not a box
    min_symbol: float = 0.8  # smallest side of a flowchart symbol
    max_head: float = 1.6  # largest side of an arrowhead
    label_distance: float = 1.6  # farthest a "Ya"/"Tidak" label sits from its arrow
    corner_degrees: float = 35.0  # a turn sharper than this is a corner, not a bezier's smooth bend
    min_arrow: float = 1.0  # shortest arrow shaft (tail to head) worth reporting
    word_x_tolerance_ratio: float = 0.25  # pdfplumber word splitting, relative to the font size
    duplicate_char: float = 0.15  # a character repeated this near (relative to its size) is printed twice
    default_text_height: float = 8.0  # used on pages without text


#: Short words that stand alone: a line opening with one after a full line is a normal wrap.
FUNCTION_WORDS = frozenset({"dan", "di", "ke", "dari", "yang", "atau", "untuk", "dengan", "serta", "pada", "oleh",
                            "dalam", "kepada", "tentang", "bagi", "sebagai", "melalui", "terhadap", "and", "of"})
#: Fonts whose glyphs are pictures (check boxes, bullets), not letters.
DINGBAT_FONTS = ("wingdings", "webdings", "dingbats")
#: Unicode's private-use range, where PDF writers put glyphs without a standard meaning.
PRIVATE_USE = (0xE000, 0xF8FF)
#: Words printed beside a decision's exits; matched against one isolated word.
ARROW_LABEL = re.compile(r"(?:ya|y|yes|tidak|tdk|t|no|ok|setuju|ditolak)\.?", re.I)


#: Turned text: (lines run left to right, the sort key of words along a line).
ROTATED: dict[str, tuple[bool, Callable[[Word], float]]] = {
    "btt": (True, lambda w: -w["bottom"]),
    "ttb": (False, lambda w: w["top"]),
}


# --------------------------------------------------------------------------- primitives
@dataclass
class VectorPath:
    """One subpath of the page's graphics, flattened to points (beziers sampled)."""

    points: list[Point]
    closed: bool
    curved: bool  # had bezier segments
    fill: bool
    stroke: bool
    is_rect: bool = False  # came from a PDF rectangle operator

    @property
    def bbox(self) -> BBox:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


def page_paths(page: Any) -> list[VectorPath]:
    """Every line, rectangle and curve of a pdfplumber page as flattened subpaths (top-down coordinates)."""
    out: list[VectorPath] = []
    for obj in page.lines:
        out.append(VectorPath([tuple(p) for p in obj["pts"]], False, False, False, True))
    for obj in page.rects:
        x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
        out.append(VectorPath([(x0, top), (x1, top), (x1, bottom), (x0, bottom)], True, False,
                              bool(obj.get("fill")), bool(obj.get("stroke")), is_rect=True))
    for obj in page.curves:
        fill, stroke = bool(obj.get("fill")), bool(obj.get("stroke"))
        for points, closed, curved in _subpaths(obj.get("path") or [("m", obj["pts"][0])] + [
                ("l", p) for p in obj["pts"][1:]]):
            if len(points) >= 2:
                out.append(VectorPath(points, closed, curved, fill, stroke))
    return out


def _subpaths(path: Sequence[tuple[Any, ...]]) -> Iterable[tuple[list[Point], bool, bool]]:
    """Split a PDF path at its move-to operators; sample bezier segments (``c``, ``v``, ``y``)."""
    points: list[Point] = []
    closed = curved = False
    for op, *args in path:
        if op == "m":
            if points:
                yield points, closed, curved
            points, closed, curved = [tuple(args[0])], False, False
        elif op == "l" and points:
            points.append(tuple(args[0]))
        elif op in ("c", "v", "y") and points:
            points += _bezier(points[-1], *_controls(op, points[-1], args))
            curved = True
        elif op == "h" and points:
            closed = True
    if points:
        yield points, closed or (len(points) > 2 and points[0] == points[-1]), curved


def _controls(op: str, start: Point, args: Sequence[Any]) -> tuple[Point, Point, Point]:
    """The two control points and the end of a bezier operator (``v`` and ``y`` omit one control)."""
    pts = [tuple(a) for a in args]
    if op == "v":
        return start, pts[0], pts[1]
    if op == "y":
        return pts[0], pts[1], pts[1]
    return pts[0], pts[1], pts[2]


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 6) -> list[Point]:
    out = []
    for k in range(1, steps + 1):
        t = k / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


# --------------------------------------------------------------------------- shapes
def _simplify(points: Sequence[Point], closed: bool, eps: float) -> list[Point]:
    """Drop repeated points and the closing duplicate."""
    out: list[Point] = []
    for p in points:
        if not out or math.dist(p, out[-1]) > eps:
            out.append(p)
    if closed and len(out) > 1 and math.dist(out[0], out[-1]) <= eps:
        out.pop()
    return out


def _turns(poly: Sequence[Point]) -> list[float]:
    """The turning angle (degrees) at every vertex of a closed polygon."""
    out = []
    n = len(poly)
    for i in range(n):
        (ax, ay), (bx, by), (cx, cy) = poly[i - 1], poly[i], poly[(i + 1) % n]
        a1, a2 = math.atan2(by - ay, bx - ax), math.atan2(cy - by, cx - bx)
        out.append(abs(math.degrees((a2 - a1 + math.pi) % (2 * math.pi) - math.pi)))
    return out


def _area(poly: Sequence[Point]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(poly, [*poly[1:], poly[0]], strict=True))) / 2


def _corners(poly: Sequence[Point], settings: VectorSettings) -> list[Point]:
    """The vertices where the outline turns sharply (a bezier's sampled bend never does)."""
    return [p for p, turn in zip(poly, _turns(poly), strict=True) if turn > settings.corner_degrees]


def classify_outline(points: Sequence[Point], curved: bool,
                     settings: VectorSettings = VectorSettings()) -> Shape | None:
    """The flowchart meaning of a closed outline, by geometry alone.

    * four corners on the bbox corners: a rectangle, ``process``;
    * four corners on the middles of the bbox sides: a diamond, ``decision``;
    * five corners: a pentagon, the off-page ``connector``;
    * no corner at all (only smooth bends): a capsule, rounded rectangle or
      ellipse is a ``terminator``, a circle an on-page ``connector``; a
      rectangle with small rounded corners stays a ``process``.

    Anything else (a document wave, a parallelogram) is drawn but has no
    SOP AP meaning: None.
    """
    x0, y0, x1, y1 = _bbox_of(points)
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        return None
    poly = _simplify(points, True, 0.01 * min(w, h))
    if len(poly) < 3:
        return None
    sharp = _corners(poly, settings)
    near = 0.15 * min(w, h)
    if not curved and len(sharp) == 4:
        box_corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        mids = [((x0 + x1) / 2, y0), (x1, (y0 + y1) / 2), ((x0 + x1) / 2, y1), (x0, (y0 + y1) / 2)]
        if all(min(math.dist(p, q) for q in box_corners) <= near for p in sharp):
            return "process"
        if all(min(math.dist(p, q) for q in mids) <= near for p in sharp):
            return "decision"
        return None
    if not curved and len(sharp) == 5:
        return "connector"
    if curved and not sharp:
        return _smooth_shape(_area(poly) / (w * h), w, h)
    return None


def _smooth_shape(fill_ratio: float, w: float, h: float) -> Shape | None:
    """A closed outline without corners, told apart by how much of its bbox it fills.

    A rounded rectangle of corner radius r fills ``1 - (4 - pi) r^2 / (w h)``
    of its box; an ellipse fills pi/4. A radius of a quarter of the short side
    or more reads as a terminator; a circle is a connector.
    """
    radius = math.sqrt(max(0.0, 1 - fill_ratio) * w * h / (4 - math.pi))
    if abs(w - h) <= 0.15 * max(w, h) and fill_ratio < 0.83:
        return "connector"
    return "terminator" if radius >= 0.25 * min(w, h) else "process"


def _bbox_of(points: Iterable[Point]) -> BBox:
    pts = list(points)
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


# --------------------------------------------------------------------------- rules and grid
def _rules_of(path: VectorPath, h: float, settings: VectorSettings) -> list[Segment]:
    """Rule candidates in a path: a thin rectangle, or the axis-aligned straight segments of an open path."""
    x0, y0, x1, y1 = path.bbox
    if path.closed:
        if min(x1 - x0, y1 - y0) <= settings.thin * h and not path.curved:
            horizontal = (x1 - x0) >= (y1 - y0)
            return [Segment("h", (y0 + y1) / 2, x0, x1) if horizontal else Segment("v", (x0 + x1) / 2, y0, y1)]
        return []
    if path.curved:
        return []
    out = []
    eps = settings.collinear * h
    for (ax, ay), (bx, by) in zip(path.points, path.points[1:], strict=False):
        if abs(ay - by) <= eps and abs(ax - bx) > eps:
            out.append(Segment("h", (ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) <= eps and abs(ay - by) > eps:
            out.append(Segment("v", (ax + bx) / 2, min(ay, by), max(ay, by)))
    return out


def _box_edges(bbox: BBox) -> list[Segment]:
    x0, y0, x1, y1 = bbox
    return [Segment("h", y0, x0, x1), Segment("h", y1, x0, x1), Segment("v", x0, y0, y1), Segment("v", x1, y0, y1)]


def merge_rules(rules: Iterable[Segment], collinear: float, gap: float) -> list[Segment]:
    """Join pieces lying on one line that overlap or nearly touch (a border drawn cell by cell)."""
    out: list[Segment] = []
    for horizontal in (True, False):
        group = sorted((r for r in rules if r.horizontal == horizontal), key=lambda r: r.pos)
        lines: list[list[Segment]] = []
        for r in group:
            if lines and r.pos - lines[-1][-1].pos <= collinear:
                lines[-1].append(r)
            else:
                lines.append([r])
        for line in lines:
            pos = statistics.fmean(r.pos for r in line)
            current: Segment | None = None
            for r in sorted(line, key=lambda r: r.start):
                if current and r.start <= current.end + gap:
                    current = out[-1] = replace(current, end=max(current.end, r.end))
                else:
                    current = Segment("h" if horizontal else "v", pos, r.start, r.end)
                    out.append(current)
    return out


def _meets(rule: Segment, point: Point, other: Segment, touch: float) -> bool:
    """Whether ``point`` (an end of ``rule``) lies on the perpendicular ``other``."""
    along, across = (point[0], point[1]) if other.horizontal else (point[1], point[0])
    return abs(across - other.pos) <= touch and other.start - touch <= along <= other.end + touch


class _RuleIndex:
    """Rules of one direction sorted by position, to find those near a line quickly."""

    def __init__(self, rules: Iterable[Segment]) -> None:
        self.rules = sorted(rules, key=lambda r: r.pos)
        self.positions = [r.pos for r in self.rules]

    def near(self, pos: float, tol: float) -> list[Segment]:
        lo, hi = bisect.bisect_left(self.positions, pos - tol), bisect.bisect_right(self.positions, pos + tol)
        return self.rules[lo:hi]

    def within(self, start: float, end: float) -> list[Segment]:
        return self.near((start + end) / 2, (end - start) / 2)


def _by_direction(rules: list[Segment]) -> dict[bool, _RuleIndex]:
    """Horizontal (True) and vertical (False) rules, each indexed by position."""
    return {True: _RuleIndex(r for r in rules if r.horizontal), False: _RuleIndex(r for r in rules if not r.horizontal)}


def prune_dangling(rules: list[Segment], touch: float) -> list[Segment]:
    """Keep the rules whose both ends meet a perpendicular kept rule; repeat until stable.

    A table's rules end on other rules (corners and T-joints). A connector
    ends on a symbol, and an elbow connector's pieces only meet each other,
    so pruning removes whole connector chains piece by piece.
    """
    kept = list(rules)
    while True:
        index = _by_direction(kept)
        survivors = [r for r in kept if all(_supported(r, end, index[not r.horizontal], touch) for end in r.ends())]
        if len(survivors) == len(kept):
            return survivors
        kept = survivors


def _supported(rule: Segment, end: Point, perpendicular: _RuleIndex, touch: float) -> bool:
    across = end[0] if rule.horizontal else end[1]
    return any(_meets(rule, end, o, touch) for o in perpendicular.near(across, touch))


def _crosses(a: Segment, b: Segment, touch: float) -> bool:
    hor, ver = (a, b) if a.horizontal else (b, a)
    return (hor.start - touch <= ver.pos <= hor.end + touch) and (ver.start - touch <= hor.pos <= ver.end + touch)


def _components(rules: list[Segment], touch: float) -> list[list[Segment]]:
    """Groups of rules connected by crossings: one group per ruled table."""
    parent = {id(r): id(r) for r in rules}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    verticals = _RuleIndex(r for r in rules if not r.horizontal)
    for hor in (r for r in rules if r.horizontal):
        for ver in verticals.within(hor.start - touch, hor.end + touch):
            if _crosses(hor, ver, touch):
                parent[find(id(hor))] = find(id(ver))
    groups: dict[int, list[Segment]] = {}
    for r in rules:
        groups.setdefault(find(id(r)), []).append(r)
    return list(groups.values())


@dataclass
class Grid:
    """A ruled table's lattice: the kept x and y lines and which slot edges are drawn."""

    xs: list[float]
    ys: list[float]
    rules: list[Segment]
    touch: float
    cell_of: dict[tuple[int, int], int] = field(default_factory=dict)  # slot -> cell index
    cells: list[Cell] = field(default_factory=list)
    _index: dict[bool, _RuleIndex] = field(default_factory=dict, repr=False)

    @property
    def bbox(self) -> BBox:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def drawn(self, horizontal: bool, pos: float, start: float, end: float) -> bool:
        """Whether a rule covers the edge from ``start`` to ``end`` on line ``pos``."""
        if not self._index:
            self._index = _by_direction(self.rules)
        covered = sum(max(0.0, min(r.end, end) - max(r.start, start))
                      for r in self._index[horizontal].near(pos, self.touch))
        return covered >= (end - start) - self.touch

    def slot(self, x: float, y: float) -> tuple[int, int] | None:
        """The grid slot (row, column) holding a point, or None outside the table."""
        c, r = bisect.bisect_right(self.xs, x) - 1, bisect.bisect_right(self.ys, y) - 1
        if 0 <= r < len(self.ys) - 1 and 0 <= c < len(self.xs) - 1:
            return r, c
        return None

    def cell_at(self, x: float, y: float) -> Cell | None:
        slot = self.slot(x, y)
        return self.cells[self.cell_of[slot]] if slot is not None else None


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.fmean(g) for g in out]


def build_grid(rules: list[Segment], touch: float) -> Grid | None:
    """The lattice of one connected group of rules, lines that bound no cell removed; None if not a table.

    Lines closer than ``touch`` are one line (a double border encloses no text).
    """
    grid = Grid(_cluster((r.pos for r in rules if not r.horizontal), touch),
                _cluster((r.pos for r in rules if r.horizontal), touch), rules, touch)
    while len(grid.xs) >= 2 and len(grid.ys) >= 2:
        xs = [x for x in grid.xs if any(grid.drawn(False, x, a, b) for a, b in zip(grid.ys, grid.ys[1:], strict=False))]
        ys = [y for y in grid.ys if any(grid.drawn(True, y, a, b) for a, b in zip(grid.xs, grid.xs[1:], strict=False))]
        if (xs, ys) == (grid.xs, grid.ys):
            break
        grid.xs, grid.ys = xs, ys
    if len(grid.xs) < 2 or len(grid.ys) < 2:
        return None
    _merge_slots(grid)
    return grid


def _merge_slots(grid: Grid) -> None:
    """Cells: grid slots joined where no rule separates them (merged header cells, spans)."""
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(s: tuple[int, int]) -> tuple[int, int]:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not grid.drawn(False, grid.xs[c + 1], grid.ys[r], grid.ys[r + 1]):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < n_rows and not grid.drawn(True, grid.ys[r + 1], grid.xs[c], grid.xs[c + 1]):
                parent[find((r + 1, c))] = find((r, c))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for slot in sorted(parent):
        groups.setdefault(find(slot), []).append(slot)
    for slots in sorted(groups.values()):
        r0, c0 = min(r for r, _ in slots), min(c for _, c in slots)
        r1, c1 = max(r for r, _ in slots), max(c for _, c in slots)
        for slot in slots:
            grid.cell_of[slot] = len(grid.cells)
        grid.cells.append(Cell(row=r0, col=c0, text="", bbox=(grid.xs[c0], grid.ys[r0], grid.xs[c1 + 1],
                                                                grid.ys[r1 + 1]),
                               row_span=r1 - r0 + 1, col_span=c1 - c0 + 1))


# --------------------------------------------------------------------------- arrows
@dataclass
class _Head:
    """An arrowhead: its outline points and the box an arrow shaft must touch."""

    points: list[Point]
    bbox: BBox


def _is_head(path: VectorPath, h: float, settings: VectorSettings) -> bool:
    """A small filled triangle, or an open "V" of two short strokes."""
    x0, y0, x1, y1 = path.bbox
    if max(x1 - x0, y1 - y0) > settings.max_head * h:
        return False
    poly = _simplify(path.points, path.closed, 0.01 * h)
    if path.closed:
        return len(poly) == 3 and (path.fill or path.stroke)
    return len(poly) == 3 and _turns([poly[0], poly[1], poly[2]])[1] > 90


def _near_box(p: Point, box: BBox, tol: float) -> bool:
    return box[0] - tol <= p[0] <= box[2] + tol and box[1] - tol <= p[1] <= box[3] + tol


def _dist_to_polyline(p: Point, pts: Sequence[Point]) -> float:
    best = math.inf
    for a, b in itertools.pairwise(pts):
        dx, dy = b[0] - a[0], b[1] - a[1]
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / seg))
        best = min(best, math.dist(p, (a[0] + t * dx, a[1] + t * dy)))
    return best


def trace_arrows(pieces: list[list[Point]], heads: list[_Head], touch: float, min_len: float) -> list[Arrow]:
    """Arrows from open connector pieces and arrowheads: each head traced back to every loose end.

    Pieces join where an end of one lies on another. Starting from the piece
    that touches a head, the walk visits joined pieces; every end that
    touches nothing else (and no other head) is a tail. A junction where two
    connectors merge into one shaft thus gives one arrow per source.
    """
    def joins(a: list[Point], b: list[Point]) -> bool:
        """An end of ``a`` lies on ``b``, away from any arrowhead (heads are where arrows stop)."""
        return any(_dist_to_polyline(end, b) <= touch and not any(_near_box(end, hd.bbox, touch) for hd in heads)
                   for end in (a[0], a[-1]))

    touching = [[j for j, other in enumerate(pieces) if j != i and (joins(piece, other) or joins(other, piece))]
                for i, piece in enumerate(pieces)]
    arrows = []
    for head in heads:
        for start, at_end in _pieces_at(pieces, head, touch):
            arrows += _walk_back(pieces, touching, heads, head, start, at_end, touch, min_len)
    return arrows


def _pieces_at(pieces: list[list[Point]], head: _Head, touch: float) -> list[tuple[int, int]]:
    """(piece, which end) for the shafts ending at a head."""
    out = []
    for i, piece in enumerate(pieces):
        for k, end in ((0, piece[0]), (-1, piece[-1])):
            if _near_box(end, head.bbox, touch):
                out.append((i, k))
                break
    return out


def _walk_back(pieces: list[list[Point]], touching: list[list[int]], heads: list[_Head], head: _Head,
               start: int, at_end: int, touch: float, min_len: float) -> list[Arrow]:
    """The arrows ending at ``head`` through piece ``start``: a breadth-first walk to every loose end."""
    parent: dict[int, int | None] = {start: None}
    queue = [start]
    tails: list[tuple[int, Point]] = []
    while queue:
        i = queue.pop(0)
        fresh = [j for j in touching[i] if j not in parent]
        for j in fresh:
            parent[j] = i
            queue.append(j)
        for end in (pieces[i][0], pieces[i][-1]):
            if i == start and end == pieces[start][at_end]:
                continue
            loose = not any(_dist_to_polyline(end, pieces[j]) <= touch for j in touching[i])
            if loose and not any(_near_box(end, other.bbox, touch) for other in heads):
                tails.append((i, end))
    tip = _tip(head, pieces[start][at_end], pieces[start])
    arrows = []
    for i, tail in tails:
        chain = []
        node: int | None = i
        while node is not None:
            chain.append(node)
            node = parent[node]
        path = _chain_points(pieces, chain, tail)
        if math.dist(tail, tip) >= min_len:
            arrows.append(Arrow(tail=tail, head=tip, path=[*path, tip]))
    return arrows


def _tip(head: _Head, attach: Point, shaft: list[Point]) -> Point:
    """The arrowhead's point: its vertex farthest back along the shaft's direction of travel."""
    before = shaft[-2] if attach == shaft[-1] and len(shaft) > 1 else (shaft[1] if len(shaft) > 1 else attach)
    return max(head.points, key=lambda p: math.dist(p, before))


def _chain_points(pieces: list[list[Point]], chain: list[int], tail: Point) -> list[Point]:
    """The polyline through the chained pieces, oriented from the tail towards the head."""
    out: list[Point] = []
    cursor = tail
    for i in chain:
        piece = pieces[i]
        if math.dist(piece[-1], cursor) < math.dist(piece[0], cursor):
            piece = piece[::-1]
        out += piece
        cursor = piece[-1]
    return out


# --------------------------------------------------------------------------- words
def _lines_of(words: list[Word], h: float) -> list[list[Word]]:
    """Words grouped into printed lines in reading order, each line in reading order.

    Upright lines run top to bottom, words left to right. Text turned a
    quarter (role names printed up a narrow column) comes after them: lines
    are columns of words, read bottom-up ("btt", columns left to right) or
    top-down ("ttb", columns right to left).
    """
    upright = [w for w in words if w.get("direction", "ltr") not in ROTATED]
    lines = _group(upright, lambda w: (w["top"] + w["bottom"]) / 2, h)
    out = [sorted(line, key=lambda w: w["x0"]) for line in sorted(lines, key=lambda ln: _mid(ln, _vertical))]
    for direction, (columns_ltr, along) in ROTATED.items():
        turned = [w for w in words if w.get("direction") == direction]
        columns = sorted(_group(turned, _horizontal, h), key=lambda ln: _mid(ln, _horizontal), reverse=not columns_ltr)
        out += [sorted(col, key=along) for col in columns]
    return out


def _vertical(w: Word) -> float:
    return (w["top"] + w["bottom"]) / 2


def _horizontal(w: Word) -> float:
    return (w["x0"] + w["x1"]) / 2


def _group(words: list[Word], across: Callable[[Word], float], h: float) -> list[list[Word]]:
    """Words whose centres lie within half a text height across the line direction, as lines."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=across):
        if lines and abs(_mid(lines[-1], across) - across(w)) <= 0.5 * h:
            lines[-1].append(w)
        else:
            lines.append([w])
    return lines


def _mid(line: list[Word], key: Callable[[Word], float]) -> float:
    return statistics.fmean(key(w) for w in line)


def _centre(w: Word) -> Point:
    return (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2


def _text_lines(words: list[Word], h: float) -> list[TextLine]:
    """Lines of free text; a wide gap splits a line (a signature block beside a footer)."""
    return [_text_line(run) for line in _lines_of(words, h)
            for run in split_at_gaps(line, 3 * h, lambda w: w["x0"], lambda w: w["x1"])]


def _text_line(words: list[Word]) -> TextLine:
    return TextLine(" ".join(w["text"] for w in words),
                    (min(w["x0"] for w in words), min(w["top"] for w in words),
                     max(w["x1"] for w in words), max(w["bottom"] for w in words)))


def _label_arrows(arrows: list[Arrow], words: list[Word], h: float, settings: VectorSettings) -> set[int]:
    """Give each arrow the "Ya"/"Tidak" word printed nearest it; the indices of the words used.

    Only a word standing alone (no other word on its line within a text
    height) can be a label, so "Ya" inside a sentence never is.
    """
    used: set[int] = set()
    claims: dict[int, tuple[float, int]] = {}
    for i, w in enumerate(words):
        if not ARROW_LABEL.fullmatch(w["text"]) or _has_neighbour(w, words, h):
            continue
        box = (w["x0"], w["top"], w["x1"], w["bottom"])
        scored = [(_box_to_polyline(box, a.path or [a.tail, a.head]), math.dist(_centre(w), a.tail), k)
                  for k, a in enumerate(arrows)]
        near = [s for s in scored if s[0] <= settings.label_distance * h]
        if not near:
            continue
        best = min(near, key=lambda s: (round(s[0] / (0.5 * h)), s[1]))
        k = best[2]
        if k not in claims or best[0] < claims[k][0]:
            claims[k] = (best[0], i)
    for k, (_, i) in claims.items():
        arrows[k].label = words[i]["text"].rstrip(".")
        used.add(i)
    return used


def _has_neighbour(w: Word, words: list[Word], h: float) -> bool:
    mid = (w["top"] + w["bottom"]) / 2
    return any(o is not w and abs((o["top"] + o["bottom"]) / 2 - mid) <= 0.5 * h
               and (abs(o["x0"] - w["x1"]) <= h or abs(w["x0"] - o["x1"]) <= h) for o in words)


def _box_to_polyline(box: BBox, pts: Sequence[Point]) -> float:
    """Distance from a box to a polyline (0 when they overlap), sampled at the box's corners and centre."""
    x0, y0, x1, y1 = box
    probes = [((x0 + x1) / 2, (y0 + y1) / 2), (x0, y0), (x1, y0), (x0, y1), (x1, y1)]
    return min(_dist_to_polyline(p, pts) for p in probes)


# --------------------------------------------------------------------------- the page
@dataclass
class _Sorted:
    """The page's paths sorted into what they are."""

    rules: list[Segment] = field(default_factory=list)
    boxes: list[VectorPath] = field(default_factory=list)  # closed, not thin: cell boxes or symbols
    pieces: list[list[Point]] = field(default_factory=list)  # open paths: connector candidates
    piece_rules: list[list[Segment]] = field(default_factory=list)  # the rule candidates inside each piece
    heads: list[_Head] = field(default_factory=list)


def _sort_paths(paths: list[VectorPath], h: float, settings: VectorSettings) -> _Sorted:
    out = _Sorted()
    for path in paths:
        if _is_head(path, h, settings):
            out.heads.append(_Head(path.points, path.bbox))
            continue
        rules = _rules_of(path, h, settings)
        if path.closed:
            if rules:
                out.rules += rules
            elif path.fill or path.stroke:
                out.boxes.append(path)
        else:
            out.pieces.append(path.points)
            out.piece_rules.append(rules)
            out.rules += rules
    return out


def _overlaps_edge(edge: Segment, rules: list[Segment], tol: float) -> bool:
    """Whether a box edge lies along a rule over at least half its length."""
    return any(r.horizontal == edge.horizontal and abs(r.pos - edge.pos) <= tol
               and min(r.end, edge.end) - max(r.start, edge.start) >= 0.5 * edge.length for r in rules)


def _grid_boxes(boxes: list[VectorPath], rules: list[Segment], tol: float,
                touch: float) -> tuple[list[VectorPath], list[VectorPath]]:
    """Split straight boxes into grid pieces and the rest (flowchart rectangles among them).

    Cell shading and cells drawn as one rectangle each share their edges with
    the ruling or with their neighbours; a table's outline drawn as one
    rectangle has the inner rules ending on it from inside. A flowchart
    rectangle has neither: it shares no edge (its own twin, the fill drawn
    apart from the outline, does not count) and only arrows end on it, from
    outside.
    """
    rects = [b for b in boxes if b.is_rect]
    edges = {id(b): _box_edges(b.bbox) for b in rects}
    grid, rest = [], []
    for b in boxes:
        if not b.is_rect:
            rest.append(b)
            continue
        others = [e for o in rects if not _same_box(o.bbox, b.bbox, tol) for e in edges[id(o)]]
        shared = sum(_overlaps_edge(e, rules, tol) or _overlaps_edge(e, others, tol) for e in edges[id(b)])
        (grid if shared >= 2 or _inner_joints(b.bbox, rules, touch) >= 2 else rest).append(b)
    return grid, rest


def _inner_joints(box: BBox, rules: list[Segment], touch: float) -> int:
    """How many rules run from an edge of ``box`` into it (the inner ruling of a table outline)."""
    x0, y0, x1, y1 = box
    count = 0
    for r in rules:
        if r.horizontal and y0 + touch < r.pos < y1 - touch:
            count += (abs(r.start - x0) <= touch and r.end <= x1 + touch) or (abs(r.end - x1) <= touch
                                                                              and r.start >= x0 - touch)
        elif not r.horizontal and x0 + touch < r.pos < x1 - touch:
            count += (abs(r.start - y0) <= touch and r.end <= y1 + touch) or (abs(r.end - y1) <= touch
                                                                              and r.start >= y0 - touch)
    return count


def _same_box(a: BBox, b: BBox, tol: float) -> bool:
    return all(abs(u - v) <= tol for u, v in zip(a, b, strict=True))


def text_height(words: list[Word], settings: VectorSettings) -> float:
    """The median height of the page's words: the unit of every tolerance."""
    heights = [w["bottom"] - w["top"] for w in words if w["bottom"] > w["top"] and w.get("upright", True)]
    return statistics.median(heights) if heights else settings.default_text_height


def page_words(page: Any, settings: VectorSettings) -> list[Word]:
    """The words of the page, characters printed twice (fake bold, shadows) taken once.

    Text turned a quarter is read in its own direction: up the page when its
    characters are turned anticlockwise, down when clockwise.
    """
    chars = [_as_tick(c) for c in dedupe_chars(page.chars, settings.duplicate_char)]
    words = []
    for turn, group in _by_turn(chars).items():
        lines = {"btt": "ltr", "ttb": "rtl"}.get(turn, "ttb")
        extractor = WordExtractor(keep_blank_chars=False, use_text_flow=False, char_dir_rotated=turn,
                                  line_dir_rotated=lines, x_tolerance_ratio=settings.word_x_tolerance_ratio,
                                  y_tolerance_ratio=settings.word_x_tolerance_ratio if turn != "ltr" else None)
        words += [w for w in extractor.extract_words(group) if w["text"].strip()]
    return words


def _as_tick(char: dict[str, Any]) -> dict[str, Any]:
    """A dingbat (a Wingdings check box or bullet, a private-use glyph) read as the mark "•".

    Offices tick performers with symbols inserted from dingbat fonts, and
    Word draws list bullets with them; their text in the PDF is a private-use
    code or a letter of the font's own encoding ("ü" for Wingdings' check
    mark), never a tick. "•" is both a performer mark in a role cell and a
    bullet the identity lists strip.
    """
    font = str(char.get("fontname", "")).split("+")[-1].casefold()
    text = char["text"]
    private = len(text) == 1 and PRIVATE_USE[0] <= ord(text) <= PRIVATE_USE[1]
    return {**char, "text": "•"} if private or any(name in font for name in DINGBAT_FONTS) else char


def _by_turn(chars: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Characters by reading direction: upright ("ltr"), turned anticlockwise ("btt") or clockwise ("ttb")."""
    out: dict[str, list[dict[str, Any]]] = {}
    for c in chars:
        turn = "ltr" if c.get("upright", True) else ("btt" if c["matrix"][1] > 0 else "ttb")
        out.setdefault(turn, []).append(c)
    return out


def dedupe_chars(chars: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    """The characters without those repeating one at (almost) the same place, in the original order.

    ``tolerance`` is a fraction of the character's size. Positions are
    bucketed on a grid of that size, so the check stays linear.
    """
    seen: set[tuple[str, float, int, int]] = set()
    out = []
    for c in chars:
        size = float(c.get("size") or 1.0)
        step = max(tolerance * size, 1e-6)
        gx, gy = round(c["x0"] / step), round(c["top"] / step)
        key = (c["text"], round(size, 1))
        if any((*key, gx + dx, gy + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            continue
        seen.add((*key, gx, gy))
        out.append(c)
    return out


def read_page(page: Any, number: int, settings: VectorSettings = VectorSettings(),
              picture_shape: PictureShape | None = None) -> Page:
    """A pdfplumber page as a layout Page: tables with cell texts, free text lines, symbols, arrows.

    ``picture_shape`` tells the flowchart shape a pasted picture shows (it
    needs the picture's pixels, which the caller can decode); without it a
    picture symbol still marks its performer, shape unknown.
    """
    words = page_words(page, settings)
    h = text_height(words, settings)
    touch, collinear = settings.touch * h, settings.collinear * h
    paths = _sort_paths(page_paths(page), h, settings)
    grid_boxes, shapes = _grid_boxes(paths.boxes, paths.rules, collinear, touch)
    candidates = merge_rules([*paths.rules, *(e for b in grid_boxes for e in _box_edges(b.bbox))], collinear, touch)
    rules = prune_dangling(candidates, touch)
    grids = [g for group in _components(rules, touch) if (g := build_grid(group, touch))]
    symbols = _symbols(shapes, grids, h, settings)
    symbols += _picture_symbols(page.images, grids, symbols, picture_shape, settings.collinear * h)
    pieces = _connector_pieces(paths, rules, collinear)
    arrows = trace_arrows(pieces, paths.heads, touch, settings.min_arrow * h)
    _symbol_texts(symbols, [w for w in words if _inside_symbol(w, symbols)])
    outside = [w for w in words if not _inside_symbol(w, symbols)]
    taken = _label_arrows(arrows, outside, h, settings)
    blocks = _blocks(grids, [w for i, w in enumerate(outside) if i not in taken], h)
    return Page(number=number, width=float(page.width), height=float(page.height), blocks=blocks,
                symbols=symbols, arrows=arrows, source="vector")


def _connector_pieces(paths: _Sorted, rules: list[Segment], tol: float) -> list[list[Point]]:
    """Open paths that are not entirely table rules: arrow shafts, links, underlines."""
    def kept(r: Segment) -> bool:
        return any(k.horizontal == r.horizontal and abs(k.pos - r.pos) <= tol and k.start - tol <= r.start
                   and r.end <= k.end + tol for k in rules)

    out = []
    for points, piece_rules in zip(paths.pieces, paths.piece_rules, strict=True):
        straight = len(points) - 1
        if len(piece_rules) < straight or not all(kept(r) for r in piece_rules):
            out.append(points)
    return out


def _symbols(shapes: list[VectorPath], grids: list[Grid], h: float, settings: VectorSettings) -> list[Symbol]:
    """Closed outlined shapes drawn in a table cell, classified; twins and nested shapes once.

    A shape may overflow its cell a little (a tall diamond in a low row),
    but one that is the cell itself, or far larger, is no symbol.
    """
    found: list[Symbol] = []
    for path in sorted(shapes, key=lambda p: -_box_area(p.bbox)):
        x0, y0, x1, y1 = path.bbox
        if min(x1 - x0, y1 - y0) < settings.min_symbol * h or not path.stroke:
            continue
        cell = _cell_under(grids, ((x0 + x1) / 2, (y0 + y1) / 2))
        if cell is None or not _fits(path.bbox, cell.bbox, settings.collinear * h):
            continue
        if any(_contains(s.bbox, path.bbox, 0.1 * h) for s in found):
            continue
        found.append(Symbol(kind="symbol", bbox=path.bbox, shape=classify_outline(path.points, path.curved, settings)))
    return found


def _fits(box: BBox, cell: BBox, tol: float) -> bool:
    """A symbol's box against its cell's: not the cell itself, at most twice its size either way."""
    w, h = box[2] - box[0], box[3] - box[1]
    return not _same_box(box, cell, tol) and w <= 2 * (cell[2] - cell[0]) and h <= 2 * (cell[3] - cell[1])


def _picture_symbols(images: list[dict[str, Any]], grids: list[Grid], drawn: list[Symbol],
                     picture_shape: PictureShape | None, tol: float) -> list[Symbol]:
    """Small pictures inside a table cell: symbols pasted as images (Word users do that)."""
    out = []
    for img in images:
        box = (float(img["x0"]), float(img["top"]), float(img["x1"]), float(img["bottom"]))
        cell = _cell_under(grids, _centre_of(box))
        if cell is None or not _fits(box, cell.bbox, tol) or any(_contains(s.bbox, box, tol) for s in drawn):
            continue
        out.append(Symbol(kind="symbol", bbox=box, shape=picture_shape(box) if picture_shape else None))
    return out


def classify_ink(ink: np.ndarray) -> Shape | None:
    """The flowchart shape drawn in a picture, from the convex hull of its ink (a mask, non-zero = ink).

    Flowchart shapes are convex, so the hull of the strokes is the outline
    even where anti-aliasing broke a thin line. A hull that simplifies to at
    most five vertices is a polygon (:func:`classify_outline`); anything
    rounder is told by how much of its box it fills (:func:`_smooth_shape`).
    """
    points = cv2.findNonZero((ink > 0).astype(np.uint8))
    if points is None or len(points) < 8:
        return None
    hull = cv2.convexHull(points)
    coarse = cv2.approxPolyDP(hull, 0.03 * cv2.arcLength(hull, True), True).reshape(-1, 2)
    if len(coarse) <= 5:
        return classify_outline([(float(x), float(y)) for x, y in coarse], curved=False)
    _, _, w, h = cv2.boundingRect(hull)
    return _smooth_shape(cv2.contourArea(hull) / float(max(1, w * h)), w, h)


def _centre_of(box: BBox) -> Point:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _cell_under(grids: list[Grid], point: Point) -> Cell | None:
    for g in grids:
        cell = g.cell_at(*point)
        if cell is not None:
            return cell
    return None


def _box_area(b: BBox) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _contains(outer: BBox, inner: BBox, tol: float) -> bool:
    return (outer[0] - tol <= inner[0] and outer[1] - tol <= inner[1] and inner[2] <= outer[2] + tol
            and inner[3] <= outer[3] + tol)


def _inside_symbol(w: Word, symbols: list[Symbol]) -> bool:
    cx, cy = _centre(w)
    return any(s.bbox[0] <= cx <= s.bbox[2] and s.bbox[1] <= cy <= s.bbox[3] for s in symbols)


def _symbol_texts(symbols: list[Symbol], words: list[Word]) -> None:
    """The letter of an off-page connector, or any words written inside a symbol."""
    for s in symbols:
        inside = [w for w in words if s.bbox[0] <= _centre(w)[0] <= s.bbox[2] and s.bbox[1] <= _centre(w)[1]
                  <= s.bbox[3]]
        s.text = " ".join(w["text"] for w in sorted(inside, key=lambda w: (w["top"], w["x0"])))


def cell_text(lines: list[list[Word]], box: BBox, h: float, padding: float = 0.0) -> str:
    """A cell's lines joined by "\\n"; a word the writer broke for want of room joined back.

    Word and LibreOffice break a word wider than a narrow column without a
    hyphen ("SEKRETA" / "RIS"). Such a line holds that one word and fills the
    cell's width but for its ``padding`` (within a character), and the next
    line goes on in lower case (in capitals, for a label printed in capitals).
    A normal wrap may fill the line too, but then what follows is a word of
    its own: a capital after a mixed-case word, or a function word ("dan").
    An all-capitals label wrapped where a word exactly fills its line stays
    ambiguous and is joined; the role registry matches it either way.
    """
    out: list[str] = []
    for k, line in enumerate(lines):
        text = " ".join(w["text"] for w in line)
        if k and _broken_word(lines[k - 1], line, box, h, padding):
            out[-1] += text
        else:
            out.append(text)
    return "\n".join(out)


def _broken_word(line: list[Word], following: list[Word], box: BBox, h: float, padding: float) -> bool:
    word, next_word = line[-1]["text"], following[0]["text"]
    room = (box[2] - box[0]) - 2 * padding
    goes_on = next_word[:1].islower() or (word.isupper() and next_word[:1].isupper())
    return (len(line) == 1 and word[-1:].isalpha() and goes_on and next_word.casefold() not in FUNCTION_WORDS
            and line[0]["x1"] - line[0]["x0"] >= room - 0.8 * h)


def cell_padding(cells: list[Cell], lines: dict[int, list[list[Word]]]) -> float:
    """The table's cell padding: the least gap between a cell's left edge and its text."""
    gaps = [min(w["x0"] for line in lines[k] for w in line) - cell.bbox[0] for k, cell in enumerate(cells)
            if lines.get(k)]
    return max(0.0, min(gaps, default=0.0))


def _blocks(grids: list[Grid], words: list[Word], h: float) -> list[Block]:
    """Tables with their cell texts and the free text lines, in reading order (top to bottom)."""
    per_cell: dict[tuple[int, int], list[Word]] = {}
    loose: list[Word] = []
    for w in words:
        cx, cy = _centre(w)
        for g, grid in enumerate(grids):
            slot = grid.slot(cx, cy)
            if slot is not None:
                per_cell.setdefault((g, grid.cell_of[slot]), []).append(w)
                break
        else:
            loose.append(w)
    blocks: list[Block] = []
    for g, grid in enumerate(grids):
        lines = {k: _lines_of(per_cell[(g, k)], h) for k in range(len(grid.cells)) if (g, k) in per_cell}
        padding = cell_padding(grid.cells, lines)
        for k, cell in enumerate(grid.cells):
            cell.text = cell_text(lines.get(k, []), cell.bbox, h, padding)
        blocks.append(Table(cells=grid.cells, n_rows=len(grid.ys) - 1, n_cols=len(grid.xs) - 1, bbox=grid.bbox,
                            col_edges=list(grid.xs), row_edges=list(grid.ys)))
    blocks += _text_lines(loose, h)
    return sorted(blocks, key=lambda b: (b.bbox[1], b.bbox[0]))
