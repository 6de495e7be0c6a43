"""The raw intermediate: what an ingest reader saw, before any interpretation.

Every reader in ``sopbaku.ingest`` (text export, OCR text dump, PDF, DOCX,
scan) turns bytes into these objects and nothing else. They hold *cell texts
as printed* with their provenance: no role ids, no parsed durations, no
recovered step numbers. ``sopbaku.normalize`` turns them into the canonical
model. Keeping this boundary means a new input format is one reader module,
and every rule about roles, durations or numbering is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sopbaku.fields import IDENTITY_DATE_FIELDS, IDENTITY_LIST_FIELDS, IDENTITY_TEXT_FIELDS

SourceFormat = Literal["text", "pdf-digital", "pdf-scanned", "image", "docx"]
MarkKind = Literal["symbol", "mark"]
Shape = Literal["terminator", "process", "decision", "connector"]

#: Keys of ``RawSop.identity``; values are the raw cell text, newlines kept.
IDENTITY_KEYS = (*IDENTITY_TEXT_FIELDS, *IDENTITY_DATE_FIELDS, "disahkan_oleh", *IDENTITY_LIST_FIELDS)


@dataclass(frozen=True)
class Provenance:
    """Where something was read: enough to crop it from the page or find the line."""

    page: int | None = None  # 1-based; None for text inputs
    line: int | None = None  # 1-based line of a text input
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom


@dataclass
class RawMark:
    """Something drawn or written in a role column of a row."""

    column: int  # index into the row's segment ``role_labels``
    kind: MarkKind  # a drawn flowchart symbol, or a tick/letter mark
    shape: Shape | None = None  # for symbols
    text: str = ""  # for marks: the characters ("√", "v", "X")
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class RawArrow:
    """A drawn connection between two rows' symbols (vector or scan)."""

    from_row: int  # index into ``RawSop.rows``
    to_row: int
    label: str = ""  # "Ya", "Tidak" or "" as printed next to the arrow


@dataclass
class RawSegment:
    """One occurrence of the flowchart table header (each page repeats it)."""

    role_labels: list[str]  # role column headers left to right, as printed
    waktu_unit: str | None = None  # unit named in the Waktu header: "menit" for "Waktu (menit)"
    header_text: str = ""  # the header cells as printed, for warnings
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class RawRow:
    """One step row of the flowchart table, cell texts as printed."""

    no: str  # step number as printed: "4.", "14,", "" when missing
    kegiatan: str
    kelengkapan: str = ""
    waktu: str = ""
    output: str = ""
    keterangan: str = ""
    segment: int = 0  # index into ``RawSop.segments``: the header this row sits under
    marks: list[RawMark] = field(default_factory=list)
    prov: Provenance = field(default_factory=Provenance)
    confidence: float | None = None  # mean OCR confidence (0-100) of the row's words


@dataclass
class RawNote:
    """Something odd a reader noticed and recovered from; becomes a warning."""

    code: str
    message: str
    row: int | None = None  # index into ``RawSop.rows``


@dataclass
class RawSop:
    """One SOP as found in the input: identity page, table segments, rows."""

    title: str | None = None  # heading over the flowchart table, as printed
    identity: dict[str, str] = field(default_factory=dict)  # IDENTITY_KEYS -> raw text
    identity_shared: bool = False  # one identity block serves several tables
    segments: list[RawSegment] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)
    arrows: list[RawArrow] = field(default_factory=list)
    signature: str | None = None  # raw signer block, lines joined by "\n"
    pages: list[int] = field(default_factory=list)
    notes: list[RawNote] = field(default_factory=list)


@dataclass
class RawDocument:
    """Everything one reader got from one file."""

    file: str  # base name
    sha256: str
    format: SourceFormat
    sops: list[RawSop] = field(default_factory=list)
    page_count: int = 0
