"""The second OCR look at Waktu cells of a scan: crops stacked into one tesseract call, taken only as durations."""

from __future__ import annotations

import cv2
import numpy as np

from sopbaku.ingest.layout import Cell, Table
from sopbaku.ingest.scan import ScanSettings, _reread_durations
from sopbaku.ingest.scan_reread import reread
from sopbaku.tesseract import image_to_data

#: Text height of the drawn page, in pixels: small print, as at 150 dpi.
UNIT = 11.0
CELL_W, CELL_H = 90, 40


def _page(texts: list[str], blur: float = 0.7) -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
    """A white greyscale page with one small, slightly blurred text per cell box, boxes one under another."""
    page = np.full((CELL_H * len(texts) + 20, CELL_W + 20), 255, np.uint8)
    boxes = []
    for k, text in enumerate(texts):
        x0, y0 = 10, 10 + k * CELL_H
        cv2.putText(page, text, (x0 + 12, y0 + 26), cv2.FONT_HERSHEY_DUPLEX, 0.5, 0, 1, cv2.LINE_AA)
        boxes.append((float(x0), float(y0), float(x0 + CELL_W), float(y0 + CELL_H)))
    return cv2.GaussianBlur(page, (0, 0), blur), boxes


def test_each_crop_of_the_strip_gets_its_own_reading_in_order():
    page, boxes = _page(["900", "", "45"])
    readings = reread(page, boxes, UNIT, "0123456789", lang="eng", sharpen=1.5)
    assert [r.text for r in readings] == ["900", "", "45"]
    assert readings[1].confidence is None and readings[0].confidence is not None


def test_a_whitelist_keeps_letters_out_of_a_reading():
    page, _ = _page(["AB 12"], blur=0.1)
    big = cv2.resize(page, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    free = " ".join(w.text for w in image_to_data(big, lang="eng", psm=6))
    limited = " ".join(w.text for w in image_to_data(big, lang="eng", psm=6, whitelist="0123456789"))
    assert any(ch.isalpha() for ch in free)
    assert limited and not any(ch.isalpha() for ch in limited)


def _table(page_texts: list[str], cell_texts: list[str], header: str) -> tuple[np.ndarray, Table]:
    """A one-column table: a header cell, then one cell per text, the page's ink drawn from ``page_texts``."""
    page, boxes = _page(["", *page_texts])
    cells = [Cell(0, 0, header, boxes[0])]
    cells += [Cell(k + 1, 0, text, box) for k, (text, box) in enumerate(zip(cell_texts, boxes[1:], strict=True))]
    return page, Table(cells, len(cells), 1, boxes[0])


def test_a_bare_number_read_as_a_word_under_waktu_menit_is_read_again():
    page, table = _table(["900", "30", "15"], ["Lu", "30", "15"], "Waktu (menit)")
    ink = np.where(page < 128, np.uint8(255), np.uint8(0))
    count = _reread_durations([table], page, ink, UNIT, ScanSettings())
    assert count == 1
    assert [c.text for c in table.cells[1:]] == ["900", "30", "15"]


def test_cells_outside_waktu_and_long_text_are_never_read_again():
    page, table = _table(["12", "Sesuai keb", "7"], ["Lu", "Sesuai kebutuhan", "7"], "Kelengkapan")
    ink = np.where(page < 128, np.uint8(255), np.uint8(0))
    assert _reread_durations([table], page, ink, UNIT, ScanSettings()) == 0
    assert [c.text for c in table.cells[1:]] == ["Lu", "Sesuai kebutuhan", "7"]


def test_a_duration_with_its_unit_read_as_a_word_is_read_again_with_its_unit():
    page, table = _table(["5 menit", "1 jam"], ["Sman", "1 jam"], "Waktu")
    ink = np.where(page < 128, np.uint8(255), np.uint8(0))
    assert _reread_durations([table], page, ink, UNIT, ScanSettings()) == 1
    assert [c.text.replace(" ", "") for c in table.cells[1:]] == ["5menit", "1jam"]  # tight print loses the space
