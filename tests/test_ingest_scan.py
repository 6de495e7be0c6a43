"""The scan reader: page clean-up, grid, symbols, arrows, OCR and the image files, on generated scans.

Scans of real SOPs with hand-checked gold are not in the corpus yet, so the
pages are drawn by the project's generator (:mod:`sopbaku.synth`) and
degraded like a scanner would, which also tells exactly where every symbol
was drawn. The generator's gold SOP is the expected output.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from sopbaku import jsonio, pipeline, tesseract
from sopbaku.errors import InputFileError, MissingDependencyError
from sopbaku.ingest import read, scan, scan_clean, scan_grid, scan_symbols
from sopbaku.ingest.layout import Cell, Table
from sopbaku.synth import scan as synth_scan
from sopbaku.synth.model import make_sops
from sopbaku.synth.pdf import DocumentLayout, PdfStyle, layout_document, write_pdf

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")

SEED = 3
DPI = 200


@dataclass
class Scanned:
    """A generated document: its gold SOP, its layout in points, and its pages as scanned images."""

    sop: dict
    layout: DocumentLayout
    pages: list[np.ndarray]
    style: synth_scan.ScanStyle

    def table_page(self) -> int:
        """Index of the first flowchart page."""
        return next(i for i, p in enumerate(self.layout.pages) if p.kind == "table" and p.rows)

    def to_pixels(self, box) -> tuple[float, float, float, float]:
        """A layout box (points, origin bottom-left) in the unskewed page's pixels."""
        k, height = self.style.dpi / 72, self.layout.size[1]
        return box.x0 * k, (height - box.y1) * k, box.x1 * k, (height - box.y0) * k


def scanned(tmp: Path, style: synth_scan.ScanStyle) -> Scanned:
    rng = random.Random(SEED)
    sops = make_sops(rng, 1)
    pdf_style = PdfStyle.random(rng)
    write_pdf(sops, tmp / "doc.pdf", pdf_style)
    pages = [np.asarray(page) for page in synth_scan.scan(tmp / "doc.pdf", style)]
    return Scanned(sops[0], layout_document(sops, pdf_style), pages, style)


@pytest.fixture(scope="module")
def straight(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    """A clean 200 dpi scan without skew: the drawn boxes are where they are in the image."""
    style = synth_scan.ScanStyle(dpi=DPI, blur=0.4, noise=2.0, paper=248, jpeg_quality=80, seed=1)
    return scanned(tmp_path_factory.mktemp("straight"), style)


@pytest.fixture(scope="module")
def crooked(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    """The same document at 150 dpi, skewed, unevenly lit and noisy, like a quick phone scan."""
    style = synth_scan.ScanStyle(dpi=150, skew=2.0, blur=0.7, noise=4.0, light=0.2, paper=240, jpeg_quality=70,
                                 seed=2)
    return scanned(tmp_path_factory.mktemp("crooked"), style)


def iou(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


# --------------------------------------------------------------------------- clean-up
def test_skew_is_measured_and_undone(straight: Scanned):
    page = straight.pages[straight.table_page()]
    h, w = page.shape
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), 3.0, 1.0), (w, h), borderValue=250)
    clean = scan_clean.clean_page(turned)
    assert clean.skew == pytest.approx(-3.0, abs=0.15)
    assert clean.rotation == 0


@pytest.mark.parametrize(("code", "turns"), [(cv2.ROTATE_90_CLOCKWISE, 3), (cv2.ROTATE_90_COUNTERCLOCKWISE, 1)])
def test_a_page_on_its_side_is_stood_up(straight: Scanned, code: int, turns: int):
    page = straight.pages[straight.table_page()]
    clean = scan_clean.clean_page(cv2.rotate(page, code))
    assert clean.rotation in (90, 270)
    assert clean.ink.shape == page.shape  # upright again (width > height for this landscape page)


def test_page_boxes_map_back_to_the_source_pixels(straight: Scanned):
    page = straight.pages[straight.table_page()]
    source = cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)
    clean = scan_clean.clean_page(source, quarter_turns=3)  # turned back counter-clockwise
    box = (400.0, 300.0, 700.0, 500.0)
    x0, y0, x1, y1 = (int(v) for v in scan_clean.map_box(clean.to_source, box))
    # the source's top-right corner is the upright page's top-left one
    assert (x0, y0, x1, y1) == (source.shape[1] - 1 - 500, 400, source.shape[1] - 1 - 300, 700)
    crop = cv2.rotate(source[y0:y1 + 1, x0:x1 + 1], cv2.ROTATE_90_COUNTERCLOCKWISE)
    assert np.array_equal(crop, page[300:501, 400:701])


# --------------------------------------------------------------------------- grid and symbols
@pytest.fixture(scope="module")
def analysed(straight: Scanned):
    clean = scan_clean.clean_page(straight.pages[straight.table_page()])
    grids = scan_grid.find_grids(clean.ink, clean.unit)
    rules = scan_grid.rule_mask(grids, clean.ink.shape, clean.unit)
    found = scan_symbols.find_symbols(clean.ink, rules, grids, clean.unit)
    arrows, _ = scan_symbols.find_arrows(clean.ink, rules, found, grids, clean.unit)
    return clean, grids, found, arrows


def test_the_flowchart_grid_has_one_column_per_field_and_role(straight: Scanned, analysed):
    _, grids, _, _ = analysed
    assert len(grids) == 1
    grid = grids[0]
    # No, Kegiatan, the roles, Kelengkapan, Waktu, Output, Keterangan
    assert len(grid.col_edges) - 1 == len(straight.sop["roles"]) + 6
    page = straight.layout.pages[straight.table_page()]
    row_tops = sorted(straight.to_pixels(box)[1] for box in page.rows.values())
    for top in row_tops:  # every step row starts on a detected rule
        assert min(abs(edge - top) for edge in grid.row_edges) < 4
    pelaksana = [c for c in grid.cells if c.row == 0 and c.col_span == len(straight.sop["roles"])]
    assert pelaksana, "the merged Pelaksana header cell spans all role columns"


def test_every_drawn_symbol_is_found_with_its_shape(straight: Scanned, analysed):
    _, _, found, _ = analysed
    drawn = straight.layout.pages[straight.table_page()].symbols
    assert len(found) == len(drawn)
    for symbol in drawn:
        box = straight.to_pixels(symbol.box)
        best = max(found, key=lambda f: iou(f.symbol.bbox, box))
        assert iou(best.symbol.bbox, box) > 0.6
        assert best.symbol.shape == symbol.shape


def test_arrows_join_the_steps_the_gold_flow_joins(straight: Scanned, analysed):
    _, _, found, arrows = analysed
    page = straight.layout.pages[straight.table_page()]
    step_of = {}
    for symbol in page.symbols:
        box = straight.to_pixels(symbol.box)
        step_of[max(range(len(found)), key=lambda i: iou(found[i].symbol.bbox, box))] = symbol.step
    boxes = [f.symbol.bbox for f in found]
    flow = {(s["no"], n) for s in straight.sop["steps"] for n in s["next"]}
    links = {(step_of[scan_symbols._nearest_box(a.tail, boxes)], step_of[scan_symbols._nearest_box(a.head, boxes)])
             for a in arrows}
    expected = {(a, b) for a, b in flow if a in page.rows and b in page.rows}
    assert links <= flow  # no arrow invented
    assert len(links & expected) >= 0.7 * len(expected)


# --------------------------------------------------------------------------- OCR and the readers
@needs_tesseract
def test_ocr_page_reads_cells_without_symbol_debris(straight: Scanned):
    page = scan.ocr_page(straight.pages[straight.table_page()], 1)
    table = next(b for b in page.blocks if isinstance(b, Table))
    texts = {" ".join(c.text.split()) for c in table.cells}
    rows = straight.layout.pages[straight.table_page()].rows
    outputs = [s["output"] for s in straight.sop["steps"] if s["no"] in rows and s["output"]]
    assert sum(o in texts for o in outputs) >= 0.8 * len(outputs)
    pelaksana = next(c for c in table.cells if c.text.casefold() == "pelaksana")
    roles = range(pelaksana.col, pelaksana.col + pelaksana.col_span)
    body = [c for c in table.cells if c.col in roles and c.row > pelaksana.row + 1]
    debris = [c.text for c in body if c.text and not c.text.isdigit()]  # digits: the column-number row
    assert not debris  # symbols and arrows were masked before OCR
    assert page.source == "ocr" and page.confidence is not None and page.confidence > 70


def extracted(path: Path) -> dict:
    return jsonio.to_json(pipeline.extract(path))[0]


def agreement(got: dict, want: dict, key) -> float:
    """Share of the gold steps whose ``key(step, sop)`` the extraction gets right."""
    wanted = {s["no"]: key(s, want) for s in want["steps"]}
    return sum(wanted.get(s["no"]) == key(s, got) for s in got["steps"]) / len(wanted)


def minutes(step: dict, _sop: dict) -> float | None:
    return (step["waktu"] or {}).get("minutes")


def performer_columns(step: dict, sop: dict) -> list[int]:
    """The role columns (left to right) holding the step's symbols: what the scan shows, whatever the labels read."""
    ids = [role["id"] for role in sop["roles"]]
    return sorted(ids.index(r) for r in step["pelaksana"])


def shape(step: dict, _sop: dict) -> str | None:
    return step["simbol"]


@needs_tesseract
def test_a_phone_scan_reads_as_its_gold(crooked: Scanned, tmp_path: Path):
    """150 dpi, 2 degrees of skew, noise and JPEG: the steps, their shapes, performers and most durations."""
    k = crooked.table_page()
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), crooked.pages[k])
    got = extracted(path)
    on_page = {s["no"] for s in crooked.sop["steps"] if s["no"] in crooked.layout.pages[k].rows}
    want = {**crooked.sop, "steps": [s for s in crooked.sop["steps"] if s["no"] in on_page]}
    assert {s["no"] for s in got["steps"]} == on_page
    assert got["source"]["format"] == "image"
    assert len(got["roles"]) == len(want["roles"])
    assert agreement(got, want, shape) == 1.0
    assert agreement(got, want, performer_columns) == 1.0
    assert agreement(got, want, minutes) >= 0.8


@needs_tesseract
def test_a_multi_page_tiff_is_one_document(crooked: Scanned, tmp_path: Path):
    from PIL import Image

    path = tmp_path / "pages.tif"
    synth_scan.write_tiff([Image.fromarray(p) for p in crooked.pages], path, crooked.style)
    raw = read(path)
    assert raw.format == "image" and raw.page_count == len(crooked.pages)
    assert len(raw.sops) == 1
    assert len(raw.sops[0].rows) == len(crooked.sop["steps"])
    assert raw.sops[0].pages == list(range(1, len(crooked.pages) + 1))


@needs_tesseract
def test_an_upside_down_page_is_read_the_right_way_up(straight: Scanned, tmp_path: Path):
    path = tmp_path / "flipped.png"
    cv2.imwrite(str(path), cv2.rotate(straight.pages[straight.table_page()], cv2.ROTATE_180))
    raw = read(path)
    sop = raw.sops[0]
    assert len(sop.rows) == len(straight.layout.pages[straight.table_page()].rows)
    assert any(n.code == "page-straightened" for n in sop.notes)
    h, w = straight.pages[straight.table_page()].shape
    for row in sop.rows:  # boxes are given in the file's own (upside-down) pixels
        x0, y0, x1, y1 = row.prov.bbox
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h


def test_an_image_that_does_not_decode_is_an_input_error(tmp_path: Path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png")
    with pytest.raises(InputFileError):
        read(path)


# --------------------------------------------------------------------------- OCR text repairs
def cells(*texts: str) -> list[Cell]:
    return [Cell(0, i, t, (0, 0, 1, 1)) for i, t in enumerate(texts)]


def test_garbled_header_cells_are_restored_from_the_vocabulary():
    row = cells("Na,", "Uratan Prosedur", "Pelaksana", "= WAKTU", "Kiper barra!")
    scan._restore_header(row)
    assert [c.text for c in row] == ["No", "Uraian Prosedur", "Pelaksana", "WAKTU", "Kiper barra!"]


def test_garbled_durations_are_restored_and_text_is_left_alone():
    texts = ("Waktu", "IS Menit", "| Hari", "40 ment", "9menit", "Disposisi", "SOP lama")
    column = [Cell(r, 0, text, (0, 0, 1, 1)) for r, text in enumerate(texts)]
    scan._restore_durations(column)
    assert [c.text for c in column[1:]] == ["15 Menit", "1 Hari", "40 menit", "9menit", "Disposisi", "SOP lama"]


def test_garbled_units_are_restored_only_under_waktu():
    table = [Cell(0, 0, "Kelengkapan", (0, 0, 1, 1)), Cell(0, 1, "Waktu", (0, 0, 1, 1))]
    pairs = [("1 buah", "1 Han"), ("2 set", "2 Mari"), ("Map", "$ Menit"), ("1 hal", "1 Hal"), ("s", "&"),
             ("Berkas", "15monit—")]
    table += [Cell(r, c, text, (0, 0, 1, 1)) for r, pair in enumerate(pairs, 1) for c, text in enumerate(pair)]
    scan._restore_durations(table)
    assert [c.text for c in table[2:]] == ["1 buah", "1 Hari", "2 set", "2 Hari", "Map", "5 Menit", "1 hal", "1 Hari",
                                           "s", "8", "Berkas", "15menit"]


def test_numbered_list_items_get_their_numbers_back():
    lists = cells("| Teliti dan bertanggung jawab\n2 Memahami metodologi\nstatistik dasar\n3, Mampu bekerja sama",
                  "Disposisi\n2 lembar", "1. Buku agenda\n2. Map arsip")
    scan._restore_list_numbers(lists)
    assert [c.text for c in lists] == [
        "1. Teliti dan bertanggung jawab\n2. Memahami metodologi\nstatistik dasar\n3. Mampu bekerja sama",
        "Disposisi\n2 lembar", "1. Buku agenda\n2. Map arsip"]


@pytest.mark.parametrize(("word", "label"), [("Ya", "Ya"), ("Y", "Ya"), ("Tidak", "Tidak"), ("Tic", "Tidak"),
                                             ("Yang", ""), ("Disposisi", "")])
def test_arrow_labels_are_recognised_even_when_partly_read(word: str, label: str):
    assert scan._arrow_label(word) == label


# --------------------------------------------------------------------------- the tesseract wrapper
def test_tesseract_tsv_rows_become_words():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "4\t1\t1\t1\t1\t0\t10\t20\t200\t30\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t10\t20\t80\t30\t91.5\tLembar\n"
           "5\t1\t1\t1\t1\t2\t100\t20\t110\t30\t88\tdisposisi\n"
           "5\t1\t1\t1\t1\t3\t220\t20\t5\t30\t10\t \n")
    words = tesseract.parse_tsv(tsv)
    assert [w.text for w in words] == ["Lembar", "disposisi"]
    assert words[1].right == 210 and words[1].line == (1, 1, 1) and words[0].conf == 91.5


@needs_tesseract
def test_a_missing_language_is_a_missing_dependency():
    with pytest.raises(MissingDependencyError, match="xyz"):
        tesseract.check("ind+xyz")


def test_a_missing_tesseract_is_a_missing_dependency(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TESSERACT", "/nonexistent/tesseract")
    tesseract.executable.cache_clear()
    tesseract.version.cache_clear()
    try:
        with pytest.raises(MissingDependencyError):
            tesseract.version()
    finally:
        tesseract.executable.cache_clear()
        tesseract.version.cache_clear()
