"""Flowchart symbols and arrows in a scanned page, found after the table rules are known.

Symbols: an SOP AP flowchart draws each performer's step as an outlined
shape inside the role column's cell. With the rules taken out, the inside of
such an outline is a *hole* in the ink much larger than any letter's, lying
within one table cell; its shape tells the symbol (:func:`classify`):
capsule (terminator), rectangle (process), diamond (decision), pentagon or
circle (connector).

Arrows: orthogonal connector lines between symbols, each ending in a filled
triangular head. Their straight pieces are found by the same morphology as
the rules (minus the accepted rules themselves), in the part of the table
where symbols are, pieces that touch are chained, and each chain runs from a
free end next to a symbol (the tail) to an end carrying a head. A chain with
no head (the plain line joining the symbols of a shared step) is no arrow.

Sizes are in text heights (``unit``) so the rules hold at any dpi.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from sopbaku.ingest.layout import Arrow, Axis, BBox, Segment, Symbol
from sopbaku.ingest.scan_grid import Grid, line_segments
from sopbaku.raw import Shape

#: Smallest hole taken as a symbol's inside, in text heights (width, height): letters' holes are far smaller.
MIN_HOLE = (1.5, 1.1)
#: Smallest side of a symbol's inside, in pen widths: a letter's counter is a few strokes wide at most.
MIN_HOLE_STROKES = 5.0
#: Least solidity (area / convex hull area) of a symbol's inside: flowchart shapes are convex.
MIN_SOLIDITY = 0.88
#: Side of the corner probes used to tell square from rounded or cut corners, as a share of the shorter side.
CORNER_PROBE = 0.2
#: Shortest arrow piece, in text heights (the stub between a symbol and a bend is short).
MIN_ARROW_PIECE = 0.6
#: Pieces at least this long (text heights) are lines whatever is beside them; shorter ones may be letters.
LONG_PIECE = 2.5
#: How far a head may be from its target, in text heights.
JOIN_TOLERANCE = 0.8
#: How far a tail may be from the symbol it leaves, in text heights (a short stub below it may be lost).
TAIL_REACH = 1.2
#: Widest gap between two pieces of one straight line, in text heights: a rule the arrow crosses was cut out.
CROSSING_GAP = 1.3


@dataclass
class FoundSymbol:
    """A classified symbol with the hole it was found from (for masking)."""

    symbol: Symbol
    contour: np.ndarray = field(repr=False)


def find_symbols(ink: np.ndarray, rules: np.ndarray, grids: list[Grid], unit: float) -> list[FoundSymbol]:
    """Outlined shapes lying inside one table cell each, classified.

    A hole counts when it is larger than a letter's both by the text height
    and by the pen (:data:`MIN_HOLE`, :data:`MIN_HOLE_STROKES`: the counter
    of a large bold "O" in a title passes the first, not the second), and
    is not one of a row of like holes (the "O", "A", "P" of a heading).
    """
    work = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    work = cv2.morphologyEx(work, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))  # heal broken outlines
    contours, hierarchy = cv2.findContours(work, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    pen = _stroke_width(grids)
    least = max(MIN_HOLE_STROKES * pen, MIN_HOLE[1] * unit)
    holes = []
    for contour, (_next, _prev, _child, parent) in zip(contours, hierarchy[0], strict=True):
        if parent < 0:
            continue  # an outer boundary; symbols are read from their inner boundary
        x, y, w, h = cv2.boundingRect(contour)
        if w >= MIN_HOLE[0] * unit and min(w, h) >= least:
            holes.append((contour, (x, y, w, h)))
    grow = max(1.0, round(0.12 * unit))
    found = []
    for contour, (x, y, w, h) in holes:
        box = (x - grow, y - grow, x + w + grow, y + h + grow)
        if _in_a_word((x, y, w, h), [b for _, b in holes]) or not _inside_one_cell(box, grids, unit):
            continue
        shape = classify(contour)
        if shape is not None:
            found.append(FoundSymbol(Symbol("symbol", tuple(float(v) for v in box), shape), contour))
    return found


def _in_a_word(hole: tuple[int, int, int, int], holes: list[tuple[int, int, int, int]]) -> bool:
    """Whether like holes sit beside this one on its line, as letters' counters do (two or more within reach)."""
    x, y, w, h = hole
    beside = [b for b in holes if b != hole and abs(b[1] - y) <= 0.3 * h and abs(b[3] - h) <= 0.3 * h
              and abs(b[0] - x) <= 3 * w]
    return len(beside) >= 2


def _inside_one_cell(box: BBox, grids: list[Grid], unit: float) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    slack = 0.3 * unit
    for grid in grids:
        cell = grid.cell_at(cx, cy)
        if cell is not None:
            x0, y0, x1, y1 = cell.bbox
            return box[0] >= x0 - slack and box[1] >= y0 - slack and box[2] <= x1 + slack and box[3] <= y1 + slack
    return False


def classify(hole: np.ndarray) -> Shape | None:
    """The flowchart shape of a symbol's inner boundary, or None when it is none of them.

    The shapes differ in how much of their bounding box they fill and in
    their corners: a rectangle fills all four, a capsule none (rounded ends),
    a diamond only half its box, the off-page pentagon its top two corners
    only (its bottom is a point), a circle none while being as tall as wide.
    """
    x, y, w, h = cv2.boundingRect(hole)
    area = cv2.contourArea(hole)
    hull = cv2.contourArea(cv2.convexHull(hole))
    if area <= 0 or hull <= 0 or area / hull < MIN_SOLIDITY:
        return None
    patch = np.zeros((h, w), np.uint8)
    cv2.drawContours(patch, [hole - np.array([x, y])], -1, 1, thickness=cv2.FILLED)
    extent = area / (w * h)
    side = max(int(CORNER_PROBE * min(w, h)), 2)
    corners = [float(patch[r, c].mean()) > 0.6 for r, c in (
        (slice(0, side), slice(0, side)), (slice(0, side), slice(w - side, w)),
        (slice(h - side, h), slice(0, side)), (slice(h - side, h), slice(w - side, w)))]
    top, bottom = corners[0] and corners[1], corners[2] and corners[3]
    if extent < 0.65:
        return "decision" if extent > 0.4 else None
    if top and bottom:
        return "process"
    if top != bottom and not any(corners[2:] if top else corners[:2]):
        return "connector"
    if not any(corners):
        return "terminator" if w >= 1.4 * h else "connector"
    return None


def symbol_mask(found: list[FoundSymbol], shape: tuple[int, int], pad: float) -> np.ndarray:
    """The pixels of every symbol, inside and outline, reaching ``pad`` pixels past the inner boundary."""
    mask = np.zeros(shape, np.uint8)
    width = max(2, round(2 * pad))
    for item in found:
        cv2.drawContours(mask, [item.contour], -1, 255, thickness=cv2.FILLED)
        cv2.drawContours(mask, [item.contour], -1, 255, thickness=width)
    return mask


def find_arrows(ink: np.ndarray, rules: np.ndarray, symbols: list[FoundSymbol], grids: list[Grid],
                unit: float) -> tuple[list[Arrow], np.ndarray]:
    """The arrows between symbols, and the mask of their pixels (for OCR masking).

    Only the band of the table where symbols sit is searched (the role
    columns, from the first symbol's row to the last's): text elsewhere has
    strokes as long as a short arrow stub.
    """
    mask = np.zeros(ink.shape[:2], np.uint8)
    region = _flow_region(symbols, grids, unit)
    if region is None:
        return [], mask
    x0, y0, x1, y1 = region
    stroke = _stroke_width(grids)
    removed = cv2.bitwise_or(rules, symbol_mask(symbols, ink.shape[:2], _outline_pad(stroke)))
    lines = np.zeros_like(ink)
    crop = (slice(y0, y1), slice(x0, x1))
    lines[crop] = _drop_letters(cv2.bitwise_and(ink[crop], cv2.bitwise_not(removed[crop])), removed[crop], unit)
    boxes = [s.symbol.bbox for s in symbols]
    found = [seg.shifted(x0, y0) for axis in ("h", "v") for seg in _short_segments(lines[crop], axis, stroke, unit)]
    pieces = _anchored(found, lines, rules, boxes, stroke, unit)
    arrows = []
    for chain in _chain(pieces, unit):
        drawn = _arrows_of(chain, lines, boxes, stroke, unit)
        if drawn or _links_symbols(chain, boxes, unit + _outline_pad(stroke)):
            for seg in chain:  # whitened for OCR: an arrow, or the plain line joining a shared step's symbols
                _paint(mask, seg, int(seg.thickness / 2 + 1.5))  # the stroke only: labels sit right on it
        arrows += drawn
    for arrow in arrows:  # the head, which reaches back along the shaft about a text height
        r = round(max(1.2 * unit, 4 * stroke))
        cv2.circle(mask, (int(arrow.head[0]), int(arrow.head[1])), r, 255, thickness=cv2.FILLED)
    return arrows, cv2.bitwise_and(mask, ink)


def _outline_pad(stroke: float) -> float:
    """How far past a symbol's inner boundary its outline is cut out before arrows are traced."""
    return stroke + 2.0


def _stroke_width(grids: list[Grid]) -> float:
    """The pen width of the page's rules (median), which arrows share closely."""
    widths = [seg.thickness for grid in grids for seg in grid.rules]
    return float(np.median(widths)) if widths else 2.0


def _flow_region(symbols: list[FoundSymbol], grids: list[Grid], unit: float) -> tuple[int, int, int, int] | None:
    """The box spanning the grid columns and rows that hold symbols (the flowchart's part of the table)."""
    if not symbols:
        return None
    boxes = [s.symbol.bbox for s in symbols]
    cols, rows = [], []
    for grid in grids:
        for box in boxes:
            cell = grid.cell_at((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            if cell is not None:
                cols += [cell.bbox[0], cell.bbox[2]]
                rows += [cell.bbox[1], cell.bbox[3]]
    if not cols:
        return None
    pad = int(0.3 * unit)
    return max(int(min(cols)) - pad, 0), max(int(min(rows)) - pad, 0), int(max(cols)) + pad, int(max(rows)) + pad


def _drop_letters(lines: np.ndarray, removed: np.ndarray, unit: float) -> np.ndarray:
    """``lines`` without letter-sized blobs, such as the "Ya"/"Tidak" printed beside a decision's exits.

    What is left of an arrow after the rules and symbols were taken out is
    either long or a stub cut off at a rule or a symbol; a letter is small
    and touches neither.
    """
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    h_img, w_img = lines.shape[:2]
    letters = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if max(w, h) >= 1.6 * unit:
            continue
        near = removed[max(y - 3, 0):min(y + h + 3, h_img), max(x - 3, 0):min(x + w + 3, w_img)]
        if not near.any():
            letters.append(contour)
    out = lines.copy()
    cv2.drawContours(out, letters, -1, 0, thickness=cv2.FILLED)
    return out


def _short_segments(lines: np.ndarray, axis: Axis, stroke: float, unit: float) -> list[Segment]:
    """Straight pieces down to :data:`MIN_ARROW_PIECE` text heights, about as thin as the pen."""
    return line_segments(lines, axis, MIN_ARROW_PIECE * unit, max(2.0 * stroke, 0.3 * unit), 0.3 * unit)


def _anchored(pieces: list[Segment], lines: np.ndarray, rules: np.ndarray, boxes: list[BBox], stroke: float,
              unit: float) -> list[Segment]:
    """The pieces that can be parts of arrows: long ones, and short bare ones anchored at an end.

    A piece under :data:`LONG_PIECE` must be bare on one side (:func:`_bare`):
    strokes and runs through a "Tidak" printed on an arrow have the rest of
    their letters about them. A short piece must moreover be a stub cut off
    by a symbol or a rule it runs into head-on, or the rest of a line broken
    by a rule, in line with a longer piece.
    """
    rest = lines.copy()
    for piece in pieces:
        _paint(rest, piece, int(piece.thickness / 2 + 1.5), 0)
    pieces = [p for p in pieces if p.length >= LONG_PIECE * unit or _bare(p, rest, unit)]
    long = [p for p in pieces if p.length >= 1.2 * unit]
    out = list(long)
    for piece in pieces:
        if piece.length >= 1.2 * unit or piece.thickness > 1.4 * stroke:
            continue  # long, or the wide base of an arrowhead
        for end in piece.ends():
            in_line = any(other.axis == piece.axis and _joined_at(end, piece, other, unit) for other in long)
            if _runs_into_box(end, piece, boxes, unit) or _runs_into_rule(end, piece, rules, unit) or in_line:
                out.append(piece)
                break
    return out


def _bare(piece: Segment, rest: np.ndarray, unit: float) -> bool:
    """Whether a piece is a line and not a run through letters.

    A label may be printed along one side of an arrow, and an arrowhead
    spreads to both sides at one end; a run through a word ("dak" of a
    "Tidak" read as a line) has letters on both sides along its length.
    """
    band = piece.thickness / 2 + 1.5
    side = int(band + 0.3 * unit)
    p, a, b = round(piece.pos), int(piece.start), int(np.ceil(piece.end)) + 1
    lo = max(p - side, 0)
    window = rest[lo:p + side + 1, a:b] if piece.axis == "h" else rest[a:b, lo:p + side + 1].T
    offsets = np.arange(window.shape[0]) + lo - piece.pos
    both = np.flatnonzero(window[offsets < -band].any(axis=0) & window[offsets > band].any(axis=0))
    if both.size <= max(2, 0.2 * piece.length):
        return True
    head = 1.3 * unit  # a head's wings lie within this of one end
    return bool(both.max() - both.min() <= head and (both.min() >= piece.length - head or both.max() <= head))


def _runs_into_box(end: tuple[float, float], piece: Segment, boxes: list[BBox], unit: float) -> bool:
    """Whether a piece's end meets a symbol head-on, within half a text height (not just passes beside it)."""
    x, y = end
    for x0, y0, x1, y1 in boxes:
        if piece.axis == "v" and x0 <= x <= x1 and min(abs(y - y0), abs(y - y1)) <= 0.5 * unit:
            return True
        if piece.axis == "h" and y0 <= y <= y1 and min(abs(x - x0), abs(x - x1)) <= 0.5 * unit:
            return True
    return False


def _runs_into_rule(end: tuple[float, float], piece: Segment, rules: np.ndarray, unit: float) -> bool:
    """Whether a rule lies straight ahead of a piece's end, within 0.4 text heights."""
    reach = round(0.4 * unit)
    x, y = round(end[0]), round(end[1])
    along, across = (x, y) if piece.axis == "h" else (y, x)
    span = slice(along, along + reach + 1) if end == piece.ends()[1] else slice(max(along - reach, 0), along)
    side = slice(max(across - 1, 0), across + 2)
    ahead = rules[side, span] if piece.axis == "h" else rules[span, side]
    return bool(ahead.any())


def _chain(pieces: list[Segment], unit: float) -> list[list[Segment]]:
    """Pieces grouped into chains of pieces that meet (:func:`_joined_at`).

    Every pair is a candidate, but only pieces whose extents come within
    the widest join (:func:`_join_reach`) of each other are tested: a
    busy flowchart has hundreds of pieces, and testing all pairs in Python
    cost more than finding them.
    """
    parent = list(range(len(pieces)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reach = _join_reach(pieces, unit)
    ends = np.array([(*a.ends()[0], *a.ends()[1]) for a in pieces], np.float64).reshape(-1, 4)
    x0, x1 = np.minimum(ends[:, 0], ends[:, 2]), np.maximum(ends[:, 0], ends[:, 2])
    y0, y1 = np.minimum(ends[:, 1], ends[:, 3]), np.maximum(ends[:, 1], ends[:, 3])
    for i, a in enumerate(pieces):
        near = np.flatnonzero((x0[i + 1:] - x1[i] <= reach) & (x0[i] - x1[i + 1:] <= reach)
                              & (y0[i + 1:] - y1[i] <= reach) & (y0[i] - y1[i + 1:] <= reach)) + i + 1
        for j in near.tolist():
            b = pieces[j]
            if any(_joined_at(p, a, b, unit) for p in a.ends()) or any(_joined_at(p, b, a, unit) for p in b.ends()):
                parent[find(j)] = find(i)
    chains: dict[int, list[Segment]] = {}
    for i, seg in enumerate(pieces):
        chains.setdefault(find(i), []).append(seg)
    return list(chains.values())


def _links_symbols(chain: list[Segment], boxes: list[BBox], reach: float) -> bool:
    """Whether the chain's ends touch two different symbols (a line between them, head or not)."""
    near = {_nearest_box(p, boxes) for seg in chain for p in seg.ends() if _gap_to_boxes(p, boxes) <= reach}
    return len(near) >= 2


def _join_reach(pieces: list[Segment], unit: float) -> float:
    """A gap between two pieces' extents, along either axis, past which :func:`_joined_at` never joins them."""
    thickest = max((p.thickness for p in pieces), default=0.0)
    return max(0.35 * unit, 3.0, CROSSING_GAP * unit, thickest, 2.0) + 1.0


def _joined_at(end: tuple[float, float], seg: Segment, other: Segment, unit: float) -> bool:
    """Whether ``seg``'s ``end`` meets ``other``: at a corner or T (touching), or across a rule (collinear gap).

    Touching is tight (a stroke's width) so that a short stub's far end stays
    free; the collinear gap is wider, as wide as a removed rule.
    """
    if _distance_to(end, other) <= max(0.35 * unit, 3.0):
        return True
    if other.axis != seg.axis or abs(other.pos - seg.pos) > max(seg.thickness, other.thickness, 2.0):
        return False
    along = end[0] if seg.axis == "h" else end[1]
    return max(other.start - along, along - other.end) <= CROSSING_GAP * unit


def _distance_to(p: tuple[float, float], seg: Segment) -> float:
    x, y = p
    if seg.axis == "h":
        dx = max(seg.start - x, 0.0, x - seg.end)
        return math.hypot(dx, y - seg.pos)
    dy = max(seg.start - y, 0.0, y - seg.end)
    return math.hypot(x - seg.pos, dy)


def _arrows_of(chain: list[Segment], lines: np.ndarray, boxes: list[BBox], stroke: float,
               unit: float) -> list[Arrow]:
    """The arrows one chain draws: from its free end nearest a symbol to each free end carrying a head."""
    slack = _outline_pad(stroke)  # the symbols' outlines were cut out this far: ends stop short of them
    tol = JOIN_TOLERANCE * unit + slack
    tips: list[tuple[tuple[float, float], Segment]] = []
    tails: list[tuple[tuple[float, float], Segment]] = []
    for seg in chain:
        for end in seg.ends():
            if any(_joined_at(end, seg, other, unit) for other in chain if other is not seg):
                continue
            tip = _head_at(end, seg, lines, stroke, unit)
            if tip is not None:
                tips.append((tip, seg))
            elif _gap_to_boxes(end, boxes) <= TAIL_REACH * unit + slack:
                tails.append((end, seg))
    if not tails:
        return []
    tail, first = min(tails, key=lambda t: _gap_to_boxes(t[0], boxes))
    start = _nearest_box(tail, boxes)
    arrows: list[Arrow] = []
    for tip, last in tips:
        if _gap_to_boxes(tip, boxes) > tol or _nearest_box(tip, boxes) == start:
            continue  # a flowchart arrow leaves one symbol for another
        if all(np.hypot(tip[0] - a.head[0], tip[1] - a.head[1]) > unit for a in arrows):
            # a head met by two pieces (at a bend just before it) is one head
            arrows.append(Arrow(tail=tail, head=tip, path=_path(chain, first, tail, last, tip, unit)))
    return arrows


def _path(chain: list[Segment], first: Segment, tail: tuple[float, float], last: Segment,
          head: tuple[float, float], unit: float) -> list[tuple[float, float]]:
    """The polyline from tail to head through the chain's bends (the pieces met on the way)."""
    came_from: dict[int, int] = {id(first): -1}
    queue = [first]
    while queue and id(last) not in came_from:
        seg = queue.pop(0)
        for other in chain:
            if id(other) not in came_from and (any(_joined_at(p, seg, other, unit) for p in seg.ends())
                                               or any(_joined_at(p, other, seg, unit) for p in other.ends())):
                came_from[id(other)] = id(seg)
                queue.append(other)
    by_id = {id(seg): seg for seg in chain}
    route = [last]
    while id(route[-1]) in came_from and came_from[id(route[-1])] != -1:
        route.append(by_id[came_from[id(route[-1])]])
    points = [tail]
    for a, b in zip(route[::-1], route[-2::-1], strict=False):
        if a.axis != b.axis:  # a bend
            points.append((b.pos, a.pos) if a.axis == "h" else (a.pos, b.pos))
    return [*points, head]


def _nearest_box(p: tuple[float, float], boxes: list[BBox]) -> int:
    return min(range(len(boxes)), key=lambda i: _gap_to_boxes(p, [boxes[i]]))


def _head_at(end: tuple[float, float], seg: Segment, lines: np.ndarray, stroke: float,
             unit: float) -> tuple[float, float] | None:
    """The tip of the arrowhead at a piece's free end, or None when the end carries none.

    Walking along the piece from a little behind its end (the head may be
    part of the piece) to a little past it (past a rule the arrow crosses), a
    head shows as ink spreading on *both* sides of the shaft to over twice
    the pen's width for a while. A corner spreads to one side only, and a line
    crossing the shaft runs out of the probe on both sides.
    """
    outward = 1.0 if end == seg.ends()[1] else -1.0
    reach = round(0.8 * unit)
    base = end[0] if seg.axis == "h" else end[1]
    steps = np.arange(-1.2 * unit, 2.5 * unit, 1.0)
    spread = np.array([_spread(lines, seg, base + outward * step, reach) for step in steps])
    narrow, broad = spread.min(axis=1), spread.max(axis=1)
    wide = ((narrow >= 0.75 * stroke) & (narrow + 1 >= 0.5 * (broad + 1))  # both sides, about evenly
            & (narrow + broad + 1 >= max(2.2 * stroke, 0.4 * unit)))
    if wide.sum() < max(2, 0.15 * unit) or (narrow >= reach).any():
        return None
    last = int(np.nonzero(wide)[0].max())
    while last + 1 < len(steps) and spread[last + 1].max() > 0:
        last += 1  # on to the point of the head
    along = base + outward * float(steps[last])
    return (along, seg.pos) if seg.axis == "h" else (seg.pos, along)


def _spread(lines: np.ndarray, seg: Segment, along: float, reach: int) -> tuple[int, int]:
    """How far ink runs, unbroken, from the piece's axis to either side at one step along it."""
    a, p = round(along), round(seg.pos)
    limit = lines.shape[1] if seg.axis == "h" else lines.shape[0]
    if not 0 <= a < limit:
        return 0, 0
    across = lines[:, a] if seg.axis == "h" else lines[a, :]
    if not 0 <= p < len(across) or not across[p]:
        return 0, 0
    before = across[max(p - reach, 0):p][::-1]
    after = across[p + 1:p + reach + 1]
    return _run(before), _run(after)


def _run(values: np.ndarray) -> int:
    """Length of the leading run of ink."""
    gaps = np.flatnonzero(values == 0)
    return int(gaps[0]) if gaps.size else len(values)


def _gap_to_boxes(p: tuple[float, float], boxes: list[BBox]) -> float:
    x, y = p
    return min((float(np.hypot(max(b[0] - x, 0, x - b[2]), max(b[1] - y, 0, y - b[3]))) for b in boxes),
               default=float("inf"))


def _paint(mask: np.ndarray, seg: Segment, pad: int, value: int = 255) -> None:
    """Set a segment's pixels, ``pad`` pixels around its axis, to ``value``."""
    p, a, b = round(seg.pos), int(seg.start), int(np.ceil(seg.end))
    if seg.axis == "h":
        mask[max(p - pad, 0):p + pad + 1, max(a - pad, 0):b + pad + 1] = value
    else:
        mask[max(a - pad, 0):b + pad + 1, max(p - pad, 0):p + pad + 1] = value
