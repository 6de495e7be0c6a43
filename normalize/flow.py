"""Step numbers, decisions and the order of steps (``next`` and ``branches``).

Step numbers in a flowchart table run 1..N. A printed number that is missing
("" ), misread by OCR ("4." where 1 belongs) or decorated ("14,") is
recovered from the sequence, with a warning; a number that jumps is kept
(the source may really skip one) and reported.

A row is a decision when it was drawn as a diamond or its text offers the
"no" path ("Jika setuju ..., jika tidak ... dikembalikan"). The "ya" branch is
the next step; the "tidak" branch is the step the drawn arrows give (the drawing
wins), else a step the text names ("kembali ke langkah 2"), else the latest earlier
step performed by the role the work is returned to ("dikembalikan kepada Sekcam",
the role resolved through the registry), when performers are known; otherwise it
stays null rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_PRINTED_NO = re.compile(r"^\s*(\d{1,3})\s*[.,)]?\s*$")
_DECISION_TEXT = re.compile(r"\b(?:jika|bila|apabila|kalau)\s+(?:tidak|belum|ditolak)\b", re.I)
_BACK_TO_STEP = re.compile(
    r"\b(?:kembali|dikembalikan|diserahkan|ke)\b[^.;]*?\b(?:langkah|kegiatan|nomor|no\.?|step)\s*(\d{1,3})\b", re.I)
_RETURNED_TO = re.compile(r"\b(?:tidak|belum|ditolak)\b[^.;]*?\b(?:dikembalikan|diserahkan|kembali)\s+(?:ke|kepada)\s+"
                          r"(?P<who>[^.;,]+)", re.I)
#: Where the name of the role in "dikembalikan kepada <role> untuk diperbaiki" ends: the purpose
#: or a following clause. "dan" alone does not end it ("Kasubag Umum dan Kepegawaian"), "dan di..." does.
_ROLE_NAME_END = re.compile(r"\s+(?:untuk|utk|agar|guna|supaya|sebagai|dengan|jika|bila|apabila|dan\s+di\w+)\b.*$",
                            re.I | re.S)
#: The long verbs of a "no" path, which OCR misspells ("dikombalikan"): a word this close is read as the verb.
_RETURN_VERBS = ("dikembalikan", "diserahkan")
MAX_VERB_EDITS = 2
_LONG_WORD = re.compile(r"[a-z]{9,}", re.I)


@dataclass
class Numbered:
    no: int
    problem: str | None  # warning code, when the printed number was not used as printed
    message: str | None = None


def printed_number(text: str) -> int | None:
    """The integer a number cell shows ("4." -> 4, "14," -> 14), or None."""
    m = re.match(r"^\s*(\d{1,3})", text or "")
    return int(m[1]) if m else None


def number_steps(printed: list[str]) -> list[Numbered]:
    """Recover the step numbers 1..N from the printed number cells."""
    values = [printed_number(p) for p in printed]
    out: list[Numbered] = []
    for i, (text, value) in enumerate(zip(printed, values, strict=True)):
        expected = out[-1].no + 1 if out else 1
        # The next printed number, and how many rows on it sits: rows whose number OCR lost in between
        # must not make this one look like the last (a jump over a lost row is kept, not "misread").
        ahead = next(((j - i, v) for j, v in enumerate(values[i + 1:], start=i + 1) if v is not None), None)
        fits_ahead = ahead[1] == expected + ahead[0] if ahead else i > 0
        if value is None:
            out.append(Numbered(expected, "step-number-missing",
                                f"Step number missing; {expected} taken from the sequence."))
        elif value == expected:
            clean = bool(_PRINTED_NO.match(text)) and not text.strip().endswith(",")
            out.append(Numbered(value, None if clean else "step-number-misread",
                                None if clean else f"Step number printed as '{text.strip()}'; read as {value}."))
        elif fits_ahead:
            out.append(Numbered(expected, "step-number-misread",
                                f"Step number printed as '{text.strip()}'; read as {expected} from the sequence."))
        else:
            out.append(Numbered(value, "step-number-out-of-order",
                                f"Step number {value} where {expected} was expected; kept as printed."))
    return out


def is_decision_text(kegiatan: str) -> bool:
    return bool(_DECISION_TEXT.search(kegiatan or ""))


def tidak_target_from_text(kegiatan: str) -> int | None:
    """A step number the text sends the "no" path to ("dikembalikan ke langkah 2")."""
    m = _BACK_TO_STEP.search(kegiatan or "")
    return int(m[1]) if m else None


def returned_to_phrase(kegiatan: str) -> str | None:
    """Who the work goes back to on "no" ("... jika tidak dikembalikan kepada Sekretaris Camat")."""
    m = _RETURNED_TO.search(_mended_verbs(kegiatan or ""))
    if not m:
        return None
    who = " ".join(_ROLE_NAME_END.sub("", m["who"]).split())
    return who or None


def _mended_verbs(text: str) -> str:
    """``text`` with OCR misspellings of the return verbs put right ("dikombalikan" -> "dikembalikan")."""
    def mend(m: re.Match[str]) -> str:
        word = m[0]
        for verb in _RETURN_VERBS:
            if Levenshtein.distance(word.casefold(), verb, score_cutoff=MAX_VERB_EDITS) <= MAX_VERB_EDITS:
                return verb
        return word
    return _LONG_WORD.sub(mend, text)
