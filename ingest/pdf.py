"""PDF files: vector pages read exactly, scanned pages and pictured tables handed to OCR.

Most SOPs offices still have are PDFs exported from Word: their text layer and
their drawing (table rules, flowchart shapes, arrows) are still there, and
:mod:`sopbaku.ingest.pdf_vector` reads them without guessing. A page without a
usable text layer (a scan, text drawn as outlines, or a scan under an
invisible OCR layer that holds no table) is rendered once, greyscale, at the
resolution of its picture (150-300 dpi), and read by the scan reader's OCR
(:func:`sopbaku.ingest.scan.ocr_pages`, pages in parallel). A large picture on
an otherwise digital page where no ruled table was drawn (a flowchart table
pasted as an image) is OCR'd alone and mapped back into the page's points.
Every page then goes through the same :func:`sopbaku.ingest.assemble.assemble`;
provenance boxes of OCR'd pages are given back in PDF points.

A PDF is untrusted input: parser failures become one-line
:class:`~sopbaku.errors.InputFileError`\\ s, a password-protected file an
:class:`~sopbaku.errors.EncryptedPdfError`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException, PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from sopbaku.errors import EncryptedPdfError, InputFileError, UnsupportedFormatError
from sopbaku.ingest import guards, register
from sopbaku.ingest.assemble import assemble
from sopbaku.ingest.layout import Arrow, BBox, Block, Cell, Page, Symbol, Table, TextLine
from sopbaku.ingest.pdf_vector import PictureShape, VectorSettings, classify_ink, read_page
from sopbaku.raw import Provenance, RawDocument, RawSop, Shape

#: Reads page images (greyscale arrays) into layout pages in pixels, numbered from 1.
OcrPages = Callable[[Sequence[np.ndarray]], list[Page]]
# pdfminer reports each repaired flaw of a damaged file as a log warning; without a handler of its own,
# Python would print them all on stderr. Applications that configure logging still receive them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
#: Packages whose own failures on a malformed file are the file's fault.
PARSER_PACKAGES = ("pdfminer", "pdfplumber", "pypdfium2")
#: Plain exceptions those parsers let slip on malformed content (a keyword where a number belongs ...).
PARSER_SLIPS = (ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError, RecursionError)
#: Grey level (0-255) below which a picture's pixel is ink.
INK_LEVEL = 160


@dataclass(frozen=True)
class PdfSettings:
    """When a page, or a part of it, is read by OCR instead of from its vector layer."""

    min_dpi: int = 150  # OCR renders at the page picture's own resolution, within these bounds
    max_dpi: int = 300
    min_chars: int = 20  # fewer characters than this: no usable text layer
    sideways_share: float = 0.6  # a page whose characters are mostly turned a quarter is printed sideways
    max_unmapped: float = 0.3  # a text layer whose glyphs are mostly unmapped ("(cid:12)") is unusable
    full_page_share: float = 0.9  # a picture this large and alone on its page is OCR'd at its own pixels
    scan_image_share: float = 0.5  # a picture covering this share of a page without a ruled table: a scan
    table_image_share: float = 0.2  # a picture this large beside the text layer may be a pasted table
    ocr_batch: int = 8  # pages rendered and OCR'd together (memory stays bounded on long scans)
    vector: VectorSettings = field(default_factory=VectorSettings)


@register("pdf")
def read_pdf(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Every SOP in a PDF; the format is "pdf-scanned" when every page was read by OCR."""
    pages, scales = read_pages(path.name, data)
    scanned = bool(pages) and all(page.source == "ocr" for page in pages)
    sops = assemble(pages, "OCR: " if scanned else "")
    if scales:
        _boxes_in_points(sops, pages, scales)
    return RawDocument(file=path.name, sha256=sha256, format="pdf-scanned" if scanned else "pdf-digital",
                       sops=sops, page_count=len(pages))


def read_pages(name: str, data: bytes,
               settings: PdfSettings = PdfSettings()) -> tuple[list[Page], dict[int, _Mapping]]:
    """The layout pages of a PDF in order, and for each OCR'd page the mapping of its pixels to points."""
    pages: dict[int, Page] = {}
    plans: list[_ScanPlan] = []
    with _opened(name, data) as pdf, _Pixels(data, name) as pixels:
        guards.check_pages(name, len(pdf.pages))
        for number, plumber_page in enumerate(pdf.pages, start=1):
            try:
                page = _parsed(name, number, partial(_vector_or_none, name, data, plumber_page, number, pixels,
                                                     settings))
                if page is None:
                    plans.append(_ScanPlan.of(number, plumber_page, settings))
                else:
                    pages[number] = page
            finally:
                plumber_page.close()
        scales = _ocr_planned(name, plans, pixels, pages, settings)
    return [pages[n] for n in sorted(pages)], scales


def _vector_or_none(name: str, data: bytes, plumber_page: Any, number: int, pixels: _Pixels,
                    settings: PdfSettings) -> Page | None:
    """The page from its vector layer (turned upright, pasted tables OCR'd in), or None to OCR it whole."""
    turn = _sideways(plumber_page, settings)
    if turn:
        return _read_turned(data, number, turn, settings)
    page = _vector_page(plumber_page, number, pixels.picture_shapes(number), settings)
    if page is not None:
        for box in _pasted_tables(plumber_page, page, settings):
            _ocr_region(name, pixels, page, box, settings)
    return page


def _parsed(name: str, number: int, read: Callable[[], Page | None]) -> Page | None:
    """``read()``, a failure inside the PDF parsers turned into a one-line input error.

    Malformed content streams make pdfminer raise plain ``ValueError``,
    ``KeyError`` and the like; those are the file's fault when they come from
    the parser's own code, and a bug of ours otherwise (left to surface).
    """
    try:
        return read()
    except PARSER_SLIPS as exc:
        if not _raised_by_parser(exc):
            raise
        raise InputFileError(f"{name}: page {number} cannot be parsed ({exc.__class__.__name__}: {exc})") from exc


def _raised_by_parser(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = tb.tb_frame.f_code.co_filename if tb is not None else ""
    return any(f"{sep}{lib}{sep}" in where for lib in PARSER_PACKAGES for sep in ("/", "\\"))


@dataclass(frozen=True)
class _ScanPlan:
    """How one page is to be OCR'd: from its own picture's pixels, or rendered at ``dpi``."""

    number: int
    picture: BBox | None  # the whole-page picture of a scanner's page
    dpi: int

    @classmethod
    def of(cls, number: int, plumber_page: Any, settings: PdfSettings) -> _ScanPlan:
        img = _full_page_picture(plumber_page, settings)
        box = (float(img["x0"]), float(img["top"]), float(img["x1"]), float(img["bottom"])) if img else None
        return cls(number, box, _ocr_dpi(plumber_page, settings))


def _ocr_planned(name: str, plans: list[_ScanPlan], pixels: _Pixels, pages: dict[int, Page],
                 settings: PdfSettings) -> dict[int, _Mapping]:
    """OCR the planned pages a batch at a time (bounded memory); the pixel-to-point mapping of each."""
    scales: dict[int, _Mapping] = {}
    for start in range(0, len(plans), settings.ocr_batch):
        batch = plans[start:start + settings.ocr_batch]
        images = []
        for plan in batch:
            image, scales[plan.number] = pixels.scan(plan, settings)
            images.append(image)
        for plan, page in zip(batch, _ocr_function(name)(images), strict=True):
            page.number, page.source = plan.number, "ocr"
            pages[plan.number] = page
    return scales


@contextmanager
def _opened(name: str, data: bytes) -> Iterator[Any]:
    """pdfplumber over the bytes, its parser failures turned into one-line input errors."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            yield pdf
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedPdfError(f"{name}: encrypted PDF (password-protected); remove the password first") \
                from exc
        raise InputFileError(f"{name}: not a readable PDF ({cause.__class__.__name__}: {cause})") from exc
    except (PDFException, PSException, MalformedPDFException, pdfium.PdfiumError) as exc:
        raise InputFileError(f"{name}: not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    except PARSER_SLIPS as exc:
        if not _raised_by_parser(exc):
            raise
        raise InputFileError(f"{name}: not a readable PDF ({exc.__class__.__name__}: {exc})") from exc


def _vector_page(plumber_page: Any, number: int, picture_shape: PictureShape | None,
                 settings: PdfSettings) -> Page | None:
    """The page read from its vector layer, or None when OCR must read it.

    OCR reads a page whose text layer is missing or unmapped glyphs, and a
    page covered by a picture where no ruled table is drawn (a scan, even
    under an invisible OCR text layer: that layer holds no table).
    """
    chars = plumber_page.chars
    unmapped = sum(c["text"].startswith("(cid:") for c in chars)
    if len(chars) - unmapped < settings.min_chars and _has_graphics(plumber_page):
        return None
    if chars and unmapped > settings.max_unmapped * len(chars):
        return None
    page = read_page(plumber_page, number, settings.vector, picture_shape)
    area = float(plumber_page.width * plumber_page.height) or 1.0
    has_table = any(isinstance(b, Table) for b in page.blocks)
    if not has_table and any(_area(img) >= settings.scan_image_share * area for img in plumber_page.images):
        return None
    return page


def _sideways(plumber_page: Any, settings: PdfSettings) -> int:
    """The quarter turn (90 or 270 degrees) that makes a page printed sideways upright, or 0.

    A landscape table "printed" onto a portrait page shows its text running
    up or down the page; most of the page's characters then are turned.
    """
    chars = plumber_page.chars
    turned = [c for c in chars if not c.get("upright", True)]
    if not chars or len(turned) <= settings.sideways_share * len(chars):
        return 0
    up = sum(c["matrix"][1] > 0 for c in turned)
    return 90 if up * 2 > len(turned) else 270


def _read_turned(data: bytes, number: int, turn: int, settings: PdfSettings) -> Page | None:
    """A sideways page read from a copy of it turned upright (its /Rotate changed, nothing redrawn)."""
    src = pdfium.PdfDocument(data)
    copy = pdfium.PdfDocument.new()
    try:
        copy.import_pages(src, [number - 1])
        page = copy[0]
        page.set_rotation((page.get_rotation() + turn) % 360)
        page.close()
        buffer = io.BytesIO()
        copy.save(buffer)
    finally:
        copy.close()
        src.close()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        plumber_page = pdf.pages[0]
        try:
            return _vector_page(plumber_page, number, None, settings)
        finally:
            plumber_page.close()


def _has_graphics(plumber_page: Any) -> bool:
    return bool(plumber_page.images or plumber_page.curves or plumber_page.rects or plumber_page.lines)


def _ocr_dpi(plumber_page: Any, settings: PdfSettings) -> int:
    """The resolution of the page's largest picture, within the OCR bounds (the top one without a picture)."""
    images = [img for img in plumber_page.images if _area(img) > 0 and img.get("srcsize")]
    if not images:
        return settings.max_dpi
    img = max(images, key=_area)
    native = img["srcsize"][0] / max(1e-6, float(img["x1"] - img["x0"])) * 72
    return int(min(settings.max_dpi, max(settings.min_dpi, native)))


def _full_page_picture(plumber_page: Any, settings: PdfSettings) -> dict[str, Any] | None:
    """The one picture that is the whole page (a scanner's page), if that is all the page shows."""
    images = plumber_page.images
    area = float(plumber_page.width * plumber_page.height) or 1.0
    if len(images) != 1 or plumber_page.chars or plumber_page.curves or plumber_page.rects or plumber_page.lines:
        return None
    return images[0] if _area(images[0]) >= settings.full_page_share * area else None


def _area(img: dict[str, Any]) -> float:
    return max(0.0, float(img["x1"] - img["x0"])) * max(0.0, float(img["bottom"] - img["top"]))


def _pasted_tables(plumber_page: Any, page: Page, settings: PdfSettings) -> list[BBox]:
    """Large pictures on a digital page that no ruled table overlaps: tables pasted as images."""
    area = page.width * page.height or 1.0
    boxes = [(float(img["x0"]), float(img["top"]), float(img["x1"]), float(img["bottom"]))
             for img in plumber_page.images if _area(img) >= settings.table_image_share * area]
    return [box for box in boxes if not any(isinstance(b, Table) and _overlap(box, b.bbox) for b in page.blocks)]


def _overlap(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _ocr_function(name: str) -> OcrPages:
    """The scan reader's page OCR, or an error saying OCR is not available."""
    try:
        from sopbaku.ingest import scan
    except ImportError as exc:
        raise UnsupportedFormatError(f"{name}: scanned pages need OCR, not available") from exc
    return scan.ocr_pages  # type: ignore[no-any-return]


def _ocr_region(name: str, pixels: _Pixels, page: Page, box: BBox, settings: PdfSettings) -> None:
    """OCR the part of the page a large picture covers and add what it shows, mapped back to points."""
    scale = settings.max_dpi / 72
    x0, top = max(0, int(box[0] * scale)), max(0, int(box[1] * scale))
    x1, bottom = int(box[2] * scale), int(box[3] * scale)
    found = _ocr_function(name)([pixels.render(page.number, settings.max_dpi)[top:bottom, x0:x1]])[0]
    back = _Mapping(1 / scale, x0 / scale, top / scale)
    page.blocks = [b for b in page.blocks if not (isinstance(b, TextLine) and _within(b.bbox, box))]
    page.blocks = sorted([*page.blocks, *(back.block(b) for b in found.blocks)], key=lambda b: (b.bbox[1], b.bbox[0]))
    page.symbols += [back.symbol(s) for s in found.symbols]
    page.arrows += [back.arrow(a) for a in found.arrows]


def _within(box: BBox, outer: BBox) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _boxes_in_points(sops: list[RawSop], pages: list[Page], scales: dict[int, _Mapping]) -> None:
    """Provenance of OCR'd pages: from the straightened picture's pixels to the PDF page's points."""
    from sopbaku.ingest import scan

    scan.to_source(sops, pages)

    def back(prov: Provenance) -> Provenance:
        mapping = scales.get(prov.page or 0)
        if mapping is None or prov.bbox is None:
            return prov
        return replace(prov, bbox=mapping.box(prov.bbox))

    for sop in sops:
        for row in sop.rows:
            row.prov = back(row.prov)
        for segment in sop.segments:
            segment.prov = back(segment.prov)


class _Pixels:
    """The PDF opened with pdfium, on first need only: page renders for OCR, pictures' pixels."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = data
        self._name = name
        self._doc: pdfium.PdfDocument | None = None

    def __enter__(self) -> _Pixels:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._doc is not None:
            self._doc.close()

    @property
    def doc(self) -> pdfium.PdfDocument:
        if self._doc is None:
            self._doc = pdfium.PdfDocument(self._data)
        return self._doc

    def render(self, number: int, dpi: int) -> np.ndarray:
        """One page as a greyscale pixel array at ``dpi``."""
        page = self.doc[number - 1]
        try:
            width, height = page.get_size()
            guards.check_pixels(self._name, width * dpi / 72, height * dpi / 72, f"page {number} at {dpi} dpi")
            return page.render(scale=dpi / 72, grayscale=True).to_numpy().copy()
        finally:
            page.close()

    def scan(self, plan: _ScanPlan, settings: PdfSettings) -> tuple[np.ndarray, _Mapping]:
        """The page's pixels for OCR and their mapping to points.

        A scanner's page is one upright picture: its own pixels are taken as
        they are (resampling them blurs thin arrow lines). Anything else is
        rendered at the resolution of its largest picture.
        """
        pixels = self._picture_pixels(plan.number) if plan.picture is not None else None
        if plan.picture is not None and pixels is not None:
            x0, top, x1, _ = plan.picture
            return pixels, _Mapping((x1 - x0) / pixels.shape[1], x0, top)
        return self.render(plan.number, plan.dpi), _Mapping(72 / plan.dpi, 0.0, 0.0)

    def _picture_pixels(self, number: int) -> np.ndarray | None:
        """The only picture of an unrotated page, greyscale, if it is placed upright and unmasked."""
        page = self.doc[number - 1]
        try:
            images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
            if page.get_rotation() or len(images) != 1:
                return None
            m = images[0].get_matrix()
            if m.b or m.c or m.a <= 0 or m.d <= 0:
                return None
            guards.check_pixels(self._name, *images[0].get_px_size(), f"the picture on page {number}")
            pixels = images[0].get_bitmap(render=False).to_numpy()
        finally:
            page.close()
        if pixels.ndim == 2:
            return pixels.copy()
        if pixels.ndim == 3 and pixels.shape[2] in (3, 4):
            return cv2.cvtColor(pixels[:, :, :3], cv2.COLOR_BGR2GRAY)
        return None

    def picture_shapes(self, number: int) -> PictureShape:
        """A lookup of the flowchart shape each picture of a page shows (decoded once, on first call)."""
        found: list[tuple[BBox, Shape | None]] | None = None

        def shape_at(box: BBox) -> Shape | None:
            nonlocal found
            if found is None:
                found = self._pictures(number)
            near = min(found, key=lambda f: sum(abs(a - b) for a, b in zip(f[0], box, strict=True)), default=None)
            return near[1] if near is not None else None

        return shape_at

    def _pictures(self, number: int) -> list[tuple[BBox, Shape | None]]:
        page = self.doc[number - 1]
        try:
            height = page.get_height()
            out = []
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
                left, bottom, right, top = obj.get_bounds()
                guards.check_pixels(self._name, *obj.get_px_size(), f"a picture on page {number}")
                out.append(((left, height - top, right, height - bottom), classify_ink(_ink(obj))))
            return out
        finally:
            page.close()


def _ink(image: Any) -> np.ndarray:
    """A picture's dark strokes as a mask, its transparent parts taken as white paper."""
    pixels = image.get_bitmap(render=True).to_numpy().astype(np.float32)
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        alpha = pixels[:, :, 3:4] / 255.0
        pixels = pixels[:, :, :3] * alpha + 255.0 * (1 - alpha)
    gray = pixels.mean(axis=2) if pixels.ndim == 3 else pixels
    return (gray < INK_LEVEL).astype(np.uint8)


@dataclass(frozen=True)
class _Mapping:
    """Pixel coordinates of a cropped render back to page points."""

    scale: float
    dx: float
    dy: float

    def point(self, p: tuple[float, float]) -> tuple[float, float]:
        return p[0] * self.scale + self.dx, p[1] * self.scale + self.dy

    def box(self, b: BBox) -> BBox:
        (x0, y0), (x1, y1) = self.point((b[0], b[1])), self.point((b[2], b[3]))
        return x0, y0, x1, y1

    def block(self, block: Block) -> Block:
        if isinstance(block, TextLine):
            return TextLine(block.text, self.box(block.bbox))
        return replace(block, cells=[self.cell(c) for c in block.cells], bbox=self.box(block.bbox),
                       col_edges=[x * self.scale + self.dx for x in block.col_edges],
                       row_edges=[y * self.scale + self.dy for y in block.row_edges])

    def cell(self, cell: Cell) -> Cell:
        return replace(cell, bbox=self.box(cell.bbox))

    def arrow(self, arrow: Arrow) -> Arrow:
        return replace(arrow, tail=self.point(arrow.tail), head=self.point(arrow.head),
                       path=[self.point(p) for p in arrow.path])

    def symbol(self, symbol: Symbol) -> Symbol:
        return replace(symbol, bbox=self.box(symbol.bbox))
