"""Digital PDFs of SOP AP documents, drawn with reportlab: vector text, ruled grid, flowchart.

Two passes. :func:`layout_document` measures and paginates (pure: column
boxes, row boxes, symbol boxes per page), :func:`write_pdf` draws that layout.
Keeping the layout as data lets the generator cut per-page gold for image
renderings and lets tests check that symbols sit inside their role columns.

What is drawn follows the SOP AP format of Permenpan RB 35/2012: an identity
page, then the flowchart table (No | Kegiatan | Pelaksana roles | Mutu Baku:
Kelengkapan, Waktu, Output | Keterangan) with the header repeated on every
page, rows never split, a capsule/rectangle/diamond in each performer's role
cell, arrows from step to step, "Ya"/"Tidak" decision exits, and off-page
connectors where the flow continues on the next page. A decision and the
step its "tidak" arrow returns to are kept on one page.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from sopbaku.synth import printed
from sopbaku.synth.model import has_identity_page
from sopbaku.synth.printed import DateStyle

PAGE_SIZES = {"A4": landscape(A4), "F4": landscape((215 * mm, 330 * mm))}
MARGIN = 30.0
PAD = 3.0
MIN_ROW = 38.0  # room for a symbol with arrow stubs above and below
STRIP = 24.0  # connector row at a page break
INDEX_ROW = 12.0
TITLE_GAP = 20.0
SIGNATURE_W = 210.0
ARROW_LEN, ARROW_HALF = 5.0, 2.2
FONT_BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}


@dataclass(frozen=True)
class PdfStyle:
    """How one document is typeset; drawn at random per document by :meth:`random`."""

    page: Literal["A4", "F4"] = "A4"
    font: Literal["Helvetica", "Times-Roman"] = "Helvetica"
    font_size: float = 7.5
    header_variant: int = 0
    upper_header: bool = False
    header_fill: bool = True
    index_row: bool = False
    title_variant: int = 0
    date_style: DateStyle = "long0"
    nip_spaced: bool = True
    list_style: int = 0
    logo: bool = True

    @classmethod
    def random(cls, rng: random.Random) -> PdfStyle:
        return cls(
            page="F4" if rng.random() < 0.25 else "A4",
            font=rng.choice(("Helvetica", "Helvetica", "Times-Roman")),
            font_size=rng.choice((7.0, 7.5, 8.0)),
            header_variant=rng.randrange(24),
            upper_header=rng.random() < 0.3,
            header_fill=rng.random() < 0.6,
            index_row=rng.random() < 0.25,
            title_variant=rng.randrange(8),
            date_style=rng.choice(printed.DATE_STYLES),
            nip_spaced=rng.random() < 0.7,
            list_style=rng.randrange(6),
            logo=rng.random() < 0.8,
        )

    @property
    def bold(self) -> str:
        return FONT_BOLD[self.font]

    @property
    def leading(self) -> float:
        return self.font_size * 1.2


# --------------------------------------------------------------------------- layout data
@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin bottom-left."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Symbol:
    """A flowchart shape of one step in one role column."""

    step: int  # step number
    role: int  # column index among the SOP's roles
    shape: str
    box: Box


@dataclass
class Columns:
    """The x extent of every table column of one SOP."""

    no: tuple[float, float]
    kegiatan: tuple[float, float]
    roles: list[tuple[float, float]]
    kelengkapan: tuple[float, float]
    waktu: tuple[float, float]
    output: tuple[float, float]
    keterangan: tuple[float, float]

    def text_cells(self) -> list[tuple[str, tuple[float, float]]]:
        """The columns that hold step text, by step field name."""
        return [("no", self.no), ("kegiatan", self.kegiatan), ("kelengkapan", self.kelengkapan),
                ("waktu", self.waktu), ("output", self.output), ("keterangan", self.keterangan)]

    @property
    def x0(self) -> float:
        return self.no[0]

    @property
    def x1(self) -> float:
        return self.keterangan[1]


@dataclass
class Connector:
    """An off-page connector pentagon with its letter."""

    letter: str
    box: Box


@dataclass
class Page:
    """One page of the document: an identity page, or a slice of a flowchart table."""

    number: int  # 1-based
    sop: int  # index into the document's SOPs
    kind: Literal["identity", "table", "signature"]
    title: str | None = None  # heading printed over the table on this page
    header_top: float = 0.0  # y of the table header's top edge
    rows: dict[int, Box] = field(default_factory=dict)  # step number -> row box
    symbols: list[Symbol] = field(default_factory=list)
    top_strip: Box | None = None  # connector row under the header (continuation pages)
    bottom_strip: Box | None = None  # connector row at the foot (the table continues)
    connectors: list[Connector] = field(default_factory=list)
    signature: Box | None = None


@dataclass
class DocumentLayout:
    """Pages of a whole document plus the table columns of each SOP."""

    size: tuple[float, float]
    pages: list[Page]
    columns: list[Columns]

    def pages_of(self, sop: int) -> list[int]:
        return [p.number for p in self.pages if p.sop == sop]


# --------------------------------------------------------------------------- text measuring
def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` within ``width``; words longer than a line are broken, as Word does."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line)
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def fit_size(text: str, font: str, size: float, width: float, smallest: float = 5.5) -> float:
    """The largest font size up to ``size`` at which the longest word of ``text`` fits ``width``."""
    longest = max(text.split() or [""], key=lambda w: stringWidth(w, font, size))
    while size > smallest and stringWidth(longest, font, size) > width:
        size -= 0.25
    return size


def _label_lines(text: str, font: str, size: float, width: float) -> tuple[float, list[str]]:
    """A header label shrunk so words stay whole where possible, then wrapped."""
    fitted = fit_size(text, font, size, width)
    return fitted, wrap(text, font, fitted, width)


def _cell_height(lines: int, style: PdfStyle) -> float:
    return 2 * PAD + lines * style.leading


# --------------------------------------------------------------------------- layout
def layout_document(sops: list[dict[str, Any]], style: PdfStyle) -> DocumentLayout:
    """Measure and paginate the whole document: identity pages, table pages, signatures."""
    size = PAGE_SIZES[style.page]
    pages: list[Page] = []
    columns: list[Columns] = []
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for k, sop in enumerate(sops):
        if has_identity_page(sop):
            pages.append(Page(len(pages) + 1, k, "identity"))
        cols = _columns(sop, size[0], style)
        columns.append(cols)
        pages += _table_pages(sop, k, cols, size, style, len(pages) + 1, letters)
    return DocumentLayout(size, pages, columns)


def _columns(sop: dict[str, Any], page_w: float, style: PdfStyle) -> Columns:
    """Fixed widths for No and Waktu, a share per role, the rest to the four text columns."""
    total = page_w - 2 * MARGIN
    n_roles = max(1, len(sop["roles"]))
    no_w, waktu_w = 24.0, 46.0
    role_w = min(68.0, max(50.0, 0.42 * total / n_roles))
    rest = total - no_w - waktu_w - n_roles * role_w
    shares = {"kegiatan": 0.36, "kelengkapan": 0.23, "output": 0.23, "keterangan": 0.18}
    x = MARGIN
    edges: dict[str, tuple[float, float]] = {}

    def take(name: str, w: float) -> None:
        nonlocal x
        edges[name] = (x, x + w)
        x += w

    take("no", no_w)
    take("kegiatan", rest * shares["kegiatan"])
    roles = []
    for _ in range(n_roles):
        roles.append((x, x + role_w))
        x += role_w
    take("kelengkapan", rest * shares["kelengkapan"])
    take("waktu", waktu_w)
    take("output", rest * shares["output"])
    take("keterangan", rest * shares["keterangan"])
    return Columns(edges["no"], edges["kegiatan"], roles, edges["kelengkapan"], edges["waktu"],
                   edges["output"], edges["keterangan"])


def header_height(sop: dict[str, Any], cols: Columns, style: PdfStyle) -> tuple[float, float]:
    """Heights of the two header rows (group labels; role labels and Mutu Baku parts)."""
    words = _words(sop, style)
    fs, bold = style.font_size, style.bold
    second = [_label_lines(text, bold, fs, b - a - 2 * PAD) for text, (a, b) in _second_row(sop, cols, words)]
    first = [_label_lines(w, bold, fs, b - a - 2 * PAD) for w, (a, b) in
             ((words.kegiatan, cols.kegiatan), (words.keterangan, cols.keterangan))]
    h2 = max(2 * PAD + len(lines) * size * 1.2 for size, lines in second)
    h1 = max(_cell_height(1, style), max(2 * PAD + len(lines) * size * 1.2 for size, lines in first) - h2)
    return h1, h2


def _second_row(sop: dict[str, Any], cols: Columns,
                words: printed.HeaderWords) -> list[tuple[str, tuple[float, float]]]:
    """The lower header row: one label per role column, then the three Mutu Baku parts."""
    cells = [(r["labels"][0], c) for r, c in zip(sop["roles"], cols.roles, strict=True)]
    return [*cells, (words.kelengkapan, cols.kelengkapan), (words.waktu, cols.waktu), (words.output, cols.output)]


def row_height(step: dict[str, Any], cols: Columns, style: PdfStyle) -> float:
    lines = max(len(wrap(_cell_text(step, name), style.font, style.font_size, b - a - 2 * PAD))
                for name, (a, b) in cols.text_cells())
    return max(MIN_ROW, _cell_height(lines, style))


def _cell_text(step: dict[str, Any], name: str) -> str:
    if name == "no":
        return str(step["no"])
    if name == "waktu":
        return step["waktu"]["raw"] if step["waktu"] else ""
    return step[name] or ""


def _keep_blocks(steps: list[dict[str, Any]]) -> list[list[int]]:
    """Runs of step indices that must share a page: a decision and the step it returns to."""
    end_of = list(range(len(steps)))
    for i, step in enumerate(steps):
        tidak = (step["branches"] or {}).get("tidak")
        if tidak:
            start = tidak - 1
            for j in range(start, i + 1):
                end_of[j] = max(end_of[j], i)
    blocks: list[list[int]] = []
    i = 0
    while i < len(steps):
        end = end_of[i]
        j = i
        while j <= end:
            end = max(end, end_of[j])
            j += 1
        blocks.append(list(range(i, end + 1)))
        i = end + 1
    return blocks


def _table_pages(sop: dict[str, Any], k: int, cols: Columns, size: tuple[float, float], style: PdfStyle,
                 first_number: int, letters: Any) -> list[Page]:
    """Paginate one SOP's table: whole keep-blocks per page, header and connector rows on each page."""
    page_h = size[1]
    h1, h2 = header_height(sop, cols, style)
    head = h1 + h2 + (INDEX_ROW if style.index_row else 0)
    steps = sop["steps"]
    heights = [row_height(s, cols, style) for s in steps]
    title = printed.table_title(sop["identity"]["nama"], style.title_variant)
    pages: list[Page] = []

    def new_page() -> tuple[Page, float]:
        top = page_h - MARGIN
        page = Page(first_number + len(pages), k, "table")
        if not pages and title:
            page.title = title
            top -= TITLE_GAP
        page.header_top = top
        y = top - head
        if pages:
            page.top_strip = Box(cols.x0, y - STRIP, cols.x1, y)
            y -= STRIP
        pages.append(page)
        return page, y

    page, y = new_page()
    blocks = _keep_blocks(steps)
    for b, block in enumerate(blocks):
        need = sum(heights[i] for i in block) + (STRIP if b < len(blocks) - 1 else 0)
        if y - need < MARGIN and page.rows:
            page.bottom_strip = Box(cols.x0, y - STRIP, cols.x1, y)
            page, y = new_page()
        for i in block:
            page.rows[steps[i]["no"]] = Box(cols.x0, y - heights[i], cols.x1, y)
            y -= heights[i]
    if sop["signature"]:
        sig_h = _signature_height(sop["signature"], style)
        if y - sig_h < MARGIN:
            page = Page(first_number + len(pages), k, "signature")
            pages.append(page)
            y = page_h - MARGIN
        page.signature = Box(size[0] - MARGIN - SIGNATURE_W, y - sig_h, size[0] - MARGIN, y - 16)
    for p in pages:
        p.symbols = [sym for no, row in p.rows.items() for sym in _symbols(steps[no - 1], row, sop, cols)]
    _place_connectors(pages, letters)
    return pages


def _signature_height(sig: dict[str, Any], style: PdfStyle) -> float:
    """Room for the signer block under the table, with a gap above it."""
    return len(printed.signature_lines(sig, style.date_style, style.nip_spaced)) * (style.font_size + 0.5) * 1.25 + 20


def _symbols(step: dict[str, Any], row: Box, sop: dict[str, Any], cols: Columns) -> list[Symbol]:
    ids = [r["id"] for r in sop["roles"]]
    out = []
    for role_id in step["pelaksana"]:
        c = ids.index(role_id)
        x0, x1 = cols.roles[c]
        w, h = _symbol_size(step["simbol"], x1 - x0)
        cx, cy = (x0 + x1) / 2, row.cy
        out.append(Symbol(step["no"], c, step["simbol"], Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    return out


def _symbol_size(shape: str, col_w: float) -> tuple[float, float]:
    if shape == "decision":
        return min(col_w - 16, 40.0), 26.0
    return min(col_w - 12, 46.0), 16.0 if shape == "terminator" else 18.0


def _place_connectors(pages: list[Page], letters: Any) -> None:
    """A lettered pentagon at the foot of a page under the last symbol, and its twin on the next page."""
    for before, after in itertools.pairwise(pages):
        if before.bottom_strip is None or after.top_strip is None or not before.symbols or not after.symbols:
            continue
        letter = next(letters)
        last = max(before.rows)
        src = next(s for s in before.symbols if s.step == last)
        dst = next(s for s in after.symbols if s.step == min(after.rows))
        before.connectors.append(Connector(letter, _pentagon_box(src.box.cx, before.bottom_strip.cy)))
        after.connectors.append(Connector(letter, _pentagon_box(dst.box.cx, after.top_strip.cy)))


def _pentagon_box(cx: float, cy: float) -> Box:
    return Box(cx - 7, cy - 7, cx + 7, cy + 7)


def _words(sop: dict[str, Any], style: PdfStyle) -> printed.HeaderWords:
    return printed.header_words(style.header_variant, printed.bare_minutes(sop), style.upper_header)


# --------------------------------------------------------------------------- drawing
def write_pdf(sops: list[dict[str, Any]], path: Path, style: PdfStyle) -> list[list[int]]:
    """Draw the document into ``path``; the 1-based pages of each SOP, in order.

    ``invariant=1`` keeps the bytes identical for the same input (no dates, fixed ids).
    """
    layout = layout_document(sops, style)
    canvas = Canvas(str(path), pagesize=layout.size, invariant=1, pageCompression=1)
    canvas.setTitle("Standar Operasional Prosedur")
    canvas.setCreator("sopbaku.synth")
    for page in layout.pages:
        sop = sops[page.sop]
        if page.kind == "identity":
            _draw_identity(canvas, sop, layout.size, style)
        else:
            _draw_table_page(canvas, page, sop, layout.columns[page.sop], style)
        canvas.showPage()
    canvas.save()
    return [layout.pages_of(k) for k in range(len(sops))]


def _text_lines(canvas: Canvas, lines: list[str], x: float, top: float, font: str, size: float,
                align: Literal["left", "center"] = "left", width: float = 0.0) -> None:
    canvas.setFont(font, size)
    y = top - PAD - size
    for line in lines:
        if align == "center":
            canvas.drawCentredString(x + width / 2, y, line)
        else:
            canvas.drawString(x, y, line)
        y -= size * 1.2


def _cell(canvas: Canvas, text: str, x0: float, x1: float, top: float, style: PdfStyle, *, bold: bool = False,
          align: Literal["left", "center"] = "left") -> None:
    """Text wrapped into a cell; header labels (bold) shrink so that words stay whole."""
    font = style.bold if bold else style.font
    width = x1 - x0 - 2 * PAD
    size, lines = _label_lines(text, font, style.font_size, width) if bold else (
        style.font_size, wrap(text, font, style.font_size, width))
    _text_lines(canvas, lines, x0 + PAD, top, font, size, align, width)


def _rect(canvas: Canvas, box: Box, fill: float | None = None) -> None:
    """A ruled cell border drawn as four lines (a grid, the way table exports draw it)."""
    if fill is not None:
        canvas.setFillGray(fill)
        canvas.rect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0, stroke=0, fill=1)
        canvas.setFillGray(0)
    for x0, y0, x1, y1 in ((box.x0, box.y0, box.x1, box.y0), (box.x0, box.y1, box.x1, box.y1),
                           (box.x0, box.y0, box.x0, box.y1), (box.x1, box.y0, box.x1, box.y1)):
        canvas.line(x0, y0, x1, y1)


# ---- identity page
def _draw_identity(canvas: Canvas, sop: dict[str, Any], size: tuple[float, float], style: PdfStyle) -> None:
    """The SOP AP identity page; the font shrinks until the page holds everything."""
    fs = style.font_size + 1
    while fs > 5.5 and _identity_height(sop, size, style, fs) > size[1] - 2 * MARGIN:
        fs -= 0.5
    _identity_at(canvas, sop, size, style, fs)


def _identity_rows(sop: dict[str, Any], style: PdfStyle) -> list[tuple[str, list[str]]]:
    ident = sop["identity"]
    rows = [("Nomor SOP", [ident["nomor"] or ""]),
            ("Tanggal Pembuatan", [printed.date(ident["tanggal_pembuatan"], style.date_style)]),
            ("Tanggal Revisi", [printed.date(ident["tanggal_revisi"], style.date_style)]),
            ("Tanggal Efektif", [printed.date(ident["tanggal_efektif"], style.date_style)])]
    if ident["tanggal_pengesahan"]:
        rows.append(("Tanggal Pengesahan", [printed.date(ident["tanggal_pengesahan"], style.date_style)]))
    signer = ident["disahkan_oleh"]
    rows.append(("Disahkan Oleh", [signer["jabatan"], "", "", signer["nama"], printed.nip(signer["nip"],
                                                                                         style.nip_spaced)]
                 if signer else [""]))
    rows.append(("Nama SOP", [ident["nama"] or ""]))
    return rows


_PAIRS = (("Dasar Hukum", "dasar_hukum", "Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
          ("Keterkaitan", "keterkaitan", "Peralatan/Perlengkapan", "peralatan_perlengkapan"),
          ("Peringatan", "peringatan", "Pencatatan dan Pendataan", "pencatatan_pendataan"))


def _identity_geometry(size: tuple[float, float]) -> tuple[float, float, float, float]:
    """x of the table's left edge, the split between logo block and fields, the label/value split, right edge."""
    x0, x3 = MARGIN, size[0] - MARGIN
    x1 = x0 + 0.42 * (x3 - x0)
    return x0, x1, x1 + 0.3 * (x3 - x1), x3


def _wrapped_rows(sop: dict[str, Any], size: tuple[float, float], style: PdfStyle,
                  fs: float) -> list[tuple[str, list[str]]]:
    _, _, x2, x3 = _identity_geometry(size)
    width = x3 - x2 - 2 * PAD
    return [(label, [w for v in value for w in wrap(v, style.font, fs, width)])
            for label, value in _identity_rows(sop, style)]


def _list_lines(sop: dict[str, Any], key: str, width: float, style: PdfStyle, fs: float) -> list[str]:
    items = printed.numbered(sop["identity"][key], style.list_style)
    return [w for item in items for w in wrap(item, style.font, fs, width)]


def _identity_height(sop: dict[str, Any], size: tuple[float, float], style: PdfStyle, fs: float) -> float:
    lead = fs * 1.2
    top = sum(2 * PAD + lead * len(v) for _, v in _wrapped_rows(sop, size, style, fs))
    half = (size[0] - 2 * MARGIN) / 2 - 2 * PAD
    grid = sum(2 * (2 * PAD + lead) + 2 * PAD + lead * max(len(_list_lines(sop, a, half, style, fs)),
                                                             len(_list_lines(sop, b, half, style, fs)))
               for _, a, _, b in _PAIRS)
    return top + grid


def _identity_at(canvas: Canvas, sop: dict[str, Any], size: tuple[float, float], style: PdfStyle,
                 fs: float) -> None:
    x0, x1, x2, x3 = _identity_geometry(size)
    lead = fs * 1.2
    canvas.setLineWidth(0.8)
    y = size[1] - MARGIN
    top = y
    for label, lines in _wrapped_rows(sop, size, style, fs):
        h = 2 * PAD + lead * len(lines)
        _rect(canvas, Box(x1, y - h, x2, y))
        _rect(canvas, Box(x2, y - h, x3, y))
        _text_lines(canvas, [label], x1 + PAD, y, style.font, fs)
        _text_lines(canvas, lines, x2 + PAD, y, style.bold if label == "Nama SOP" else style.font, fs)
        y -= h
    _rect(canvas, Box(x0, y, x1, top))
    _draw_office(canvas, sop, Box(x0, y, x1, top), style, fs)
    mid = (x0 + x3) / 2
    for head_a, key_a, head_b, key_b in _PAIRS:
        hh = 2 * PAD + lead
        for xa, xb, head in ((x0, mid, head_a), (mid, x3, head_b)):
            _rect(canvas, Box(xa, y - hh, xb, y), fill=0.88 if style.header_fill else None)
            _text_lines(canvas, [head], xa + PAD, y, style.bold, fs)
        y -= hh
        width = mid - x0 - 2 * PAD
        la, lb = _list_lines(sop, key_a, width, style, fs), _list_lines(sop, key_b, width, style, fs)
        h = 2 * PAD + lead * max(len(la), len(lb))
        for xa, xb, lines in ((x0, mid, la), (mid, x3, lb)):
            _rect(canvas, Box(xa, y - h, xb, y))
            _text_lines(canvas, lines, xa + PAD, y, style.font, fs)
        y -= h


def _draw_office(canvas: Canvas, sop: dict[str, Any], box: Box, style: PdfStyle, fs: float) -> None:
    """Logo and office name, centred in the left block of the identity page."""
    ident = sop["identity"]
    lines = [x for x in (ident["instansi"], ident["unit"]) if x]
    width = box.x1 - box.x0 - 4 * PAD
    wrapped = [w for line in lines for w in wrap(line.upper(), style.bold, fs + 2, width)]
    logo = 46.0 if style.logo else 0.0
    block = logo + 8 + len(wrapped) * (fs + 2) * 1.25
    top = box.cy + block / 2
    if style.logo:
        _draw_logo(canvas, box.cx, top - logo / 2, logo)
    _text_lines(canvas, wrapped, box.x0 + 2 * PAD, top - logo - 8 + PAD, style.bold, fs + 2, "center", width)


def _draw_logo(canvas: Canvas, cx: float, cy: float, size: float) -> None:
    """A regional emblem stand-in: a shield with a star, so scans carry a logo blob."""
    r = size / 2
    path = canvas.beginPath()
    path.moveTo(cx - r * 0.8, cy + r)
    path.lineTo(cx + r * 0.8, cy + r)
    path.lineTo(cx + r * 0.8, cy)
    path.curveTo(cx + r * 0.8, cy - r * 0.6, cx, cy - r, cx, cy - r)
    path.curveTo(cx, cy - r, cx - r * 0.8, cy - r * 0.6, cx - r * 0.8, cy)
    path.close()
    canvas.setFillGray(0.75)
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFillGray(0.2)
    star = canvas.beginPath()
    for i in range(10):
        rad = r * (0.45 if i % 2 == 0 else 0.18)
        ang = math.pi / 2 + i * math.pi / 5
        x, y = cx + rad * math.cos(ang), cy + r * 0.15 + rad * math.sin(ang)
        (star.moveTo if i == 0 else star.lineTo)(x, y)
    star.close()
    canvas.drawPath(star, stroke=0, fill=1)
    canvas.setFillGray(0)


# ---- table page
def _draw_table_page(canvas: Canvas, page: Page, sop: dict[str, Any], cols: Columns, style: PdfStyle) -> None:
    if page.title:
        canvas.setFont(style.bold, style.font_size + 3)
        canvas.drawString(cols.x0, page.header_top + 8, page.title)
    if page.rows:
        _draw_header(canvas, page.header_top, sop, cols, style)
    canvas.setLineWidth(0.7)
    for strip in (page.top_strip, page.bottom_strip):
        if strip:
            _draw_strip(canvas, strip, cols)
    for no, row in page.rows.items():
        _draw_row(canvas, sop["steps"][no - 1], row, cols, style)
    _draw_flow(canvas, page, sop, cols, style)
    if page.signature:
        _draw_signature(canvas, sop["signature"], page.signature, style)


def _draw_header(canvas: Canvas, top: float, sop: dict[str, Any], cols: Columns, style: PdfStyle) -> None:
    words = _words(sop, style)
    h1, h2 = header_height(sop, cols, style)
    fill = 0.85 if style.header_fill else None
    canvas.setLineWidth(0.9)
    spans = ((words.no, cols.no), (words.kegiatan, cols.kegiatan), (words.keterangan, cols.keterangan))
    for text, (a, b) in spans:
        _rect(canvas, Box(a, top - h1 - h2, b, top), fill)
        _cell(canvas, text, a, b, top - (h1 + h2 - style.leading - 2 * PAD) / 2, style, bold=True, align="center")
    groups = ((words.pelaksana, (cols.roles[0][0], cols.roles[-1][1])), (words.mutu, (cols.kelengkapan[0],
                                                                                      cols.output[1])))
    for text, (a, b) in groups:
        _rect(canvas, Box(a, top - h1, b, top), fill)
        _cell(canvas, text, a, b, top, style, bold=True, align="center")
    for text, (a, b) in _second_row(sop, cols, words):
        _rect(canvas, Box(a, top - h1 - h2, b, top - h1), fill)
        _cell(canvas, text, a, b, top - h1, style, bold=True, align="center")
    if style.index_row:
        y = top - h1 - h2
        for n, (a, b) in enumerate(_all_columns(cols), 1):
            _rect(canvas, Box(a, y - INDEX_ROW, b, y))
            canvas.setFont(style.font, style.font_size - 1)
            canvas.drawCentredString((a + b) / 2, y - INDEX_ROW + 3, str(n))


def _all_columns(cols: Columns) -> list[tuple[float, float]]:
    return [cols.no, cols.kegiatan, *cols.roles, cols.kelengkapan, cols.waktu, cols.output, cols.keterangan]


def _draw_strip(canvas: Canvas, strip: Box, cols: Columns) -> None:
    for a, b in _all_columns(cols):
        _rect(canvas, Box(a, strip.y0, b, strip.y1))


def _draw_row(canvas: Canvas, step: dict[str, Any], row: Box, cols: Columns, style: PdfStyle) -> None:
    for a, b in _all_columns(cols):
        _rect(canvas, Box(a, row.y0, b, row.y1))
    for name, (a, b) in cols.text_cells():
        centred = name in ("no", "waktu")
        _cell(canvas, _cell_text(step, name), a, b, row.y1, style, align="center" if centred else "left")


# ---- flowchart
def _draw_shape(canvas: Canvas, shape: str, box: Box) -> None:
    w, h = box.x1 - box.x0, box.y1 - box.y0
    canvas.setFillGray(1)
    if shape == "terminator":
        canvas.roundRect(box.x0, box.y0, w, h, h / 2, stroke=1, fill=1)
    elif shape == "decision":
        path = canvas.beginPath()
        path.moveTo(box.cx, box.y1)
        path.lineTo(box.x1, box.cy)
        path.lineTo(box.cx, box.y0)
        path.lineTo(box.x0, box.cy)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
    elif shape == "connector":
        path = canvas.beginPath()
        path.moveTo(box.x0, box.y1)
        path.lineTo(box.x1, box.y1)
        path.lineTo(box.x1, box.y0 + h / 3)
        path.lineTo(box.cx, box.y0)
        path.lineTo(box.x0, box.y0 + h / 3)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
    else:
        canvas.rect(box.x0, box.y0, w, h, stroke=1, fill=1)
    canvas.setFillGray(0)


def _arrow(canvas: Canvas, points: list[tuple[float, float]]) -> None:
    """A polyline ending in a filled arrowhead at its last point."""
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for p in points[1:]:
        path.lineTo(*p)
    canvas.drawPath(path, stroke=1, fill=0)
    (xa, ya), (xb, yb) = points[-2], points[-1]
    dx, dy = xb - xa, yb - ya
    norm = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / norm, dy / norm
    head = canvas.beginPath()
    head.moveTo(xb, yb)
    head.lineTo(xb - ARROW_LEN * ux - ARROW_HALF * uy, yb - ARROW_LEN * uy + ARROW_HALF * ux)
    head.lineTo(xb - ARROW_LEN * ux + ARROW_HALF * uy, yb - ARROW_LEN * uy - ARROW_HALF * ux)
    head.close()
    canvas.drawPath(head, stroke=0, fill=1)


def _label(canvas: Canvas, text: str, x: float, y: float, style: PdfStyle) -> None:
    canvas.setFont(style.font, style.font_size - 1.5)
    canvas.drawString(x, y, text)


def _nearest(symbols: list[Symbol], x: float) -> Symbol:
    return min(symbols, key=lambda s: abs(s.box.cx - x))


Port = Literal["top", "bottom", "left", "right"]


@dataclass
class _Route:
    """One drawn connection: a polyline with an arrowhead, and an optional exit label."""

    points: list[tuple[float, float]]
    label: str = ""
    label_at: tuple[float, float] = (0.0, 0.0)


def _port(box: Box, port: Port) -> tuple[float, float]:
    return {"top": (box.cx, box.y1), "bottom": (box.cx, box.y0), "left": (box.x0, box.cy),
            "right": (box.x1, box.cy)}[port]


def _facing(src: Box, dst: Box) -> Port:
    return "left" if dst.cx < src.cx - 1 else "right"


def _draw_flow(canvas: Canvas, page: Page, sop: dict[str, Any], cols: Columns, style: PdfStyle) -> None:
    """Arrows between this page's symbols, decision exits, shared-step links, connectors; then the shapes."""
    canvas.setLineWidth(0.8)
    for a, b in _shared_links(page):
        canvas.line(a.box.x1, a.box.cy, b.box.x0, b.box.cy)
    for route in _routes(page, sop, cols):
        _arrow(canvas, route.points)
        if route.label:
            _label(canvas, route.label, *route.label_at, style)
    for sym in page.symbols:
        _draw_shape(canvas, sym.shape, sym.box)
    for conn in page.connectors:
        _draw_shape(canvas, "connector", conn.box)
        canvas.setFont(style.bold, 7)
        canvas.drawCentredString(conn.box.cx, conn.box.cy - 0.5, conn.letter)


def _by_step(page: Page) -> dict[int, list[Symbol]]:
    by_step: dict[int, list[Symbol]] = {}
    for sym in page.symbols:
        by_step.setdefault(sym.step, []).append(sym)
    return by_step


def _shared_links(page: Page) -> list[tuple[Symbol, Symbol]]:
    """Neighbouring symbols of one shared step, joined by a plain line."""
    links = []
    for syms in _by_step(page).values():
        ordered = sorted(syms, key=lambda s: s.box.cx)
        links += list(itertools.pairwise(ordered))
    return links


def _routes(page: Page, sop: dict[str, Any], cols: Columns) -> list[_Route]:
    """Plan every arrow of a page, keeping track of the symbol ports already in use.

    A process leaves through its bottom; a decision sends "Tidak" out of the
    side facing the step it returns to and "Ya" down or out of the other side.
    A returning arrow enters its target from a free side (or its bottom).
    """
    by_step = _by_step(page)
    used: dict[int, set[Port]] = {}
    routes: list[_Route] = []
    for no in sorted(by_step):
        step, syms = sop["steps"][no - 1], by_step[no]
        tidak = (step["branches"] or {}).get("tidak")
        tidak_side: Port | None = None
        if tidak in by_step:
            dec = syms[0]
            target = _nearest(by_step[tidak], dec.box.cx)
            tidak_side = _facing(dec.box, target.box)
            routes.append(_tidak_route(dec, target, tidak_side, used, cols))
        if no + 1 in by_step:
            routes.append(_next_route(syms, by_step[no + 1], tidak_side, used))
    for conn in page.connectors:
        if page.bottom_strip and conn.box.cy == page.bottom_strip.cy:
            src = _nearest(by_step[max(page.rows)], conn.box.cx).box
            routes.append(_Route([(src.cx, src.y0), (conn.box.cx, conn.box.y1)]))
        else:
            dst = _nearest(by_step[min(page.rows)], conn.box.cx).box
            routes.append(_Route([(conn.box.cx, conn.box.y0), (dst.cx, dst.y1)]))
    return routes


def _next_route(srcs: list[Symbol], dsts: list[Symbol], tidak_side: Port | None,
                used: dict[int, set[Port]]) -> _Route:
    """The arrow to the following step: down in one column, else an elbow into the target's top."""
    src = _nearest(srcs, dsts[0].box.cx)
    dst = _nearest(dsts, src.box.cx)
    s, d = src.box, dst.box
    decision = src.shape == "decision"
    side = _facing(s, d)
    if abs(s.cx - d.cx) < 1:
        points, port = [(s.cx, s.y0), (d.cx, d.y1)], "bottom"
    elif decision and side != tidak_side:
        x = s.x1 if side == "right" else s.x0
        points, port = [(x, s.cy), (d.cx, s.cy), (d.cx, d.y1)], side
    else:
        turn = s.y0 - 5
        points, port = [(s.cx, s.y0), (s.cx, turn), (d.cx, turn), (d.cx, d.y1)], "bottom"
    used.setdefault(src.step, set()).add(port)
    used.setdefault(dst.step, set()).add("top")
    side_label = (points[0][0] + (2 if port == "right" else -10), s.cy + 2)
    label_at = (s.cx + 3, s.y0 - 8) if port == "bottom" else side_label
    return _Route(points, "Ya" if decision else "", label_at)


def _tidak_route(dec: Symbol, target: Symbol, side: Port, used: dict[int, set[Port]], cols: Columns) -> _Route:
    """The rejected path of a decision, back up into a free port of the step it returns to."""
    d, t = dec.box, target.box
    start = _port(d, side)
    used.setdefault(dec.step, set()).add(side)
    taken = used.setdefault(target.step, set())
    same_column = abs(t.cx - d.cx) < 1
    entry: Port = side if same_column else ("left" if side == "right" else "right")
    if entry in taken:
        entry = "bottom" if "bottom" not in taken else ("left" if entry == "right" else "right")
    taken.add(entry)
    if entry == "bottom":
        points = [start, (t.cx, d.cy), _port(t, "bottom")]
    else:
        if same_column:
            col_x0, col_x1 = cols.roles[dec.role]
            x = col_x1 - 4 if entry == "right" else col_x0 + 4
        else:
            x = t.x1 + 5 if entry == "right" else t.x0 - 5
        points = [start, (x, d.cy), (x, t.cy), _port(t, entry)]
    label_at = (start[0] + (2 if side == "right" else -17), d.cy + 2)
    return _Route(points, "Tidak", label_at)


def _draw_signature(canvas: Canvas, sig: dict[str, Any], box: Box, style: PdfStyle) -> None:
    lines = printed.signature_lines(sig, style.date_style, style.nip_spaced)
    fs = style.font_size + 0.5
    y = box.y1 - fs
    for i, line in enumerate(lines):
        canvas.setFont(style.bold if line == sig["nama"] else style.font, fs)
        canvas.drawCentredString(box.cx, y, line)
        if line == sig["nama"] and i:
            w = stringWidth(line, style.bold, fs)
            canvas.line(box.cx - w / 2, y - 1.5, box.cx + w / 2, y - 1.5)
        y -= fs * 1.25
