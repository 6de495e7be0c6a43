"""How gold values are printed: dates, NIPs, numbered lists, headers, titles.

Every renderer (PDF, text export) prints from the same gold dict; these
helpers hold the spelling variants real SOPs use for one value, so that the
renderers differ in layout, not in what a value may look like. Each variant
prints text the pipeline must turn back into exactly the gold value (an ISO
date, an 18-digit NIP, list items without their numbering).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sopbaku.synth.vocab import MONTHS

DateStyle = Literal["long", "long0", "numeric"]
DATE_STYLES: tuple[DateStyle, ...] = ("long", "long0", "numeric")


@dataclass(frozen=True)
class HeaderWords:
    """The words of the flowchart table header for one spelling variant."""

    no: str
    kegiatan: str
    pelaksana: str
    mutu: str
    kelengkapan: str
    waktu: str
    output: str
    keterangan: str

    def upper(self) -> HeaderWords:
        return HeaderWords(*(getattr(self, f).upper() for f in self.__dataclass_fields__))


_KEGIATAN = ("Kegiatan", "Uraian Prosedur", "Aktivitas", "Uraian Kegiatan")
_MUTU = ("Mutu Baku", "Mutu Buku")
_KELENGKAPAN = ("Kelengkapan", "Persyaratan/ Kelengkapan", "Kelengkapan dan Peralatan")
_KETERANGAN = ("Keterangan", "Ket", "Ket.")
_NO = ("No", "No.", "NO")


def header_words(variant: int, bare_minutes: bool, upper: bool = False) -> HeaderWords:
    """Header spellings picked by ``variant``; a "Waktu (menit)" header when durations are bare minutes."""
    words = HeaderWords(
        no=_NO[variant % len(_NO)],
        kegiatan=_KEGIATAN[variant % len(_KEGIATAN)],
        pelaksana="Pelaksana",
        mutu=_MUTU[(variant // 2) % len(_MUTU)],
        kelengkapan=_KELENGKAPAN[(variant // 3) % len(_KELENGKAPAN)],
        waktu="Waktu (menit)" if bare_minutes else "Waktu",
        output="Output",
        keterangan=_KETERANGAN[(variant // 4) % len(_KETERANGAN)],
    )
    return words.upper() if upper else words


def bare_minutes(sop: dict[str, Any]) -> bool:
    """Whether the SOP prints durations as bare numbers (the header then names the unit)."""
    raws = [s["waktu"]["raw"] for s in sop["steps"] if s["waktu"]]
    return bool(raws) and all(r.isdigit() for r in raws)


def date(iso: str | None, style: DateStyle) -> str:
    """An ISO date as an Indonesian office prints it; "-" for a missing date."""
    if iso is None:
        return "-"
    day = dt.date.fromisoformat(iso)
    if style == "numeric":
        return f"{day:%d-%m-%Y}"
    dd = f"{day.day:02d}" if style == "long0" else str(day.day)
    return f"{dd} {MONTHS[day.month - 1]} {day.year}"


def nip(digits: str, spaced: bool) -> str:
    """ "NIP. 19640104 199101 1 004": the 18 digits grouped as printed on Indonesian forms."""
    if not spaced:
        return f"NIP. {digits}"
    return f"NIP. {digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def numbered(items: list[str], style: int) -> list[str]:
    """List items with their numbers ("1." or "1)"); a lone item sometimes unnumbered."""
    if not items:
        return ["-"]
    if len(items) == 1 and style % 3 == 2:
        return list(items)
    mark = "{}." if style % 2 == 0 else "{})"
    return [f"{mark.format(i)} {item}" for i, item in enumerate(items, 1)]


def table_title(nama: str | None, variant: int) -> str | None:
    """The heading over a flowchart table; the pipeline strips the prefix to recover ``nama``."""
    if nama is None:
        return "STANDAR OPERASIONAL PROSEDUR" if variant % 2 == 0 else None
    prefixes = ("SOP ", "SOP : ", "Standar Operasional Prosedur (SOP) ", "SOP ")
    prefix = prefixes[variant % len(prefixes)]
    return f"{prefix.upper() if nama.isupper() else prefix}{nama}"


def signature_lines(sig: dict[str, Any], date_style: DateStyle, nip_spaced: bool) -> list[str]:
    """The signer block under the table: place and date, jabatan, room to sign, name, NIP."""
    lines = []
    if sig["tempat"]:
        lines.append(f"{sig['tempat']}, {date(sig['tanggal'], 'long' if date_style == 'numeric' else date_style)}")
    lines += [sig["jabatan"], "", "", "", sig["nama"], nip(sig["nip"], nip_spaced)]
    return lines
