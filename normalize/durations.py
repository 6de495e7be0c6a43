"""Durations ("Waktu" cells) -> value, unit and minutes.

Real cells say "15 menit", "1hari", "2 Jam", "1-2 hari", "1 s.d. 3 hari kerja",
"½ jam", or a bare "120" under a header such as "Waktu (menit)". OCR adds "S
menit" (5) and "l jam" (1). A range keeps its upper bound (the spec's rule);
a bare number takes the unit the header names, else minutes with a warning.
Minutes follow the SOP's conventions, so a working day is 7.5 hours by default
(Perpres 21/2023) and 5 hours one option away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sopbaku.config import Conventions

UNIT_WORDS = {
    "detik": "detik", "dtk": "detik", "second": "detik", "seconds": "detik",
    "menit": "menit", "mnt": "menit", "mnit": "menit", "meni": "menit", "minute": "menit",
    "minutes": "menit", "min": "menit", "mins": "menit", "mt": "menit",
    "jam": "jam", "jm": "jam", "hour": "jam", "hours": "jam",
    "hari": "hari", "hr": "hari", "hri": "hari", "day": "hari", "days": "hari",
    "minggu": "minggu", "pekan": "minggu", "week": "minggu", "weeks": "minggu",
    "bulan": "bulan", "bln": "bulan", "month": "bulan", "months": "bulan",
}
#: Characters OCR puts where a digit was, next to a unit word.
_OCR_DIGITS = str.maketrans({"S": "5", "s": "5", "O": "0", "o": "0", "l": "1", "I": "1", "B": "8"})
_NUM = r"(?:\d+(?:[.,]\d+)?|½|¼|¾)"
_OCRNUM = r"(?<![A-Za-z0-9])[SsOolIB]{1,2}"
_RANGE = re.compile(rf"(?P<a>{_NUM})\s*(?:-|–|s\.?\s*/?\s*d\.?|sampai|hingga)\s*(?P<b>{_NUM})", re.I)
_UNIT_RE = "|".join(sorted(UNIT_WORDS, key=len, reverse=True))
_WITH_UNIT = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT_RE})\b", re.I)
_OCR_WITH_UNIT = re.compile(rf"(?P<num>{_OCRNUM})\s+(?P<unit>{_UNIT_RE})\b", re.I)
_BARE = re.compile(rf"^\s*(?P<num>{_NUM})\s*$")
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}


@dataclass(frozen=True)
class Waktu:
    raw: str
    value: float | None
    unit: str | None
    minutes: float | None
    problem: str | None = None  # why value/unit could not be read, or what was assumed


def _number(text: str) -> float | None:
    if text in _FRACTIONS:
        return _FRACTIONS[text]
    fixed = text.translate(_OCR_DIGITS).replace(",", ".")
    try:
        return float(fixed)
    except ValueError:
        return None


def to_minutes(value: float, unit: str, conv: Conventions) -> float:
    """``value`` ``unit`` in minutes under the office's conventions (days are working days)."""
    per_day = conv.hours_per_day * conv.minutes_per_hour
    factor = {
        "detik": 1 / 60,
        "menit": 1.0,
        "jam": float(conv.minutes_per_hour),
        "hari": per_day,
        "minggu": per_day * conv.days_per_week,
        "bulan": per_day * conv.days_per_month,
    }[unit]
    return round(value * factor, 4)


def parse_waktu(cell: str, conv: Conventions, unit_hint: str | None = None) -> Waktu | None:
    """The duration in ``cell``; None for an empty cell. Never raises."""
    raw = " ".join((cell or "").split())
    if not raw or raw in {"-", "–", "—"}:
        return None
    unit_hint = UNIT_WORDS.get((unit_hint or "").lower())
    match = _WITH_UNIT.search(raw) or _OCR_WITH_UNIT.search(raw)
    if match:
        unit = UNIT_WORDS[match["unit"].lower()]
        rng = _RANGE.search(raw[: match.end("num")])
        value = _number(rng["b"]) if rng else _number(match["num"])
        if value is not None:
            return Waktu(raw, value, unit, to_minutes(value, unit, conv))
    rng = _RANGE.fullmatch(raw.strip())
    bare = _BARE.match(raw)
    if bare or rng:
        value = _number(rng["b"] if rng else bare["num"])
        if value is not None:
            unit = unit_hint or "menit"
            problem = None if unit_hint else f"bare number '{raw}' read as minutes"
            return Waktu(raw, value, unit, to_minutes(value, unit, conv), problem)
    return Waktu(raw, None, None, None, f"duration '{raw}' could not be read")
