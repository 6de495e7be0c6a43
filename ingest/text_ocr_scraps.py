"""OCR scraps of flowchart symbols in a text dump: tokens, and whole lines, that are no word of the document.

Tesseract reads the boxes, diamonds and arrows drawn in the Pelaksana columns
as letters: short tokens ("Pee", "ena", "“aa"), capitals ("PESAN", "KANE KA"),
sometimes a whole line of them under a row. Bare marks are caught by
:func:`text_ocr_vocab.is_debris`; the rest look like words, and no fixed word
list tells "KEREN" from "KTP". What does tell them apart is the document
itself: SOP tables repeat their words (the output of one step is the
kelengkapan of the next, the title's words return in the cells, the identity
page names the same documents), while a scrap is printed once, or a few times
as different scraps. So a short token is a word when the dump prints it on
other lines too; a long lower-case word is a word on its own (symbol scraps
are short), as is anything with a digit or a hyphen, a known short word
("dan", "RT") or a duration unit. Tokens of two or three letters need more:
OCR prints "aa" and "PA" under every other row, always beside other scraps
("PA NA", "Pn PA"), where an acronym ("SE", "Bid") stands among words; and
lower-case pairs are never words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sopbaku.ingest import text_ocr_vocab as vocab

#: A lower-case (or capitalised) word at least this long is a word even if printed once.
LONG_WORD = 6
#: On how many lines of the dump a shorter word must be printed to be a word.
SEEN = 2
_EDGES = re.compile(r"^\W+|\W+$")
_KNOWN = vocab.SHORT_WORDS | vocab.UNITS
#: Known short words that are acronyms, printed in capitals in running text ("RT/RW", "SK", "KK").
_ACRONYMS = frozenset({"rt", "rw", "sk", "kk", "uu", "ttd", "tu", "sd", "no"})


class Lexicon:
    """The words of one dump, counted once per line they appear on, and the company its short tokens keep.

    Words are counted case-blind, tokens of two letters as spelled: an acronym is printed the same way
    every time ("SE", "RT"), while OCR spells the same scrap "Pe" under one row and "PE" under another
    (three letters are often an abbreviation printed both ways: "Kec", "KEC").
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self.counts: Counter[str] = Counter()
        #: per short token (as spelled when of two letters), on how many lines it is printed
        self.short: Counter[str] = Counter()
        #: per short token (as ``short`` counts it), on how many lines it stands beside another scrap of two
        #: letters ("PA NA")
        self.beside_scraps: Counter[str] = Counter()
        for line in lines:
            cores = {_core(t) for t in vocab.tokens(line)} - {""}
            self.counts.update({c.casefold() for c in cores})
            self.short.update({c if len(c) <= 2 else c.casefold() for c in cores if len(c) <= 3})
            tiny = {c for c in cores if len(c) <= 2 and c.isalpha() and c.casefold() not in _KNOWN}
            self.beside_scraps.update({c if len(c) <= 2 else c.casefold() for c in cores if len(c) <= 3 and tiny - {c}})

    def is_scrap(self, token: str) -> bool:
        """``token``, inside a line of text, is symbol debris or a scrap the rest of the document never prints.

        Inside a line only short scraps ("ena", "“aa") and capitals ("KEREN") are dropped: a lower-case
        word of four letters or more printed once ("draf", "bahan") is more likely a word than a scrap.
        """
        core = self._unknown(token)
        return core is not None and (len(core) <= 3 or core.isupper())

    def is_scrap_line(self, tokens: Sequence[str]) -> bool:
        """Every token of the line is a scrap or a short word printed nowhere else (rulings aside).

        Such a line holds no text: it is OCR of the symbols under a row ("Pee en", "jeena Paten").
        """
        words = [t for t in tokens if t != "|"]
        return bool(words) and all(self._unknown(t) is not None for t in words)

    def _unknown(self, token: str) -> str | None:
        """The core of ``token`` when it is no word the document knows, "" for bare debris; None for a word."""
        if token == "|":
            return None
        if vocab.is_debris(token):
            return ""
        core = _core(token)
        if not core.isalpha() or "-" in token or (core.casefold() in _KNOWN and not _shouted(core)):
            return None
        if len(core) >= LONG_WORD and core[1:].islower():
            return None
        key = core.casefold()
        if len(core) <= 3:
            # Scraps come in groups ("PA NA", "Pee RA"): a short token that mostly stands beside another
            # two-letter scrap is one however often OCR printed it; an acronym ("SE", "Bid") stands among words.
            spelled = core if len(core) <= 2 else key
            known = (len(core) == 3 or core.isupper()) and self.beside_scraps[spelled] * 2 < self.short[spelled]
            return None if known and self.short[spelled] >= SEEN else core
        return core if self.counts[key] < SEEN else None


def _shouted(core: str) -> bool:
    """A known short word of running text in capitals ("KE", "PER"): OCR of a symbol as often as the word.

    Cells are printed in sentence case, so such a token is judged like any other short token.
    """
    return len(core) > 1 and core.isupper() and core.casefold() not in _ACRONYMS


def _core(token: str) -> str:
    """The token without the punctuation and quote marks OCR puts around it ("“aa" -> "aa", "er)" -> "er")."""
    return _EDGES.sub("", token)
