"""The Word (.docx) reader: a Word file -> virtual pages (:mod:`sopbaku.ingest.layout`) -> raw SOPs.

A DOCX has no pages and no coordinates, only a stream of paragraphs and
tables. To share the layout-based assembly with the PDF and scan readers,
this reader lays the body out on *virtual pages*: one per section or hard
page break, at the section's paper width, as tall as its content. Table
columns take their ``w:tblGrid`` widths, rows their ``w:trHeight`` or the
height their text needs (estimated from font size and line spacing), so a
cell's box is where Word would draw it, give or take a line. Merged cells
(``w:gridSpan``, ``w:vMerge``) become one :class:`Cell` with its spans.

Performers are read from what sits in role cells: a DrawingML or VML shape
inline in the cell (the cell *is* its position), a pasted picture of a
symbol, a floating shape placed by its anchor offsets on the virtual page,
or a typed tick ("√", "v", "X") which becomes a ``mark`` and not cell text.
Drawn connectors become :class:`Arrow` s with the "Ya"/"Tidak" text box next
to them. Everything after that (which table is the flowchart, which column a
role, which row a symbol) is :func:`sopbaku.ingest.assemble.assemble`'s job.

The file is checked before anything is parsed: a ZIP bomb or a package that
is not a Word document is refused with a one-line error, and every XML part
is parsed without entity expansion, DTDs or network access.
"""

from __future__ import annotations

import io
import posixpath
import re
import statistics
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from sopbaku.errors import InputFileError, UnsupportedFormatError
from sopbaku.ingest import guards, register
from sopbaku.ingest.docx_shapes import (
    MAX_LABEL_CHARS,
    Anchor,
    Drawing,
    Item,
    link_arrows,
    moved,
    number,
    q,
    read_drawing,
)
from sopbaku.ingest.layout import BBox, Cell, Page, Symbol, Table, TextLine
from sopbaku.raw import RawDocument, RawNote, RawSop

_Margins = tuple[float, float, float, float]  # top, left, bottom, right

# --------------------------------------------------------------------------- the package


@dataclass(frozen=True)
class ZipLimits:
    """What a Word file may hold before it is refused as a ZIP bomb (a real SOP file is a few MB)."""

    max_members: int = 5000
    max_total_bytes: int = 300 * 2**20
    #: Uncompressed/compressed size above which a member is a bomb; XML compresses 10-30x, bombs 1000x.
    max_ratio: float = 200.0
    #: Members smaller than this are never judged by their ratio.
    ratio_floor_bytes: int = 2**20


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


class _Package:
    """The ZIP members of a Word file, read with size limits, and its main document part."""

    def __init__(self, data: bytes, name: str, limits: ZipLimits) -> None:
        self.name = name
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise InputFileError(f"{name}: damaged ZIP/Word file ({exc})") from exc
        self._check(infos)
        self.members = {info.filename for info in infos}
        self.main = self._main_part()

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        limits = self.limits
        if len(infos) > limits.max_members:
            raise InputFileError(f"{self.name}: refused, the ZIP holds {len(infos)} members (a ZIP bomb?)")
        if sum(i.file_size for i in infos) > limits.max_total_bytes:
            raise InputFileError(f"{self.name}: refused, it unpacks to more than "
                                 f"{limits.max_total_bytes // 2**20} MB (a ZIP bomb?)")
        for info in infos:
            if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
                    info.compress_size, 1):
                raise InputFileError(f"{self.name}: refused, member {info.filename} is compressed "
                                     f"{info.file_size // max(info.compress_size, 1)}x (a ZIP bomb?)")

    def _main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        target = None
        if rels is not None:
            for rel in rels:
                if rel.get("Type") == _OFFICE_DOCUMENT:
                    target = rel.get("Target", "").lstrip("/")
        if target is None and "word/document.xml" in self.members:
            target = "word/document.xml"
        if target is None or target not in self.members:
            raise UnsupportedFormatError(f"{self.name}: {self._what_zip()}, not a Word document")
        return target

    def _what_zip(self) -> str:
        return self.other_office_file() or "a ZIP archive"

    def other_office_file(self) -> str | None:
        """What an office package that is not a Word document is ("an Excel workbook"), else None."""
        if "xl/workbook.xml" in self.members:
            return "an Excel workbook"
        if "ppt/presentation.xml" in self.members:
            return "a PowerPoint presentation"
        if "content.xml" in self.members:
            return "an OpenDocument file (save it as .docx)"
        return None

    def read(self, member: str) -> bytes | None:
        """A member's bytes, never more than its declared size (a lying header cannot unpack a bomb)."""
        if member not in self.members:
            return None
        info = self.zip.getinfo(member)
        try:
            with self.zip.open(info) as stream:
                data = stream.read(min(info.file_size, self.limits.max_total_bytes) + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError, ValueError,
                zlib.error) as exc:  # a damaged central directory points anywhere (a negative seek ...)
            raise InputFileError(f"{self.name}: a damaged Word file, part {member} cannot be unpacked ({exc})") \
                from exc
        if len(data) > info.file_size:
            raise InputFileError(f"{self.name}: refused, member {member} unpacks beyond its declared size")
        return data

    def xml(self, member: str) -> etree._Element | None:
        data = self.read(member)
        if data is None:
            return None
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            if "amplification" in str(exc.msg):
                raise InputFileError(f"{self.name}: refused, {member} declares entities that expand without end "
                                     "(an XML bomb?)") from exc
            raise InputFileError(f"{self.name}: a damaged Word file, {member} is not well-formed XML "
                                 f"({exc.msg})") from exc

    def related(self, part: str) -> dict[str, str]:
        """A part's relationships: id -> member path (external targets left out)."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        out: dict[str, str] = {}
        for rel in rels if rels is not None else []:
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = path
        return out


# --------------------------------------------------------------------------- styles, numbering, fonts

TWIP = 1 / 20  # points per twip
#: Word tables have at most 63 columns.
MAX_GRID_COLUMNS = 63
#: Largest list number printed as letters or roman numerals.
MAX_LIST_NUMBER = 5000
#: Line height of single spacing as a multiple of the font size (Arial/Calibri/Times are 1.15-1.22).
SINGLE_LINE = 1.15
#: Average advance of a character as a share of the font size, for estimating where text wraps.
CHAR_WIDTH = {"upper": 0.68, "lower": 0.5, "digit": 0.556, "space": 0.278, "other": 0.5}
#: From this ``compatibilityMode`` on (Word 2013), a table's indent is measured to its border, not its text.
MODERN_TABLES_MODE = 15
#: Pictures up to this many text lines tall may be symbols; taller ones (logos, photos) are not warned about.
SYMBOL_PICTURE_LINES = 4
#: Word's default cell margins (Table Normal): 0.08 in left and right.
DEFAULT_CELL_MARGINS = (0.0, 5.4, 0.0, 5.4)  # top, left, bottom, right


def _val(el: etree._Element | None, attr: str = "w:val") -> str | None:
    return None if el is None else el.get(q(attr))


def _on(el: etree._Element | None) -> bool:
    """An on/off property: present without a value, or with a true one."""
    return el is not None and _val(el) not in ("0", "false", "off")


def _num(value: str | None, default: float = 0.0) -> float:
    return number(value, default)


def _count(value: str | None, default: int) -> int:
    """A count of grid columns, within what Word allows (a damaged file may say anything)."""
    return max(0, min(int(_num(value, default)), MAX_GRID_COLUMNS))


@dataclass(frozen=True)
class _Spacing:
    before: float = 0.0
    after: float = 0.0
    line: float | None = None  # 240ths of a line (auto) or twips (exact/atLeast)
    rule: str = "auto"


class _Styles:
    """Font sizes, paragraph spacing and cell margins from ``styles.xml``, following ``w:basedOn``."""

    def __init__(self, root: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.default_table: str | None = None
        defaults = root.find(q("w:docDefaults")) if root is not None else None
        self.doc_rpr = defaults.find(f"{q('w:rPrDefault')}/{q('w:rPr')}") if defaults is not None else None
        self.doc_ppr = defaults.find(f"{q('w:pPrDefault')}/{q('w:pPr')}") if defaults is not None else None
        for style in root.iter(q("w:style")) if root is not None else []:
            sid = style.get(q("w:styleId"), "")
            self.by_id[sid] = style
            if style.get(q("w:default")) in ("1", "true"):
                kind = style.get(q("w:type"))
                if kind == "paragraph":
                    self.default_para = sid
                elif kind == "table":
                    self.default_table = sid

    def chain(self, sid: str | None, default: str | None) -> Iterator[etree._Element]:
        """The style and the styles it is based on, nearest first (at most 10: loops exist in the wild)."""
        sid = sid if sid in self.by_id else default
        for _ in range(10):
            style = self.by_id.get(sid or "")
            if style is None:
                return
            yield style
            sid = _val(style.find(q("w:basedOn")))

    def font_size(self, p_style: str | None) -> float:
        for style in self.chain(p_style, self.default_para):
            size = _val(style.find(f"{q('w:rPr')}/{q('w:sz')}"))
            if size:
                return _num(size, 22) / 2
        return _num(_val(self.doc_rpr.find(q("w:sz"))) if self.doc_rpr is not None else None, 20) / 2

    def spacing(self, p_style: str | None, t_style: str | None = None) -> _Spacing:
        """A paragraph's spacing from its styles: defaults, the Normal style, then (in a table) the table
        style, then the paragraph's own style chain; as Word lets a table style override Normal."""
        own = list(self.chain(p_style, self.default_para))
        normal = [s for s in own if s.get(q("w:styleId")) == self.default_para]
        table = list(self.chain(t_style, self.default_table)) if t_style is not None else []
        layers = [self.doc_ppr, *(s.find(q("w:pPr")) for s in reversed(normal)),
                  *(s.find(q("w:pPr")) for s in reversed(table)),
                  *(s.find(q("w:pPr")) for s in reversed(own) if s not in normal)]
        return _merge_spacing([layer.find(q("w:spacing")) for layer in layers if layer is not None])

    def numbering(self, p_style: str | None) -> tuple[str, int] | None:
        for style in self.chain(p_style, self.default_para):
            num_pr = style.find(f"{q('w:pPr')}/{q('w:numPr')}")
            if num_pr is not None:
                num_id = _val(num_pr.find(q("w:numId")))
                return (num_id, int(_num(_val(num_pr.find(q("w:ilvl"))), 0))) if num_id else None
        return None

    def cell_margins(self, t_style: str | None) -> _Margins:
        for style in self.chain(t_style, self.default_table):
            margins = style.find(f"{q('w:tblPr')}/{q('w:tblCellMar')}")
            if margins is not None:
                return _margins(margins, DEFAULT_CELL_MARGINS)
        return DEFAULT_CELL_MARGINS


def _merge_spacing(elements: list[etree._Element | None], base: _Spacing | None = None) -> _Spacing:
    """Spacing elements applied over ``base`` in order (defaults first, direct formatting last)."""
    out = base or _Spacing()
    for el in elements:
        if el is None:
            continue
        line = el.get(q("w:line"))
        out = _Spacing(_num(el.get(q("w:before")), out.before * 20) * TWIP,
                       _num(el.get(q("w:after")), out.after * 20) * TWIP,
                       _num(line, 240) if line is not None else out.line,
                       el.get(q("w:lineRule"), "auto") if line is not None else out.rule)
    return out


def _margins(el: etree._Element, default: _Margins) -> _Margins:
    """``w:tblCellMar``/``w:tcMar`` in points (``start``/``end`` are the bidi-neutral left/right)."""

    def side(*names: str, fallback: float) -> float:
        for name in names:
            child = el.find(q(f"w:{name}"))
            if child is not None and child.get(q("w:type"), "dxa") == "dxa":
                return _num(child.get(q("w:w")), fallback * 20) * TWIP
        return fallback

    top, left, bottom, right = default
    return (side("top", fallback=top), side("left", "start", fallback=left), side("bottom", fallback=bottom),
            side("right", "end", fallback=right))


class _Numbering:
    """Automatic list numbers ("1.", "a)") Word prints but does not store in the text.

    A step-number column or a Dasar Hukum list is often an automatic list;
    without this the printed numbers would be lost. Counters run per list
    and level in document order, and a level restarts its deeper levels.
    """

    FORMATS = ("decimal", "decimalZero", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman")

    def __init__(self, root: etree._Element | None) -> None:
        self.abstract: dict[str, etree._Element] = {}
        self.nums: dict[str, etree._Element] = {}
        for el in root if root is not None else []:
            if el.tag == q("w:abstractNum"):
                self.abstract[el.get(q("w:abstractNumId"), "")] = el
            elif el.tag == q("w:num"):
                self.nums[el.get(q("w:numId"), "")] = el
        self.counters: dict[str, list[int]] = {}

    def _level(self, num_id: str, ilvl: int) -> tuple[etree._Element | None, int]:
        num = self.nums.get(num_id)
        if num is None:
            return None, 1
        start_override = None
        for override in num.findall(q("w:lvlOverride")):
            if override.get(q("w:ilvl")) == str(ilvl):
                start_override = _val(override.find(q("w:startOverride")))
                lvl = override.find(q("w:lvl"))
                if lvl is not None:
                    return lvl, int(_num(start_override or _val(lvl.find(q("w:start"))), 1))
        abstract = self.abstract.get(_val(num.find(q("w:abstractNumId"))) or "")
        for lvl in abstract.findall(q("w:lvl")) if abstract is not None else []:
            if lvl.get(q("w:ilvl")) == str(ilvl):
                return lvl, int(_num(start_override or _val(lvl.find(q("w:start"))), 1))
        return None, 1

    def label(self, num_id: str, ilvl: int) -> str:
        """The printed label of the next paragraph of list ``num_id`` at level ``ilvl``; advances the count."""
        lvl, start = self._level(num_id, ilvl)
        if lvl is None or num_id == "0":
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        ilvl = max(0, min(ilvl, 8))
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        fmt = _val(lvl.find(q("w:numFmt"))) or "decimal"
        text = _val(lvl.find(q("w:lvlText"))) or ""
        if fmt == "bullet":
            return "•"
        if fmt == "none":
            return ""

        def level_number(match: re.Match[str]) -> str:
            level = int(match[1]) - 1
            value = counts[level] if 0 <= level < 9 and counts[level] else 1
            level_el, _ = self._level(num_id, level)
            return _format_number(value, (_val(level_el.find(q("w:numFmt"))) if level_el is not None else fmt)
                                  or "decimal")

        return re.sub(r"%(\d)", level_number, text)


def _format_number(value: int, fmt: str) -> str:
    """A list number in its format; absurd values (a damaged file) stay decimal."""
    if not 0 < value <= MAX_LIST_NUMBER:
        return str(value)
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)




def _roman(value: int) -> str:
    out = ""
    for amount, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= amount:
            out, value = out + letters, value - amount
    return out


#: Symbol fonts whose private code points are ticks and boxes (Word's Insert > Symbol).
SYMBOL_FONT_CHARS: dict[str, dict[int, str]] = {
    "wingdings": {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0x6C: "●", 0x6E: "■", 0xA8: "□", 0x6F: "□"},
    "wingdings 2": {0x50: "✓", 0x4F: "✗", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0x98: "●"},
    "symbol": {0xD6: "√", 0xB7: "•"},
}
#: A cell whose whole text is one of these says "this role acts" without drawing a symbol.
TICKS = frozenset("√✓✔☑✗✘☒vVxX")


def _symbol_char(font: str | None, code: int) -> str:
    """A symbol-font character as Unicode (code points may carry the 0xF000 private-use offset)."""
    table = SYMBOL_FONT_CHARS.get((font or "").strip().lower(), {})
    return table.get(code - 0xF000 if code >= 0xF000 else code, "")


def tick_of(text: str) -> str | None:
    """The tick a cell holds when it holds nothing else ("√", "v", "X"), or None."""
    stripped = text.strip()
    return stripped if len(stripped) == 1 and stripped in TICKS else None


# --------------------------------------------------------------------------- paragraphs


@dataclass
class _Para:
    """One paragraph as Word prints it: its lines, measured, and the drawings in it."""

    lines: list[str]  # split at line breaks
    size: float  # font size, pt
    spacing: _Spacing
    align: str = "left"
    indent: float = 0.0
    drawings: list[Drawing] = field(default_factory=list)
    page_break_before: bool = False
    breaks: set[int] = field(default_factory=set)  # a hard page break comes before these lines
    rendered_break: bool = False  # Word last paginated a new page starting in this paragraph
    section: etree._Element | None = None  # the sectPr ending here

    @property
    def text(self) -> str:
        return "\n".join(line for line in (" ".join(t.split()) for t in self.lines) if line)

    @property
    def line_height(self) -> float:
        natural = self.size * SINGLE_LINE
        spacing = self.spacing
        if spacing.line is None:
            return natural
        if spacing.rule == "exact":
            return spacing.line * TWIP
        if spacing.rule == "atLeast":
            return max(spacing.line * TWIP, natural)
        return natural * spacing.line / 240

    def line_count(self, line: str, width: float) -> int:
        return _wrapped_lines(line, width, self.size)

    def height(self, width: float) -> float:
        """Height including spacing; an inline drawing makes its line as tall as itself."""
        text = sum(self.line_count(line, width) for line in self.lines) * self.line_height
        inline = max((d.height for d in self.drawings if d.anchor is None), default=0.0)
        return self.spacing.before + max(text, inline) + self.spacing.after


def _char_width(ch: str) -> float:
    if ch.isspace():
        return CHAR_WIDTH["space"]
    if ch.isupper():
        return CHAR_WIDTH["upper"]
    if ch.isdigit():
        return CHAR_WIDTH["digit"]
    return CHAR_WIDTH["lower"] if ch.islower() else CHAR_WIDTH["other"]


def _wrapped_lines(text: str, width: float, size: float) -> int:
    """Lines a greedy word wrap needs for ``text`` in ``width`` points (at least 1)."""
    if width <= size:
        return max(1, len(text))
    lines, used = 1, 0.0
    space = CHAR_WIDTH["space"] * size
    for word in text.split():
        w = sum(_char_width(c) for c in word) * size
        if used and used + space + w > width:
            lines, used = lines + 1, 0.0
        used += (space if used else 0.0) + w
        while used > width:
            lines, used = lines + 1, used - width
    return lines


class _ParaReader:
    """Reads paragraphs: text as printed (list numbers, symbol-font ticks), breaks and drawings."""

    #: Containers whose content is printed in the paragraph.
    TRANSPARENT = frozenset(q(t) for t in ("w:hyperlink", "w:ins", "w:smartTag", "w:customXml", "w:sdt",
                                           "w:sdtContent", "w:fldSimple", "w:moveTo", "w:dir", "w:bdo"))

    def __init__(self, styles: _Styles, numbering: _Numbering, images: _Images, notes: list[str]) -> None:
        self.styles = styles
        self.numbering = numbering
        self.images = images
        self.notes = notes
        self.line_heights: list[float] = []  # of every paragraph with text, in reading order

    def read(self, p: etree._Element, t_style: str | None = None) -> _Para:
        """One paragraph; ``t_style`` is the style of the table it sits in (None outside tables, "" for none)."""
        ppr = p.find(q("w:pPr"))
        p_style = _val(ppr.find(q("w:pStyle"))) if ppr is not None else None
        spacing = self.styles.spacing(p_style, t_style)
        if ppr is not None:
            spacing = _merge_spacing([ppr.find(q("w:spacing"))], spacing)
        para = _Para([""], self.styles.font_size(p_style), spacing)
        if ppr is not None:
            para.align = _val(ppr.find(q("w:jc"))) or "left"
            ind = ppr.find(q("w:ind"))
            if ind is not None:
                para.indent = _num(ind.get(q("w:left")) or ind.get(q("w:start")), 0) * TWIP
            para.page_break_before = _on(ppr.find(q("w:pageBreakBefore")))
            para.section = ppr.find(q("w:sectPr"))
        label = self._list_label(ppr, p_style)
        if label:
            para.lines[0] = f"{label} "
        sizes: list[float] = []
        self._content(p, para, sizes)
        if sizes:
            para.size = max(sizes)
        if para.text:
            self.line_heights.append(para.line_height)
        return para

    def _list_label(self, ppr: etree._Element | None, p_style: str | None) -> str:
        num_pr = ppr.find(q("w:numPr")) if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr.find(q("w:numId")))
            ilvl = int(_num(_val(num_pr.find(q("w:ilvl"))), 0))
            found = (num_id, ilvl) if num_id else None
        else:
            found = self.styles.numbering(p_style)
        return self.numbering.label(*found) if found else ""

    def _content(self, el: etree._Element, para: _Para, sizes: list[float]) -> None:
        for child in el:
            tag = child.tag
            if tag == q("w:r"):
                self._run(child, para, sizes)
            elif tag in self.TRANSPARENT:
                self._content(child, para, sizes)
            elif tag == q("mc:AlternateContent"):
                choice = child.find(q("mc:Choice"))
                if choice is not None:
                    self._content(choice, para, sizes)

    def _run(self, run: etree._Element, para: _Para, sizes: list[float]) -> None:
        rpr = run.find(q("w:rPr"))
        if rpr is not None and _on(rpr.find(q("w:vanish"))):
            return  # hidden text is not printed
        fonts = rpr.find(q("w:rFonts")) if rpr is not None else None
        font = None if fonts is None else (fonts.get(q("w:ascii")) or fonts.get(q("w:hAnsi")))
        size = _val(rpr.find(q("w:sz"))) if rpr is not None else None
        for child in run:
            tag = child.tag
            if tag == q("w:t"):
                text = child.text or ""
                if font and font.strip().lower() in SYMBOL_FONT_CHARS:
                    text = "".join(_symbol_char(font, ord(c)) or c for c in text)
                para.lines[-1] += text
                if text.strip() and size:
                    sizes.append(_num(size, 22) / 2)
            elif tag in (q("w:tab"), q("w:ptab")):
                para.lines[-1] += " "
            elif tag in (q("w:br"), q("w:cr")):
                if child.get(q("w:type")) == "page":
                    para.breaks.add(len(para.lines))
                    para.lines.append("")
                elif child.get(q("w:type")) != "column":
                    para.lines.append("")
            elif tag == q("w:sym"):
                code = child.get(q("w:char"), "")
                if re.fullmatch(r"[0-9A-Fa-f]{1,6}", code):
                    para.lines[-1] += _symbol_char(child.get(q("w:font")), int(code, 16))
            elif tag == q("w:noBreakHyphen"):
                para.lines[-1] += "-"
            elif tag == q("w:lastRenderedPageBreak"):
                para.rendered_break = True
            elif tag in (q("w:drawing"), q("w:pict"), q("w:object")):
                self._drawing(child, para)
            elif tag == q("mc:AlternateContent"):
                choice = child.find(q("mc:Choice"))
                if choice is not None:
                    self._run(choice, para, sizes)

    def _drawing(self, el: etree._Element, para: _Para) -> None:
        drawing = read_drawing(el, self.images.get)
        if drawing is None:
            if el.tag == q("w:object"):
                self.notes.append("an embedded object (OLE) cannot be read; its drawing is ignored")
            return
        para.drawings.append(drawing)
        self.notes.extend(drawing.notes)


# --------------------------------------------------------------------------- tables


@dataclass
class _GridCell:
    """A table cell on the grid: where it starts, how far it spans, what it holds."""

    row: int
    col: int
    col_span: int
    paras: list[_Para]
    margins: _Margins  # top, left, bottom, right
    v_align: str = "top"
    row_span: int = 1
    width: float | None = None  # w:tcW in points, when given in twips


@dataclass
class _Row:
    cells: list[_GridCell]
    height: float = 0.0  # w:trHeight, pt
    rule: str = "atLeast"
    header: bool = False


@dataclass
class _Grid:
    """A ``w:tbl`` read into grid cells, before layout."""

    widths: list[float]
    rows: list[_Row]
    align: str = "left"
    indent: float = 0.0
    float_x: float | None = None  # a floating table's offset from the margin
    pad_left: float = 0.0  # the cells' left margin


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (q("w:sdt"), q("w:sdtContent"), q("w:customXml")):
            yield from _children(child, tag)


# --------------------------------------------------------------------------- the body on virtual pages


_Span = tuple[float, float]  # an interval on one axis, pt
_CellBox = tuple[BBox, _Margins]  # a cell's box and its margins


@dataclass(frozen=True)
class _Section:
    """Paper and margins of a section (points), and whether it starts on a new page."""

    width: float = 595.3
    height: float = 841.9
    left: float = 72.0
    right: float = 72.0
    top: float = 72.0
    bottom: float = 72.0
    new_page: bool = True

    @classmethod
    def of(cls, sect_pr: etree._Element | None) -> _Section:
        if sect_pr is None:
            return cls()
        size, margins = sect_pr.find(q("w:pgSz")), sect_pr.find(q("w:pgMar"))
        base = cls()

        def get(el: etree._Element | None, attr: str, default: float) -> float:
            return _num(el.get(q(f"w:{attr}")), default * 20) * TWIP if el is not None else default

        return cls(get(size, "w", base.width), get(size, "h", base.height), get(margins, "left", base.left),
                   get(margins, "right", base.right), abs(get(margins, "top", base.top)),
                   abs(get(margins, "bottom", base.bottom)), _val(sect_pr.find(q("w:type"))) != "continuous")

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right


@dataclass
class _Placed:
    """Drawn things placed on the current virtual page, linked into symbols and arrows when it closes."""

    symbols: list[Symbol] = field(default_factory=list)
    lines: list[Item] = field(default_factory=list)
    labels: list[Item] = field(default_factory=list)


class _Layout:
    """Lays the body out on virtual pages: text lines, tables with cell boxes, drawings placed."""

    def __init__(self, reader: _ParaReader, styles: _Styles, sections: list[etree._Element],
                 legacy_tables: bool = True) -> None:
        self.reader = reader
        self.styles = styles
        self.legacy_tables = legacy_tables
        self.sections = sections
        self.section_index = 0
        self.section = _Section.of(sections[0] if sections else None)
        self.pages: list[Page] = []
        self.notes: list[tuple[int, RawNote]] = []
        self.first_line = 0  # of the reader's line heights, the first read for the current page
        self._new_page()

    # ---- pages

    def _new_page(self) -> None:
        if self.pages:
            self._close_page()
        self.page = Page(len(self.pages) + 1, self.section.width, self.section.height, source="docx")
        self.pages.append(self.page)
        self.placed = _Placed()
        self.y = self.section.top
        self.printed_tops = [0.0]  # virtual y of each printed page's top edge, as Word last paginated

    def _break_page(self) -> None:
        """A hard page break: a new virtual page unless nothing is on this one yet."""
        if self.page.blocks or self.placed.symbols or self.placed.lines:
            self._new_page()

    def _next_section(self) -> None:
        self.section_index += 1
        sect_pr = self.sections[self.section_index] if self.section_index < len(self.sections) else None
        self.section = _Section.of(sect_pr)
        if self.section.new_page:
            self._break_page()

    def note(self, code: str, message: str) -> None:
        """Record something odd the reader recovered from, once per kind, on the current page."""
        if not any(n.code == code and n.message == message for _, n in self.notes):
            self.notes.append((self.page.number, RawNote(code, message)))

    def finish(self) -> list[Page]:
        """The pages laid out, empty ones (a section holding only a break) left out."""
        self._close_page()
        return [p for p in self.pages if p.blocks or p.symbols]

    def _close_page(self) -> None:
        """Link the page's lines into arrows with their labels; other text boxes become text lines."""
        page = self.page
        page.height = max(page.height, self.y + self.section.bottom)
        scale = self._text_scale()
        arrows, loose = link_arrows(self.placed.lines, self.placed.labels, tolerance=0.5 * scale)
        page.symbols = self.placed.symbols
        page.arrows = arrows
        for label in loose:
            if len(label.text) > MAX_LABEL_CHARS:  # a text box of real text (a signature in a frame, a note)
                self._insert_text(label)
        for line in self.placed.lines:
            if line.arrow_start and line.arrow_end:
                self.note("arrow-two-heads", "An arrow with heads at both ends was read from its start to its end.")

    def _text_scale(self) -> float:
        """The median line height of the text read for this page: the unit of every distance tolerance."""
        heights = self.reader.line_heights[self.first_line:]
        self.first_line = len(self.reader.line_heights)
        return statistics.median(heights) if heights else 12.0 * SINGLE_LINE

    def _insert_text(self, label: Item) -> None:
        """Put a text box's lines among the page's blocks where its top says they belong."""
        lines = label.text.split("\n")
        step = (label.box[3] - label.box[1]) / max(len(lines), 1)
        at = next((i for i, b in enumerate(self.page.blocks) if b.bbox[1] > label.box[1]), len(self.page.blocks))
        for k, text in enumerate(lines):
            top = label.box[1] + k * step
            self.page.blocks.insert(at + k, TextLine(text, (label.box[0], top, label.box[2], top + step)))

    # ---- body blocks

    def body(self, body: etree._Element) -> None:
        """Lay out paragraphs and tables in document order; a frame table's content is read as body."""
        for child in _blocks(body):
            if child.tag == q("w:p"):
                self.paragraph(self.reader.read(child))
            elif child.tag == q("w:tbl") and _is_frame(child):
                for tc in (tc for tr in _children(child, q("w:tr")) for tc in _children(tr, q("w:tc"))):
                    self.body(tc)
            elif child.tag == q("w:tbl"):
                self.table(child)

    def paragraph(self, para: _Para) -> None:
        """A body paragraph: one text line per printed line, its drawings placed, breaks obeyed."""
        if para.page_break_before:
            self._break_page()
        if para.rendered_break:
            self._printed_page_at(self.y)
        top = self.y
        width = self.section.text_width - para.indent
        self.y += para.spacing.before
        for i, line in enumerate(para.lines):
            if i in para.breaks:
                self._break_page()
                top = self.y
            height = para.line_count(line, width) * para.line_height
            text = " ".join(line.split())
            if text:
                self.page.blocks.append(TextLine(text, self._line_box(para, text, width, height)))
            self.y += height
        inline = max((d.height for d in para.drawings if d.anchor is None), default=0.0)
        self.y = max(self.y, top + para.spacing.before + inline) + para.spacing.after
        text = (self.section.left + para.indent, self.section.width - self.section.right)
        for drawing in para.drawings:
            self._place(drawing, para, top + para.spacing.before, text)
        if para.section is not None:
            self._next_section()

    def _line_box(self, para: _Para, text: str, width: float, height: float) -> BBox:
        """Where a line of text is printed: its estimated width set by the paragraph's alignment."""
        left = self.section.left + para.indent
        used = min(width, sum(_char_width(c) for c in text) * para.size)
        if para.align in ("center", "centre"):
            left += (width - used) / 2
        elif para.align in ("right", "end"):
            left += width - used
        return (left, self.y, left + used, self.y + height)

    def _printed_page_at(self, y: float, header_height: float = 0.0) -> None:
        """Word paginated a new page here: remember where that page's top edge is on the virtual page."""
        top = y - self.section.top - header_height
        if top > self.printed_tops[-1] + self.section.top:
            self.printed_tops.append(top)

    # ---- tables

    def table(self, tbl: etree._Element) -> None:
        """A body table: grid columns from ``w:tblGrid``, row heights from rules and text, cells placed."""
        grid = self._read_grid(tbl)
        if not grid.rows:
            return
        widths = grid.widths
        x = self._table_left(grid)
        col_edges = [x]
        for w in widths:
            col_edges.append(col_edges[-1] + w)
        heights = self._row_heights(grid, col_edges)
        row_edges = [self.y]
        header_height = 0.0
        for r, height in enumerate(heights):
            if all(grid.rows[k].header for k in range(r + 1)):  # the rows Word repeats on every page
                header_height += height
            row_edges.append(row_edges[-1] + height)
        cells = [self._cell(c, col_edges, row_edges, header_height) for row in grid.rows for c in row.cells]
        bbox = (col_edges[0], row_edges[0], col_edges[-1], row_edges[-1])
        self.page.blocks.append(Table(cells, len(grid.rows), len(widths), bbox, col_edges, row_edges))
        self.y = row_edges[-1]

    def _read_grid(self, tbl: etree._Element) -> _Grid:
        tbl_pr = tbl.find(q("w:tblPr"))
        t_style = _val(tbl_pr.find(q("w:tblStyle"))) if tbl_pr is not None else None
        margins = self.styles.cell_margins(t_style)
        own = tbl_pr.find(q("w:tblCellMar")) if tbl_pr is not None else None
        if own is not None:
            margins = _margins(own, margins)
        tbl_grid = tbl.find(q("w:tblGrid"))
        columns = tbl_grid.findall(q("w:gridCol")) if tbl_grid is not None else []
        grid = _Grid([_num(_val(c, "w:w")) * TWIP for c in columns], [], pad_left=margins[1])
        if tbl_pr is not None:
            grid.align = _val(tbl_pr.find(q("w:jc"))) or "left"
            grid.indent = _num(_val(tbl_pr.find(q("w:tblInd")), "w:w")) * TWIP
            floating = tbl_pr.find(q("w:tblpPr"))
            if floating is not None:
                grid.float_x = _num(floating.get(q("w:tblpX"))) * TWIP
        open_merges: dict[int, _GridCell] = {}
        rows = [tr for tr in _children(tbl, q("w:tr")) if tr.find(f"{q('w:trPr')}/{q('w:del')}") is None]
        for r, tr in enumerate(rows):  # a row deleted with track changes on is not printed
            grid.rows.append(self._read_row(tr, r, margins, open_merges, t_style or ""))
        self._fit_grid(grid)
        return grid

    def _read_row(self, tr: etree._Element, r: int, margins: _Margins,
                  open_merges: dict[int, _GridCell], t_style: str) -> _Row:
        tr_pr = tr.find(q("w:trPr"))
        row = _Row([])
        col = 0
        if tr_pr is not None:
            col = _count(_val(tr_pr.find(q("w:gridBefore"))), 0)
            height = tr_pr.find(q("w:trHeight"))
            if height is not None:
                row.height = _num(_val(height)) * TWIP
                row.rule = height.get(q("w:hRule"), "atLeast")
            row.header = _on(tr_pr.find(q("w:tblHeader")))
        for tc in _children(tr, q("w:tc")):
            tc_pr = tc.find(q("w:tcPr"))
            span = max(1, _count(_val(tc_pr.find(q("w:gridSpan"))), 1)) if tc_pr is not None else 1
            merge = tc_pr.find(q("w:vMerge")) if tc_pr is not None else None
            paras = self._cell_paras(tc, t_style)
            if merge is not None and _val(merge) in (None, "continue"):
                above = open_merges.get(col)
                if above is not None:
                    above.row_span = r - above.row + 1
                    above.paras.extend(p for p in paras if p.text or p.drawings)
                    col += span
                    continue
                self.note("merge-orphan", "A table cell continues a vertical merge that never started; "
                                          "read as a cell of its own.")
            cell_margins = margins
            own = tc_pr.find(q("w:tcMar")) if tc_pr is not None else None
            if own is not None:
                cell_margins = _margins(own, margins)
            v_align = (_val(tc_pr.find(q("w:vAlign"))) if tc_pr is not None else None) or "top"
            tc_w = tc_pr.find(q("w:tcW")) if tc_pr is not None else None
            width = _num(_val(tc_w, "w:w")) * TWIP if tc_w is not None and _val(tc_w, "w:type") == "dxa" else None
            cell = _GridCell(r, col, span, paras, cell_margins, v_align, width=width)
            if tc_pr is not None and _val(tc_pr.find(q("w:hMerge"))) in (None, "continue") and \
                    tc_pr.find(q("w:hMerge")) is not None and row.cells:
                row.cells[-1].col_span += span
                row.cells[-1].paras.extend(paras)
            else:
                row.cells.append(cell)
            for c in [c for c in open_merges if col <= c < col + span]:
                del open_merges[c]
            if merge is not None:
                open_merges[col] = cell
            col += span
        return row

    def _cell_paras(self, tc: etree._Element, t_style: str) -> list[_Para]:
        """A cell's paragraphs; a nested table is flattened into one paragraph per row."""
        paras: list[_Para] = []
        for child in _blocks(tc):
            if child.tag == q("w:p"):
                paras.append(self.reader.read(child, t_style))
            elif child.tag == q("w:tbl"):
                for tr in _children(child, q("w:tr")):
                    parts = [p for tc2 in _children(tr, q("w:tc")) for p in self._cell_paras(tc2, t_style)]
                    if parts:
                        flat = parts[0]
                        flat.lines = [" ".join(p.text.replace("\n", " ") for p in parts if p.text)]
                        flat.drawings = [d for p in parts for d in p.drawings]
                        paras.append(flat)
        return paras

    def _fit_grid(self, grid: _Grid) -> None:
        """Make the grid as wide as the cells need: missing or zero ``w:gridCol`` widths are taken from the
        widths of single cells in that column (``w:tcW``), else shared equally."""
        needed = max((c.col + c.col_span for row in grid.rows for c in row.cells), default=0)
        widths = grid.widths + [0.0] * max(0, needed - len(grid.widths))
        for cell in (c for row in grid.rows for c in row.cells if c.col_span == 1 and c.width):
            if widths[cell.col] <= 0:
                widths[cell.col] = cell.width or 0.0
        known = [w for w in widths if w > 0]
        if len(known) < len(widths):
            self.note("table-grid-estimated", "A table does not state every column width; the missing ones "
                                              "are estimated.")
        fill = statistics.median(known) if known else self.section.text_width / max(needed, 1)
        grid.widths = [w if w > 0 else fill for w in widths]

    def _table_left(self, grid: _Grid) -> float:
        """The table's left edge: aligned in the text width, or indented from the margin.

        Before Word 2013 (``compatibilityMode`` below 15) the indent is measured
        to the first cell's text, so the border sits one cell margin further left.
        """
        section = self.section
        width = sum(grid.widths)
        if grid.float_x is not None:
            return section.left + grid.float_x
        if grid.align in ("center", "centre"):
            return section.left + (section.text_width - width) / 2
        if grid.align in ("right", "end"):
            return section.left + section.text_width - width
        return section.left + grid.indent - (grid.pad_left if self.legacy_tables else 0.0)

    def _row_heights(self, grid: _Grid, col_edges: list[float]) -> list[float]:
        """Each row's height: its ``w:trHeight`` rule applied to what its cells' text needs."""
        heights: list[float] = []
        for row in grid.rows:
            need = max((self._content_height(c, col_edges) for c in row.cells if c.row_span == 1), default=0.0)
            need = max(need, 12.0 * SINGLE_LINE)
            heights.append(row.height if row.rule == "exact" and row.height else max(need, row.height))
        for row in grid.rows:
            for cell in row.cells:
                if cell.row_span > 1:
                    last = min(cell.row + cell.row_span, len(heights)) - 1
                    short = self._content_height(cell, col_edges) - sum(heights[cell.row:last + 1])
                    if short > 0 and grid.rows[last].rule != "exact":
                        heights[last] += short
        return heights

    def _content_height(self, cell: _GridCell, col_edges: list[float]) -> float:
        top, left, bottom, right = cell.margins
        width = col_edges[min(cell.col + cell.col_span, len(col_edges) - 1)] - col_edges[cell.col] - left - right
        return top + bottom + sum(p.height(width) for p in cell.paras)

    def _cell(self, gc: _GridCell, col_edges: list[float], row_edges: list[float], header_height: float) -> Cell:
        """The layout cell of a grid cell; a lone tick in it becomes a mark, its drawings are placed."""
        last_col = min(gc.col + gc.col_span, len(col_edges) - 1)
        last_row = min(gc.row + gc.row_span, len(row_edges) - 1)
        box = (col_edges[gc.col], row_edges[gc.row], col_edges[last_col], row_edges[last_row])
        text = "\n".join(p.text for p in gc.paras if p.text)
        tick = tick_of(text)
        if tick:
            self.placed.symbols.append(Symbol("mark", box, text=tick))
            text = ""
        self._cell_drawings(gc, box, header_height if gc.row else 0.0)
        return Cell(gc.row, gc.col, text, box, gc.row_span, gc.col_span)

    def _cell_drawings(self, gc: _GridCell, box: BBox, header_height: float) -> None:
        """Place the drawings of a cell: inline symbols take the cell's box, floating ones their offsets."""
        top, left, bottom, right = gc.margins
        width = box[2] - box[0] - left - right
        content = sum(p.height(width) for p in gc.paras)
        room = box[3] - box[1] - top - bottom - content
        y = box[1] + top + (room / 2 if gc.v_align == "center" else room if gc.v_align == "bottom" else 0.0)
        inline_symbols: list[Symbol] = []
        for para in gc.paras:
            if para.rendered_break:
                self._printed_page_at(box[1], header_height)
            for drawing in para.drawings:
                self._place(drawing, para, y + para.spacing.before, (box[0] + left, box[2] - right),
                            (box, gc.margins), inline_symbols)
            y += para.height(width)
        if inline_symbols:  # one performer symbol per cell: the most telling one drawn there
            self.placed.symbols.append(min(inline_symbols, key=_symbol_rank))

    # ---- drawings

    def _place(self, drawing: Drawing, para: _Para, para_top: float, text: _Span,
               cell: _CellBox | None = None,
               inline_symbols: list[Symbol] | None = None) -> None:
        """Put a drawing's items on the page: inline at the text position, floating at its anchor offsets.

        A lone symbol inline in a cell is placed on the whole cell (the cell is
        its position); a canvas or group of several is placed item by item.
        """
        if drawing.anchor is None:
            x, y = _aligned(text, drawing.width, para.align, 0.0), para_top
        else:
            x, y = self._anchor_origin(drawing, para_top, text[0], cell)
        in_cell = drawing.anchor is None and cell is not None and inline_symbols is not None and \
            sum(item.role == "symbol" for item in drawing.items) == 1
        for item in drawing.items:
            placed = moved(item, x, y)
            if item.role == "symbol":
                self._note_unrecognised(item, para)
                box = cell[0] if in_cell and cell is not None else placed.box
                symbol = Symbol("symbol", box, shape=item.shape, text=_letter(item))
                (inline_symbols if in_cell and inline_symbols is not None else self.placed.symbols).append(symbol)
            elif item.role == "line":
                self.placed.lines.append(placed)
            else:
                self.placed.labels.append(placed)

    def _note_unrecognised(self, item: Item, para: _Para) -> None:
        """Warn of a drawn shape or a symbol-sized picture that is no flowchart symbol (a logo is neither)."""
        height = item.box[3] - item.box[1]
        if item.shape is None and (not item.picture or height <= SYMBOL_PICTURE_LINES * para.line_height):
            what = "picture" if item.picture else f"shape '{item.name}'"
            self.note("symbol-unrecognised", f"A {what} in the document is not a known flowchart symbol; "
                                             "read as a symbol of unknown shape.")

    def _anchor_origin(self, drawing: Drawing, para_top: float, para_left: float,
                       cell: _CellBox | None) -> tuple[float, float]:
        """The page position of a floating frame's top-left, from its anchor's areas and offsets."""
        anchor = drawing.anchor
        assert anchor is not None
        if cell is not None and anchor.in_cell:
            h_area, v_area = _cell_areas(anchor, cell, para_top, para_left)
        else:
            h_area, v_area = self._page_areas(anchor, para_top, para_left)
        x = _aligned(h_area, drawing.width, anchor.h_align, anchor.h_offset)
        y = _aligned(v_area, drawing.height, anchor.v_align, anchor.v_offset)
        return x, y

    def _page_areas(self, anchor: Anchor, para_top: float, para_left: float) -> tuple[_Span, _Span]:
        """The areas a floating frame is measured from on the printed page its anchor paragraph is on."""
        s = self.section
        page_top = max((t for t in self.printed_tops if t <= para_top), default=0.0)
        if anchor.v_from not in ("paragraph", "line") and para_top - page_top > s.height:
            self.note("shape-position-approximate", "A shape is placed relative to a page Word did not mark in "
                                                    "the file; its row may be off.")
        margin = (s.left, s.width - s.right)
        h_areas = {"page": (0.0, s.width), "margin": margin, "column": margin, "character": (para_left, margin[1]),
                   "leftMargin": (0.0, s.left), "insideMargin": (0.0, s.left),
                   "rightMargin": (s.width - s.right, s.width), "outsideMargin": (s.width - s.right, s.width)}
        v_areas = {"page": (page_top, page_top + s.height),
                   "margin": (page_top + s.top, page_top + s.height - s.bottom),
                   "topMargin": (page_top, page_top + s.top), "insideMargin": (page_top, page_top + s.top),
                   "outsideMargin": (page_top, page_top + s.top),
                   "bottomMargin": (page_top + s.height - s.bottom, page_top + s.height)}
        return h_areas.get(anchor.h_from, margin), v_areas.get(anchor.v_from, (para_top, para_top))


def _cell_areas(anchor: Anchor, cell: _CellBox, para_top: float,
                para_left: float) -> tuple[_Span, _Span]:
    """Word's "layout in table cell": a frame anchored in a cell is measured in that cell.

    "Column" and "margin" are the cell's text area, "character" the anchor's
    text position, "paragraph"/"line" the anchor paragraph; the page area
    shrinks to the cell's edges (its top-left corner is the origin).
    """
    box, (_, left, _, right) = cell
    text = (box[0] + left, box[2] - right)
    h_areas = {"column": text, "margin": text, "character": (para_left, box[2] - right)}
    v_area = (para_top, para_top) if anchor.v_from in ("paragraph", "line") else (box[1], box[3])
    return h_areas.get(anchor.h_from, (box[0], box[2])), v_area


def _aligned(area: _Span, size: float, align: str | None, offset: float) -> float:
    """Where a box of ``size`` starts in ``area``: aligned to a side or the centre, else at ``offset``."""
    if align in ("center", "centre"):
        return (area[0] + area[1] - size) / 2
    if align in ("right", "end", "bottom", "outside"):
        return area[1] - size
    if align in ("left", "top", "inside"):
        return area[0]
    return area[0] + offset


def _letter(item: Item) -> str:
    """The letter written in an off-page connector, which pairs it with its twin on the next page."""
    return " ".join(item.text.split()) if item.shape == "connector" else ""


def _symbol_rank(symbol: Symbol) -> int:
    """Flowchart symbols before connectors, recognised shapes before unknown ones."""
    return 2 if symbol.shape is None else 1 if symbol.shape == "connector" else 0


def _is_frame(tbl: etree._Element) -> bool:
    """A one-column table holding other tables: a border drawn around the page, not a table of its own.

    Offices sometimes put the whole SOP (identity table, flowchart table,
    signature) inside such a frame; its content is read as the body.
    """
    rows = list(_children(tbl, q("w:tr")))
    one_column = all(len(list(_children(tr, q("w:tc")))) == 1 for tr in rows)
    return bool(rows) and one_column and any(True for tc in tbl.iter(q("w:tc")) for _ in tc.iter(q("w:tbl")))


def _blocks(el: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables in document order, through content controls, custom XML and alternate content."""
    for child in el:
        if child.tag in (q("w:p"), q("w:tbl")):
            yield child
        elif child.tag in (q("w:sdt"), q("w:sdtContent"), q("w:customXml")):
            yield from _blocks(child)
        elif child.tag == q("mc:AlternateContent"):
            choice = child.find(q("mc:Choice"))
            if choice is not None:
                yield from _blocks(choice)


# --------------------------------------------------------------------------- entry points


@dataclass
class DocxLayout:
    """What the reader laid out: the virtual pages and the oddities it recovered from (page, note)."""

    pages: list[Page]
    notes: list[tuple[int, RawNote]]


def read_layout(data: bytes, name: str = "document.docx", limits: ZipLimits | None = None) -> DocxLayout:
    """A Word file's body on virtual pages; raises InputFileError/UnsupportedFormatError when unreadable."""
    package = _Package(data, name, limits or ZipLimits())
    root = package.xml(package.main)
    if root is None or root.tag != q("w:document"):
        strict = root is not None and root.tag == f"{{{_STRICT_W}}}document"
        other = package.other_office_file()
        if other and not strict:
            raise UnsupportedFormatError(f"{name}: {other}, not a Word document")
        what = "in Strict Open XML (save it as a Word Document .docx)" if strict else "without a document body"
        raise UnsupportedFormatError(f"{name}: a Word file {what}")
    body = root.find(q("w:body"))
    if body is None:
        raise InputFileError(f"{name}: the Word document has no body")
    folder = posixpath.dirname(package.main)
    styles = _Styles(package.xml(posixpath.join(folder, "styles.xml")))
    numbering = _Numbering(package.xml(posixpath.join(folder, "numbering.xml")))
    drawing_notes: list[str] = []
    reader = _ParaReader(styles, numbering, _Images(package), drawing_notes)
    sections = list(body.iter(q("w:sectPr")))
    layout = _Layout(reader, styles, sections, _compatibility_mode(package.xml(posixpath.join(folder, "settings.xml")))
                     < MODERN_TABLES_MODE)
    layout.body(body)
    pages = layout.finish()
    for message in dict.fromkeys(drawing_notes):
        layout.notes.append((1, RawNote("drawing-unreadable", message)))
    return DocxLayout(pages, layout.notes)


def _compatibility_mode(settings: etree._Element | None) -> int:
    """Word's ``compatibilityMode`` (12 = Word 2007, 14 = 2010, 15 = 2013 and later); 12 when unstated."""
    for setting in settings.iter(q("w:compatSetting")) if settings is not None else []:
        if setting.get(q("w:name")) == "compatibilityMode":
            return int(_num(setting.get(q("w:val")), 12))
    return 12


class _Images:
    """The document's pictures by relationship id, unpacked on first use."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        self.parts = package.related(package.main)
        self.cache: dict[str, bytes | None] = {}

    def get(self, rid: str) -> bytes | None:
        if rid not in self.cache:
            path = self.parts.get(rid)
            self.cache[rid] = self.package.read(path) if path else None
        return self.cache[rid]


def docx_pages(data: bytes) -> list[Page]:
    """A Word file as virtual pages (see :func:`read_layout`)."""
    return read_layout(data).pages


@register("zip")
def read_docx(path: Path, data: bytes, sha256: str) -> RawDocument:
    """A Word file -> raw SOPs, through the layout shared with the PDF and scan readers."""
    from sopbaku.ingest.assemble import assemble

    limits = guards.current()
    zip_limits = ZipLimits(max_members=limits.max_zip_members, max_total_bytes=limits.max_unpacked_bytes,
                           max_ratio=limits.max_compression_ratio)
    layout = read_layout(data, Path(path).name, zip_limits)
    sops = assemble(layout.pages)
    _attach_notes(sops, layout.notes)
    return RawDocument(Path(path).name, sha256, "docx", sops, page_count=len(layout.pages))


def _attach_notes(sops: list[RawSop], notes: list[tuple[int, RawNote]]) -> None:
    """Each reader note goes to the SOPs on its page (the first SOP when none spans it)."""
    for page, note in notes:
        owners = [sop for sop in sops if page in sop.pages] or sops[:1]
        for sop in owners:
            sop.notes.append(RawNote(note.code, note.message))


@register("ole")
def read_ole(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Legacy Word 97-2003 (.doc) and password-protected Office files share this container; neither is read."""
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise UnsupportedFormatError(f"{Path(path).name}: a password-protected Office file; remove the password "
                                     "and save it as .docx")
    raise UnsupportedFormatError(f"{Path(path).name}: a legacy Word 97-2003 (.doc) file is not supported; "
                                 "open it in Word or LibreOffice and save it as .docx")

