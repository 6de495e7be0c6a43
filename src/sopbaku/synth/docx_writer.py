"""Synthetic SOP AP Word files, built the way offices build them in Word.

The DOCX reader must cope with what real offices send: an identity page made
of a merged table, a flowchart table whose two header rows use gridSpan and
vMerge, and performers shown by DrawingML flowchart shapes (inline in the role
cell, or floating over the table where only their position says which column
they are in), by pasted PNG pictures, or by a typed tick mark. This module
writes such files from ``sopbaku/1`` SOP dicts so the generator can pair each
one with its exact expected JSON.

Layout is computed, not left to Word: every flowchart row gets an "at least"
height that is larger than its text needs (text widths come from Arial's
advance widths, which LibreOffice's Liberation Sans shares), so the row is
exactly that tall when rendered. That is what lets arrows anchored in one row
end on the symbol of the next, and lets the writer predict the page each row
lands on, so no arrow is drawn across a page break.

Output is byte-for-byte deterministic: fixed core-property dates and fixed
ZIP member timestamps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.story import StoryPart
from docx.shared import Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from PIL import Image, ImageDraw

from sopbaku.render.textmetrics import ARIAL_WIDTHS

Symbol = Literal["terminator", "process", "decision", "connector"]

# --------------------------------------------------------------------------- style


@dataclass(frozen=True)
class DocxStyle:
    """How one synthetic DOCX presents its SOPs (the content comes from the SOP dicts).

    ``symbols`` is what marks a performer's cell: a DrawingML flowchart shape
    (with arrows between steps and "Ya"/"Tidak" at decision exits), an inline
    PNG picture of the symbol, or a typed tick. ``floating`` (shapes only)
    anchors the symbols in the row's No cell, placed over the role column by
    their offset from the margin, as when someone draws on top of the table.
    ``header_variant`` 0 gives the canonical Permenpan spellings; any other
    value picks each spelling choice (header words, a column-number row, date
    format, tick mark) independently from a hash of the value, so a handful
    of variants already covers every combination.
    """

    symbols: Literal["shape", "picture", "mark"] = "shape"
    header_variant: int = 0
    floating: bool = False


#: Typed marks that stand for a performer where no symbol is drawn.
MARKS = ("√", "v", "✓", "X")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def _pick(variant: int, choice: str, options: tuple[Any, ...]) -> Any:
    """Option 0 for variant 0; otherwise one chosen by a stable hash, independent per ``choice``."""
    if variant == 0:
        return options[0]
    digest = hashlib.sha256(f"{choice}:{variant}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


@dataclass(frozen=True)
class Spellings:
    """The wording choices one document makes, all derived from ``DocxStyle.header_variant``."""

    mutu: str
    kegiatan: str
    waktu: str
    number_row: bool
    long_dates: bool
    mark: str

    @classmethod
    def of(cls, variant: int) -> Spellings:
        return cls(
            mutu=_pick(variant, "mutu", ("Mutu Baku", "Mutu Buku")),
            kegiatan=_pick(variant, "kegiatan", ("Kegiatan", "Uraian Prosedur", "Aktivitas")),
            waktu=_pick(variant, "waktu", ("Waktu", "Waktu (menit)")),
            number_row=_pick(variant, "number_row", (False, True)),
            long_dates=_pick(variant, "dates", (True, False)),
            mark=_pick(variant, "mark", MARKS),
        )

    def date(self, iso: str | None) -> str:
        """An ISO date as an office types it ("02 Januari 2019" or "02-01-2019"); "-" when absent."""
        if not iso:
            return "-"
        day = dt.date.fromisoformat(iso)
        if self.long_dates:
            return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"
        return f"{day.day:02d}-{day.month:02d}-{day.year}"


# --------------------------------------------------------------------------- units and page

EMU_PER_PT = 12700
#: A4 landscape, 1.5 cm margins (points).
PAGE_W, PAGE_H, MARGIN = 841.9, 595.3, 42.5
TEXT_W = PAGE_W - 2 * MARGIN
FONT = "Arial"
BODY_PT, TABLE_PT, LINE_PT = 10.0, 9.0, 11.0
#: Cell margins of the flowchart table: symmetric, so a vertically centred symbol sits at mid-row.
CELL_PAD_X, CELL_PAD_Y = 4.25, 1.5
FIXED_DATE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def emu(pt: float) -> int:
    return round(pt * EMU_PER_PT)


def twips(pt: float) -> int:
    return round(pt * 20)


# --------------------------------------------------------------------------- text measurement

#: Bold Arial is at most this much wider; non-ASCII characters are counted as wide as a digit.
BOLD_FACTOR, OTHER_WIDTH = 1.1, 556
#: Safety on measured width so a line the estimate fits never wraps when rendered.
WIDTH_SLACK = 1.02


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in points when set in Arial at ``size``."""
    units = sum(ARIAL_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else OTHER_WIDTH for c in text)
    return units * size / 1000 * (BOLD_FACTOR if bold else 1.0) * WIDTH_SLACK


def line_count(text: str, width: float, size: float, bold: bool = False) -> int:
    """Lines a greedy word wrap needs for ``text`` in a column ``width`` points wide (at least 1)."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            space = text_width(" ", size, bold) if used else 0.0
            if used and used + space + w > width:
                lines += 1
                used = 0.0
                space = 0.0
            if w > width:  # a word longer than the column breaks anywhere
                extra, used = divmod(w, width)
                lines += int(extra)
            else:
                used += space + w
    return max(lines, 1)


# --------------------------------------------------------------------------- flowchart geometry

#: Columns that are not roles, left and right of them (points); text columns share what is left.
NO_W, WAKTU_W = 24.0, 50.0
ROLE_SHARE, ROLE_MIN, ROLE_MAX = 0.42, 40.0, 82.0
TEXT_WEIGHTS = (3.4, 1.9, 1.9, 1.4)  # Kegiatan, Kelengkapan, Output, Keterangan
#: Vertical room above and below a symbol, so consecutive symbols are joined by a visible arrow;
#: air below the last line of text in a row.
SYMBOL_GAP, TEXT_ROOM = 9.0, 4.0
#: Room the flowchart caption takes above the table. Rows render at their planned height, but an
#: arrow is only drawn where its rows would share a page even with each row PAGE_SLACK and the
#: header (whose long role labels may break differently) a line taller or shorter.
CAPTION_PT, CAPTION_H, PAGE_SLACK = 11.0, 19.0, 1.0


def column_widths(n_roles: int) -> list[float]:
    """Widths (pt) left to right: No, Kegiatan, each role, Kelengkapan, Waktu, Output, Keterangan."""
    role = min(ROLE_MAX, max(ROLE_MIN, TEXT_W * ROLE_SHARE / n_roles))
    rest = TEXT_W - NO_W - WAKTU_W - n_roles * role
    kegiatan, kelengkapan, output, keterangan = (rest * w / sum(TEXT_WEIGHTS) for w in TEXT_WEIGHTS)
    return [NO_W, kegiatan, *[role] * n_roles, kelengkapan, WAKTU_W, output, keterangan]


def symbol_size(kind: Symbol, role_w: float) -> tuple[float, float]:
    """Width and height (pt) of a flowchart symbol drawn in a role column ``role_w`` wide."""
    w = min(role_w * 0.72, 58.0)
    if kind == "decision":  # wider than the others, but inside the cell's margins
        return min(role_w - 2 * CELL_PAD_X - 2, w * 1.25), 30.0
    if kind == "connector":
        return 18.0, 18.0
    return w, 20.0


@dataclass(frozen=True)
class Spot:
    """Centre and size (pt) of a step's symbol: x from the left margin, y from the top of its row."""

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


@dataclass(frozen=True)
class FlowLayout:
    """Where everything of one flowchart table goes, in points."""

    widths: list[float]
    n_roles: int
    header_heights: list[float]
    row_heights: list[float]
    pages_if_shorter: list[int]
    pages_if_taller: list[int]

    @property
    def role_w(self) -> float:
        return self.widths[2]

    def role_center(self, column: int) -> float:
        """x of the middle of role column ``column``, from the left margin (the table fills the text width)."""
        return sum(self.widths[: 2 + column]) + self.role_w / 2

    def spot(self, row: int, column: int, kind: Symbol) -> Spot:
        w, h = symbol_size(kind, self.role_w)
        return Spot(row, column, self.role_center(column), self.row_heights[row] / 2, w, h)

    def same_page(self, a: int, b: int) -> bool:
        """Whether rows ``a`` and ``b`` surely land on one page, even if the height estimate is a little off."""
        return all(pages[a] == pages[b] for pages in (self.pages_if_shorter, self.pages_if_taller))

    def row_offset(self, src: int, dst: int) -> float:
        """Distance from the top of row ``src`` to the top of row ``dst`` (negative when above)."""
        if dst >= src:
            return sum(self.row_heights[src:dst])
        return -sum(self.row_heights[dst:src])


def _texts_of(step: dict[str, Any]) -> list[str]:
    """The printed text cells of a step row, left to right without the role cells."""
    waktu = (step.get("waktu") or {}).get("raw") or ""
    return [str(step.get("no", "")), step.get("kegiatan") or "", step.get("kelengkapan") or "", waktu,
            step.get("output") or "", step.get("keterangan") or ""]


def _role_labels(sop: dict[str, Any]) -> list[str]:
    """Column headers of the roles: the first label each role was seen under."""
    return [(role.get("labels") or [role["name"]])[0] for role in sop["roles"]]


def _text_columns(widths: list[float]) -> list[float]:
    return [widths[0], widths[1], *widths[-4:]]


def plan_flowchart(sop: dict[str, Any], spell: Spellings) -> FlowLayout:
    """Column widths, row heights and the predicted page of every step row."""
    n = len(sop["roles"])
    widths = column_widths(n)
    inner = [w - 2 * CELL_PAD_X for w in widths]
    label_lines = max(line_count(label, inner[2], TABLE_PT, bold=True) for label in _role_labels(sop))
    waktu_lines = line_count(spell.waktu, inner[-3], TABLE_PT, bold=True)
    headers = [_text_height(1), _text_height(max(label_lines, waktu_lines))]
    if spell.number_row:
        headers.append(_text_height(1) - TEXT_ROOM + 1)
    rows = []
    for step in sop["steps"]:
        lines = max(line_count(t, w, TABLE_PT) for t, w in zip(_texts_of(step), _text_columns(inner), strict=True))
        kind = step.get("simbol") or "process"
        rows.append(max(_text_height(lines), symbol_size(kind, widths[2])[1] + 2 * SYMBOL_GAP))
    header = sum(headers)
    return FlowLayout(widths, n, headers, rows, _paginate(rows, header - LINE_PT, -PAGE_SLACK),
                      _paginate(rows, header + LINE_PT, PAGE_SLACK))


def _text_height(lines: int) -> float:
    """Row height that holds ``lines`` lines of table text, with some air below the last."""
    return lines * LINE_PT + 2 * CELL_PAD_Y + TEXT_ROOM


def _paginate(rows: list[float], header: float, slack: float) -> list[int]:
    """Page index of each row, every height changed by ``slack``: rows do not split, the header repeats,
    and a row too tall for any page still goes on a page of its own."""
    room = PAGE_H - 2 * MARGIN
    page, used, pages = 0, CAPTION_H + header, []
    for height in rows:
        if used + height + slack > room and pages and pages[-1] == page:
            page, used = page + 1, header
        used += height + slack
        pages.append(page)
    return pages


# --------------------------------------------------------------------------- DrawingML shapes

PRESETS: dict[str, str] = {
    "terminator": "flowChartTerminator",
    "process": "flowChartProcess",
    "decision": "flowChartDecision",
    "connector": "flowChartOffpageConnector",
}
#: VML shape types Word writes in the mc:Fallback for each preset: (o:spt, path).
VML_TYPES: dict[str, tuple[int, str]] = {
    "flowChartProcess": (109, "m,l,21600r21600,l21600,xe"),
    "flowChartDecision": (110, "m10800,l,10800,10800,21600,21600,10800xe"),
    "flowChartTerminator": (116, "m3475,qx,10800,3475,21600l18125,21600qx21600,10800,18125,l3475,xe"),
    "flowChartOffpageConnector": (177, "m,l21600,r,17150l10800,21600,,17150xe"),
    "straightConnector1": (32, "m,l21600,21600e"),
    "bentConnector3": (34, "m,l@0,0@0,21600,21600,21600e"),
    "rect": (202, "m,l,21600r21600,l21600,xe"),
}
DISPLAY_NAMES = {
    "flowChartProcess": "Flowchart: Process", "flowChartDecision": "Flowchart: Decision",
    "flowChartTerminator": "Flowchart: Terminator", "flowChartOffpageConnector": "Flowchart: Off-page Connector",
    "straightConnector1": "Straight Arrow Connector", "bentConnector3": "Elbow Connector", "rect": "Text Box",
}
CONNECTORS = frozenset({"straightConnector1", "bentConnector3"})
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
}
WPS_URI = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
LINE_EMU = 9525  # 0.75 pt, Word's default outline


@dataclass(frozen=True)
class Placement:
    """An anchored shape's unrotated box: x from the left margin, y from the anchor paragraph's top (pt)."""

    x: float
    y: float
    w: float
    h: float
    rot90: bool = False
    flip_h: bool = False
    flip_v: bool = False
    adj: int | None = None  # bentConnector3's adj1, in 1/100000 of the width


@dataclass(frozen=True)
class Shape:
    """One DrawingML shape to draw: a preset geometry, its box, and the text of a label (text boxes only)."""

    prst: str
    box: Placement
    text: str = ""


class DrawingWriter:
    """Makes the document's drawings: Word-style ``mc:AlternateContent`` shapes (a ``wps:wsp`` choice with a
    VML fallback) and inline pictures.

    It alone numbers them (``wp:docPr/@id`` must be unique in the document;
    python-docx's own numbering rescans the whole document per picture, which
    is quadratic) and stacks shapes in drawing order; a VML shape type is
    defined once, in the first fallback that uses it, as Word does.
    """

    def __init__(self, part: StoryPart) -> None:
        self._part = part
        self._count = 0
        self._vml_defined: set[str] = set()

    def picture(self, png: bytes, w: float, h: float | None = None) -> CT_Inline:
        """An inline picture ``w`` points wide (and ``h`` high, else in proportion); the image is stored once."""
        rel_id, image = self._part.get_or_add_image(io.BytesIO(png))
        cx, cy = image.scaled_dimensions(Pt(w), Pt(h) if h is not None else None)
        return CT_Inline.new_pic_inline(self._next(), rel_id, image.filename, cx, cy)

    def inline(self, prst: str, w: float, h: float) -> BaseOxmlElement:
        """A shape that sits in the text line of its paragraph, like a character."""
        sid = self._next()
        graphic = self._graphic(Shape(prst, Placement(0, 0, w, h)))
        choice = (f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{emu(w)}" cy="{emu(h)}"/>'
                  f'<wp:effectExtent l="0" t="0" r="0" b="0"/>{self._doc_pr(sid, prst)}<wp:cNvGraphicFramePr/>'
                  f"{graphic}</wp:inline>")
        style = (f"width:{w:.2f}pt;height:{h:.2f}pt;mso-position-horizontal-relative:char;"
                 "mso-position-vertical-relative:line")
        return self._alternate(choice, self._vml(sid, Shape(prst, Placement(0, 0, w, h)), style))

    def anchored(self, shape: Shape) -> BaseOxmlElement:
        """A floating shape, placed from the left margin and from the top of the paragraph it is anchored in."""
        sid = self._next()
        b = shape.box
        choice = (f'<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
                  f'relativeHeight="{251658240 + sid * 1024}" behindDoc="0" locked="0" layoutInCell="0" '
                  f'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
                  f'<wp:positionH relativeFrom="margin"><wp:posOffset>{emu(b.x)}</wp:posOffset></wp:positionH>'
                  f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{emu(b.y)}</wp:posOffset></wp:positionV>'
                  f'<wp:extent cx="{emu(b.w)}" cy="{emu(b.h)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                  f"<wp:wrapNone/>{self._doc_pr(sid, shape.prst)}<wp:cNvGraphicFramePr/>"
                  f"{self._graphic(shape)}</wp:anchor>")
        transform = ";rotation:90" if b.rot90 else ""
        flips = " ".join(f for f, on in (("x", b.flip_h), ("y", b.flip_v)) if on)
        transform += f";flip:{flips}" if flips else ""
        style = (f"position:absolute;margin-left:{b.x:.2f}pt;margin-top:{b.y:.2f}pt;width:{b.w:.2f}pt;"
                 f"height:{b.h:.2f}pt;z-index:{sid}{transform};mso-position-horizontal-relative:margin;"
                 f"mso-position-vertical-relative:text")
        return self._alternate(choice, self._vml(sid, shape, style))

    def _next(self) -> int:
        self._count += 1
        return self._count

    @staticmethod
    def _doc_pr(sid: int, prst: str) -> str:
        return f'<wp:docPr id="{sid}" name="{DISPLAY_NAMES[prst]} {sid}"/>'

    @staticmethod
    def _graphic(shape: Shape) -> str:
        b = shape.box
        attrs = "".join(a for a, on in ((' rot="5400000"', b.rot90), (' flipH="1"', b.flip_h),
                                        (' flipV="1"', b.flip_v)) if on)
        geometry = f'<a:gd name="adj1" fmla="val {b.adj}"/>' if b.adj is not None else ""
        xfrm = f'<a:xfrm{attrs}><a:off x="0" y="0"/><a:ext cx="{emu(b.w)}" cy="{emu(b.h)}"/></a:xfrm>'
        prst = f'<a:prstGeom prst="{shape.prst}"><a:avLst>{geometry}</a:avLst></a:prstGeom>'
        black = '<a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
        if shape.prst in CONNECTORS:
            nv, fill = "<wps:cNvCnPr/>", ""
            line = f'<a:ln w="{LINE_EMU}">{black}<a:tailEnd type="triangle"/></a:ln>'
        elif shape.prst == "rect":
            nv, fill, line = '<wps:cNvSpPr txBox="1"/>', "<a:noFill/>", "<a:ln><a:noFill/></a:ln>"
        else:
            nv, fill = "<wps:cNvSpPr/>", '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
            line = f'<a:ln w="{LINE_EMU}">{black}</a:ln>'
        text = f"<wps:txbx>{_txbx_content(shape.text)}</wps:txbx>" if shape.text else ""
        inset = "0" if shape.text else "91440"
        body = (f'<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="{inset}" tIns="0" rIns="{inset}" bIns="0" '
                f'anchor="{"t" if shape.text else "ctr"}" anchorCtr="0"><a:noAutofit/></wps:bodyPr>')
        return (f'<a:graphic xmlns:a="{NS["a"]}"><a:graphicData uri="{WPS_URI}"><wps:wsp>{nv}'
                f"<wps:spPr>{xfrm}{prst}{fill}{line}</wps:spPr>{text}{body}</wps:wsp></a:graphicData></a:graphic>")

    def _vml(self, sid: int, shape: Shape, style: str) -> str:
        spt, path = VML_TYPES[shape.prst]
        shapetype = ""
        if shape.prst not in self._vml_defined:
            self._vml_defined.add(shape.prst)
            formulas = '<v:formulas><v:f eqn="val #0"/></v:formulas>' if shape.prst == "bentConnector3" else ""
            one_d = ' o:oned="t" filled="f"' if shape.prst in CONNECTORS else ""
            shapetype = (f'<v:shapetype id="_x0000_t{spt}" coordsize="21600,21600" o:spt="{spt}"{one_d} '
                         f'path="{path}"><v:stroke joinstyle="miter"/>{formulas}<v:path o:connecttype="rect"/>'
                         f"</v:shapetype>")
        if shape.prst in CONNECTORS:
            kind = "straight" if shape.prst == "straightConnector1" else "elbow"
            adj = f' adj="{round(shape.box.adj * 21600 / 100000)}"' if shape.box.adj is not None else ""
            paint = f' o:connectortype="{kind}"{adj} strokeweight=".75pt"><v:stroke endarrow="block"/></v:shape>'
        elif shape.text:
            paint = (f' filled="f" stroked="f"><v:textbox inset="0,0,0,0">{_txbx_content(shape.text)}'
                     f"</v:textbox></v:shape>")
        else:
            paint = ' fillcolor="white" strokeweight=".75pt"/>'
        return (f'<w:pict>{shapetype}<v:shape id="{DISPLAY_NAMES[shape.prst]} {sid}" o:spid="_x0000_s{1024 + sid}" '
                f'type="#_x0000_t{spt}" style="{style}"{paint}</w:pict>')

    @staticmethod
    def _alternate(choice: str, fallback: str) -> BaseOxmlElement:
        decls = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items() if p != "a")
        return parse_xml(f'<mc:AlternateContent {decls}><mc:Choice Requires="wps"><w:drawing>{choice}</w:drawing>'
                         f"</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>")


def _txbx_content(text: str) -> str:
    """The paragraph inside a label text box ("Ya"/"Tidak"): 8 pt, no spacing."""
    return (f'<w:txbxContent><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/><w:sz w:val="16"/></w:rPr>'
            f"<w:t>{escape(text)}</w:t></w:r></w:p></w:txbxContent>")


# --------------------------------------------------------------------------- arrows between symbols

LABEL_W, LABEL_H = 26.0, 10.0
#: How far outside the symbols a side route runs, and the least horizontal extent an elbow may have.
LANE_GAP, MIN_DX = 8.0, 1.0
#: Where a down elbow turns across, as a share (1/100000) of the way down from the source symbol.
ELBOW_ACROSS = 35000


def down_arrow(src: Spot, dst: Spot, dy: float) -> Shape:
    """From the bottom of ``src`` to the top of ``dst`` in the next row (``dy`` = top of dst's row from src's).

    Same column: a straight arrow. Other column: an elbow rotated a quarter
    turn (down, across, down), as Word draws a bottom-to-top elbow connector;
    its across leg runs inside the source row, clear of the row's border line.
    """
    x0, y0, x1, y1 = src.cx, src.bottom, dst.cx, dy + dst.top
    if abs(x1 - x0) < MIN_DX:
        return Shape("straightConnector1", Placement(x0, y0, 0, y1 - y0))
    # The unrotated box is |dy| wide and |dx| high, centred between the ends; a quarter turn stands it up.
    w, h = y1 - y0, abs(x1 - x0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box = Placement(cx - w / 2, cy - h / 2, w, h, rot90=True, flip_v=x1 > x0, adj=ELBOW_ACROSS)
    return Shape("bentConnector3", box)


def side_arrow(src: Spot, dst: Spot, dy: float, right: bool) -> Shape:
    """From the side of ``src`` to the same side of ``dst`` in any other row, through a lane beside both.

    An unrotated elbow (across, along, across) whose middle leg runs at the
    lane: adj1 is where the lane lies as a fraction of the way from start to end.
    """
    sign = 1 if right else -1
    x0, y0 = src.cx + sign * src.w / 2, src.cy
    x1, y1 = dst.cx + sign * dst.w / 2, dy + dst.cy
    if abs(x1 - x0) < MIN_DX:
        x1 = x0 - sign * MIN_DX  # keep a width for adj1 to be a fraction of; the tip enters the symbol by 1 pt
    lane = (max(x0, x1) + LANE_GAP) if right else (min(x0, x1) - LANE_GAP)
    adj = round((lane - x0) / (x1 - x0) * 100000)
    box = Placement(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0), flip_h=x1 < x0, flip_v=y1 < y0, adj=adj)
    return Shape("bentConnector3", box)


def exit_label(src: Spot, text: str, down: bool, right: bool) -> Shape:
    """A "Ya"/"Tidak" text box beside the exit a decision arrow leaves from."""
    if down:
        return Shape("rect", Placement(src.cx + 3, src.bottom + 1, LABEL_W, LABEL_H), text)
    x = src.cx + src.w / 2 + 2 if right else src.cx - src.w / 2 - 2 - LABEL_W
    return Shape("rect", Placement(x, src.cy - LABEL_H - 1, LABEL_W, LABEL_H), text)


def flow_shapes(sop: dict[str, Any], layout: FlowLayout, spots: dict[int, Spot]) -> Iterator[tuple[int, Shape]]:
    """Arrows and decision labels of the flowchart, each with the row it is anchored in.

    ``spots`` maps step numbers to their first performer's symbol. The next
    step down gets a down arrow; any other target (a loop back, a jump) a
    side route, right of the symbols unless that runs into the Mutu Baku
    columns, the other side for a second one. Arrows that would cross
    a page break are left out, as on paper, where an SOP marks the break
    with off-page connectors when its author drew them.
    """
    for step in sop["steps"]:
        src = spots.get(step["no"])
        if src is None:
            continue
        labels = {t: word for word, t in (("Ya", (step.get("branches") or {}).get("ya")),
                                          ("Tidak", (step.get("branches") or {}).get("tidak"))) if t is not None}
        outermost = max([src.column, *(spots[t].column for t in step.get("next") or [] if t in spots)])
        first_right = outermost < layout.n_roles - 1 or src.column == 0
        sides = iter((first_right, not first_right))
        for target in step.get("next") or []:
            dst = spots.get(target)
            if dst is None or dst.row == src.row or not layout.same_page(src.row, dst.row):
                continue
            dy = layout.row_offset(src.row, dst.row) - CELL_PAD_Y
            down = dst.row == src.row + 1
            right = True if down else next(sides, first_right)
            # y from the top of the anchor paragraph, which starts below the cell's top pad
            origin = Spot(src.row, src.column, src.cx, src.cy - CELL_PAD_Y, src.w, src.h)
            yield src.row, down_arrow(origin, dst, dy) if down else side_arrow(origin, dst, dy, right)
            if target in labels:
                yield src.row, exit_label(origin, labels[target], down, right)


# --------------------------------------------------------------------------- pictures


@cache
def symbol_png(kind: Symbol) -> bytes:
    """A flowchart symbol as a PNG (black outline, white inside, transparent around), drawn 4x and reduced."""
    big = {"decision": (480, 240), "connector": (240, 240)}.get(kind, (480, 180))
    image = Image.new("RGBA", big, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    w, h = big[0] - 8, big[1] - 8
    style = {"fill": (255, 255, 255, 255), "outline": (0, 0, 0, 255), "width": 10}
    if kind == "terminator":
        draw.rounded_rectangle((4, 4, w, h), radius=h // 2, **style)
    elif kind == "decision":
        draw.polygon([(big[0] // 2, 4), (w, big[1] // 2), (big[0] // 2, h), (4, big[1] // 2)], **style)
    elif kind == "connector":
        draw.polygon([(4, 4), (w, 4), (w, h * 0.75), (big[0] // 2, h), (4, h * 0.75)], **style)
    else:
        draw.rectangle((4, 4, w, h), **style)
    return _png(image.resize((big[0] // 4, big[1] // 4), Image.Resampling.LANCZOS))


@cache
def logo_png() -> bytes:
    """A generic regional emblem (a shield with a star) for the identity page's logo cell."""
    image = Image.new("RGBA", (400, 460), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    shield = [(20, 20), (380, 20), (380, 250), (200, 440), (20, 250)]
    draw.polygon(shield, fill=(0, 110, 60, 255), outline=(0, 0, 0, 255), width=10)
    draw.polygon([(60, 60), (340, 60), (340, 235), (200, 390), (60, 235)], fill=(240, 200, 40, 255))
    star = [(200, 90), (224, 160), (298, 160), (238, 204), (262, 276), (200, 232), (138, 276), (162, 204),
            (102, 160), (176, 160)]
    draw.polygon(star, fill=(200, 20, 30, 255))
    return _png(image.resize((100, 115), Image.Resampling.LANCZOS))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# --------------------------------------------------------------------------- table helpers

#: Order of the cell properties the writer sets, as CT_TcPr requires.
TCPR_ORDER = tuple(qn(f"w:{t}") for t in ("tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
                                           "textDirection", "tcFitText", "vAlign", "hideMark"))


def _set_tcpr(cell: _Cell, child: BaseOxmlElement) -> None:
    """Put ``child`` into the cell's tcPr at its schema position, replacing one of the same name."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(child.tag):
        tc_pr.remove(old)
    rank = TCPR_ORDER.index(child.tag)
    later = [c for c in tc_pr if c.tag in TCPR_ORDER and TCPR_ORDER.index(c.tag) > rank]
    if later:
        later[0].addprevious(child)
    else:
        tc_pr.append(child)


def _shade(cell: _Cell, fill: str) -> None:
    _set_tcpr(cell, parse_xml(f'<w:shd xmlns:w="{NS["w"]}" w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _write(paragraph: Paragraph, text: str, size: float = TABLE_PT, bold: bool = False,
           align: WD_ALIGN_PARAGRAPH | None = None, underline: bool = False) -> Paragraph:
    """Set one paragraph's text as a single run, with the table's exact line height."""
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.underline = Pt(size), bold or None, underline or None
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(max(LINE_PT, size + 2))
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _cell_text(cell: _Cell, text: str, **fmt: Any) -> None:
    """Fill an empty cell; each line of ``text`` becomes a paragraph."""
    for i, line in enumerate(text.split("\n")):
        _write(cell.paragraphs[0] if i == 0 else cell.add_paragraph(), line, **fmt)


def _fixed_table(doc: Document, rows: int, widths: list[float]) -> Table:
    """A "Table Grid" table of fixed column widths spanning the text width, centred."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(twips(w) for w in widths)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Pt(width)
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = Pt(width)
    return table


def _row_props(table: Table, row: int, height: float, header: bool = False) -> None:
    """An "at least" height that the content never exceeds, rows that never split, repeated header rows."""
    tr = table.rows[row]
    tr.height, tr.height_rule = Pt(height), WD_ROW_HEIGHT_RULE.AT_LEAST
    tr_pr = tr._tr.get_or_add_trPr()
    tr_pr.insert(0, parse_xml(f'<w:cantSplit xmlns:w="{NS["w"]}"/>'))
    if header:
        tr_pr.append(parse_xml(f'<w:tblHeader xmlns:w="{NS["w"]}"/>'))


def _cell_margins(table: Table, x: float, y: float) -> None:
    sides = "".join(f'<w:{s} w:w="{twips(v)}" w:type="dxa"/>' for s, v in
                    (("top", y), ("left", x), ("bottom", y), ("right", x)))
    margins = parse_xml(f'<w:tblCellMar xmlns:w="{NS["w"]}">{sides}</w:tblCellMar>')
    look = table._tbl.tblPr.find(qn("w:tblLook"))  # CT_TblPr order: tblCellMar comes before tblLook
    if look is None:
        table._tbl.tblPr.append(margins)
    else:
        look.addprevious(margins)


# --------------------------------------------------------------------------- identity page

IDENTITY_WIDTHS = (TEXT_W * 0.44, TEXT_W * 0.17, TEXT_W * 0.39)
LIST_SECTIONS = (("Dasar Hukum", "dasar_hukum", "Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
                 ("Keterkaitan", "keterkaitan", "Peralatan/Perlengkapan", "peralatan_perlengkapan"),
                 ("Peringatan", "peringatan", "Pencatatan dan Pendataan", "pencatatan_pendataan"))


def format_nip(nip: str) -> str:
    """An 18-digit NIP grouped as printed on Indonesian civil-service documents (8 6 1 3)."""
    if len(nip) == 18 and nip.isdigit():
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def identity_page(doc: Document, identity: dict[str, Any], spell: Spellings, drawings: DrawingWriter) -> None:
    """The SOP AP identity table: logo and agency on the left, the SOP's particulars on the right,
    then the three two-column blocks of numbered lists."""
    fields = [("Nomor SOP", identity.get("nomor") or "-"),
              ("Tanggal Pembuatan", spell.date(identity.get("tanggal_pembuatan"))),
              ("Tanggal Revisi", spell.date(identity.get("tanggal_revisi"))),
              ("Tanggal Efektif", spell.date(identity.get("tanggal_efektif")))]
    if identity.get("tanggal_pengesahan"):
        fields.append(("Tanggal Pengesahan", spell.date(identity["tanggal_pengesahan"])))
    fields += [("Disahkan Oleh", None), ("Nama SOP", None)]
    table = _fixed_table(doc, len(fields) + 2 * len(LIST_SECTIONS), list(IDENTITY_WIDTHS))
    _cell_margins(table, CELL_PAD_X + 1, 2)
    _agency_cell(table.cell(0, 0).merge(table.cell(len(fields) - 1, 0)), identity, drawings)
    for row, (label, value) in enumerate(fields):
        _cell_text(table.cell(row, 1), label, size=BODY_PT)
        cell = table.cell(row, 2)
        if label == "Disahkan Oleh":
            _approver_cell(cell, identity.get("disahkan_oleh"))
        elif label == "Nama SOP":
            _cell_text(cell, (identity.get("nama") or "").upper(), size=BODY_PT + 1, bold=True)
        else:
            _cell_text(cell, value, size=BODY_PT)
    for i, (left, left_key, right, right_key) in enumerate(LIST_SECTIONS):
        row = len(fields) + 2 * i
        for r in (row, row + 1):
            table.cell(r, 1).merge(table.cell(r, 2))
        for column, title, key in ((0, left, left_key), (1, right, right_key)):
            head = table.cell(row, column)
            _cell_text(head, f"{title}:", size=BODY_PT, bold=True)
            _shade(head, "F2F2F2")
            _numbered(table.cell(row + 1, column), identity.get(key) or [])


def _agency_cell(cell: _Cell, identity: dict[str, Any], drawings: DrawingWriter) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    logo = cell.paragraphs[0]
    logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    logo.add_run()._r.add_drawing(drawings.picture(logo_png(), 62))
    for text in (identity.get("instansi"), identity.get("unit")):
        if text:
            _write(cell.add_paragraph(), text.upper(), size=BODY_PT + 2, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _approver_cell(cell: _Cell, approver: dict[str, Any] | None) -> None:
    """Jabatan, room for the signature and stamp, then the name underlined and the NIP."""
    approver = approver or {}
    _write(cell.paragraphs[0], (approver.get("jabatan") or "").upper(), size=BODY_PT, bold=True)
    for _ in range(3):
        _write(cell.add_paragraph(), "", size=BODY_PT)
    _write(cell.add_paragraph(), approver.get("nama") or "", size=BODY_PT, bold=True, underline=True)
    if approver.get("nip"):
        _write(cell.add_paragraph(), f"NIP. {format_nip(approver['nip'])}", size=BODY_PT)


def _numbered(cell: _Cell, items: list[str]) -> None:
    """Items typed with their numbers ("1. ..."), hanging under the number, as offices type them."""
    for i, item in enumerate(items or ["-"]):
        paragraph = _write(cell.paragraphs[0] if i == 0 else cell.add_paragraph(),
                           f"{i + 1}.\t{item}" if items else item, size=BODY_PT)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.first_line_indent = Pt(16), Pt(-16)
        fmt.tab_stops.add_tab_stop(Pt(16))


# --------------------------------------------------------------------------- flowchart table


def flowchart(doc: Document, sop: dict[str, Any], style: DocxStyle, spell: Spellings, drawings: DrawingWriter) -> None:
    """Caption, then the flowchart table: merged header rows, one row per step, a performer's symbol per cell."""
    layout = plan_flowchart(sop, spell)
    name = ((sop.get("identity") or {}).get("nama") or "").upper()
    caption = _write(doc.add_paragraph(), f"SOP : {name}", size=CAPTION_PT, bold=True)
    caption.paragraph_format.space_after = Pt(CAPTION_H - (CAPTION_PT + 2))  # _write sets the line to size + 2
    n_head = len(layout.header_heights)
    table = _fixed_table(doc, n_head, layout.widths)
    _cell_margins(table, CELL_PAD_X, CELL_PAD_Y)
    _header(table, sop, spell, layout)
    columns = {role["id"]: i for i, role in enumerate(sop["roles"])}
    spots: dict[int, Spot] = {}
    for i, step in enumerate(sop["steps"]):
        table.add_row()  # after the header's merges: Table.cell walks every row, so merge while there are few
        _row_props(table, n_head + i, layout.row_heights[i])
        cells = _row_cells(table, n_head + i)
        for column, text in zip(_text_column_indices(layout.n_roles), _texts_of(step), strict=True):
            center = column in (0, len(layout.widths) - 3)
            _cell_text(cells[column], text, align=WD_ALIGN_PARAGRAPH.CENTER if center else None)
        kind: Symbol = step.get("simbol") or "process"
        for column in (columns[p] for p in step.get("pelaksana") or [] if p in columns):
            spot = layout.spot(i, column, kind)
            spots.setdefault(step["no"], spot)
            _performer(cells[2 + column], cells[0], spot, kind, style, spell, drawings)
    if style.symbols == "shape":
        for i, shape in flow_shapes(sop, layout, spots):
            _row_cells(table, n_head + i)[0].paragraphs[0].add_run()._r.append(drawings.anchored(shape))


def _row_cells(table: Table, row: int) -> list[_Cell]:
    """The cells of a row without merged cells, one per grid column.

    ``Table.cell`` and ``_Row.cells`` walk the whole table on every call,
    which makes filling a long flowchart quadratic; a step row's ``w:tc``
    elements are its cells.
    """
    return [_Cell(tc, table) for tc in table.rows[row]._tr.tc_lst]


def _text_column_indices(n_roles: int) -> list[int]:
    return [0, 1, *range(2 + n_roles, 6 + n_roles)]


def _header(table: Table, sop: dict[str, Any], spell: Spellings, layout: FlowLayout) -> None:
    """Row 1: No | Kegiatan | Pelaksana (spanning the roles) | Mutu Baku (spanning three) | Keterangan;
    row 2: the role labels and Kelengkapan | Waktu | Output; an optional row numbering the columns."""
    n = layout.n_roles
    last = len(layout.widths) - 1
    for column, title in ((0, "No"), (1, spell.kegiatan), (last, "Keterangan")):
        _cell_text(table.cell(0, column).merge(table.cell(1, column)), title, bold=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(table.cell(0, 2).merge(table.cell(0, 1 + n)), "Pelaksana", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(table.cell(0, 2 + n).merge(table.cell(0, 4 + n)), spell.mutu, bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    labels = [*_role_labels(sop), "Kelengkapan", spell.waktu, "Output"]
    for offset, label in enumerate(labels):
        _cell_text(table.cell(1, 2 + offset), label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if spell.number_row:
        for column in range(last + 1):
            _cell_text(table.cell(2, column), str(column + 1), align=WD_ALIGN_PARAGRAPH.CENTER)
    for row, height in enumerate(layout.header_heights):
        _row_props(table, row, height, header=True)
        for cell in table.rows[row].cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if row < 2:
                _shade(cell, "D9D9D9")


def _performer(cell: _Cell, anchor: _Cell, spot: Spot, kind: Symbol, style: DocxStyle, spell: Spellings,
               drawings: DrawingWriter) -> None:
    """Put the evidence that this role performs the step into (or, floating, over) its cell."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    if style.symbols == "mark":
        _write(paragraph, spell.mark, size=11, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    elif style.symbols == "picture":
        paragraph.add_run()._r.add_drawing(drawings.picture(symbol_png(kind), spot.w, spot.h))
    elif style.floating:
        box = Placement(spot.cx - spot.w / 2, spot.top - CELL_PAD_Y, spot.w, spot.h)
        anchor.paragraphs[0].add_run()._r.append(drawings.anchored(Shape(PRESETS[kind], box)))
    else:
        paragraph.add_run()._r.append(drawings.inline(PRESETS[kind], spot.w, spot.h))


# --------------------------------------------------------------------------- signature and document


def signature(doc: Document, sign: dict[str, Any] | None, spell: Spellings) -> None:
    """The closing block at the right: place and date, jabatan, room to sign, name and NIP."""
    if not sign or not (sign.get("nama") or sign.get("jabatan")):
        return
    lines: list[tuple[str, bool, bool]] = [("", False, False)]
    place_date = ", ".join(t for t in (sign.get("tempat"), sign.get("tanggal") and spell.date(sign["tanggal"])) if t)
    if place_date:
        lines.append((place_date, False, False))
    lines += [((sign.get("jabatan") or "").upper(), True, False), ("", False, False), ("", False, False),
              ("", False, False), (sign.get("nama") or "", True, True)]
    if sign.get("nip"):
        lines.append((f"NIP. {format_nip(sign['nip'])}", False, False))
    for text, bold, underline in lines:
        paragraph = _write(doc.add_paragraph(), text, size=BODY_PT, bold=bold, underline=underline,
                           align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.left_indent = Pt(TEXT_W * 0.62)


def _landscape(doc: Document) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Pt(PAGE_W), Pt(PAGE_H)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(MARGIN))


def _base_style(doc: Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(0)


def _fixed_properties(doc: Document, title: str) -> None:
    """Core properties with fixed dates and no tool signature, so two runs give the same bytes."""
    props = doc.core_properties
    props.author = props.last_modified_by = "Admin"
    props.title, props.comments, props.revision = title, "", 1
    props.created = props.modified = props.last_printed = FIXED_DATE


def write_docx(sops: list[dict[str, Any]], path: Path, style: DocxStyle) -> None:
    """Write ``sops`` (``sopbaku/1`` SOP dicts) to ``path`` as one Word file: per SOP an identity page and a
    flowchart page (landscape sections), the flowchart followed by its signature block.

    Cell texts are printed exactly as given (``waktu.raw`` included), so the
    dicts are the expected extraction result of the file. Raises
    :class:`ValueError` for an SOP without role columns.
    """
    doc = docx.Document()
    _base_style(doc)
    _landscape(doc)
    spell = Spellings.of(style.header_variant)
    drawings = DrawingWriter(doc.part)
    for i, sop in enumerate(sops):
        if not sop.get("roles"):
            raise ValueError(f"SOP {i + 1}: a flowchart needs at least one role column")
        if i:
            doc.add_section(WD_SECTION.NEW_PAGE)
        identity_page(doc, sop.get("identity") or {}, spell, drawings)
        doc.add_section(WD_SECTION.NEW_PAGE)
        flowchart(doc, sop, style, spell, drawings)
        signature(doc, sop.get("signature"), spell)
    first = (sops[0].get("identity") or {}) if sops else {}
    _fixed_properties(doc, first.get("nama") or "")
    buffer = io.BytesIO()
    doc.save(buffer)
    Path(path).write_bytes(_stable_zip(buffer.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """The same package with every member's timestamp fixed (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
