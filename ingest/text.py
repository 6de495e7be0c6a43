"""Text inputs: tab-separated exports of SOP tables and plain OCR text dumps.

Both arrive as ``.txt``; they differ in whether the table cells are still
delimited. A file whose table rows carry tabs goes to :mod:`text_table`; a
file without any cell delimiters (the output of OCR on a scanned table, cells
interleaved line by line) goes to :mod:`text_ocr`; tables of such a dump that
OCR read cell by cell, as paragraphs ("block mode"), go to :mod:`text_ocr_blocks`.
"""

from __future__ import annotations

from pathlib import Path

from sopbaku.ingest import register, text_ocr, text_ocr_blocks, text_table
from sopbaku.raw import RawDocument

#: A file is a tab-separated export when at least this many lines hold 3+ cells.
MIN_TABULAR_LINES = 3


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to cp1252 for old Windows exports."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def is_tabular(lines: list[str]) -> bool:
    return sum(line.count("\t") >= 2 for line in lines) >= MIN_TABULAR_LINES


@register("text")
def read_text(path: Path, data: bytes, sha256: str) -> RawDocument:
    lines = decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parser = text_table if is_tabular(lines) else text_ocr
    sops = parser.parse(lines)
    if parser is text_ocr:  # tables OCR'd cell by cell (block mode) are read again by their own reader
        sops = text_ocr_blocks.reread(lines, sops)
    return RawDocument(file=path.name, sha256=sha256, format="text", sops=sops)
