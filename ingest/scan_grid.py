"""Ruled tables in a scanned page: ruling lines by morphology, then the grid and its merged cells.

A scan holds more straight lines than a table's rules: the sides of process
rectangles and the shafts of flowchart arrows, which cross the rules on their
way from row to row. What tells a rule apart is where it *ends*: a rule runs
from the table's frame or another rule to the frame or another rule, while a
symbol side ends at the symbol's own corners and an arrow shaft ends at a
symbol or in mid-cell. So the rules are grown from the frame outwards
(:func:`accept_rules`), and everything else is left for
:mod:`sopbaku.ingest.scan_symbols`.

All lengths are in units of the page's text height ``unit`` (the median
height of a character in pixels), so the same rules hold at 150 and 300 dpi.
Images are binary ``uint8`` arrays, ink 255.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from sopbaku.ingest.layout import Axis, BBox, Segment

#: Shortest straight run taken as a candidate line, in text heights: shorter than a one-line row.
MIN_LINE = 1.5
#: Thickest stroke taken as a line, in text heights (thicker are filled areas or bold letters).
MAX_THICKNESS = 0.6
#: How far a line's end may miss the line it stops on, in text heights.
END_TOLERANCE = 0.6
#: Smallest table frame, in text heights (width, height).
MIN_TABLE = (8.0, 2.5)
#: Share of a slot boundary a rule must cover to separate two grid slots.
MIN_SEPARATOR = 0.5


@dataclass
class GridCell:
    """One cell of a detected table: grid position, spans and box in pixels."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox


@dataclass
class Grid:
    """A ruled table: its frame, row and column edges, cells, and the rules that made it."""

    bbox: BBox
    row_edges: list[float]
    col_edges: list[float]
    cells: list[GridCell]
    rules: list[Segment] = field(default_factory=list)

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The cell whose box holds the point, or None outside the table."""
        for cell in self.cells:
            x0, y0, x1, y1 = cell.bbox
            if x0 <= x < x1 and y0 <= y < y1:
                return cell
        return None


def line_segments(ink: np.ndarray, axis: Axis, min_length: float, max_thickness: float,
                  max_gap: float) -> list[Segment]:
    """Straight runs of ink along ``axis``, at least ``min_length`` long and at most ``max_thickness`` thick.

    A morphological opening keeps only pixels that belong to a long enough
    run; each connected piece of what is left is one segment. Collinear pieces
    split by a gap up to ``max_gap`` (noise, a faint scan) are joined again.
    All sizes in pixels.
    """
    length = max(round(min_length), 3)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if axis == "h" else (1, length))
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    segments = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        along = w if axis == "h" else h
        thickness = cv2.contourArea(contour) / along + 1.0  # mean width: a slight tilt or a blob at one end
        if thickness > max_thickness:                      # does not make a line look thick
            continue
        if axis == "h":
            segments.append(Segment("h", y + h / 2, float(x), float(x + w), thickness))
        else:
            segments.append(Segment("v", x + w / 2, float(y), float(y + h), thickness))
    return _join_collinear(segments, max_gap)


def _join_collinear(segments: list[Segment], max_gap: float) -> list[Segment]:
    """Pieces of one broken line joined: same position within a stroke, gap up to ``max_gap``."""
    rows: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: s.pos):
        if rows and seg.pos - rows[-1][-1].pos <= max(seg.thickness, rows[-1][-1].thickness, 2.0):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    out: list[Segment] = []
    for row in rows:
        joined: list[Segment] = []
        for seg in sorted(row, key=lambda s: s.start):
            last = joined[-1] if joined else None
            if last and seg.start - last.end <= max_gap:
                joined[-1] = Segment(last.axis, (last.pos + seg.pos) / 2, last.start, max(last.end, seg.end),
                                     max(last.thickness, seg.thickness))
            else:
                joined.append(seg)
        out += joined
    return out


def table_frames(h_lines: list[Segment], v_lines: list[Segment], shape: tuple[int, int],
                 unit: float) -> list[BBox]:
    """Boxes of groups of crossing lines large enough to be a table, top to bottom."""
    canvas = np.zeros(shape, np.uint8)
    for seg in (*h_lines, *v_lines):
        _draw(canvas, seg, 1)
    contours, _ = cv2.findContours(canvas, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    frames = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w >= MIN_TABLE[0] * unit and h >= MIN_TABLE[1] * unit:
            frames.append((float(x), float(y), float(x + w), float(y + h)))
    return sorted(frames, key=lambda b: (b[1], b[0]))


def accept_rules(frame: BBox, h_lines: list[Segment], v_lines: list[Segment], unit: float) -> list[Segment]:
    """The table's rules: lines grown from the frame, each ending on the frame or an accepted rule.

    Row rules reach the frame's left and right sides; column rules then end on
    row rules or the frame; header sub-rules end on column rules. A process
    rectangle's sides end only on each other and an arrow's shaft on a symbol
    or in mid-cell, so neither is ever reached from the frame.
    """
    tol = max(END_TOLERANCE * unit, 4.0)
    x0, y0, x1, y1 = frame
    inside = [s for s in (*h_lines, *v_lines) if _within(s, frame, tol)]
    accepted: list[Segment] = []
    waiting = list(inside)
    changed = True
    while changed:
        changed = False
        for seg in list(waiting):
            frame_lo, frame_hi = (x0, x1) if seg.axis == "h" else (y0, y1)
            ok_lo = abs(seg.start - frame_lo) <= tol or _ends_on(seg, seg.start, accepted, tol)
            ok_hi = abs(seg.end - frame_hi) <= tol or _ends_on(seg, seg.end, accepted, tol)
            if ok_lo and ok_hi:
                accepted.append(seg)
                waiting.remove(seg)
                changed = True
    return accepted


def _within(seg: Segment, frame: BBox, tol: float) -> bool:
    (ax, ay), (bx, by) = seg.ends()
    x0, y0, x1, y1 = frame
    return x0 - tol <= min(ax, bx) and max(ax, bx) <= x1 + tol and y0 - tol <= min(ay, by) and max(ay, by) <= y1 + tol


def _ends_on(seg: Segment, at: float, accepted: list[Segment], tol: float) -> bool:
    """Whether ``seg``'s end at coordinate ``at`` lies on an accepted perpendicular rule."""
    return any(other.axis != seg.axis and abs(other.pos - at) <= tol
               and other.start - tol <= seg.pos <= other.end + tol for other in accepted)


def build_grid(frame: BBox, rules: list[Segment], unit: float) -> Grid | None:
    """Row and column edges from the rules, and the cells: grid slots joined where no rule parts them.

    Edges closer than half a text height are one edge (a double border, or a
    rule drawn twice by adjacent cells). A merged cell (a header group such as
    "Pelaksana", an identity block spanning rows) is the union of the slots
    with no rule between them.
    """
    tol = max(0.5 * unit, 3.0)
    row_edges = _cluster([s.pos for s in rules if s.axis == "h"] + [frame[1], frame[3]], tol)
    col_edges = _cluster([s.pos for s in rules if s.axis == "v"] + [frame[0], frame[2]], tol)
    if len(row_edges) < 2 or len(col_edges) < 3:
        return None
    n_rows, n_cols = len(row_edges) - 1, len(col_edges) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _separated(rules, "v", col_edges[c + 1], row_edges[r], row_edges[r + 1], tol):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _separated(rules, "h", row_edges[r + 1], col_edges[c], col_edges[c + 1], tol):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells = []
    for slots in groups.values():
        r0, r1 = min(s[0] for s in slots), max(s[0] for s in slots) + 1
        c0, c1 = min(s[1] for s in slots), max(s[1] for s in slots) + 1
        bbox = (col_edges[c0], row_edges[r0], col_edges[c1], row_edges[r1])
        cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, bbox))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid((col_edges[0], row_edges[0], col_edges[-1], row_edges[-1]), row_edges, col_edges, cells, rules)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted positions with those closer than ``tol`` merged into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _separated(rules: list[Segment], axis: Axis, pos: float, lo: float, hi: float, tol: float) -> bool:
    """Whether rules along ``axis`` at ``pos`` cover at least :data:`MIN_SEPARATOR` of ``lo``..``hi``."""
    covered = 0.0
    for seg in rules:
        if seg.axis == axis and abs(seg.pos - pos) <= tol:
            covered += max(0.0, min(seg.end, hi) - max(seg.start, lo))
    return covered >= MIN_SEPARATOR * (hi - lo)


def find_grids(ink: np.ndarray, unit: float) -> list[Grid]:
    """Every ruled table on a binary page, top to bottom."""
    sizes = {"min_length": max(MIN_LINE * unit, 8.0), "max_thickness": max(MAX_THICKNESS * unit, 3.0),
             "max_gap": unit}
    h_lines = line_segments(ink, "h", **sizes)
    v_lines = line_segments(ink, "v", **sizes)
    grids = []
    for frame in table_frames(h_lines, v_lines, ink.shape[:2], unit):
        grid = build_grid(frame, accept_rules(frame, h_lines, v_lines, unit), unit)
        if grid is not None:
            grids.append(grid)
    return grids


def rule_mask(grids: list[Grid], shape: tuple[int, int], unit: float) -> np.ndarray:
    """The pixels of every accepted rule, widened a little so no edge of a stroke is left for OCR."""
    mask = np.zeros(shape, np.uint8)
    pad = max(1, round(0.15 * unit))
    for grid in grids:
        for seg in grid.rules:
            _draw(mask, seg, 255, pad)
    return mask


def _draw(canvas: np.ndarray, seg: Segment, value: int, pad: int = 0) -> None:
    half = int(np.ceil(seg.thickness / 2)) + pad
    p, a, b = round(seg.pos), int(seg.start) - pad, int(np.ceil(seg.end)) + pad
    if seg.axis == "h":
        canvas[max(p - half, 0):p + half + 1, max(a, 0):b + 1] = value
    else:
        canvas[max(a, 0):b + 1, max(p - half, 0):p + half + 1] = value
