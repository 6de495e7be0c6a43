"""The identity page and the signer block: raw texts -> typed fields.

Dates in Indonesian ("02 Januari 2019", "4 Agt 2021", "07-01-2019") become ISO;
NIPs keep their digits; numbered lists become items without their numbering,
including lists a text export flattened into one run ("...Daerah2. PP Nomor
60..."); the signer cell ("CAMAT BUNGURSARI  M. SARIPUL NIP. 1964...") and the
signature block under the table are split into jabatan, nama and NIP.
"""

from __future__ import annotations

import re
from datetime import date

from sopbaku.normalize.text import clean_text

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agt": 8, "agu": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}})\s*[-./ ]?\s*({_MONTH_RE})\.?\s*[-./ ]?\s*(\d{{4}})", re.I)
_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_NIP = re.compile(r"\bNIP\b\.?\s*:?\s*([\d\s.]{8,})", re.I)
_LOOKALIKE_DIGITS = str.maketrans("OoIl", "0011")
#: Digits of a civil servant's NIP (birth date, appointment month, sex, serial).
NIP_LENGTH = 18
_ITEM_MARK = re.compile(r"^\s*(?:(\d{1,2})\s*[.)]|[a-z]\s*[.)]|[-•*·–])\s*")
_SOP_PREFIX = re.compile(
    r"^\s*(?:standar\s+operasional\s+prosedur\s*(?:\(\s*sop\s*\))?|s\.?o\.?p\.?)\s*[:.\-]?\s*", re.I)
#: A person's name, not a jabatan: an honorific before it ("Ir.", "Hj.") or a degree after a comma (", M.Si").
#: Told apart when the signer cell lost its jabatan line and one line stands before the NIP.
_PERSON = re.compile(r"^\s*(?:Dr|Drs|Dra|Ir|H|Hj|Prof)\.\s|,\s*(?:[A-Z][A-Za-z]{0,3}\.?){1,3}\s*$")
_STRAY_MARKS = re.compile(r"[\s✓✔√☑✗✘]+$")


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``; None if there is none (or "-")."""
    if not text:
        return None
    candidates = []
    if m := _DATE_ISO.search(text):
        candidates.append((m.start(), int(m[1]), int(m[2]), int(m[3])))
    if m := _DATE_WORDS.search(text):
        candidates.append((m.start(), int(m[3]), MONTHS[m[2].lower()], int(m[1])))
    if m := _DATE_NUM.search(text):
        candidates.append((m.start(), int(m[3]), int(m[2]), int(m[1])))
    for _, y, mo, d in sorted(candidates):
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


def nip_digits(text: str | None) -> str | None:
    """The NIP's digits (18 for a civil servant) from text such as "NIP. 19640104 199101 1 004"."""
    if not text:
        return None
    m = _NIP.search(text)
    digits = re.sub(r"\D", "", m[1] if m else text)
    if m:
        digits += _misread_digits(text[m.end():], NIP_LENGTH - len(digits))
    return digits or None


def _misread_digits(rest: str, missing: int) -> str:
    """Digits OCR printed as letters at the end of a NIP ("... 2 O11" is "2 011"): groups made of
    digits and the look-alikes O, I, l, on the NIP's own line, only up to the NIP's 18 digits."""
    out = ""
    for group in rest.split("\n", 1)[0].split():
        fixed = group.translate(_LOOKALIKE_DIGITS)
        if not fixed.isdigit() or len(out) + len(fixed) > missing:
            break
        out += fixed
    return out


def split_items(text: str | None) -> list[str]:
    """A list cell -> its items, numbering and bullets removed.

    Lines with a number or bullet start items; other lines continue the item
    above (text wrapped in the source). Without any numbering, a line starting
    with a capital is a new item and a lowercase one continues. A flattened
    run "1. A2. B3. C" is split where the next number in sequence appears.
    """
    if not text:
        return []
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n") if clean_text(ln)]
    marked = any(_ITEM_MARK.match(ln) for ln in lines)
    items: list[str] = []
    for ln in lines:
        starts = bool(_ITEM_MARK.match(ln)) if marked else (not items or ln[:1].isupper() or ln[:1].isdigit())
        if starts or not items:
            items.append(ln)
        else:
            items[-1] = f"{items[-1]} {ln}"
    flat: list[str] = []
    for item in items:
        flat.extend(_split_inline_numbering(item))
    out = [clean_text(_ITEM_MARK.sub("", it, count=1)) for it in flat]
    return [it for it in out if it]


def _split_inline_numbering(item: str) -> list[str]:
    """Split "1. A ...2. B ...3. C" at the numbers that continue the sequence."""
    m = re.match(r"\s*(\d{1,2})\s*[.)]", item)
    if not m:
        return [item]
    expected, parts, start = int(m[1]) + 1, [], 0
    pos = m.end()
    while True:
        nxt = re.compile(rf"(?<!\d){expected}\s*[.)]\s*(?=[A-Za-z])").search(item, pos)
        if not nxt:
            break
        parts.append(item[start:nxt.start()])
        start, pos, expected = nxt.start(), nxt.end(), expected + 1
    parts.append(item[start:])
    return parts


def clean_nama(text: str | None) -> str | None:
    """Nama SOP without a leading "SOP"/"Standar Operasional Prosedur" and trailing tick marks."""
    if not text:
        return None
    name = clean_text(_STRAY_MARKS.sub("", " ".join(text.split())))
    if not name:
        return None
    while True:
        stripped = _SOP_PREFIX.sub("", name, count=1).strip()
        if stripped == name:
            break
        name = stripped
    return name.strip(" :") or None


def _split_name_block(lines: list[str]) -> tuple[str | None, str | None]:
    """(jabatan, nama) from the lines before the NIP."""
    if not lines:
        return None, None
    if len(lines) == 1:
        parts = re.split(r"\s{2,}", lines[0].strip())
        if len(parts) == 1:
            alone = clean_text(parts[0])
            return (None, alone) if _PERSON.search(parts[0]) else (alone, None)
        lines = parts
    return clean_text(" ".join(lines[:-1])), clean_text(lines[-1])


def parse_signer(text: str | None) -> dict[str, str | None] | None:
    """The "Disahkan oleh" cell -> {jabatan, nama, nip}; None when the cell is blank."""
    if not text or not clean_text(text):
        return None
    nip = nip_digits(text) if _NIP.search(text) else None
    before = _NIP.split(text)[0] if nip else text
    lines = [ln for ln in before.split("\n") if clean_text(ln)]
    jabatan, nama = _split_name_block(lines)
    if not (jabatan or nama or nip):
        return None
    return {"jabatan": jabatan, "nama": nama, "nip": nip}


def parse_signature(text: str | None) -> dict[str, str | None] | None:
    """The signature block under the table -> {tempat, tanggal, jabatan, nama, nip}."""
    if not text or not clean_text(text):
        return None
    lines = [ln.strip() for ln in text.split("\n") if clean_text(ln)]
    tempat = tanggal = None
    if lines and (iso := parse_date(lines[0])):
        tanggal = iso
        place = re.split(r",|\d", lines[0], maxsplit=1)[0]
        tempat = clean_text(place)
        lines = lines[1:]
    nip = None
    nip_at = next((i for i, ln in enumerate(lines) if _NIP.search(ln)), None)
    if nip_at is not None:
        nip = nip_digits(lines[nip_at])
        lines = lines[:nip_at]
    jabatan, nama = _split_name_block(lines)
    if not any((tempat, tanggal, jabatan, nama, nip)):
        return None
    return {"tempat": tempat, "tanggal": tanggal, "jabatan": jabatan, "nama": nama, "nip": nip}
