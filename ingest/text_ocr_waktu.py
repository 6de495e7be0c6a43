"""The duration of a row in an OCR text dump: one number and its unit among the interleaved cell pieces.

Every row of an SOP AP table has exactly one duration (Mutu Baku: Waktu).
OCR prints it among the pieces of the other cells, sometimes with its unit a
line or two below ("30" / "Menit"), glued to it ("5menit"), with a letter for
a digit ("S menit"), or bare under a header that names the unit
("Waktu (menit)"). Where it sits also tells the row splitter where
Kelengkapan ends and Output begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sopbaku.ingest import text_ocr_vocab as vocab

#: How many lines below a lone number its unit word may sit ("30" / "Menit").
UNIT_REACH = 3


@dataclass
class Waktu:
    """The duration phrase of a row: its text and where its tokens sit (row line, token)."""

    text: str
    spots: list[tuple[int, int]]
    #: what OCR printed where the reader read a mark as a digit ("| Hari" read as "1 Hari"); None when as printed
    printed: str | None = None

    @property
    def has_unit(self) -> bool:
        return not is_number(self.text)


#: A number and its unit OCR printed as one token ("5menit", "1Hari").
_GLUED = re.compile(r"(\d+(?:[.,]\d+)?)([A-Za-z]+)")


def _glued_unit(token: str) -> bool:
    m = _GLUED.fullmatch(token)
    return bool(m and is_unit(m.group(2)))


def is_number(token: str, lookalike: bool = False) -> bool:
    return bool(vocab.NUMBER.fullmatch(token) or (lookalike and vocab.DIGIT_LOOKALIKE.fullmatch(token)))


def is_unit(token: str) -> bool:
    return vocab.bare(token) in vocab.UNITS


def find_waktu(lines: list[list[str]], bare_ok: bool, unitless: bool = False) -> Waktu | None:
    """The one duration of a row: "N unit" (or "Nunit") on a line, else "N" with its unit up to 3 lines below.

    ``bare_ok`` (the header names the unit, "Waktu (menit)") lets any lone
    number be the duration; ``unitless`` (the table prints bare numbers, see
    :func:`text_ocr._unitless_table`) lets a lone digit on the row's first line be it.
    Under a header that names the unit, a bare number between the words of
    the row's first line (cells are top-aligned) wins over "N unit" on a
    line below: that is other text ("Paling lambat tanggal" / "10 bulan
    berikutnya" in Keterangan).
    """
    found = _unit_waktu(lines)
    if found is not None and found.spots[0][0] > 0 and bare_ok:
        return _first_line_number(lines) or found
    return found or _bare_waktu(lines, bare_ok, unitless)


def _unit_waktu(lines: list[list[str]]) -> Waktu | None:
    """A number with its unit: on one line, glued, or the unit up to ``UNIT_REACH`` lines below."""
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if _glued_unit(token):
                return Waktu(token, [(li, ti)])
            if ti + 1 == len(tokens):
                continue
            number, unit = token, tokens[ti + 1]
            if is_number(number, lookalike=True) and is_unit(unit):
                spots = [(li, ti), (li, ti + 1)]
                if ti + 2 < len(tokens) and vocab.bare(tokens[ti + 2]) == "kerja":
                    spots.append((li, ti + 2))
                return Waktu(" ".join(tokens[t] for _, t in spots), spots)
    for li, tokens in enumerate(lines):
        for ti, number in enumerate(tokens):
            if not is_number(number):
                continue
            for lj in range(li + 1, min(li + 1 + UNIT_REACH, len(lines))):
                for tj, unit in enumerate(lines[lj]):
                    if is_unit(unit) and not (tj and is_number(lines[lj][tj - 1], lookalike=True)):
                        return Waktu(f"{number} {unit}", [(li, ti), (lj, tj)])
    return None


def _first_line_number(lines: list[list[str]]) -> Waktu | None:
    """A number between two words of the row's first line (the first token, a mark by the step number, skipped)."""
    first = lines[0] if lines else []
    for ti in range(1, len(first) - 1):
        if is_number(first[ti]) and not is_number(first[ti - 1]) and not is_number(first[ti + 1]):
            return Waktu(first[ti], [(0, ti)])
    return None


def _bare_waktu(lines: list[list[str]], header_unit: bool, unitless: bool = False) -> Waktu | None:
    """A lone number as the duration: under a header naming the unit, or when no unit is printed.

    A row has one duration, so when no number carries a unit the first
    number of more than one digit is it (single digits are too often
    OCR'd symbol debris), or any number when the header names the unit.
    In a table of bare numbers a number between words of the row's first
    line comes first (cells are top-aligned), whatever its length; the
    first token is skipped (a mark OCR read beside the step number).
    """
    found = _first_line_number(lines) if unitless else None
    if found is not None:
        return found
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if is_number(token) and (header_unit or len(token) > 1):
                return Waktu(token, [(li, ti)])
    return None
