"""Small text helpers shared by the text readers (tab-separated exports and OCR dumps).

They answer questions about one cell or one line as printed: is this a step
number, a duration, a tick mark, a title? None of them interprets a value
(that is ``sopbaku.normalize``'s job); they only tell the readers where a
table row, a heading or a piece of debris is.
"""

from __future__ import annotations

import html
import re
from typing import Literal

CellKind = Literal["empty", "mark", "debris", "text"]

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
#: A step-number cell as exporters and OCR print it: "1", "1.", "14,", "3)".
_STEP_NUMBER = re.compile(r"\d{1,3}\s*[.,:)]?")
_NUMBER = r"\d+(?:[.,]\d+)?(?:\s*\([a-z ]+\))?"  # "2", "1,5", "1 (satu)"
_UNIT = r"(?:detik|dtk|menit|mnt|jam|hari|hr|minggu|mgg|bulan|bln|tahun|thn)\.?"
_RANGE = rf"{_NUMBER}(?:\s*(?:-|–|s/?d|sampai|hingga)\s*{_NUMBER})?"
_QUANTITY = rf"{_RANGE}\s*{_UNIT}(?:\s*(?:kerja|\(?hk\)?))?"
_PREFIX = r"(?:±|\+/-|\+-|kurang\s+lebih|maks(?:imal)?\.?|min(?:imal)?\.?)?\s*"
#: "15 menit", "1hari", "2 Hari", "1-2 hari", "± 30 menit", "1 jam 30 menit".
_DURATION = re.compile(rf"{_PREFIX}{_QUANTITY}(?:\s*(?:,|dan|\+)?\s*{_QUANTITY})*", re.I)
#: A bare number, a duration only under a header that names the unit ("Waktu (menit)").
_BARE_DURATION = re.compile(rf"{_PREFIX}{_RANGE}", re.I)
#: Units a Waktu header may name, in the spelling normalize expects.
WAKTU_UNITS = ("detik", "menit", "jam", "hari", "minggu", "bulan")
#: Characters that are ticks or symbols a person put in a role column to say "this role acts".
_TICKS = set("√✓✔☑✗✘☒●•○◯■□▪*+")
_MARKDOWN = re.compile(r"^\s*#{1,6}\s*|^\s*(?:\*\*|__)|(?:\*\*|__)\s*$")
_TITLE_START = re.compile(r"(?:sop\b|s\.o\.p\b|standar(?:d)?\s+operasional\s+prosedur\b)", re.I)
_GENERIC_TITLE = re.compile(
    r"^\s*(?:standar(?:d)?\s+operasional\s+prosedur|sop)\s*(?:\(\s*sop\s*\))?\s*[:.\-]?\s*$", re.I
)
#: Longest line still taken as a heading; longer lines are prose.
MAX_TITLE_CHARS = 200
#: Flowchart-table header cells by meaning, matched against the whole cell (case-insensitive).
#: Shared by every reader that meets the header: text exports, PDF, DOCX and scans.
HEADER_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (word, re.compile(pattern, re.I))
    for word, pattern in (
        ("no", r"no\.?|nomor(?:\s+urut)?|no\.?\s*urut"),
        ("kegiatan", r"(?:uraian\s+)?(?:kegiatan|prosedur|aktivitas|aktifitas|tugas)|uraian|"
                     r"(?:langkah|tahapan)(?:\s+kegiatan)?"),
        ("pelaksana", r"pelaksana(?:an)?|pelaku"),
        ("mutu", r"(?:mutu\s*ba[kg]u|mutu\s*buku|baku\s*mutu)"),
        ("waktu", r"waktu\b.*"),
        ("kelengkapan", r".*\b(?:kelengkapan|persyaratan|syarat|perlengkapan|peralatan)\b.*"),
        ("output", r"output|keluaran|hasil|input"),
        ("keterangan", r"keterangan|ket\.?"),
    )
)
#: Header words of which at least one must be present for a row to be a table header.
HEADER_ANCHORS = frozenset({"kegiatan", "pelaksana", "mutu", "waktu"})


def strip_html(text: str) -> str:
    """Text without HTML tags and entities: exporters leave ``<ol style=...>`` inside cells."""
    return html.unescape(_TAG.sub(" ", text))


def clean(text: str) -> str:
    """A cell as printed, minus HTML residue, with runs of whitespace made one space."""
    return _SPACES.sub(" ", strip_html(text)).strip()


def is_blank(line: str) -> bool:
    """Empty or whitespace only (exports pad page breaks with lines of spaces)."""
    return not line.strip()


def split_cells(line: str) -> list[str]:
    """The tab-separated cells of a line, each cleaned; positions are kept (empty cells stay)."""
    return [clean(cell) for cell in line.split("\t")]


def is_step_number(text: str) -> bool:
    """Whether a cell is a step number as printed ("1", "4.", "14,")."""
    return bool(_STEP_NUMBER.fullmatch(text.strip()))


def step_number(text: str) -> int | None:
    """The integer of a step-number cell, or None; used only to see where a table restarts."""
    digits = re.match(r"\s*(\d{1,3})", text)
    return int(digits[1]) if digits and is_step_number(text) else None


def is_duration(text: str, bare_ok: bool = False) -> bool:
    """Whether a cell reads as a duration: a number with a unit, or a bare number when ``bare_ok``.

    ``bare_ok`` is for cells under a Waktu header, where "120" is a duration
    and not, say, a count of documents.
    """
    text = text.strip()
    if _DURATION.fullmatch(text):
        return True
    return bare_ok and bool(_BARE_DURATION.fullmatch(text))


def waktu_unit(header: str) -> str | None:
    """The unit a Waktu header names ("Waktu (menit)" -> "menit"), or None."""
    words = re.findall(r"[a-z]+", header.casefold())
    return next((unit for unit in WAKTU_UNITS if unit in words[1:]), None)


def cell_kind(text: str) -> CellKind:
    """What a role-column cell holds: nothing, a tick/letter mark, connector debris or real text.

    Arrows ("←") and rules ("|", "-") are what is left of drawn connectors:
    debris, never a performer mark. One or two letters ("v", "X") are marks.
    """
    text = text.strip()
    if not text:
        return "empty"
    if not any(ch.isalnum() for ch in text):
        return "mark" if all(ch in _TICKS or ch.isspace() for ch in text) else "debris"
    if len(text) <= 2 and text.isalpha():
        return "mark"
    return "text"


def strip_markdown(line: str) -> str:
    """A heading without markdown markers: "### SOP X" and "**SOP X**" -> "SOP X"."""
    return clean(_MARKDOWN.sub("", line.strip()))


def is_title_line(line: str) -> bool:
    """Whether a plain (untabbed) line is an SOP heading.

    A markdown heading is one whatever it says; otherwise the line must open
    with "SOP" or "Standar Operasional Prosedur" (a numbered list item such as
    "1. SOP Pengiriman" never does). Callers should take the *last* such line
    before a table, since cover pages and identity lists mention SOPs too.
    """
    if "\t" in line or is_blank(line):
        return False
    text = strip_markdown(line)
    if not text or len(text) > MAX_TITLE_CHARS:
        return False
    heading = bool(re.match(r"\s*(?:#{1,6}\s|\*\*|__)", line))
    return heading or bool(_TITLE_START.match(text))


def header_word(cell: str) -> str | None:
    """The header meaning of a cell ("no", "kegiatan", "pelaksana", "mutu", "waktu", "kelengkapan",
    "output", "keterangan"), or None; a label wrapped over lines ("Waktu\\n(menit)") counts as one."""
    text = " ".join(cell.split())
    return next((word for word, pattern in HEADER_WORDS if pattern.fullmatch(text)), None)


def is_generic_title(text: str) -> bool:
    """A heading that names no procedure ("STANDAR OPERASIONAL PROSEDUR (SOP)")."""
    return bool(_GENERIC_TITLE.match(text))
