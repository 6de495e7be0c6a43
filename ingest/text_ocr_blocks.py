"""OCR dumps in block mode: each table cell (or a few neighbouring ones) OCR'd as a paragraph of its own.

Tesseract's automatic page segmentation often does not read a ruled table
line by line (the shape :mod:`text_ocr` reads) but finds text *blocks*: the
whole Kegiatan column as one paragraph per cell, then the Kelengkapan
column, then Waktu and Output (narrow neighbours, read together as
"15 menit | Berkas permohonan"), or the same column by column within a band
of rows. Nothing in such a dump says which row a paragraph belongs to, so
this reader leans on what every SOP AP table guarantees:

* a Kegiatan cell opens with an active verb (meN-: "Menerima",
  "Memeriksa", "Mendisposisikan") and the column is read top to bottom, so
  the kegiatan paragraphs in reading order are the rows;
* a row has one duration, printed between Kelengkapan and Output: text
  before it on its line is kelengkapan, text after it output;
* the output of a step is usually the kelengkapan of the next, so each
  kelengkapan/output text sits in a *slot* of the chain K1, O1=K2, ...,
  ON. Pieces are placed in slots by a Viterbi search (:func:`_place`) that
  lets slots rise along the reading order, restarts when a new column run
  begins, and prefers the slot between the two kegiatan sharing the piece's
  words (a step's object names its input and output: "Mengetik konsep" ->
  "Ketikan konsep");
* symbol debris is short junk, step numbers stand alone, and header words
  (Pelaksana, Mutu Baku, role names) form paragraphs of their own, from
  which the role labels are rebuilt (:mod:`text_ocr_header`).

:func:`is_block_mode` decides, per table, whether the dump is in this shape:
in an interleaved dump a kegiatan's first line also carries its row's other
cells (often the duration) and is long; in block mode it holds the Kegiatan
cell alone. :func:`reread` replaces the rows and header of the tables the
interleaved reader got from block-mode text, leaving every other table as it
was; when that reader found no table at all (a block-mode header is scattered
words, no header line), the tables are found under their SOP titles.
Keterangan notes are left out: in block mode nothing tells their row.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from itertools import pairwise
from math import log

from rapidfuzz import fuzz

from sopbaku.ingest import text_identity, textutil
from sopbaku.ingest import text_ocr_header as header_labels
from sopbaku.ingest import text_ocr_vocab as vocab
from sopbaku.raw import Provenance, RawNote, RawRow, RawSegment, RawSop

#: An Indonesian active verb (meN- prefix) opening a Kegiatan cell: "Memeriksa", "Menyusun", "Mengarsipkan".
ACTIVE_VERB = re.compile(r"Me(?:ng|ny|m|n)?[a-z]{4,}[.,]?$")
#: meN- words that are prepositions, not the verb of a step ("Melalui aplikasi SRIKANDI" is a keterangan).
NOT_STEP_VERBS = frozenset({"melalui", "menurut", "mengenai", "menuju", "menjadi"})
_UNITS = "|".join(sorted(vocab.UNITS, key=len, reverse=True))
#: A duration phrase: "10 menit", "1-2 hari", "5menit" (OCR glues the unit on).
DURATION = re.compile(rf"(?<![\w-])\d{{1,3}}(?:\s*-\s*\d{{1,3}})?\s*(?:{_UNITS})\b\.?", re.IGNORECASE)
#: Under a header that names the unit ("Waktu (menit)"), a bare number of two or three digits is the duration
#: too (single digits are left: OCR makes them of symbols and step numbers).
DURATION_OR_NUMBER = re.compile(rf"{DURATION.pattern}|(?<![\w.,/-])\d{{2,3}}(?![\w/-])", re.IGNORECASE)
#: A line opening with a bare duration and then its output ("30 | Arsip surat"): cells, not a signer block.
BARE_DURATION_CELL = re.compile(r"\d{2,3}(?:\s*\|)?\s+[A-Z]")
#: Lines looked at from a paragraph start to see whether a signer block opens there.
SIGNATURE_LOOKAHEAD = 8
#: Block mode: at most this share of kegiatan first lines carries a duration (interleaved rows carry theirs)...
MAX_DURATION_SHARE = 0.2
#: ... and the median kegiatan first line has at most this many tokens (the Kegiatan column alone).
MAX_KEGIATAN_TOKENS = 7
#: Fewest kegiatan paragraphs that make a table worth reading in block mode.
MIN_ROWS = 2
#: Most lines of a paragraph that continues the cell read before it.
CONTINUATION_LINES = 2
#: Share of a paragraph's words that are header or role words for it to be part of the table header.
HEADER_SHARE = 0.7
#: Two pieces whose texts are at least this similar (0-100) are one kelengkapan/output object.
SAME_OBJECT = 90
#: Notes of the interleaved reader that describe its reading of the table, replaced with this reader's.
TABLE_NOTES = frozenset({"ocr-low-confidence", "table-split-across-pages", "header-changed", "step-number-misread",
                         "ocr-fragment-misplaced", "ocr-garbled"})
#: Function words that say nothing about which step a piece belongs to.
STOPWORDS = frozenset({"yang", "telah", "dan", "atau", "untuk", "kepada", "dengan", "dari", "pada", "oleh", "jika",
                       "bila", "tidak", "setuju", "sebagai", "bahan", "serta", "sudah", "akan", "dalam"})


@dataclass(frozen=True)
class PlaceCosts:
    """What the slot search weighs; slots are the chain K1, O1=K2, ..., ON of a table's objects."""

    skip: float = 0.5  # per slot jumped over (an object OCR lost)
    same: float = 1.0  # a second piece in the slot (the same object again, or a broken chain)
    restart: float = 2.0  # going back to an earlier slot: a new column run starts
    affinity: float = 1.5  # (a bonus) per unit of word affinity with the two kegiatan around the slot


COSTS = PlaceCosts()


@dataclass
class _Para:
    """A paragraph of the dump: its lines as (1-based line number, text)."""

    lines: list[tuple[int, str]]

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.lines)

    @property
    def tokens(self) -> list[str]:
        return vocab.tokens(self.text)


@dataclass
class _Piece:
    """Kelengkapan or output text found in a paragraph, in reading order."""

    text: str
    role: str  # "kel" (left of a duration), "out" (right of one) or "" (either)
    order: int
    waktu: str = ""  # the duration printed with it (only on "out" pieces, or on kel pieces with no output)


@dataclass
class _Kegiatan:
    lines: list[str]
    line: int
    order: int


@dataclass
class _Reading:
    """A table region taken apart: kegiatan cells, kelengkapan/output pieces, header paragraphs."""

    kegiatan: list[_Kegiatan] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    header: list[_Para] = field(default_factory=list)
    unit: str | None = None  # the unit a Waktu header names ("Waktu (menit)")
    duration: re.Pattern[str] = DURATION  # what a duration looks like in this table


# --------------------------------------------------------------------------- regions and detection


def paragraphs(lines: list[str], start: int, end: int) -> list[_Para]:
    """The blank-line separated paragraphs of ``lines[start:end]``, symbol debris lines at their ends dropped."""
    groups: list[list[tuple[int, str]]] = [[]]
    for index in range(start, end):
        text = lines[index].strip()
        if text:
            groups[-1].append((index + 1, text))
        elif groups[-1]:
            groups.append([])
    out = []
    for group in groups:
        while len(group) > 1 and _is_debris_text(group[0][1]):
            group.pop(0)
        while len(group) > 1 and _is_debris_text(group[-1][1]):
            group.pop()
        if group:
            out.append(_Para(group))
    return out


def _is_debris_text(text: str) -> bool:
    """Symbol debris and stray marks: no word of three letters or more (a lone step number is one too)."""
    return not any(len(w) >= 3 and w.isalpha() for w in (t.strip(".,:;()|'‘’") for t in vocab.tokens(text)))


def _first_words(tokens: list[str]) -> list[str]:
    """The tokens after a printed step number and ruling debris: where a kegiatan verb would be."""
    rest = list(tokens)
    while rest and (vocab.STEP_NO.fullmatch(rest[0]) or vocab.is_debris(rest[0])):
        rest.pop(0)
    return rest


def _opens_kegiatan(text: str) -> bool:
    words = _first_words(vocab.tokens(text))
    return bool(words) and ACTIVE_VERB.match(words[0]) is not None and vocab.bare(words[0]) not in NOT_STEP_VERBS


def is_block_mode(paras: list[_Para]) -> bool:
    """Whether a table region was OCR'd in blocks rather than interleaved lines.

    Looks at the lines that open a kegiatan (an active verb after any step
    number). Interleaved, such a line holds the first line of every cell of
    its row, so it is long and often carries the row's duration; in block
    mode it holds the Kegiatan cell's first line alone.
    """
    opening = [text for para in paras for _, text in para.lines if _opens_kegiatan(text)]
    if len(opening) < MIN_ROWS:
        return False
    with_duration = sum(bool(DURATION.search(text)) for text in opening) / len(opening)
    length = statistics.median(len(vocab.tokens(text)) for text in opening)
    return with_duration <= MAX_DURATION_SHARE and length <= MAX_KEGIATAN_TOKENS


def _region(lines: list[str], header_line: int, floor: int) -> int:
    """The line index where a table's region starts: its SOP title above the header, if printed."""
    for index in range(header_line - 1, floor - 1, -1):
        if textutil.is_title_line(lines[index]):
            return index + 1
        if text_identity.is_identity_line(lines[index]):
            break
    return header_line


def _table_text(lines: list[str], start: int, end: int) -> tuple[list[_Para], int]:
    """The table's paragraphs between ``start`` and ``end``, and the line index where its text stops.

    The text stops at the next SOP's identity page, or at a signer block
    after the last kegiatan. Block-mode OCR may read the signer block
    before the Kegiatan column (it sits under the table's right half): a
    signer block with kegiatan after it is left out and the table goes on.
    """
    paras: list[_Para] = []
    stop = end
    signer: int | None = None  # where the last signer block read so far starts
    for para in paragraphs(lines, start, end):
        first = para.lines[0][0] - 1
        if text_identity.is_identity_line(lines[first]) and not _is_header(para):  # "Peralatan" heads a column too
            stop = first
            break
        if _is_cells(para):
            signer = None
        elif signer is None and _opens_signature(lines, first):
            signer = first
        if signer is None:
            paras.append(para)
    return paras, stop if signer is None else signer


def _is_cells(para: _Para) -> bool:
    """Table cells, not a signer block: a kegiatan, a duration, or a line opening with a bare one ("30 | Arsip")."""
    return (bool(DURATION.search(para.text)) or _opens_kegiatan(para.lines[0][1])
            or any(BARE_DURATION_CELL.match(text) for _, text in para.lines))


def _opens_signature(lines: list[str], first: int) -> bool:
    span = text_identity.signature_span(lines[first:first + SIGNATURE_LOOKAHEAD])
    return bool(span) and span[0] == 0


def reread(lines: list[str], sops: list[RawSop]) -> list[RawSop]:
    """The SOPs of an OCR dump with every block-mode table read again by this reader.

    ``sops`` come from the interleaved reader, one per table; a table whose
    region (its title down to the signer block or the next SOP) reads as block
    mode gets its rows and header from :func:`read_blocks`, its identity and
    signature stay as the interleaved reader found them.
    """
    if not sops:
        return _read_untabled(lines)
    headers = [sop.segments[0].prov.line if sop.segments and sop.segments[0].prov.line else None for sop in sops]
    starts: list[int | None] = []
    floor = 0
    for header in headers:
        starts.append(None if header is None else _region(lines, header - 1, floor))
        floor = header or floor
    for index, (sop, start) in enumerate(zip(sops, starts, strict=True)):
        if start is None:
            continue
        following = next((s for s in starts[index + 1:] if s is not None), len(lines))
        paras = _table_text(lines, start, following)[0]
        if is_block_mode(paras):
            _replace_table(sop, read_blocks(paras))
    return sops


def _read_untabled(lines: list[str]) -> list[RawSop]:
    """The SOPs of a dump in which the interleaved reader found no table header: block-mode tables under titles.

    In block mode the header is often OCR'd as scattered words ("Pelaksana",
    "Mutu Baku" paragraphs apart) that no longer form a header line; the
    SOP's title and its kegiatan paragraphs still mark the table. The text
    between two tables holds the previous signer block and the next identity
    page, read by :mod:`text_identity` as the interleaved reader does.
    """
    titles = [k for k, line in enumerate(lines) if textutil.is_title_line(line)]
    sops: list[RawSop] = []
    before_from = 0
    for index, title in enumerate(titles):
        following = titles[index + 1] if index + 1 < len(titles) else len(lines)
        paras, end = _table_text(lines, title + 1, following)
        if not is_block_mode(paras):
            continue
        sop = read_blocks(paras)
        if len(sop.rows) < MIN_ROWS:
            continue
        sop.title = textutil.strip_markdown(lines[title])
        text = lines[before_from:title]
        if sops:
            sops[-1].signature, text = _take_signature(text)
        identity = text_identity.read_identity(text)
        sop.identity = dict(identity.fields)
        sop.notes.extend(identity.notes)
        sops.append(sop)
        before_from = end
    if sops:
        sops[-1].signature = _take_signature(lines[before_from:])[0]
    return sops


def _take_signature(text: list[str]) -> tuple[str | None, list[str]]:
    """The signer block at the head of ``text`` (if any) and the lines after it."""
    span = text_identity.signature_span(text)
    if span is None:
        return None, text
    return text_identity.parse_signature(text[:span[1]]), text[span[1]:]


def _replace_table(sop: RawSop, table: RawSop) -> None:
    if len(table.rows) < MIN_ROWS:
        return
    sop.segments, sop.rows, sop.arrows = table.segments, table.rows, []
    sop.notes = [n for n in sop.notes if n.row is None and n.code not in TABLE_NOTES] + table.notes


# --------------------------------------------------------------------------- reading a region


def read_blocks(paras: list[_Para]) -> RawSop:
    """A block-mode table region as a RawSop holding its header segment and rows (no identity)."""
    reading = _take_apart(paras)
    segment = _segment(reading.header, reading.unit)
    slots = _place(reading)
    rows = _rows(reading, slots)
    sop = RawSop(segments=[segment], rows=rows)
    if rows:
        sop.notes.append(RawNote("ocr-low-confidence", "Table read from an OCR text dump in block mode (each cell "
                                 "its own paragraph): rows from the kegiatan paragraphs in reading order, "
                                 "kelengkapan and output placed by the chain of outputs into next inputs."))
    return sop


def _is_header(para: _Para) -> bool:
    words = [t for t in para.tokens if t != "|" and not vocab.is_debris(t)]
    known = sum(vocab.is_header_word(t) or bool(header_labels.role_class(t)) or vocab.bare(t) in vocab.UNITS
                for t in words)  # units: "Waktu (menit)"
    return bool(words) and known / len(words) >= HEADER_SHARE


def _take_apart(paras: list[_Para]) -> _Reading:
    """Sort the region's paragraphs into kegiatan, kelengkapan/output pieces and header."""
    reading = _Reading()
    reading.unit = next((unit for para in paras if "waktu" in para.text.casefold()
                         and not any(ch.isdigit() for ch in para.text) and (unit := textutil.waktu_unit(para.text))),
                        None)
    if reading.unit:
        reading.duration = DURATION_OR_NUMBER
    known = _word_counts(paras)
    last: _Kegiatan | _Piece | None = None
    for para in paras:
        if _is_debris_text(para.text) or _keterangan_at(para.lines[0][1]) == 0:
            continue
        if _opens_kegiatan(para.lines[0][1]):
            last = _read_kegiatan(para, reading)
        elif _is_header(para) and not DURATION.search(para.text):
            reading.header.append(para)
        elif last is not None and _continues(para, known):
            _continue(last, para.text)  # a cell's tail OCR'd as a paragraph of its own
        else:
            last = _read_cells(para.lines, reading)
    return reading


def _word_counts(paras: list[_Para]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for para in paras:
        for token in para.tokens:
            counts[vocab.bare(token)] = counts.get(vocab.bare(token), 0) + 1
    return counts


def _continues(para: _Para, known: dict[str, int]) -> bool:
    """A short paragraph in lower case of words the table uses elsewhere: the tail of the cell read before it.

    OCR scraps of symbols ("hee pan") are lower case too, but their words
    appear nowhere else in the table.
    """
    words = [vocab.bare(t) for t in para.tokens if len(vocab.bare(t)) >= 3]
    return (para.text[:1].islower() and len(para.lines) <= CONTINUATION_LINES and not DURATION.search(para.text)
            and bool(words) and all(known.get(w, 0) >= 2 for w in words))


def _continue(item: _Kegiatan | _Piece, text: str) -> None:
    if isinstance(item, _Kegiatan):
        item.lines.append(text)
    else:
        item.text = f"{item.text} {text}".strip()


def _read_kegiatan(para: _Para, reading: _Reading) -> _Kegiatan:
    """A kegiatan paragraph; a line that also carries a duration hands what follows the kegiatan to the pieces."""
    number, first = para.lines[0]
    item = _Kegiatan([" ".join(_first_words(vocab.tokens(first)))], number, len(reading.kegiatan) + len(reading.pieces))
    reading.kegiatan.append(item)
    for at, (_, text) in enumerate(para.lines[1:], start=1):
        if reading.duration.search(text):
            _read_cells(para.lines[at:], reading)
            break
        item.lines.append(text)
    return item


def _keterangan_at(text: str) -> int | None:
    """The index of the word opening a Keterangan note in a line ("SOP Penomoran", "Melalui aplikasi"), or None.

    Notes sit in the last column and are left out: which row one belongs to
    is not known in block mode, and a note on the wrong row costs two rows.
    """
    words = text.split()
    return next((k for k, word in enumerate(words) if word == "SOP"
                 or (word[:1].isupper() and vocab.bare(word) in NOT_STEP_VERBS)), None)


def _without_keterangan(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out = []
    for number, text in lines:
        cut = _keterangan_at(text)
        out.append((number, text if cut is None else " ".join(text.split()[:cut])))
    return out


def _read_cells(lines: list[tuple[int, str]], reading: _Reading) -> _Piece | None:
    """Kelengkapan/output pieces of a paragraph: split at its duration, its other lines given to a side.

    Lines above the duration's line are kelengkapan; lines below it continue
    the side that has text (the output when both do: it is the wider cell
    and usually wraps longer). A paragraph with a second duration holds the
    next row's cells from that line on.
    """
    lines = _without_keterangan(lines)
    timed = [k for k, (_, text) in enumerate(lines) if reading.duration.search(text)]
    if len(timed) > 1:
        _read_cells(lines[:timed[1]], reading)
        return _read_cells(lines[timed[1]:], reading)
    order = len(reading.kegiatan) + len(reading.pieces)
    if not timed:
        text = _clean(" ".join(text for _, text in lines))
        if not text[:1].isupper():
            return None  # cells open with a capital; lower-case scraps are symbol debris
        piece = _Piece(text, "", order)
        reading.pieces.append(piece)
        return piece
    at = timed[0]
    text = lines[at][1]
    match = reading.duration.search(text)
    above = [t for _, t in lines[:at]] + [text[:match.start()]]
    below = [text[match.end():]] + [t for _, t in lines[at + 1:]]
    kel, out = _clean(" ".join(above)), _clean(" ".join(below))
    if not out and len(lines) > at + 1:
        kel = _clean(" ".join([*above, *below]))
    waktu = " ".join(match.group(0).split())
    pieces = []
    if kel:
        pieces.append(_Piece(kel, "kel", order, "" if out else waktu))
    if out or not kel:
        pieces.append(_Piece(out, "out", order, waktu))
    reading.pieces.extend(pieces)
    return pieces[-1]


def _clean(text: str) -> str:
    """Cell text without rulings, debris and the lone digits OCR makes of symbols."""
    words = [t for t in vocab.tokens(text) if t != "|" and not vocab.is_debris(t) and not (t.isdigit() and len(t) == 1)]
    return " ".join(words)


def _key(text: str) -> str:
    return " ".join(vocab.bare(t) for t in text.split() if vocab.bare(t))


def _segment(header: list[_Para], unit: str | None) -> RawSegment:
    lines = [(number, text) for para in header for number, text in para.lines]
    text = " / ".join(t for _, t in lines)
    labels = header_labels.role_labels([vocab.tokens(t) for _, t in lines]) if lines else []
    return RawSegment(role_labels=_unique(labels), waktu_unit=unit, header_text=text,
                      prov=Provenance(line=lines[0][0] if lines else None))


def _unique(labels: list[str]) -> list[str]:
    """Each label once, in first-seen order: a header OCR'd again on the next page repeats its labels."""
    out: list[str] = []
    for label in labels:
        if all(label.casefold() != kept.casefold() for kept in out):
            out.append(label)
    return out


# --------------------------------------------------------------------------- placing pieces in the chain


def _stems(text: str) -> set[str]:
    return {w for w in (vocab.bare(t) for t in text.split()) if len(w) >= 4 and w not in STOPWORDS}


def _related(a: str, b: str) -> bool:
    """Two words of one family: they share five letters in a row ("ditandatangani" / "menandatangani")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    size = min(5, len(short))
    return any(short[i:i + size] in long_ for i in range(len(short) - size + 1))


class _Affinity:
    """How much a piece's words belong to a kegiatan, each word weighted by its rarity among the kegiatan."""

    def __init__(self, kegiatan: list[str]) -> None:
        self.rows = [_stems(text) for text in kegiatan]
        self.n = len(kegiatan)

    def score(self, text: str, row: int) -> float:
        if not 0 <= row < self.n:
            return 0.0
        total = 0.0
        for word in _stems(text):
            spread = sum(any(_related(word, v) for v in stems) for stems in self.rows)
            if spread and any(_related(word, v) for v in self.rows[row]):
                total += log((self.n + 1) / spread)
        return total / max(1, len(_stems(text)))


def _place(reading: _Reading) -> list[int]:
    """The chain slot of every piece (slot r: output of row r, kelengkapan of row r+1), by Viterbi.

    Along the reading order slots rise by one (the next cell down a
    column), skip (an object OCR lost), repeat (the same object as the
    next kelengkapan, or a broken chain) or go back (a new column run);
    each piece prefers the slot between the kegiatan that share its words.
    A kelengkapan piece cannot be the last slot, an output piece the first,
    and an output printed beside a kelengkapan takes the slot after it. An
    output read right before the same text as a kelengkapan is the chain
    itself: staying in the slot is free there.
    """
    n = len(reading.kegiatan)
    pieces = reading.pieces
    if not pieces or not n:
        return []
    affinity = _Affinity([" ".join(k.lines) for k in reading.kegiatan])
    slots = n + 1
    inf = float("inf")

    def emit(piece: _Piece, s: int) -> float:
        if (piece.role == "kel" and s == n) or (piece.role == "out" and s == 0):
            return inf
        return -COSTS.affinity * max(affinity.score(piece.text, s - 1), affinity.score(piece.text, s))

    def move(a: int, b: int, one_row: bool, chained: bool) -> float:
        if one_row:  # kelengkapan and output printed on one line: the same row, the next slot
            return 0.0 if b == a + 1 else inf
        if b > a:
            return COSTS.skip * (b - a - 1)
        if b == a:
            return 0.0 if chained else COSTS.same
        return COSTS.restart

    score = [COSTS.skip * s + emit(pieces[0], s) for s in range(slots)]
    back: list[list[int]] = []
    for previous, piece in pairwise(pieces):
        pointers, nxt = [], []
        one_row = previous.role == "kel" and piece.role == "out" and previous.order == piece.order
        chained = previous.role == "out" and piece.role == "kel" and _same_object(previous.text, piece.text)
        for b in range(slots):
            best = min(range(slots), key=lambda a, b=b: score[a] + move(a, b, one_row, chained))
            pointers.append(best)
            nxt.append(score[best] + move(best, b, one_row, chained) + emit(piece, b))
        back.append(pointers)
        score = nxt
    s = min(range(slots), key=lambda k: score[k])
    path = [s]
    for pointers in reversed(back):
        s = pointers[s]
        path.append(s)
    return path[::-1]


def _rows(reading: _Reading, slots: list[int]) -> list[RawRow]:
    """Rows from the kegiatan, with each slot's object as the output before it and the kelengkapan after it."""
    n = len(reading.kegiatan)
    kel = [""] * n
    out = [""] * n
    waktu = [""] * n
    by_slot: dict[int, list[_Piece]] = {}
    for piece, slot in zip(reading.pieces, slots, strict=True):
        by_slot.setdefault(slot, []).append(piece)
        row = slot - 1 if piece.role != "kel" else slot
        if piece.waktu and 0 <= row < n and not waktu[row]:
            waktu[row] = piece.waktu
    for slot, pieces in by_slot.items():
        before, after = _split_slot(pieces)
        if slot >= 1 and after:
            out[slot - 1] = after
        if slot < n and before:
            kel[slot] = before
    return [RawRow(no="", kegiatan=_join(k.lines), kelengkapan=kel[r], waktu=waktu[r], output=out[r],
                   prov=Provenance(line=k.line)) for r, k in enumerate(reading.kegiatan)]


def _same_object(a: str, b: str) -> bool:
    """Two readings of one kelengkapan/output text: alike, or one cut short (OCR lost its wrapped lines)."""
    a, b = _key(a), _key(b)
    return bool(a and b) and (fuzz.ratio(a, b) >= SAME_OBJECT or a.startswith(b) or b.startswith(a))


def _split_slot(pieces: list[_Piece]) -> tuple[str, str]:
    """(kelengkapan of the next row, output of the previous row) from the pieces placed in one slot.

    Pieces of one object count once (the longest reading wins: OCR loses
    wrapped lines). One object is both; two are told apart by their side of
    a duration, else the first read is the kelengkapan (its column is left).
    """
    objects: list[list[_Piece]] = []
    for piece in pieces:
        home = next((o for o in objects if _same_object(o[0].text, piece.text)), None)
        if home is None:
            objects.append([piece])
        else:
            home.append(piece)
    texts = [max((p.text for p in o), key=len) for o in objects if any(p.text for p in o)]
    roles = [{p.role for p in o} for o in objects if any(p.text for p in o)]
    if not texts:
        return "", ""
    if len(texts) == 1:
        return texts[0], texts[0]
    kel = next((t for t, r in zip(texts, roles, strict=True) if "kel" in r and "out" not in r), None)
    out = next((t for t, r in zip(texts, roles, strict=True) if "out" in r and t != kel), None)
    kel = kel or next((t for t in texts if t != out), texts[0])
    out = out or next((t for t in texts if t != kel), texts[-1])
    return kel, out


def _join(lines: list[str]) -> str:
    """A cell's lines as one text, words hyphenated over a line break joined."""
    out = ""
    for line in lines:
        line = _clean(line) if out else line
        hyphenated = out.endswith("-") and len(out.split()[-1]) > 2
        out = out[:-1] + line if hyphenated else f"{out} {line}".strip()
    return out

