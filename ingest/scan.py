"""Scanned pages -> layout pages: clean-up, grid, symbols, one OCR pass, words into cells.

:func:`ocr_page` is what the PDF reader (image-only pages) and the image
reader call for one page image. The order of the steps is what makes it both
accurate and about as fast as OCR alone:

1. the page is made upright and straight (:mod:`scan_clean`), keeping the map
   back to the source pixels;
2. the table rules are found by morphology (:mod:`scan_grid`), then the
   flowchart symbols and arrows inside the role cells (:mod:`scan_symbols`);
3. rules, symbols and arrows are whitened, so tesseract neither spends time
   on them nor reads them as "|", "v", "Q", "[" debris, and the page is read
   in one tesseract pass (:mod:`sopbaku.tesseract`);
4. each word goes to the cell under its centre; "Ya"/"Tidak" beside a
   decision's exits become arrow labels instead of cell text.

A page whose words read badly is tried once more upside down: only OCR can
tell 0 from 180 degrees, and a failed read costs less than a second pass on
every page. Likewise only the Waktu cells that read as no duration are read
a second time, all of a page's in one small tesseract call
(:mod:`scan_reread`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import cv2
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from sopbaku.ingest import guards, textutil
from sopbaku.ingest.layout import Arrow, BBox, Block, Cell, Page, Table, TextLine, split_at_gaps
from sopbaku.ingest.scan_clean import IDENTITY, Affine, CleanPage, clean_page, map_box
from sopbaku.ingest.scan_grid import Grid, find_grids, rule_mask
from sopbaku.ingest.scan_reread import reread
from sopbaku.ingest.scan_symbols import find_arrows, find_symbols, symbol_mask
from sopbaku.raw import Provenance, RawNote, RawSop
from sopbaku.tesseract import Word, image_to_data, languages

#: Words of flowchart headers: a garbled header cell is restored from them when that makes it a header.
HEADER_VOCABULARY = ("no", "nomor", "uraian", "kegiatan", "prosedur", "aktivitas", "pelaksana", "mutu", "baku",
                     "kelengkapan", "persyaratan", "peralatan", "perlengkapan", "waktu", "output", "keluaran",
                     "keterangan", "ket", "menit", "jam", "hari")
#: Rows at the top of a table searched for header cells.
HEADER_ROWS = 4
#: Largest enlargement of a page for OCR.
MAX_ENLARGE = 2.5
#: Unsharp mask given to an enlarged page: its radius in source pixels, and its strength.
SHARPEN_SIGMA = 1.4
SHARPEN_AMOUNT = 1.0
#: Characters OCR reads for digits in a duration ("IS" for 15, "|" for 1, "$" for 5, "&" for 8).
_LOOKALIKE_DIGITS = str.maketrans("IlSsOoBZ|!$&", "115500821158")
_LOOKALIKE = "0-9IlSsOoBZ|!$&"
#: Specks OCR reads at the end of a small cell's text ("15monit—"): not part of a duration.
_TRAILING_SPECKS = "—–-~_|'\"“”"
#: Similarity (0-100) from which a garbled unit word is taken for a unit starting with its letter ("Han" for
#: "hari"), and from which for any unit (a first letter misread: "Mari" for "hari").
UNIT_SCORE = 55
UNIT_SCORE_ANY_START = 75
_GARBLED_NUMBER = re.compile(rf"[{_LOOKALIKE}]{{1,3}}")
_GARBLED_DURATION = re.compile(rf"(?P<count>[{_LOOKALIKE}]{{1,3}}(?:\s*[-–]\s*[{_LOOKALIKE}]{{1,3}})?)"
                               r"(?P<gap>\s*)(?P<unit>[A-Za-z]{3,7})\.?")
#: How "Ya" and "Tidak" beside a decision's exits may be printed (or partly read).
YA_SPELLINGS = ("y", "ya", "yes")
TIDAK_SPELLINGS = ("t", "no", "tdk", "tidak")
#: Least OCR confidence of a word taken as a label (a speck read as "n" is not one).
LABEL_CONFIDENCE = 30.0
#: How far from an arrow's tail its label may be printed, in text heights.
LABEL_REACH = 4.0
#: How far past a symbol's inner boundary its pixels are whitened for OCR, in text heights.
SYMBOL_MARGIN = 0.3
#: A deskew of at least this many degrees is worth telling the reviewer (the page was held crooked).
NOTABLE_SKEW = 3.0
#: Gap between two words of one tesseract line that splits it into two text lines, in text heights.
LINE_SPLIT_GAP = 3.0
#: Longest text of a Waktu cell read again when it is no duration: a garbled "900" is short, "Sesuai kebutuhan" not.
REREAD_MAX_CHARS = 10
#: How the second look at a Waktu cell reads a bare number: tesseract's English model, digits only, a strong
#: unsharp mask: it reads small blurred serif numbers ("900", "20") that the Indonesian model, even limited to
#: digits, reads as words or not at all. The page's language serves where English data is not installed.
BARE_LANG = "eng"
BARE_CHARACTERS = "0123456789-"
BARE_SHARPEN = 1.5
#: How it reads a count with its unit ("Sman" for "5 menit"): the page's language, digits and unit letters.
DURATION_SHARPEN = 1.0
DURATION_CHARACTERS = "0123456789-.,/" + "".join(sorted({ch for u in textutil.WAKTU_UNITS for ch in u + u.upper()}))


@dataclass(frozen=True)
class ScanSettings:
    """How pages are read; the defaults suit 150-300 dpi office scans."""

    #: tesseract languages. "ind" alone: "ind+eng" costs 30-70% more OCR time and read no better on SOPs
    #: (English words in them are Latin script the Indonesian model reads).
    lang: str = "ind"
    #: tesseract page segmentation: 6 reads the masked page as one block of lines, the fastest that keeps cells apart.
    psm: int = 6
    timeout: float = 180.0
    #: Text height (pixels) under which a page is enlarged for OCR; 0 never enlarges.
    min_text_height: float = 16.0
    #: Mean word confidence under which the page is read again turned upside down.
    retry_below: float = 50.0
    #: Pages read at once; 0 means one per CPU.
    workers: int = 0


@dataclass
class ScanPage(Page):
    """A page read from an image: the layout in the upright page's pixels, plus how it was straightened."""

    to_source: Affine = IDENTITY  # page pixels -> source image pixels
    rotation: int = 0  # quarter turns applied, degrees clockwise
    skew: float = 0.0  # degrees turned back to straighten the page
    confidence: float | None = None  # mean word confidence, None when no word was read
    rereads: int = 0  # Waktu cells read a second time, digits and unit letters only (each costs OCR time)


def ocr_page(image: np.ndarray, number: int, settings: ScanSettings | None = None) -> ScanPage:
    """One page image (BGR or grey, any dpi from 150 to 300) read into a layout :class:`Page` in pixels."""
    settings = _bounded(settings or ScanSettings())
    clean = clean_page(image)
    page = _read(clean, number, settings)
    if page.confidence is None or page.confidence >= settings.retry_below:
        return page
    turned = _read(clean_page(image, quarter_turns=clean.rotation // 90 + 2), number, settings)
    return turned if (turned.confidence or 0.0) > page.confidence else page


def ocr_pages(images: Sequence[np.ndarray], settings: ScanSettings | None = None, first: int = 1) -> list[ScanPage]:
    """Several pages read in parallel (one single-threaded tesseract each), numbered from ``first``."""
    settings = _bounded(settings or ScanSettings())
    workers = settings.workers or guards.current().cpus_per_file or os.cpu_count() or 1
    if workers == 1 or len(images) == 1:
        return [ocr_page(image, first + i, settings) for i, image in enumerate(images)]
    with ThreadPoolExecutor(max_workers=min(workers, len(images))) as pool:
        return list(pool.map(lambda item: ocr_page(item[1], first + item[0], settings), enumerate(images)))


def _bounded(settings: ScanSettings) -> ScanSettings:
    """``settings`` with tesseract's timeout cut to the file's time limit: a stuck OCR process is killed
    by then at the latest. Done in the caller's thread, where the file's limits are known."""
    timeout = guards.ocr_timeout(settings.timeout)
    return settings if timeout == settings.timeout else replace(settings, timeout=timeout)


def to_source(sops: list[RawSop], pages: Sequence[Page]) -> None:
    """Rows' and headers' boxes mapped back onto the source images' pixels; large turns noted.

    :func:`ocr_page` reads a page straightened; a reviewer crops the file as
    it is. A page read turned by quarter turns or held noticeably crooked is
    told in a note, since it is worth checking.
    """
    by_number = {page.number: page for page in pages if isinstance(page, ScanPage)}

    def back(prov: Provenance) -> Provenance:
        page = by_number.get(prov.page or 0)
        if page is None or prov.bbox is None or page.to_source == IDENTITY:
            return prov
        return replace(prov, bbox=map_box(page.to_source, prov.bbox))

    for sop in sops:
        for row in sop.rows:
            row.prov = back(row.prov)
        for segment in sop.segments:
            segment.prov = back(segment.prov)
        for number in sop.pages:
            page = by_number.get(number)
            if page is not None and (page.rotation or abs(page.skew) >= NOTABLE_SKEW):
                sop.notes.append(RawNote("page-straightened", f"OCR: page {number} was read turned "
                                         f"{page.rotation}° clockwise and straightened by {page.skew:.1f}°."))


def _read(clean: CleanPage, number: int, settings: ScanSettings) -> ScanPage:
    """Grid, symbols, arrows, one OCR pass over the masked page, and the words placed."""
    shape = clean.ink.shape[:2]
    grids = find_grids(clean.ink, clean.unit)
    rules = rule_mask(grids, shape, clean.unit)
    found = find_symbols(clean.ink, rules, grids, clean.unit)
    arrows, arrow_pixels = find_arrows(clean.ink, rules, found, grids, clean.unit)
    drawn = cv2.bitwise_or(cv2.bitwise_or(rules, arrow_pixels), symbol_mask(found, shape, SYMBOL_MARGIN * clean.unit))
    text = cv2.bitwise_and(clean.ink, cv2.bitwise_not(cv2.dilate(drawn, np.ones((3, 3), np.uint8))))
    ocr_image = _ocr_image(clean.gray, text)
    words = _ocr(ocr_image, clean.unit, settings)
    words = [w for w in words if _has_ink(text, w)]
    words = _label_arrows(words, arrows, clean.unit)
    blocks = _blocks(words, grids, clean.unit)
    rereads = _reread_durations([b for b in blocks if isinstance(b, Table)], ocr_image, text, clean.unit, settings)
    confidence = float(np.mean([w.conf for w in words])) if words else None
    h, w = shape
    return ScanPage(number, float(w), float(h), blocks, [f.symbol for f in found], arrows, "ocr",
                    clean.to_source, clean.rotation, clean.skew, confidence, rereads)


def _ocr(image: np.ndarray, unit: float, settings: ScanSettings) -> list[Word]:
    """One tesseract pass; small print is enlarged first and the word boxes scaled back.

    Tesseract reads 7-point table text at 150 dpi (characters ~11 pixels
    high) markedly worse than the same text larger: digits of durations go
    wrong first. Enlarging costs OCR time, so only pages below
    ``settings.min_text_height`` are enlarged, just enough. Such print is
    also soft (a pixel of optical blur is a tenth of a letter), and
    enlarging does not sharpen it: "20" is read "10", "Hari" "Han". An
    unsharp mask over about a source pixel restores the strokes' edges;
    on generated 150 dpi phone scans it put right most misread durations.
    """
    factor = min(settings.min_text_height / unit, MAX_ENLARGE) if settings.min_text_height > unit else 1.0
    if factor > 1.0:
        image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        soft = cv2.GaussianBlur(image, (0, 0), SHARPEN_SIGMA * factor)
        image = cv2.addWeighted(image, 1.0 + SHARPEN_AMOUNT, soft, -SHARPEN_AMOUNT, 0)
    words = image_to_data(image, lang=settings.lang, psm=settings.psm, timeout=settings.timeout)
    if factor == 1.0:
        return words
    return [replace(w, left=int(w.left / factor), top=int(w.top / factor), width=round(w.width / factor),
                    height=round(w.height / factor)) for w in words]


def _ocr_image(gray: np.ndarray, text: np.ndarray) -> np.ndarray:
    """The page tesseract reads: the straightened grey page, white but around the text's ink.

    ``text`` is the ink left once rules, symbols and arrows are taken out;
    keeping the grey only next to it whitens those drawings with the soft
    edges of their strokes, and what is left of header fills and sensor
    grain, which tesseract otherwise reads as "—" and "~".
    """
    near_text = cv2.dilate(text, np.ones((5, 5), np.uint8))
    return cv2.bitwise_or(gray, cv2.bitwise_not(near_text))  # the mask is 0 or 255: grey near text, else white


def _has_ink(text: np.ndarray, word: Word) -> bool:
    """Whether a word's box holds some text ink: tesseract now and then reads "=" or "-" into a blank gap."""
    box = text[max(word.top, 0):word.bottom, max(word.left, 0):word.right]
    return box.size > 0 and int(np.count_nonzero(box)) >= max(3, box.size // 50)


def _label_arrows(words: list[Word], arrows: list[Arrow], unit: float) -> list[Word]:
    """Words that are a decision exit's "Ya"/"Tidak" taken out of the text and set as that arrow's label.

    A label is printed at the exit it names, along the arrow's first leg.
    A label word within :data:`LABEL_REACH` of an arrow's tail is never cell
    text; it labels the arrow whose first leg passes within
    :data:`LABEL_REACH` / 2 of it (none when that arrow was not found: a
    guess would send the flow the wrong way). "ya" far from any arrow stays
    text.
    """
    kept = []
    for word in words:
        label = _arrow_label(word.text) if word.conf >= LABEL_CONFIDENCE else ""
        near = [a for a in arrows if len(a.path) >= 2 and _distance(word.centre, a.tail) <= LABEL_REACH * unit]
        if not label or not near:
            kept.append(word)
            continue
        arrow = min(near, key=lambda a: _to_segment(word.centre, a.path[0], a.path[1]))
        if _to_segment(word.centre, arrow.path[0], arrow.path[1]) <= LABEL_REACH * unit / 2 and not arrow.label:
            arrow.label = label
    return kept


def _distance(p: tuple[float, float], q: tuple[float, float]) -> float:
    return float(np.hypot(p[0] - q[0], p[1] - q[1]))


def _to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from a point to the segment a-b."""
    pa, ba = np.subtract(p, a), np.subtract(b, a)
    t = float(np.clip(np.dot(pa, ba) / max(float(np.dot(ba, ba)), 1e-9), 0.0, 1.0))
    return float(np.hypot(*(pa - t * ba)))


def _arrow_label(text: str) -> str:
    """"Ya" or "Tidak" when a word reads as one of them, else "".

    Labels are small and often cross a rule or touch their arrow, so OCR gets
    part of them: a lone "Y", "Ti", "Tic" still say which exit it is.
    """
    letters = re.sub(r"[^a-z]", "", text.casefold())
    if letters in YA_SPELLINGS or (len(letters) >= 2 and "ya".startswith(letters)):
        return "Ya"
    if letters in TIDAK_SPELLINGS or (2 <= len(letters) <= 5 and letters.startswith("ti")) \
            or (len(letters) >= 4 and fuzz.ratio(letters, "tidak") >= 75):
        return "Tidak"
    return ""


def _blocks(words: list[Word], grids: list[Grid], unit: float) -> list[Block]:
    """Tables with their cells' text, and the text lines outside them, top to bottom."""
    in_cells: dict[tuple[int, int], list[Word]] = {}
    outside: list[Word] = []
    for word in words:
        placed = False
        for g, grid in enumerate(grids):
            cell = grid.cell_at(*word.centre)
            if cell is not None:
                in_cells.setdefault((g, grid.cells.index(cell)), []).append(word)
                placed = True
                break
        if not placed:
            outside.append(word)
    blocks: list[Block] = [_table(g, grid, in_cells) for g, grid in enumerate(grids)]
    blocks += _text_lines(outside, unit)
    return sorted(blocks, key=lambda b: (b.bbox[1], b.bbox[0]))


def _table(g: int, grid: Grid, in_cells: dict[tuple[int, int], list[Word]]) -> Table:
    cells = []
    for i, gc in enumerate(grid.cells):
        words = in_cells.get((g, i), [])
        text = "\n".join(" ".join(w.text for w in line) for line in _lines(words))
        confidence = float(np.mean([w.conf for w in words])) if words else None
        cells.append(Cell(gc.row, gc.col, text, _round_box(gc.bbox), gc.row_span, gc.col_span, confidence))
    _restore_header(cells)
    _restore_durations(cells)
    _restore_index_row(cells, len(grid.col_edges) - 1)
    _restore_list_numbers(cells)
    return Table(cells, len(grid.row_edges) - 1, len(grid.col_edges) - 1, _round_box(grid.bbox),
                 [round(x, 1) for x in grid.col_edges], [round(y, 1) for y in grid.row_edges])


def _restore_header(cells: list[Cell]) -> None:
    """Header cells OCR garbled ("Uratan Prosedur", "Na,") put back into the header vocabulary.

    A cell near the top of the table is rewritten only when it does not read
    as a header word as printed and does once each of its words is replaced
    by the closest header word (rapidfuzz) and stray marks at its ends are
    dropped; body text never changes.
    """
    for cell in cells:
        if cell.row >= HEADER_ROWS or not cell.text or len(cell.text.split()) > 4:
            continue
        if textutil.header_word(cell.text) is None:
            restored = re.sub(r"[^\W\d_]+", _header_token, cell.text).strip(" ,;:=-—~'\"|")
            if textutil.header_word(restored) is not None:
                cell.text = restored


def _header_token(match: re.Match[str]) -> str:
    """The header word closest to an OCR'd word, in the word's case; the word itself when none is close."""
    token = match[0]
    folded = token.casefold()
    if len(folded) <= 3:
        near = [w for w in HEADER_VOCABULARY if len(w) <= 3 and w[0] == folded[0]
                and Levenshtein.distance(w, folded) <= 1]
        best = near[0] if near else None
    else:
        found = process.extractOne(folded, HEADER_VOCABULARY, scorer=fuzz.ratio, score_cutoff=75)
        best = found[0] if found else None
    if best is None:
        return token
    return best.upper() if token.isupper() else best.capitalize() if token[0].isupper() else best


def _restore_durations(cells: list[Cell]) -> None:
    """Durations OCR garbled ("IS Menit", "| Hari", "40 ment", "1 Han") put back: look-alike digits and the unit.

    Only a cell under Waktu that is a count and a word, and that reads as
    a duration once restored but not as printed, is rewritten (specks after
    it dropped); and a cell of one to three digit look-alikes, a bare count,
    when a digit is among them or its column is one of counts or under
    Waktu (a lone "8" is often read "s" or "&").
    """
    counts, durations = _count_columns(cells), _duration_columns(cells)
    for cell in cells:
        text = cell.text.strip()
        if _is_count(text) or (_GARBLED_NUMBER.fullmatch(text) and cell.col in counts | durations):
            cell.text = text.translate(_LOOKALIKE_DIGITS)  # a bare count under "Waktu (menit)": "1s" is 15
            continue
        if cell.col not in durations:
            continue  # "1 buah" under Kelengkapan is no garbled "1 bulan"
        text = text.rstrip(_TRAILING_SPECKS).rstrip()
        match = _GARBLED_DURATION.fullmatch(text)
        if match is None or textutil.is_duration(cell.text):
            continue
        unit = process.extractOne(match["unit"].casefold(), textutil.WAKTU_UNITS, scorer=fuzz.ratio,
                                  score_cutoff=UNIT_SCORE)
        if unit is None or (unit[0][0] != match["unit"][0].casefold() and unit[1] < UNIT_SCORE_ANY_START):
            continue
        count = match["count"].translate(_LOOKALIKE_DIGITS)
        word = unit[0].capitalize() if match["unit"][0].isupper() else unit[0]
        restored = f"{count}{match['gap']}{word}"
        if textutil.is_duration(restored):
            cell.text = restored


def _reread_durations(tables: list[Table], image: np.ndarray, text: np.ndarray, unit: float,
                      settings: ScanSettings) -> int:
    """Waktu cells that still read as no duration read once more, digits and unit letters only; how many were.

    Under "Waktu (menit)" a bare "900" alone in its cell is now and then read
    as a word ("Ku", "Lu") though its crop is clean: the page pass weighs
    the language's words, which the digits resemble. A short cell (or an
    empty one with ink) in a Waktu column that is no duration after
    :func:`_restore_durations` is read again (:mod:`scan_reread`, one
    tesseract call for all of a page's such cells); the second reading is
    taken only when it is a duration, a bare number only where a bare number
    is one (the header names the unit, or the column is of counts).
    """
    todo: list[tuple[Cell, bool]] = []
    for table in tables:
        durations, bare = _duration_columns(table.cells), _bare_columns(table.cells)
        for cell in table.cells:
            cell_text = cell.text.strip()
            if cell.col not in durations or cell.col_span != 1 or len(cell_text) > REREAD_MAX_CHARS \
                    or textutil.header_word(cell_text) is not None \
                    or textutil.is_duration(cell_text, bare_ok=cell.col in bare):
                continue
            if cell_text or _box_has_ink(text, cell.bbox, unit):
                todo.append((cell, cell.col in bare))
    bare_lang = BARE_LANG if BARE_LANG in languages() else settings.lang
    for bare_ok, look in ((True, (BARE_CHARACTERS, bare_lang, BARE_SHARPEN)),
                          (False, (DURATION_CHARACTERS, settings.lang, DURATION_SHARPEN))):
        cells = [cell for cell, bare in todo if bare == bare_ok]
        if not cells:
            continue
        for cell, reading in zip(cells, reread(image, [c.bbox for c in cells], unit, *look, settings.timeout),
                                 strict=True):
            second = " ".join(reading.text.split())
            if second and textutil.is_duration(second, bare_ok=bare_ok):
                cell.text, cell.confidence = second, reading.confidence
    return len(todo)


def _bare_columns(cells: list[Cell]) -> set[int]:
    """Grid columns where a bare number is a duration: under a Waktu header naming the unit, or of counts."""
    named = {col for c in cells if c.row < HEADER_ROWS and textutil.waktu_unit(c.text) is not None
             for col in range(c.col, c.col + c.col_span)}
    return named | _count_columns(cells)


def _box_has_ink(text: np.ndarray, box: BBox, unit: float) -> bool:
    """Whether a cell's box holds at least a character's worth of text ink (a cell OCR read nothing in)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    return int(np.count_nonzero(text[max(y0, 0):y1, max(x0, 0):x1])) >= unit * unit / 2


def _count_columns(cells: list[Cell]) -> set[int]:
    """Grid columns whose filled cells are mostly bare numbers (step numbers, minutes, column numbers)."""
    filled: dict[int, list[str]] = {}
    for cell in cells:
        if cell.text.strip() and cell.col_span == 1:
            filled.setdefault(cell.col, []).append(cell.text.strip())
    return {col for col, texts in filled.items()
            if len(texts) >= 3 and sum(_is_count(t) for t in texts) >= 0.6 * len(texts)}


def _duration_columns(cells: list[Cell]) -> set[int]:
    """Grid columns of durations: under a "Waktu" header, or (a table continued without its header) mostly
    filled with cells that read as durations."""
    headed = {col for c in cells if c.row < HEADER_ROWS and textutil.header_word(c.text) == "waktu"
              for col in range(c.col, c.col + c.col_span)}
    filled: dict[int, list[str]] = {}
    for cell in cells:
        if cell.text.strip() and cell.col_span == 1:
            filled.setdefault(cell.col, []).append(cell.text)
    return headed | {col for col, texts in filled.items()
                     if len(texts) >= 2 and sum(textutil.is_duration(t) for t in texts) >= 0.5 * len(texts)}


def _is_count(text: str) -> bool:
    """A bare number, perhaps with a digit misread as its look-alike letter ("1s")."""
    return bool(_GARBLED_NUMBER.fullmatch(text)) and any(ch.isdigit() for ch in text)


def _restore_index_row(cells: list[Cell], n_cols: int) -> None:
    """The "1 2 3 ... N" column-number row some tables print under the header, when OCR garbled some numbers.

    A row with one short cell per column, many of which read as their own
    column number, is that row (a step row has its Kegiatan text): every cell
    gets its number back.
    """
    rows: dict[int, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append(cell)
    for row in rows.values():
        if len(row) != n_cols or any(c.col_span != 1 or len(c.text.strip()) > 3 for c in row):
            continue
        if sum(c.text.strip() == str(c.col + 1) for c in row) >= max(3, 0.3 * n_cols):
            for cell in row:
                cell.text = str(cell.col + 1)


def _restore_list_numbers(cells: list[Cell]) -> None:
    """The "1." "2." "3." of a numbered list in a cell, where OCR lost the period or misread the digit.

    Identity cells list laws, qualifications, equipment one item a line;
    small print reads as "| Teliti ...", "2 Memahami ...", "$ Data ...",
    and without the "N." the items run together into one. A cell where at
    least two lines, in order, start with the next item number (look-alike
    digits allowed, wrapped lines between them) gets those numbers back.
    """
    for cell in cells:
        lines = cell.text.split("\n")
        if len(lines) < 2:
            continue
        numbered, expected = [], 1
        for k, line in enumerate(lines):
            head, _, rest = line.partition(" ")
            bare = head.rstrip(".,)")
            if rest and bare and bare.translate(_LOOKALIKE_DIGITS) == str(expected):
                numbered.append((k, expected, rest))
                expected += 1
        if len(numbered) >= 2 and any(lines[k] != f"{n}. {rest}" for k, n, rest in numbered):
            for k, n, rest in numbered:
                lines[k] = f"{n}. {rest}"
            cell.text = "\n".join(lines)


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped by the tesseract line they were read in, lines top to bottom, words left to right."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    ordered = sorted(lines.values(), key=lambda ws: float(np.median([w.top for w in ws])))
    return [sorted(ws, key=lambda w: w.left) for ws in ordered]


def _text_lines(words: list[Word], unit: float) -> list[TextLine]:
    """Lines of the words outside every table, a line split where a wide gap parts two columns of text."""
    return [_text_line(run) for line in _lines(words)
            for run in split_at_gaps(line, LINE_SPLIT_GAP * unit, lambda w: w.left, lambda w: w.right)]


def _text_line(words: list[Word]) -> TextLine:
    box = (min(w.left for w in words), min(w.top for w in words), max(w.right for w in words),
           max(w.bottom for w in words))
    return TextLine(" ".join(w.text for w in words), _round_box(box))


def _round_box(box: BBox) -> BBox:
    return tuple(round(float(v), 1) for v in box)  # type: ignore[return-value]
