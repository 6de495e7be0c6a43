"""The img2table baseline, run inside its own virtualenv ``.venv-bench`` (not the project's).

img2table requires ``opencv-contrib-python``, which installs the same ``cv2``
module as the project's pinned ``opencv-python-headless``: both in one venv
would overwrite each other's files, and the scan reader could end up measured
on a different OpenCV. So ``benchmarks/baselines.py`` starts this file with
``.venv-bench/bin/python`` as a worker that stays up for the whole run: one
JSON request per input line ``{"path", "scanned"}``, one JSON answer per
output line ``{"rows", "seconds", "error"}``. Only ``extract_tables`` is
timed; the tesseract checks of ``TesseractOCR()`` happen once at start-up.
It imports nothing from sopbaku, which is not installed there.

Settings, the same for every file: ruled and borderless tables, merged
cells kept whole (no implicit rows or columns: they split a step's text
over several rows), Indonesian OCR, and rotation/skew correction for scans
(a scan is photographed or fed askew; a digital page is not).
"""

from __future__ import annotations

import json
import os
import sys
import time
from importlib.metadata import version
from typing import Any

from img2table.document import PDF, Image
from img2table.ocr import TesseractOCR


def table_rows(table: Any) -> list[list[str]]:
    """An ExtractedTable's rows as cell texts; a merged cell, repeated in each column it spans, counts once."""
    rows = []
    for cells in table.content.values():
        texts, last = [], None
        for cell in cells:
            key = (cell.bbox.x1, cell.bbox.y1, cell.bbox.x2, cell.bbox.y2, cell.value)
            if key != last:
                texts.append(cell.value or "")
            last = key
        rows.append(texts)
    return rows


def read(path: str, scanned: bool, ocr: TesseractOCR) -> list[list[str]]:
    """Every table of every page of one PDF or image, as rows."""
    if path.lower().endswith(".pdf"):
        document = PDF(path, pdf_text_extraction=True, detect_rotation=scanned)
    else:
        document = Image(path, detect_rotation=True)
    found = document.extract_tables(
        ocr=ocr, implicit_rows=False, implicit_columns=False, borderless_tables=True, min_confidence=50
    )
    pages = found.values() if isinstance(found, dict) else [found]  # an Image answers a list, a PDF a dict
    return [row for tables in pages for table in tables for row in table_rows(table)]


def main() -> int:
    # The answers get a copy of stdout of their own; fd 1 goes to stderr, because img2table lets
    # ``tesseract --version`` print to it, which would break the one-JSON-per-line protocol.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    ocr = TesseractOCR(n_threads=os.cpu_count() or 1, lang="ind")
    print(json.dumps({"img2table": version("img2table"), "opencv": version("opencv-contrib-python")}),
          file=channel, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        try:
            rows, error = read(request["path"], request["scanned"], ocr), ""
        except Exception as exc:  # one unreadable file must not end the worker
            rows, error = [], f"{type(exc).__name__}: {exc}"
        answer = {"rows": rows, "seconds": time.perf_counter() - start, "error": error}
        print(json.dumps(answer, ensure_ascii=False), file=channel, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
