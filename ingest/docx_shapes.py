"""The drawings of a Word file: flowchart symbols, arrows and their labels.

Offices draw SOP flowcharts in Word in three ways, often mixed in one file:
DrawingML shapes (``w:drawing`` with ``wps:wsp`` and a preset geometry,
possibly grouped or on a drawing canvas), legacy VML shapes (``w:pict`` with
``v:shape``/``v:rect``/``v:roundrect``/``v:oval``/``v:line``, written by old
Word versions and kept as ``mc:Fallback`` by new ones) and pasted pictures
of symbols. This module turns one such drawing into :class:`Drawing`: its
frame size, where the frame is anchored (inline in a text line, or floating
at an offset from the page, margin, column or paragraph) and the
:class:`Item` s drawn in it, with boxes and line paths in the frame's own
coordinates (points, origin at the frame's top-left). Placing a frame on the
virtual page is the body reader's job (:mod:`sopbaku.ingest.docx`), because
only it knows where the anchor paragraph and its table cell are.

Shapes are classified by what they *are* (preset or VML shape type, outline,
text box flag), never by their size or position, so a symbol drawn a little
differently in a real office file is still read.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
from lxml import etree

from sopbaku.ingest.layout import Arrow, BBox
from sopbaku.raw import Shape

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wpc": "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
EMU_PER_PT = 12700
#: VML lengths without a unit are CSS pixels: 96 per inch, 72 points per inch.
PT_PER_UNIT = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0, "px": 0.75, "emu": 1 / EMU_PER_PT}

Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]  # x' = a x + b y + c, y' = d x + e y + f
ItemRole = Literal["symbol", "line", "label"]
ImageLookup = Callable[[str], bytes | None]

# --------------------------------------------------------------------------- what each geometry means

#: DrawingML presets and what they stand for in an SOP flowchart (Permenpan RB 35/2012 symbols).
SYMBOL_PRESETS: dict[str, Shape] = {
    "flowChartTerminator": "terminator",
    "roundRect": "terminator",
    "flowChartAlternateProcess": "terminator",
    "round2SameRect": "terminator",
    "flowChartProcess": "process",
    "rect": "process",
    "flowChartPredefinedProcess": "process",
    "flowChartDecision": "decision",
    "diamond": "decision",
    "flowChartOffpageConnector": "connector",
    "homePlate": "connector",
    "pentagon": "connector",
    "flowChartConnector": "connector",
}
#: Presets drawn as lines: the path runs from (0, 0) to (w, h) of the unrotated box.
LINE_PRESETS = frozenset({"line", "straightConnector1", "bentConnector2", "bentConnector3", "bentConnector4",
                          "bentConnector5", "curvedConnector2", "curvedConnector3", "curvedConnector4",
                          "curvedConnector5"})
#: Block arrows (filled arrow shapes) point this way; they are arrows, not symbols.
BLOCK_ARROWS = {"downArrow": (0.5, 0.0, 0.5, 1.0), "upArrow": (0.5, 1.0, 0.5, 0.0),
                "rightArrow": (0.0, 0.5, 1.0, 0.5), "leftArrow": (1.0, 0.5, 0.0, 0.5)}
#: VML shape types (``o:spt``) with their DrawingML preset names.
VML_TYPES = {1: "rect", 2: "roundRect", 3: "ellipse", 4: "diamond", 13: "rightArrow", 15: "homePlate",
             20: "line", 32: "straightConnector1", 33: "bentConnector2", 34: "bentConnector3",
             35: "bentConnector4", 36: "bentConnector5", 37: "curvedConnector2", 38: "curvedConnector3",
             39: "curvedConnector4", 40: "curvedConnector5", 56: "pentagon", 66: "leftArrow", 67: "downArrow",
             68: "upArrow", 109: "flowChartProcess", 110: "flowChartDecision", 112: "flowChartPredefinedProcess",
             116: "flowChartTerminator", 120: "flowChartConnector", 176: "flowChartAlternateProcess",
             177: "flowChartOffpageConnector", 202: "textBox"}
VML_ELEMENTS = {"rect": "rect", "roundrect": "roundRect", "oval": "ellipse"}
#: An ellipse at least this much wider than tall is a start/end capsule; rounder ones are connectors.
CAPSULE_ASPECT = 1.3
#: Text boxes with at most this many characters may be an arrow's "Ya"/"Tidak"; longer ones are text.
MAX_LABEL_CHARS = 25


@dataclass
class Anchor:
    """Where a floating frame is placed, per axis: the area it is measured from and an offset or alignment.

    Area names are DrawingML's (``page``, ``margin``, ``column``, ``character``,
    ``paragraph``, ``line``, ``leftMargin`` ...); VML's are translated to them.
    """

    h_from: str = "column"
    h_offset: float = 0.0  # pt
    h_align: str | None = None  # left | center | right (overrides the offset)
    v_from: str = "paragraph"
    v_offset: float = 0.0
    v_align: str | None = None  # top | center | bottom
    in_cell: bool = True  # Word's "layout in table cell": column/paragraph mean the anchor's cell


@dataclass
class Item:
    """One thing drawn, in its frame's coordinates (pt, origin at the frame's top-left)."""

    role: ItemRole
    box: BBox
    shape: Shape | None = None  # symbols: the flowchart meaning, None when drawn but not recognised
    path: list[Point] = field(default_factory=list)  # lines: the polyline from start to end
    arrow_start: bool = False  # lines: an arrowhead at the path's start
    arrow_end: bool = False
    text: str = ""  # labels: the text box's text
    name: str = ""  # the preset or VML type, for warnings
    picture: bool = False


@dataclass
class Drawing:
    """One ``w:drawing`` / ``w:pict``: a frame, where it is anchored, and what is drawn in it."""

    width: float  # pt
    height: float
    anchor: Anchor | None  # None: inline, it sits in the text line like a character
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def moved(item: Item, dx: float, dy: float) -> Item:
    """The item shifted by ``(dx, dy)``: from frame to page coordinates."""
    x0, top, x1, bottom = item.box
    return Item(item.role, (x0 + dx, top + dy, x1 + dx, bottom + dy), item.shape,
                [(x + dx, y + dy) for x, y in item.path], item.arrow_start, item.arrow_end, item.text,
                item.name, item.picture)


def number(value: str | None, default: float = 0.0) -> float:
    """An XML attribute as a finite number; ``default`` when absent or unreadable (files are not always valid)."""
    try:
        out = float(value) if value is not None and value.strip() else default
    except ValueError:
        return default
    return out if math.isfinite(out) else default


def q(tag: str) -> str:
    """Clark notation of a prefixed name: ``q("w:p")``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


# --------------------------------------------------------------------------- 2-D transforms

IDENTITY: Matrix = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def _compose(m: Matrix, n: Matrix) -> Matrix:
    """``m`` after ``n``."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * d2, a * b2 + b * e2, a * c2 + b * f2 + c,
            d * a2 + e * d2, d * b2 + e * e2, d * c2 + e * f2 + f)


def _apply(m: Matrix, p: Point) -> Point:
    return (m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5])


def _box_matrix(x: float, y: float, w: float, h: float, rot_deg: float, flip_h: bool, flip_v: bool) -> Matrix:
    """Local box coordinates (0..w, 0..h) to the parent's: flip about the centre, rotate clockwise, move.

    That is how both DrawingML (``a:xfrm``) and VML (``style``) place a shape:
    the box given is the *unrotated* one, turned about its own centre.
    """
    cx, cy = w / 2, h / 2
    rad = math.radians(rot_deg)
    cos, sin = math.cos(rad), math.sin(rad)
    fx, fy = (-1.0 if flip_h else 1.0), (-1.0 if flip_v else 1.0)
    to_centre: Matrix = (fx, 0.0, -fx * cx, 0.0, fy, -fy * cy)
    turn: Matrix = (cos, -sin, 0.0, sin, cos, 0.0)
    return _compose((1.0, 0.0, x + cx, 0.0, 1.0, y + cy), _compose(turn, to_centre))


def _child_space(ext: Point, ch_off: Point, ch_ext: Point) -> Matrix:
    """A group's child coordinates to its own local box (scale then shift)."""
    sx = ext[0] / ch_ext[0] if ch_ext[0] else 1.0
    sy = ext[1] / ch_ext[1] if ch_ext[1] else 1.0
    return (sx, 0.0, -ch_off[0] * sx, 0.0, sy, -ch_off[1] * sy)


def _bbox(points: list[Point]) -> BBox:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _corners(w: float, h: float) -> list[Point]:
    return [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]


def connector_path(prst: str, w: float, h: float, adj: dict[str, float]) -> list[Point]:
    """A line preset's path in its unrotated box; ``adj`` in 1/100000 of the box (ECMA-376 defaults 50000)."""

    def at(name: str, size: float) -> float:
        return size * adj.get(name, 50000.0) / 100000.0

    kind = prst.replace("curved", "bent")  # a curve follows its elbow twin closely enough to find its ends
    if kind == "bentConnector2":
        return [(0.0, 0.0), (w, 0.0), (w, h)]
    if kind == "bentConnector3":
        x1 = at("adj1", w)
        return [(0.0, 0.0), (x1, 0.0), (x1, h), (w, h)]
    if kind == "bentConnector4":
        x1, y2 = at("adj1", w), at("adj2", h)
        return [(0.0, 0.0), (x1, 0.0), (x1, y2), (w, y2), (w, h)]
    if kind == "bentConnector5":
        x1, y2, x3 = at("adj1", w), at("adj2", h), at("adj3", w)
        return [(0.0, 0.0), (x1, 0.0), (x1, y2), (x3, y2), (x3, h), (w, h)]
    if prst in BLOCK_ARROWS:
        x0, y0, x1, y1 = BLOCK_ARROWS[prst]
        return [(x0 * w, y0 * h), (x1 * w, y1 * h)]
    return [(0.0, 0.0), (w, h)]


def symbol_shape(name: str, w: float, h: float) -> Shape | None:
    """The flowchart meaning of a closed preset; an ellipse is a capsule when wide, a connector when round."""
    if name == "ellipse":
        return "terminator" if w >= CAPSULE_ASPECT * h else "connector"
    return SYMBOL_PRESETS.get(name)


# --------------------------------------------------------------------------- reading a drawing


def read_drawing(element: etree._Element, images: ImageLookup) -> Drawing | None:
    """A ``w:drawing`` or ``w:pict`` element as a :class:`Drawing`, or None when it draws nothing."""
    if element.tag == q("w:drawing"):
        frame = element.find(q("wp:anchor"))
        if frame is None:
            frame = element.find(q("wp:inline"))
        return None if frame is None else _read_dml_frame(frame, images)
    return _read_vml(element, images)


def _emu(value: str | None) -> float:
    try:
        return number(value) / EMU_PER_PT
    except ValueError:
        return 0.0


def _read_dml_frame(frame: etree._Element, images: ImageLookup) -> Drawing:
    extent = frame.find(q("wp:extent"))
    width = _emu(extent.get("cx")) if extent is not None else 0.0
    height = _emu(extent.get("cy")) if extent is not None else 0.0
    drawing = Drawing(width, height, _dml_anchor(frame) if frame.tag == q("wp:anchor") else None)
    data = frame.find(f"{q('a:graphic')}/{q('a:graphicData')}")
    if data is None:
        return drawing
    to_pt: Matrix = (1 / EMU_PER_PT, 0.0, 0.0, 0.0, 1 / EMU_PER_PT, 0.0)
    for child in data:
        drawing.items.extend(_dml_object(child, to_pt, images, drawing.notes))
    kind = data.get("uri", "").rsplit("/", 1)[-1]
    if kind in ("diagram", "chart"):  # SmartArt and charts keep their drawing in parts of their own
        drawing.notes.append(f"a {'SmartArt diagram' if kind == 'diagram' else 'chart'} is not read")
    return drawing


def _dml_anchor(frame: etree._Element) -> Anchor:
    if frame.get("simplePos") in ("1", "true"):
        pos = frame.find(q("wp:simplePos"))
        x = _emu(pos.get("x")) if pos is not None else 0.0
        y = _emu(pos.get("y")) if pos is not None else 0.0
        return Anchor("page", x, None, "page", y, None, in_cell=False)
    anchor = Anchor(in_cell=frame.get("layoutInCell", "1") in ("1", "true"))
    for axis in ("H", "V"):
        pos = frame.find(q(f"wp:position{axis}"))
        if pos is None:
            continue
        offset, align = pos.find(q("wp:posOffset")), pos.find(q("wp:align"))
        area = pos.get("relativeFrom") or ("column" if axis == "H" else "paragraph")
        value = _emu(offset.text) if offset is not None else 0.0
        aligned = align.text.strip() if align is not None and align.text else None
        if axis == "H":
            anchor.h_from, anchor.h_offset, anchor.h_align = area, value, aligned
        else:
            anchor.v_from, anchor.v_offset, anchor.v_align = area, value, aligned
    return anchor


def _xfrm(sp_pr: etree._Element | None) -> tuple[Point, Point, float, bool, bool, etree._Element | None]:
    """Offset, extent (EMU), rotation (degrees) and flips of an ``a:xfrm``; the element for group extras."""
    xfrm = None
    if sp_pr is not None:
        xfrm = sp_pr.find(q("a:xfrm"))
    if xfrm is None:
        return (0.0, 0.0), (0.0, 0.0), 0.0, False, False, None
    off, ext = xfrm.find(q("a:off")), xfrm.find(q("a:ext"))
    offset = (number(off.get("x")), number(off.get("y"))) if off is not None else (0.0, 0.0)
    size = (number(ext.get("cx")), number(ext.get("cy"))) if ext is not None else (0.0, 0.0)
    rot = number(xfrm.get("rot")) / 60000.0
    return offset, size, rot, xfrm.get("flipH") in ("1", "true"), xfrm.get("flipV") in ("1", "true"), xfrm


def _dml_object(el: etree._Element, parent: Matrix, images: ImageLookup, notes: list[str]) -> list[Item]:
    """The items of one DrawingML object: a shape, a picture, a group or a canvas, in frame points."""
    if el.tag == q("wps:wsp"):
        return _dml_shape(el, parent)
    if el.tag == q("pic:pic"):
        return _dml_picture(el, parent, images, notes)
    if el.tag in (q("wpg:wgp"), q("wpg:grpSp"), q("wpc:wpc")):
        matrix = parent
        group_pr = el.find(q("wpg:grpSpPr"))
        off, ext, rot, flip_h, flip_v, xfrm = _xfrm(group_pr)
        if xfrm is not None:
            ch_off, ch_ext = xfrm.find(q("a:chOff")), xfrm.find(q("a:chExt"))
            ch_o = (number(ch_off.get("x")), number(ch_off.get("y"))) if ch_off is not None else off
            ch_e = (number(ch_ext.get("cx")), number(ch_ext.get("cy"))) if ch_ext is not None else ext
            own = _box_matrix(off[0], off[1], ext[0], ext[1], rot, flip_h, flip_v)
            matrix = _compose(parent, _compose(own, _child_space(ext, ch_o, ch_e)))
        items: list[Item] = []
        for child in el:
            items.extend(_dml_object(child, matrix, images, notes))
        return items
    if el.tag == q("mc:AlternateContent"):
        choice = el.find(q("mc:Choice"))
        return [] if choice is None else [i for c in choice for i in _dml_object(c, parent, images, notes)]
    return []


def _dml_shape(wsp: etree._Element, parent: Matrix) -> list[Item]:
    sp_pr = wsp.find(q("wps:spPr"))
    off, ext, rot, flip_h, flip_v, _ = _xfrm(sp_pr)
    matrix = _compose(parent, _box_matrix(off[0], off[1], ext[0], ext[1], rot, flip_h, flip_v))
    box = _bbox([_apply(matrix, p) for p in _corners(*ext)])
    prst_el = sp_pr.find(q("a:prstGeom")) if sp_pr is not None else None
    prst = prst_el.get("prst", "") if prst_el is not None else ("custom" if sp_pr is not None else "")
    line = sp_pr.find(q("a:ln")) if sp_pr is not None else None
    visible = line is None or line.find(q("a:noFill")) is None
    text = _text_of(wsp.find(q("wps:txbx")))
    cnv = wsp.find(q("wps:cNvSpPr"))
    if prst in LINE_PRESETS or prst in BLOCK_ARROWS or wsp.find(q("wps:cNvCnPr")) is not None:
        if not visible and prst not in BLOCK_ARROWS:
            return []
        adj = _dml_adjustments(prst_el)
        path = [_apply(matrix, p) for p in connector_path(prst, ext[0], ext[1], adj)]
        start, end = _dml_arrow_ends(line)
        return [Item("line", box, path=path, arrow_start=start, arrow_end=end or prst in BLOCK_ARROWS, name=prst)]
    if prst == "custom":
        return _dml_freeform(sp_pr, matrix, box, visible, line)
    if (cnv is not None and cnv.get("txBox") in ("1", "true")) or not visible:
        return [Item("label", box, text=text, name="textBox")] if text else []
    w, h = box[2] - box[0], box[3] - box[1]
    return [Item("symbol", box, shape=symbol_shape(prst, w, h), text=text, name=prst)]


def _dml_adjustments(prst_el: etree._Element | None) -> dict[str, float]:
    adj: dict[str, float] = {}
    if prst_el is None:
        return adj
    for gd in prst_el.iter(q("a:gd")):
        match = re.fullmatch(r"\s*val\s+(-?\d+)\s*", gd.get("fmla", ""))
        if match:
            adj[gd.get("name", "")] = float(match[1])
    return adj


def _dml_arrow_ends(line: etree._Element | None) -> tuple[bool, bool]:
    """Arrowheads of an outline: ``a:headEnd`` decorates the path's start, ``a:tailEnd`` its end."""
    if line is None:
        return False, False

    def has(tag: str) -> bool:
        end = line.find(q(tag))
        return end is not None and end.get("type", "none") != "none"

    return has("a:headEnd"), has("a:tailEnd")


def _dml_freeform(sp_pr: etree._Element, matrix: Matrix, box: BBox, visible: bool,
                  line: etree._Element | None) -> list[Item]:
    """A custom geometry: an arrow when it has an arrowhead or is an open path, else an unrecognised symbol."""
    _, ext, *_ = _xfrm(sp_pr)
    points: list[Point] = []
    closed = False
    for path in sp_pr.iter(q("a:path")):
        sx = ext[0] / (number(path.get("w")) or ext[0] or 1.0)
        sy = ext[1] / (number(path.get("h")) or ext[1] or 1.0)
        closed = closed or path.find(q("a:close")) is not None
        for segment in path:
            pts = segment.findall(q("a:pt"))
            if pts:  # a curve counts by its end point
                points.append((number(pts[-1].get("x")) * sx, number(pts[-1].get("y")) * sy))
    start, end = _dml_arrow_ends(line)
    if visible and len(points) > 1 and (start or end or not closed):
        return [Item("line", box, path=[_apply(matrix, p) for p in points], arrow_start=start, arrow_end=end,
                     name="freeform")]
    return [Item("symbol", box, shape=None, name="freeform")] if visible and closed else []


def _dml_picture(pic: etree._Element, parent: Matrix, images: ImageLookup, notes: list[str]) -> list[Item]:
    off, ext, rot, flip_h, flip_v, _ = _xfrm(pic.find(q("pic:spPr")))
    matrix = _compose(parent, _box_matrix(off[0], off[1], ext[0], ext[1], rot, flip_h, flip_v))
    box = _bbox([_apply(matrix, p) for p in _corners(*ext)])
    blip = pic.find(f"{q('pic:blipFill')}/{q('a:blip')}")
    rid = blip.get(q("r:embed")) if blip is not None else None
    return [_picture_item(box, images(rid) if rid else None, notes)]


def _picture_item(box: BBox, data: bytes | None, notes: list[str]) -> Item:
    shape = classify_picture(data) if data else None
    if data is None:
        notes.append("a picture whose image is missing from the file")
    return Item("symbol", box, shape=shape, name="picture", picture=True)


def _text_of(container: etree._Element | None) -> str:
    """The text of a text box (``wps:txbx`` or ``v:textbox``), paragraphs joined by newlines."""
    if container is None:
        return ""
    lines = ["".join(t.text or "" for t in p.iter(q("w:t"))).strip() for p in container.iter(q("w:p"))]
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- legacy VML

_VML_LENGTH = re.compile(r"^\s*(-?[\d.]+)\s*([a-z]*)\s*$")


def vml_length(value: str | None, default_unit: str = "px") -> float | None:
    """A VML/CSS length in points ("12.5pt", "1in", "20" = pixels); None when absent or unreadable."""
    match = _VML_LENGTH.match(value or "")
    if not match:
        return None
    unit = match[2] or default_unit
    value_pt = number(match[1], math.nan) * PT_PER_UNIT.get(unit, 1.0)
    return None if math.isnan(value_pt) else value_pt


def _style(el: etree._Element) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in (el.get("style") or "").split(";") if ":" in part)
    return {k.strip().lower(): v.strip() for k, v in pairs}


_VML_H_AREAS = {"text": "column", "char": "character", "margin": "margin", "page": "page",
                "left-margin-area": "leftMargin", "right-margin-area": "rightMargin",
                "inner-margin-area": "insideMargin", "outer-margin-area": "outsideMargin"}
_VML_V_AREAS = {"text": "paragraph", "line": "line", "margin": "margin", "page": "page",
                "top-margin-area": "topMargin", "bottom-margin-area": "bottomMargin",
                "inner-margin-area": "insideMargin", "outer-margin-area": "outsideMargin"}


def _vml_shapes(pict: etree._Element) -> Iterator[etree._Element]:
    """Top-level VML objects of a ``w:pict``/``w:object``; shape type definitions draw nothing."""
    for child in pict:
        if child.tag.startswith(f"{{{NS['v']}}}") and child.tag != q("v:shapetype"):
            yield child


def _read_vml(pict: etree._Element, images: ImageLookup) -> Drawing | None:
    shapes = list(_vml_shapes(pict))
    if not shapes:
        return None
    first = _style(shapes[0])
    width = vml_length(first.get("width"), "pt") or 0.0
    height = vml_length(first.get("height"), "pt") or 0.0
    anchor = _vml_anchor(first) if first.get("position") == "absolute" else None
    drawing = Drawing(width, height, anchor)
    # The frame's origin is the first shape's box; every top-level shape is placed relative to it.
    origin = (anchor.h_offset, anchor.v_offset) if anchor else (0.0, 0.0)
    for shape in shapes:
        drawing.items.extend(_vml_object(shape, IDENTITY, origin, "pt", images, drawing.notes))
    return drawing


def _vml_anchor(style: dict[str, str]) -> Anchor:
    """A floating VML shape's anchor: ``mso-position-*-relative`` areas, margins or ``mso-position-*`` alignment."""

    def offset(*keys: str) -> float:
        return sum(vml_length(style.get(k), "pt") or 0.0 for k in keys)

    def align(key: str) -> str | None:
        value = style.get(key)
        return None if value in (None, "absolute") else value

    return Anchor(
        h_from=_VML_H_AREAS.get(style.get("mso-position-horizontal-relative", "text"), "column"),
        h_offset=offset("margin-left", "left"),
        h_align=align("mso-position-horizontal"),
        v_from=_VML_V_AREAS.get(style.get("mso-position-vertical-relative", "text"), "paragraph"),
        v_offset=offset("margin-top", "top"),
        v_align=align("mso-position-vertical"),
    )


def _pair(value: str | None, default: Point) -> Point:
    """A VML "x,y" attribute (coordsize, coordorigin) as two numbers."""
    parts = [*(value or "").split(","), "", ""]
    return number(parts[0], default[0]), number(parts[1], default[1])


def _vml_box(el: etree._Element, origin: Point, unit: str) -> tuple[float, float, float, float, float, bool, bool]:
    style = _style(el)

    def length(*keys: str) -> float:
        return sum(vml_length(style.get(k), unit) or 0.0 for k in keys)

    x = length("margin-left", "left") - origin[0]
    y = length("margin-top", "top") - origin[1]
    rot = number(re.sub(r"[^\d.\-]", "", style.get("rotation", "0")))
    flips = style.get("flip", "")
    return x, y, length("width"), length("height"), rot, "x" in flips, "y" in flips


def _vml_type(el: etree._Element) -> str:
    """The DrawingML preset name of a VML element, from its element name or shape type number."""
    local = etree.QName(el).localname
    if local in VML_ELEMENTS:
        return VML_ELEMENTS[local]
    spt = el.get(q("o:spt")) or re.sub(r"^#?_x0000_t", "", el.get("type", ""))
    return VML_TYPES.get(int(spt), "custom") if spt.isdigit() else "custom"


def _vml_object(el: etree._Element, parent: Matrix, origin: Point, unit: str, images: ImageLookup,
                notes: list[str]) -> list[Item]:
    local = etree.QName(el).localname
    if local == "group":
        x, y, w, h, rot, flip_h, flip_v = _vml_box(el, origin, unit)
        ch_ext = _pair(el.get("coordsize"), (1000.0, 1000.0))
        ch_off = _pair(el.get("coordorigin"), (0.0, 0.0))
        own = _box_matrix(x, y, w, h, rot, flip_h, flip_v)
        matrix = _compose(parent, _compose(own, _child_space((w, h), ch_off, ch_ext)))
        return [i for child in _vml_shapes(el) for i in _vml_object(child, matrix, (0.0, 0.0), "", images, notes)]
    if local in ("line", "polyline"):
        return _vml_line(el, parent, origin, unit)
    x, y, w, h, rot, flip_h, flip_v = _vml_box(el, origin, unit)
    matrix = _compose(parent, _box_matrix(x, y, w, h, rot, flip_h, flip_v))
    box = _bbox([_apply(matrix, p) for p in _corners(w, h)])
    name = _vml_type(el)
    image = el.find(q("v:imagedata"))
    if image is not None:
        rid = image.get(q("r:id")) or image.get(q("r:embed"))
        return [_picture_item(box, images(rid) if rid else None, notes)]
    stroked = el.get("stroked", "t") not in ("f", "false")
    start, end = _vml_arrow_ends(el)
    if name in LINE_PRESETS or name in BLOCK_ARROWS or el.get(q("o:connectortype")):
        adj = {"adj1": number(el.get("adj", "").split(",")[0], 10800) / 21600 * 100000}
        path = [_apply(matrix, p) for p in connector_path(name, w, h, adj)]
        return [Item("line", box, path=path, arrow_start=start, arrow_end=end or name in BLOCK_ARROWS, name=name)]
    text = _text_of(el.find(q("v:textbox")))
    if name == "textBox" or not stroked:
        return [Item("label", box, text=text, name="textBox")] if text else []
    if name == "custom" and (start or end):
        return [Item("line", box, path=[_apply(matrix, (0.0, 0.0)), _apply(matrix, (w, h))], arrow_start=start,
                     arrow_end=end, name="freeform")]
    return [Item("symbol", box, shape=symbol_shape(name, box[2] - box[0], box[3] - box[1]), text=text, name=name)]


def _vml_arrow_ends(el: etree._Element) -> tuple[bool, bool]:
    stroke = el.find(q("v:stroke"))
    if stroke is None:
        return False, False
    return stroke.get("startarrow", "none") != "none", stroke.get("endarrow", "none") != "none"


def _vml_line(el: etree._Element, parent: Matrix, origin: Point, unit: str) -> list[Item]:
    """``v:line`` (from/to) and ``v:polyline`` (points), relative to the frame origin."""
    if etree.QName(el).localname == "line":
        raw = [el.get("from") or "0,0", el.get("to") or "0,0"]
        pairs = [v.split(",") for v in raw]
    else:
        values = re.split(r"[\s,]+", (el.get("points") or "").strip())
        pairs = [values[i:i + 2] for i in range(0, len(values) - 1, 2)]
    x, y, *_ = _vml_box(el, origin, unit)
    points = []
    for pair in pairs:
        px = vml_length(pair[0], unit) if pair else 0.0
        py = vml_length(pair[1], unit) if len(pair) > 1 else 0.0
        points.append(_apply(parent, (x + (px or 0.0), y + (py or 0.0))))
    if len(points) < 2 or el.get("stroked", "t") in ("f", "false"):
        return []
    start, end = _vml_arrow_ends(el)
    return [Item("line", _bbox(points), path=points, arrow_start=start, arrow_end=end, name="line")]


# --------------------------------------------------------------------------- pictures of symbols

#: Share of the bounding box a shape's outline encloses: 1 for a rectangle, 1/2 for a diamond.
DIAMOND_FILL, RECT_FILL = 0.62, 0.95
#: Corner vertices must lie within this share of the box size from the box corners (or edge midpoints).
CORNER_TOLERANCE = 0.12


def classify_picture(data: bytes) -> Shape | None:
    """The flowchart symbol a pasted picture shows, from the outline of its largest drawn contour.

    Four vertices at the box corners make a process box, four at the edge
    midpoints (or an outline filling about half its box) a decision, five a
    pentagon connector, a rounded outline a terminator (or, when about as
    tall as wide, a round connector). None when the image cannot be decoded
    (EMF/WMF) or shows something else.
    """
    contour = _main_contour(data)
    if contour is None:
        return None
    x, y, w, h = cv2.boundingRect(contour)
    if w < 8 or h < 8:
        return None
    fill = cv2.contourArea(contour) / float(w * h)
    approx = cv2.approxPolyDP(contour, 0.03 * cv2.arcLength(contour, True), True).reshape(-1, 2)
    rel = [((px - x) / w, (py - y) / h) for px, py in approx]
    if len(rel) == 4 and all(_near_any(p, ((0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (0.0, 0.5))) for p in rel):
        return "decision"
    if len(rel) == 4 and fill >= RECT_FILL and all(_near_any(p, ((0, 0), (1, 0), (1, 1), (0, 1))) for p in rel):
        return "process"
    if fill < DIAMOND_FILL:
        return "decision" if len(rel) <= 6 else None
    if len(rel) == 5:
        return "connector"
    if len(rel) >= 6 and fill < RECT_FILL + 0.04:
        return "terminator" if w >= CAPSULE_ASPECT * h else "connector"
    return None


def _near_any(p: tuple[float, float], targets: tuple[tuple[float, float], ...]) -> bool:
    return any(abs(p[0] - tx) <= CORNER_TOLERANCE and abs(p[1] - ty) <= CORNER_TOLERANCE for tx, ty in targets)


def _main_contour(data: bytes) -> np.ndarray | None:
    """The largest outer contour of the dark strokes of an image (transparency taken as white)."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        return None
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        image = (image[:, :, :3].astype(np.float32) * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    gray = cv2.copyMakeBorder(gray, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return max(contours, key=cv2.contourArea) if contours else None


# --------------------------------------------------------------------------- arrows from lines and labels


def link_arrows(lines: list[Item], labels: list[Item], tolerance: float) -> tuple[list[Arrow], list[Item]]:
    """Arrows from drawn lines (page coordinates), each with the text box label nearest to it.

    Offices often draw one elbow as several plain segments with an arrowhead
    on the last only, so segments whose ends meet (within ``tolerance``) are
    chained back from each arrowhead into one path. Lines with no arrowhead
    anywhere are rules or decoration, not arrows. Returns the arrows and the
    labels no arrow took.
    """
    used: set[int] = set()
    arrows: list[Arrow] = []
    for i, line in enumerate(lines):
        if i in used or not (line.arrow_start or line.arrow_end):
            continue
        used.add(i)
        path = list(line.path) if line.arrow_end else list(reversed(line.path))
        path = _extend_back(path, lines, used, tolerance)
        arrows.append(Arrow(tail=path[0], head=path[-1], path=path))
    return arrows, _label(arrows, labels, tolerance)


def _extend_back(path: list[Point], lines: list[Item], used: set[int], tolerance: float) -> list[Point]:
    """Prepend plain segments whose one end touches the path's free tail, until none does."""
    while True:
        for j, seg in enumerate(lines):
            if j in used or seg.arrow_start or seg.arrow_end or len(seg.path) < 2:
                continue
            if _dist(seg.path[-1], path[0]) <= tolerance:
                path = seg.path[:-1] + path
            elif _dist(seg.path[0], path[0]) <= tolerance:
                path = list(reversed(seg.path))[:-1] + path
            else:
                continue
            used.add(j)
            break
        else:
            return path


def _label(arrows: list[Arrow], labels: list[Item], tolerance: float) -> list[Item]:
    """Give each short text box to the arrow it was written beside, nearest pairs first.

    A decision's "Ya"/"Tidak" is written at the exit, so the first leg of
    each arrow (tail to first bend) is matched first; only labels left over
    are matched against whole paths (a label written along a long route).
    """
    reach = 4 * tolerance
    short = [i for i, label in enumerate(labels) if len(label.text) <= MAX_LABEL_CHARS]
    taken: set[int] = set()
    for legs in (lambda path: path[:2], lambda path: path):
        pairs = sorted((_box_to_path(labels[li].box, legs(arrow.path)), li, ai)
                       for li in short for ai, arrow in enumerate(arrows))
        for distance, li, ai in pairs:
            if distance <= reach and li not in taken and not arrows[ai].label:
                arrows[ai].label = " ".join(labels[li].text.split())
                taken.add(li)
    return [label for li, label in enumerate(labels) if li not in taken]


def _dist(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _box_to_path(box: BBox, path: list[Point]) -> float:
    """Distance from a box to a polyline, measured from the box's edge (0 when they overlap)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    best = math.inf
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        for t in np.linspace(0.0, 1.0, 9):
            px, py = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            best = min(best, math.hypot(max(abs(px - cx) - half_w, 0.0), max(abs(py - cy) - half_h, 0.0)))
    return best
