"""OCR text dumps of scanned SOP pages: rebuild the flowchart tables from interleaved lines.

OCR of a scanned SOP AP table prints each *visual line* of the page left to
right, so every text line holds the piece of the Kegiatan cell on that line,
symbol debris from the Pelaksana columns, the piece of the Kelengkapan cell,
maybe the duration, and the piece of the Output cell, with no delimiters but
an occasional "|" from a ruling line. Nothing in the file says where one
cell ends and the next begins, so this reader relies only on what every SOP
table guarantees:

* a row starts with its step number and numbers run 1..N, so a misread
  number is still a row start where the sequence wants one, and a gap in
  the printed numbers says how many rows lost theirs (:func:`_row_starts`);
* a row has exactly one duration phrase (number + unit, possibly split over
  two lines), which separates Kelengkapan from Output where it sits;
* each column keeps its width over a page and its text wraps at that width.
  The widths are fitted to the data, per table and then per page
  (:func:`_fit_widths`), and each row's lines are split into cell pieces by
  a Viterbi search (:class:`_RowModel`) that prices overflow, missed wraps,
  cells restarting after a gap, and the clues a line carries (rulings,
  debris, capitals) with :class:`SplitCosts`;
* a document repeats its phrases (the output of one step is often the
  kelengkapan of the next): a phrase model learned from the document itself
  (:class:`_Phrases`), first from its lines and then from the cells of a
  first split, tells which pieces continue which.

Headers are rebuilt the same way: the known column vocabulary (No, Aktifitas,
Mutu Baku, Waktu, ...) is dropped and the rest is assembled into role labels
from the interleaved header lines (:mod:`text_ocr_header`). The identity page
and the signer block are read by :mod:`text_identity`. Labels, durations and
step numbers stay as printed for ``sopbaku.normalize``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise, takewhile

import numpy as np

from sopbaku.ingest import text_identity, textutil
from sopbaku.ingest import text_ocr_header as header_labels
from sopbaku.ingest import text_ocr_vocab as vocab
from sopbaku.raw import Provenance, RawNote, RawRow, RawSegment, RawSop

#: A table header never runs longer than this many lines.
MAX_HEADER_LINES = 8
#: Most lines between an SOP title and its table header (a subtitle, a unit line).
TITLE_TO_HEADER = 3
#: A page break in the dump: at least this many blank lines in a row.
PAGE_GAP = 2
#: Lines looked at after a blank line to see whether a signer block starts there.
SIGNATURE_LOOKAHEAD = 6
#: How many lines below a lone number its unit word may sit ("30" / "Menit").
UNIT_REACH = 3
#: Most stray one-character tokens OCR prints between a step number and its kegiatan.
STEP_NO_NOISE = 1



# --------------------------------------------------------------------------- layout


@dataclass
class _Line:
    """One non-blank line of the dump: 1-based line number, text, blank lines before it."""

    number: int
    text: str
    gap: int = 0

    @property
    def tokens(self) -> list[str]:
        return vocab.tokens(self.text)


@dataclass
class _Page:
    """One occurrence of the table header and the body lines under it."""

    header: list[_Line]
    body: list[_Line] = field(default_factory=list)
    #: text OCR'd between the previous page and this header: cut off a page
    strays: list[_Line] = field(default_factory=list)


@dataclass
class _Table:
    """One flowchart table: its title (if printed), the text before it, its pages."""

    title: str | None
    before: list[_Line]
    pages: list[_Page] = field(default_factory=list)


def _step_number(tokens: Sequence[str]) -> int | None:
    """The step number a line starts with ("4.", "12 |", "8,", "4 1 Menandatangani"), or None.

    Between the number and the kegiatan OCR may print a stray mark or digit
    read from the No column's ruling ("4 1 Menandatangani"); up to
    ``STEP_NO_NOISE`` such short tokens are skipped when a capitalised word
    follows them.
    """
    if len(tokens) < 2 or not vocab.STEP_NO.fullmatch(tokens[0]):
        return None
    follower = tokens[1]
    if tokens[0][-1] in ".," or follower == "|" or follower[:1].isupper():
        return int(vocab.STEP_NO.match(tokens[0]).group(1))
    noise = list(takewhile(lambda t: len(t) == 1 and (t.isdigit() or vocab.is_debris(t)), tokens[1:1 + STEP_NO_NOISE]))
    rest = tokens[1 + len(noise):]
    if noise and rest and _titlecase(rest[0]) and len(rest[0]) >= 3:
        return int(vocab.STEP_NO.match(tokens[0]).group(1))
    return None


def _is_header_start(tokens: Sequence[str]) -> bool:
    """A line that opens a table header: column words (Pelaksana, Mutu Baku, Aktifitas) and role names.

    An identity-page line ("Nama SOP Pelayanan Surat Keterangan ...") is never one, whatever column
    words its value holds: taken for a header, the next SOP's identity page became a page of this table.
    """
    text = " ".join(tokens)
    if (_step_number(tokens) is not None or _is_prose(tokens) or textutil.is_title_line(text)
            or vocab.LIST_ITEM.match(tokens[0]) or text_identity.is_identity_line(text)):
        return False
    words = [t for t in tokens if vocab.is_header_word(t)]
    keys = [vocab.bare(t) for t in words]
    anchors = sum(k in vocab.HEADER_ANCHORS or vocab.fuzzy_in(k, vocab.HEADER_ANCHORS) for k in keys)
    roles = sum(bool(header_labels.role_class(t)) for t in tokens)
    return anchors >= 2 or (anchors == 1 and len(words) + roles >= 2)


def _is_prose(tokens: Sequence[str]) -> bool:
    """Running text (several lower-case words): a table row, never a header line."""
    return sum(t[:1].islower() and t.isalpha() and len(t) >= 3 for t in tokens) >= 3


def _nonblank(lines: Sequence[str]) -> list[_Line]:
    """The non-blank lines, each knowing its line number and how many blank lines came before it."""
    out: list[_Line] = []
    gap = 0
    for number, text in enumerate(lines, start=1):
        if text.strip():
            out.append(_Line(number, text.strip(), gap))
            gap = 0
        else:
            gap += 1
    return out


def _find_tables(lines: Sequence[str]) -> tuple[list[_Table], list[_Line]]:
    """Cut the dump into tables (title, pages of header + body) and the text after the last one."""
    tables: list[_Table] = []
    pending: list[_Line] = []
    entries = _nonblank(lines)
    i = 0
    while i < len(entries):
        if not _is_header_start(entries[i].tokens):
            pending.append(entries[i])
            i += 1
            continue
        header, i = _read_header(entries, i)
        title_at = _title_index(pending)
        if title_at is not None or not tables:
            cut = len(pending) if title_at is None else title_at
            title = None if title_at is None else textutil.strip_markdown(pending[title_at].text)
            tables.append(_Table(title=title, before=pending[:cut]))
            page = _Page(header=header)
        else:
            page = _Page(header=header, strays=[ln for ln in pending if not _is_debris_line(ln)])
        tables[-1].pages.append(page)
        pending = []
        i = _read_body(entries, i, page)
    return tables, pending


def _read_header(entries: list[_Line], i: int) -> tuple[list[_Line], int]:
    """The header block starting at entry ``i``: its lines up to a row, a page gap or running text."""
    header = [entries[i]]
    i += 1
    while (i < len(entries) and len(header) < MAX_HEADER_LINES and entries[i].gap < PAGE_GAP
           and _step_number(entries[i].tokens) is None and not _is_prose(entries[i].tokens)):
        header.append(entries[i])
        i += 1
    return header, i


def _read_body(entries: list[_Line], i: int, page: _Page) -> int:
    """Body lines of ``page`` from entry ``i`` on, up to the next header; returns where it stopped.

    After a page gap the body goes on only when a row (a step number)
    follows; a stray fragment, a signer block, an identity page or the next
    table's title is left to the caller.
    """
    while i < len(entries):
        line = entries[i]
        if _is_header_start(line.tokens):
            break
        if page.body and _step_number(line.tokens) is None and (
                line.gap >= PAGE_GAP or _opens_table(entries[i:]) or (line.gap and _opens_text_block(entries[i:]))):
            break
        page.body.append(line)
        i += 1
    return i


def _opens_table(entries: list[_Line]) -> bool:
    """An SOP title with a table header right under it: the next table starts here."""
    return textutil.is_title_line(entries[0].text) and any(
        _is_header_start(line.tokens) for line in entries[1:1 + TITLE_TO_HEADER])


def _opens_text_block(entries: list[_Line]) -> bool:
    """After a blank line: a signer block or an identity page starts here, not more table."""
    head = [line.text for line in entries[:SIGNATURE_LOOKAHEAD]]
    span = text_identity.signature_span(head)
    return bool(span and span[0] == 0) or text_identity.is_identity_line(head[0])


def _title_index(pending: list[_Line]) -> int | None:
    """Index of the last SOP heading among the lines before a header, or None (a continued page)."""
    for index in range(len(pending) - 1, -1, -1):
        if textutil.is_title_line(pending[index].text):
            return index
    return None


def _segment(header: list[_Line]) -> RawSegment:
    """One header occurrence: its role labels, the unit its Waktu names, its lines as printed."""
    text = " / ".join(line.text for line in header)
    unit = textutil.waktu_unit(" ".join(line.text for line in header))
    labels = header_labels.role_labels([line.tokens for line in header])
    return RawSegment(role_labels=labels, waktu_unit=unit, header_text=text, prov=Provenance(line=header[0].number))


# --------------------------------------------------------------------------- rows


@dataclass
class _RowDraft:
    """The lines of one table row as found, before its cells are split."""

    no: str
    page: int
    lines: list[_Line]
    notes: list[RawNote] = field(default_factory=list)


def _sequence(values: list[int]) -> list[int | None]:
    """The step each step-number candidate starts, or None when it does not start a row.

    Numbers run 1..N. A candidate is taken when it is the next number or
    skips at most two (rows whose number OCR lost), or when the candidate
    after it is the number after the expected one (this one was misread,
    like a first row printed "4."); a misread one gets the expected number.
    """
    steps: list[int | None] = []
    expected = 1
    for index, value in enumerate(values):
        upcoming = values[index + 1] if index + 1 < len(values) else None
        if expected <= value <= expected + 2:
            steps.append(value)
        elif upcoming == expected + 1 or expected == 1:
            steps.append(expected)
        else:
            steps.append(None)
            continue
        expected = (steps[-1] or 0) + 1
    return steps


def _split_rows(table: _Table) -> list[_RowDraft]:
    """The rows of a table across its pages: at printed step numbers and, where OCR lost them, row starts.

    Lines before a page's first row continue the row before (a row split by
    a page break).
    """
    body = [(p, line) for p, page in enumerate(table.pages) for line in page.body]
    starts = _row_starts(body)
    rows: list[_RowDraft] = []
    for at, (p, line) in enumerate(body):
        if at in starts:
            rows.append(_RowDraft(no=starts[at], page=p, lines=[line]))
        elif rows:
            rows[-1].lines.append(line)
    for position, row in enumerate(rows, start=1):
        printed = vocab.STEP_NO.fullmatch(row.no)
        if printed and int(printed.group(1)) != position:
            row.notes.append(RawNote("step-number-misread",
                                     f"Step number printed '{row.no}' where the sequence has {position}."))
    return rows


def _row_starts(body: list[tuple[int, _Line]]) -> dict[int, str]:
    """Body positions that start a row, with the number printed there ("" when none was).

    Between two printed numbers the gap says how many unnumbered rows lie
    there; they start at the lines that look most like a row start. Before
    the first number the first line starts a row; after the last one a line
    must look like a row start on its own.
    """
    candidates = [(at, n) for at, (_, line) in enumerate(body) if (n := _step_number(line.tokens)) is not None]
    numbered = {at: step for (at, _), step in zip(candidates, _sequence([n for _, n in candidates]), strict=True)
                if step is not None}
    starts = {at: body[at][1].tokens[0] for at in numbered}
    anchors = [(-1, 0), *sorted(numbered.items())]
    for (left, left_step), (right, right_step) in pairwise(anchors):
        missing = right_step - left_step - 1
        if left < 0 and missing > 0:
            first = next((at for at in range(right) if not _is_debris_line(body[at][1])), None)
            if first is not None:
                starts[first], missing, left = "", missing - 1, first
        between = sorted(range(left + 1, right), key=lambda at: -_start_score(body, at))[:max(missing, 0)]
        starts.update({at: "" for at in between if _start_score(body, at) > 0})
    for at in range(anchors[-1][0] + 1, len(body)):
        if (at == 0 and not _is_debris_line(body[0][1])) or _start_score(body, at) >= UNNUMBERED_START:
            starts[at] = ""
    return starts


def _is_debris_line(line: _Line) -> bool:
    return all(map(vocab.is_debris, line.tokens))


#: How much a line must look like a row start to be one without a printed step number.
UNNUMBERED_START = 3
#: Words a line without a step number needs to start a row (symbol debris has fewer).
START_WORDS = 2
#: An Indonesian active verb (meN- prefix) opening a line: "Memeriksa", "Menyusun", "Mengarsipkan".
_ACTIVE_VERB = re.compile(r"Me(?:ng|ny|m|n)?[a-z]{4,}$")


def _start_score(body: list[tuple[int, _Line]], at: int) -> int:
    """How much a line without a step number looks like the first line of a row.

    Cells start with a capital and continuation lines seldom do; a row start
    carries words (OCR of flowchart symbols gives short or all-caps scraps
    like "Pee RA" or "PESAN"), follows a blank line or carries the row's
    duration (cells are top-aligned), often opens a page, and never
    continues a word hyphenated on the line above. A Kegiatan cell opens
    with an active verb, in Indonesian a meN- word ("Menandatangani",
    "Memeriksa"), which a continuation line rarely starts with capitalised.
    """
    line = body[at][1]
    tokens = [t for t in line.tokens if t != "|" and not vocab.is_debris(t)]
    if (not tokens or not _titlecase(tokens[0]) or (at and body[at - 1][1].text.endswith("-"))
            or sum(map(_is_word, tokens)) < START_WORDS):
        return 0
    duration = any(_is_number(a, lookalike=True) and _is_unit(b) for a, b in pairwise(tokens))
    verb = _ACTIVE_VERB.match(tokens[0]) is not None
    return 1 + 2 * (line.gap > 0) + 2 * duration + 2 * verb + (at > 0 and body[at - 1][0] != body[at][0])


def _is_word(token: str) -> bool:
    """A word of running text: letters, mostly lower case, at least three of them."""
    letters = token.strip(".,:;()'‘’")
    return len(letters) >= 3 and letters.isalpha() and not letters.isupper()


def _place_strays(table: _Table, rows: list[_RowDraft]) -> None:
    """Give text OCR'd between pages to the row it was cut from.

    OCR sometimes emits the last line of a page elsewhere (before the next
    page's header). A row at the foot of a page whose kegiatan ends in a
    hyphen is waiting for it; the nearest such row wins, the previous page's
    last row when none is.
    """
    for p, page in enumerate(table.pages):
        if not page.strays:
            continue
        page_ends = [max((r for r in rows if r.page == q), key=lambda r: r.lines[0].number, default=None)
                     for q in range(len(table.pages))]
        candidates = [(abs(q - (p - 1)), q) for q, r in enumerate(page_ends) if r and _hyphen_ended(r)]
        target = page_ends[min(candidates)[1]] if candidates else page_ends[p - 1] if p else None
        if target is None:
            continue
        target.lines.extend(page.strays)
        target.notes.append(RawNote("ocr-fragment-misplaced", "Text OCR'd between pages ("
                                    + " / ".join(line.text for line in page.strays)
                                    + f") read as the end of the row printed '{target.no}'."))


def _hyphen_ended(row: _RowDraft) -> bool:
    """The row's last line ends its first word group with a hyphen (a word cut at the page foot)."""
    texts = [line for line in row.lines if not _is_debris_line(line)]
    words = [t for t in texts[-1].tokens if not vocab.is_debris(t)] if texts else []
    return any(w.endswith("-") and len(w) > 2 for w in words[:3])


# --------------------------------------------------------------------------- durations


@dataclass
class _Waktu:
    """The duration phrase of a row: its text and where its tokens sit (row line, token)."""

    text: str
    spots: list[tuple[int, int]]


def _is_number(token: str, lookalike: bool = False) -> bool:
    return bool(vocab.NUMBER.fullmatch(token) or (lookalike and vocab.DIGIT_LOOKALIKE.fullmatch(token)))


def _is_unit(token: str) -> bool:
    return vocab.bare(token) in vocab.UNITS


def _find_waktu(lines: list[list[str]], bare_ok: bool) -> _Waktu | None:
    """The one duration of a row: "N unit" on a line, else "N" with its unit up to 3 lines below.

    ``bare_ok`` (the header names the unit, "Waktu (menit)") lets any lone
    number be the duration.
    """
    for li, tokens in enumerate(lines):
        for ti, (number, unit) in enumerate(pairwise(tokens)):
            if _is_number(number, lookalike=True) and _is_unit(unit):
                spots = [(li, ti), (li, ti + 1)]
                if ti + 2 < len(tokens) and vocab.bare(tokens[ti + 2]) == "kerja":
                    spots.append((li, ti + 2))
                return _Waktu(" ".join(tokens[t] for _, t in spots), spots)
    for li, tokens in enumerate(lines):
        for ti, number in enumerate(tokens):
            if not _is_number(number):
                continue
            for lj in range(li + 1, min(li + 1 + UNIT_REACH, len(lines))):
                for tj, unit in enumerate(lines[lj]):
                    if _is_unit(unit) and not (tj and _is_number(lines[lj][tj - 1], lookalike=True)):
                        return _Waktu(f"{number} {unit}", [(li, ti), (lj, tj)])
    return _bare_waktu(lines, bare_ok)


def _bare_waktu(lines: list[list[str]], header_unit: bool) -> _Waktu | None:
    """A lone number as the duration: under a header naming the unit, or when no unit is printed.

    A row has one duration, so when no number carries a unit the first
    number of more than one digit is it (single digits are too often
    OCR'd symbol debris), or any number when the header names the unit.
    """
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if _is_number(token) and (header_unit or len(token) > 1):
                return _Waktu(token, [(li, ti)])
    return None


# --------------------------------------------------------------------------- cell splitting

_NARROW = frozenset("ijlrtfI.,;:!'|()[]/-‘’")
_WIDE = frozenset("mwMW")


def _visual(text: str) -> float:
    """Printed width of ``text`` in average characters: a proportional font's i and m differ."""
    return sum(0.5 if ch == " " else 0.55 if ch in _NARROW else 1.5 if ch in _WIDE
               else 1.25 if ch.isupper() else 1.0 for ch in text)


@dataclass
class _SegLine:
    """One row line ready for splitting: its words and the hints between them."""

    words: list[str]
    seps: set[int]  # a ruling "|" stood just before word k
    debris: set[int]  # symbol debris stood just before word k
    waktu: int | None  # the duration stood just before word k: Kelengkapan | Output boundary
    first: bool  # the row's first line: every cell starts here


def _seg_lines(draft: _RowDraft, bare_ok: bool) -> tuple[list[_SegLine], str]:
    """The row's lines as words with boundary hints, and the row's duration text."""
    token_lines = [line.tokens for line in draft.lines]
    if draft.no:
        token_lines[0] = token_lines[0][1:]
    waktu = _find_waktu(token_lines, bare_ok)
    spots = set(waktu.spots) if waktu else set()
    out: list[_SegLine] = []
    for li, tokens in enumerate(token_lines):
        seg = _SegLine([], set(), set(), None, li == 0)
        for ti, token in enumerate(tokens):
            at = len(seg.words)
            if (li, ti) in spots:
                seg.waktu = at
            elif token == "|":
                seg.seps.add(at)
            elif vocab.is_debris(token) or (token.isdigit() and len(token) == 1):
                seg.debris.add(at)
            else:
                seg.words.append(token)
        if seg.words:
            out.append(seg)
    return out, waktu.text if waktu else ""


_State = tuple[int, int]  # (a, b): words[:a] Kegiatan, words[a:b] Kelengkapan, words[b:] Output



@dataclass(frozen=True)
class SplitCosts:
    """What each clue weighs when a row's lines are split into cells, in characters of width.

    One misplaced character of width costs 1; the clues are priced against
    that. The defaults were set on seed 002 together with OCR-like dumps
    rendered from the other seeds' gold tables (different wording, widths
    and roles), never on one file alone.
    """

    overflow: float = 1.0  # per character a piece is wider than its column
    wrap: float = 1.0  # per character of room left when the next line's first word would have fitted
    wrap_slack: float = 0.3  # characters of proportional-font tolerance before a wrap counts as missed
    restart: float = 3.0  # a cell that was empty on the line above gets text (cells are top-aligned)
    hyphen: float = 3.0  # a cell ending "ren-" whose next line has nothing to finish the word
    separator: float = 4.0  # a ruling "|" that is not on a cell boundary
    debris: float = 1.0  # symbol debris not at the Kegiatan | Kelengkapan boundary; twice that left of Kegiatan
    capital: float = 1.0  # on a row's first line, a capitalised word inside a cell instead of starting one
    kegiatan_done: float = 0.5  # a line with text but none for Kegiatan: that narrow cell usually runs longest
    rightward: float = 0.05  # per word and column to the right: lines are filled greedily, so ties go left
    phrase_split: float = 0.5  # a cut between two words the document uses together elsewhere
    repeat: float = 1.0  # a word twice in a row inside a piece ("Kinerja Kinerja" is two cells' ends)
    phrase_join: float = 1.0  # (a bonus) a piece continues a phrase the document uses, from the line above
    open_end: float = 1.0  # a cell ending on a word that, elsewhere in the document, never ends a cell
    drift: float = 0.5  # per character a page's column width moves away from its table's


COSTS = SplitCosts()
SPACE = 0.5
#: No cell piece on one line is wider than this (characters): splits that need one are not tried.
MAX_PIECE_WIDTH = 80.0


def _titlecase(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower()


class _Phrases:
    """The document's own words and word pairs, as a phrase model learned from its table text.

    SOP tables repeat their phrases ("penyusunan RKT", "yg telah", "Dokumen
    Pengukuran Kinerja"): the output of one step is often the kelengkapan of
    the next. A cut between two words that form a known phrase is suspect, a
    piece that continues a known phrase from the line above is likely the same
    cell, and a word cut by a hyphen ("pengu-") is finished by the piece that
    makes a word the document uses ("kuran"). Learned from cells (a first
    split), it also knows which words end cells: "Draf Dokumen" never does.
    """

    def __init__(self, texts: Iterable[list[str]], cells: bool = False) -> None:
        self.cells = cells  # ``texts`` are whole cells, not printed lines
        self.counts: dict[tuple[str, str], int] = {}
        self.words: set[str] = set()
        self.ends: dict[str, int] = {}
        self.inner: dict[str, int] = {}
        for words in texts:
            keys = [vocab.bare(w) for w in words]
            self.words.update(keys)
            for left, right in pairwise(keys):
                self.inner[left] = self.inner.get(left, 0) + 1
                if left != right:
                    self.counts[left, right] = self.counts.get((left, right), 0) + 1
            if keys:
                self.ends[keys[-1]] = self.ends.get(keys[-1], 0) + 1

    def seen(self, left: str, right: str) -> int:
        return self.counts.get((vocab.bare(left), vocab.bare(right)), 0)

    def completes(self, head: str, tail: str) -> bool:
        """``head`` ends in a hyphen and ``head`` + ``tail`` is a word of the document."""
        return head.endswith("-") and vocab.bare(head[:-1] + tail) in self.words

    def never_ends(self, word: str) -> bool:
        """``word`` was inside cells at least twice and never at a cell's end."""
        key = vocab.bare(word)
        return self.cells and self.inner.get(key, 0) >= 2 and not self.ends.get(key, 0)


class _LineStates:
    """Every way to split one line into three pieces, with width-free costs precomputed."""

    def __init__(self, seg: _SegLine, phrases: _Phrases) -> None:
        n = len(seg.words)
        widths = [_visual(w) + SPACE for w in seg.words]
        ends = np.concatenate([[0.0], np.cumsum(widths)])
        self.states: list[_State] = [
            (a, b) for a in range(n + 1) for b in range(a, n + 1)
            if (seg.waktu is None or b == seg.waktu)
            and max(ends[a], ends[b] - ends[a], ends[n] - ends[b]) <= MAX_PIECE_WIDTH
        ] or [(min(seg.waktu or 0, n), min(seg.waktu or 0, n))]
        self.seg = seg
        shape = (len(self.states), 3)
        self.width, self.first_width = np.zeros(shape), np.zeros(shape)
        self.empty, self.hyphen, self.glued = (np.zeros(shape, dtype=bool) for _ in range(3))
        self.first, self.last = np.full(shape, -1), np.full(shape, -1)  # word index at each piece end
        self.closing = np.zeros(shape)  # cost of the cell ending with this piece
        self.fixed = np.zeros(len(self.states))
        for s, state in enumerate(self.states):
            starts = (0, state[0], state[1])
            for c, piece in enumerate(self.pieces(state)):
                self.empty[s, c] = not piece
                if piece:
                    self.width[s, c] = _visual(" ".join(piece))
                    self.first_width[s, c] = _visual(piece[0])
                    self.hyphen[s, c] = piece[-1].endswith("-") and len(piece[-1]) > 2
                    self.glued[s, c] = piece[0] in vocab.SUFFIX_FRAGMENTS
                    self.first[s, c], self.last[s, c] = starts[c], starts[c] + len(piece) - 1
                    self.closing[s, c] = COSTS.open_end * phrases.never_ends(piece[-1])
            self.fixed[s] = self._clue_cost(state, phrases)

    def pieces(self, state: _State) -> tuple[list[str], list[str], list[str]]:
        a, b = state
        words = self.seg.words
        return words[:a], words[a:b], words[b:]

    def _clue_cost(self, state: _State, phrases: _Phrases) -> float:
        """Costs that do not depend on column widths: separators, debris, capitals, phrases."""
        a, b = state
        words = self.seg.words
        n = len(words)
        cuts = {k for k in state if 0 < k < n}
        cost = sum(COSTS.separator for k in self.seg.seps if 0 < k < n and k not in cuts)
        cost += sum(COSTS.debris * (2 if a > k else 1) for k in self.seg.debris if k != a and (k < n or a > k))
        cost += sum(COSTS.phrase_split for k in cuts if phrases.seen(words[k - 1], words[k]) >= 2
                    and not (self.seg.first and _titlecase(words[k])))
        cost += COSTS.repeat * sum(vocab.bare(left) == vocab.bare(right) and k not in cuts
                                   for k, (left, right) in enumerate(pairwise(words), start=1))
        if a == 0 and n:
            cost += COSTS.kegiatan_done
        cost += COSTS.rightward * ((b - a) + 2 * (n - b))
        if self.seg.first:
            cost += sum(COSTS.capital for k in range(1, n) if k not in cuts and _titlecase(words[k]))
        return cost

    def unary(self, widths: np.ndarray) -> np.ndarray:
        """Cost of each split at each of ``widths`` (shape K x 3): shape K x states."""
        over = np.clip(self.width[None, :, :] - widths[:, None, :], 0, None).sum(axis=2)
        return self.fixed[None, :] + COSTS.overflow * over


class _LinePair:
    """Width-free parts of the cost of going from one line's split to the next line's."""

    def __init__(self, upper: _LineStates, lower: _LineStates, phrases: _Phrases) -> None:
        self.reach = upper.width[:, None, :] + SPACE + lower.first_width[None, :, :]
        self.wraps = (~upper.empty[:, None, :] & ~lower.empty[None, :, :]
                      & ~upper.hyphen[:, None, :] & ~lower.glued[None, :, :])
        restart = upper.empty[:, None, :] & ~lower.empty[None, :, :]
        broken = upper.hyphen[:, None, :] & lower.empty[None, :, :]
        ending = upper.closing[:, None, :] * lower.empty[None, :, :]
        self.fixed = (COSTS.restart * restart + COSTS.hyphen * broken + ending).sum(axis=2)
        self.fixed -= COSTS.phrase_join * self._phrase_joins(upper, lower, phrases)

    @staticmethod
    def _phrase_joins(upper: _LineStates, lower: _LineStates, phrases: _Phrases) -> np.ndarray:
        """Per pair of splits, how many columns continue a known phrase or finish a hyphenated word.

        A hyphenated word continued by a capitalised piece counts against.
        """

        def link(u: str, v: str) -> float:
            if u.endswith("-") and len(u) > 2:
                return 1.0 if phrases.completes(u, v) else -1.0 if v[:1].isupper() else 0.0
            return 1.0 if phrases.seen(u, v) else 0.0

        known = np.zeros((len(upper.seg.words) + 1, len(lower.seg.words) + 1))
        for i, u in enumerate(upper.seg.words):
            for j, v in enumerate(lower.seg.words):
                known[i, j] = link(u, v)
        joins = np.zeros((len(upper.states), len(lower.states)))
        for c in range(3):
            joins += known[upper.last[:, c][:, None], lower.first[:, c][None, :]]
        return joins

    def cost(self, widths: np.ndarray) -> np.ndarray:
        """Transition costs at each of ``widths`` (K x 3): shape K x upper states x lower states.

        Worked out per column over the distinct widths tried (a width search
        varies one or two columns), then gathered: far less work than K x 3.
        """
        total = np.broadcast_to(self.fixed[None], (len(widths), *self.fixed.shape)).copy()
        for c in range(3):
            values, inverse = np.unique(widths[:, c], return_inverse=True)
            room = np.clip(values[:, None, None] - self.reach[None, :, :, c] - COSTS.wrap_slack, 0, None)
            total += COSTS.wrap * (room * self.wraps[None, :, :, c])[inverse]
        return total


class _RowModel:
    """One row's lines with their precomputed splits, ready for Viterbi at any column widths."""

    def __init__(self, segs: list[_SegLine], phrases: _Phrases) -> None:
        self.lines = [_LineStates(seg, phrases) for seg in segs]
        self.pairs = [_LinePair(u, v, phrases) for u, v in pairwise(self.lines)]

    def costs(self, widths: np.ndarray) -> np.ndarray:
        """The cheapest total cost at each of ``widths`` (K x 3): Viterbi without the path."""
        if not self.lines:
            return np.zeros(len(widths))
        score = self.lines[0].unary(widths)
        for pair, line in zip(self.pairs, self.lines[1:], strict=True):
            score = (score[:, :, None] + pair.cost(widths)).min(axis=1) + line.unary(widths)
        return (score + self.lines[-1].closing.sum(axis=1)[None, :]).min(axis=1)

    def best(self, widths: np.ndarray) -> list[_State]:
        """The cheapest split of every line at column ``widths`` (Viterbi)."""
        if not self.lines:
            return []
        one = widths[None, :]
        score = self.lines[0].unary(one)[0]
        back: list[np.ndarray] = []
        for pair, line in zip(self.pairs, self.lines[1:], strict=True):
            total = score[:, None] + pair.cost(one)[0]
            back.append(total.argmin(axis=0))
            score = total.min(axis=0) + line.unary(one)[0]
        s = int((score + self.lines[-1].closing.sum(axis=1)).argmin())
        path = [s]
        for pointers in reversed(back):
            s = int(pointers[s])
            path.append(s)
        path.reverse()
        return [line.states[s] for line, s in zip(self.lines, path, strict=True)]

    def cells(self, widths: np.ndarray) -> tuple[str, str, str]:
        states = self.best(widths)
        pieces: tuple[list[str], list[str], list[str]] = ([], [], [])
        for line, state in zip(self.lines, states, strict=True):
            for column, piece in zip(pieces, line.pieces(state), strict=True):
                if piece:
                    column.append(" ".join(piece))
        return _join_lines(pieces[0]), _join_lines(pieces[1]), _join_lines(pieces[2])


#: Column widths tried when fitting a page, in average characters: a coarse grid, then finer steps.
WIDTH_GRID = np.arange(5.0, 71.0, 1.0)
WIDTH_GRID_COARSE = np.arange(5.0, 71.0, 2.5)
WIDTH_STEPS_2D = np.arange(-2.0, 2.01, 0.5)
WIDTH_STEPS = np.arange(-1.0, 1.01, 0.25)
#: Starting widths (Kegiatan, Kelengkapan, Output) of a table's fit: a narrow and a wide A4 layout.
START_WIDTHS = ((14.0, 18.0, 14.0), (22.0, 28.0, 20.0))
#: Width triples evaluated at once (bounds memory: each needs states x states x 3 floats per line pair).
TRIAL_CHUNK = 256
#: Most lines of a row that takes part in fitting the widths (real rows wrap into 1-10 lines).
MAX_FIT_LINES = 40


def _fit_widths(rows: list[_RowModel], prior: np.ndarray | None = None) -> np.ndarray:
    """Column widths that make the rows' text wrap most consistently.

    Too narrow a width makes pieces overflow; too wide a width makes lines
    that wrapped early look wrong; the best widths balance the two over all
    rows. Without a ``prior`` the search runs from a narrow and from a wide
    layout and the cheaper result wins (from one start, Kegiatan's width can
    lock in before the others move). With a ``prior`` (the widths fitted to
    the whole table) it starts there and moving away costs, so a page with
    few rows keeps its table's widths.

    Rows of more than :data:`MAX_FIT_LINES` lines are left out of the fit:
    no flowchart row wraps that often, such a row is text the parser could
    not divide (a damaged dump), and the fit's cost grows with a row's lines
    times its splits squared: minutes for one such row.
    """
    rows = [row for row in rows if len(row.lines) <= MAX_FIT_LINES]
    if prior is not None:
        return _descend(rows, prior.copy(), prior)
    fits = [_descend(rows, np.array(start), None) for start in START_WIDTHS]
    return min(fits, key=lambda widths: float(_total(rows, widths[None, :])[0]))


def _descend(rows: list[_RowModel], widths: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
    """Improve ``widths`` step by step: Kegiatan's alone, Kelengkapan and Output together, then all finely.

    Kelengkapan and Output trade words at their shared boundary, so their
    widths are searched together on a grid (one at a time gets stuck).
    """
    for _ in range(2):
        widths = _cheapest(rows, _vary(widths, [0], [WIDTH_GRID]), prior)
        widths = _cheapest(rows, _vary(widths, [1, 2], [WIDTH_GRID_COARSE, WIDTH_GRID_COARSE]), prior)
        widths = _cheapest(rows, _vary(widths, [1, 2], [widths[1] + WIDTH_STEPS_2D, widths[2] + WIDTH_STEPS_2D]),
                           prior)
    for column in (0, 1, 2, 0, 1, 2):
        widths = _cheapest(rows, _vary(widths, [column], [widths[column] + WIDTH_STEPS]), prior)
    return widths


def _vary(widths: np.ndarray, columns: list[int], values: list[np.ndarray]) -> np.ndarray:
    """Every width triple that changes ``columns`` to all combinations of ``values``."""
    grids = np.meshgrid(*values, indexing="ij")
    trials = np.repeat(widths[None, :], grids[0].size, axis=0)
    for column, grid in zip(columns, grids, strict=True):
        trials[:, column] = np.clip(grid.ravel(), WIDTH_GRID[0], None)
    return trials


def _cheapest(rows: list[_RowModel], trials: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
    """The width triple among ``trials`` at which the rows cost least (plus the drift from ``prior``)."""
    totals = _total(rows, trials)
    if prior is not None:
        totals += COSTS.drift * np.abs(trials - prior[None, :]).sum(axis=1)
    return trials[int(totals.argmin())]


def _total(rows: list[_RowModel], trials: np.ndarray) -> np.ndarray:
    """The rows' summed cost at each width triple, evaluated in chunks to bound memory."""
    return np.concatenate([
        sum((row.costs(trials[i:i + TRIAL_CHUNK]) for row in rows), np.zeros(len(trials[i:i + TRIAL_CHUNK])))
        for i in range(0, len(trials), TRIAL_CHUNK)
    ])


def _join_lines(pieces: list[str]) -> str:
    """A cell's line pieces as one text: hyphenated and split words joined, reduplication kept."""
    out = ""
    for piece in pieces:
        if not out:
            out = piece
            continue
        last, first = out.split()[-1], piece.split()[0]
        if last.endswith("-") and len(last) > 2:
            stem = last[:-1].lower()
            out = out + piece if vocab.bare(first) == stem else out[:-1] + piece
        elif first in vocab.SUFFIX_FRAGMENTS:
            out += piece
        else:
            out += " " + piece
    return vocab.INNER_SUFFIX.sub(r"\1", out)


# --------------------------------------------------------------------------- assembly


def parse(lines: list[str]) -> list[RawSop]:
    """Every SOP in the lines of an OCR text dump, in order."""
    tables, trailing = _find_tables(lines)
    pages = [_table_pages(table) for table in tables]
    phrases = _Phrases([t for t in line.tokens if t != "|" and not vocab.is_debris(t)]
                       for table in pages for page in table for draft in page.drafts for line in draft.lines)
    first = [_split_table(table, phrases) for table in pages]
    phrases = _Phrases((cell.split() for table in first for page in table for row in page for cell in row),
                       cells=True)
    sops = [_assemble(table, page_rows, _split_table(page_rows, phrases))
            for table, page_rows in zip(tables, pages, strict=True)]
    _add_identities(lines, tables, trailing, sops)
    return sops


def _add_identities(lines: list[str], tables: list[_Table], trailing: list[_Line], sops: list[RawSop]) -> None:
    """Identity page and signer block of each SOP, from the text between the tables.

    The text before a table holds the previous table's signer block, then
    this table's identity page. A table with no identity page of its own
    shares the one before it (one page over several flowcharts), and every
    SOP of such a group says so with ``identity_shared``.
    """
    group: list[RawSop] = []
    block: text_identity.IdentityBlock | None = None
    for index, (table, sop) in enumerate(zip(tables, sops, strict=True)):
        text = _original(lines, table.before)
        if index:
            sops[index - 1].signature, text = _take_signature(text)
        own = text_identity.read_identity(text) if text else None
        if own is not None and own.fields:
            _share(group)
            block, group = own, []
        group.append(sop)
        if block is not None:
            sop.identity = dict(block.fields)
            sop.notes.extend(RawNote(n.code, n.message) for n in block.notes)
    _share(group)
    if sops:
        sops[-1].signature = _take_signature(_original(lines, trailing))[0]


def _share(group: list[RawSop]) -> None:
    if len(group) > 1:
        for sop in group:
            sop.identity_shared = True
            sop.notes.append(RawNote("identity-shared", f"One identity page serves {len(group)} flowchart tables."))


def _original(lines: list[str], picked: list[_Line]) -> list[str]:
    """The dump's lines from the first to the last of ``picked``, blank lines included."""
    return list(lines[picked[0].number - 1:picked[-1].number]) if picked else []


def _take_signature(text: list[str]) -> tuple[str | None, list[str]]:
    """The signer block at the head of ``text`` (if any) and the lines after it."""
    span = text_identity.signature_span(text)
    if span is None:
        return None, text
    return text_identity.parse_signature(text[:span[1]]), text[span[1]:]


@dataclass
class _PageRows:
    """The rows of one page of a table, with what splitting their cells needs."""

    segment: RawSegment
    drafts: list[_RowDraft]

    def models(self, phrases: _Phrases) -> list[_RowModel]:
        bare_ok = self.segment.waktu_unit is not None
        return [_RowModel(_seg_lines(d, bare_ok)[0], phrases) for d in self.drafts]


def _split_table(pages: list[_PageRows], phrases: _Phrases) -> list[list[tuple[str, str, str]]]:
    """(kegiatan, kelengkapan, output) of each row of each page, at widths fitted per page.

    The table's widths are fitted first, over all its rows; each page then
    fits its own around them (pages of one scan differ a little).
    """
    models = [page.models(phrases) for page in pages]
    table_widths = _fit_widths([row for page in models for row in page])
    out: list[list[tuple[str, str, str]]] = []
    for page in models:
        widths = _fit_widths(page, prior=table_widths) if len(models) > 1 else table_widths
        out.append([row.cells(widths) for row in page])
    return out


def _table_pages(table: _Table) -> list[_PageRows]:
    drafts = _split_rows(table)
    _place_strays(table, drafts)
    return [_PageRows(_segment(page.header), [d for d in drafts if d.page == p])
            for p, page in enumerate(table.pages)]


def _assemble(table: _Table, pages: list[_PageRows], cells: list[list[tuple[str, str, str]]]) -> RawSop:
    """One table as a RawSop: its header segments, its rows with their cells, and notes on what OCR did."""
    sop = RawSop(title=table.title, segments=[page.segment for page in pages])
    debris: set[str] = set()
    for p, (page, page_cells) in enumerate(zip(pages, cells, strict=True)):
        for draft, (kegiatan, kelengkapan, output) in zip(page.drafts, page_cells, strict=True):
            waktu = _seg_lines(draft, page.segment.waktu_unit is not None)[1]
            debris.update(t for line in draft.lines for t in line.tokens if vocab.is_debris(t) and t != "|")
            notes = [*draft.notes, *_garbled_waktu(waktu)]
            sop.notes.extend(RawNote(note.code, note.message, row=len(sop.rows)) for note in notes)
            sop.rows.append(RawRow(no=draft.no, kegiatan=kegiatan, kelengkapan=kelengkapan, waktu=waktu,
                                   output=output, segment=p, prov=Provenance(line=draft.lines[0].number)))
    if sop.rows:
        shown = ", ".join(f"'{t}'" for t in sorted(debris)) or "none"
        sop.notes.append(RawNote("ocr-low-confidence", "Table read from an OCR text dump: each row's cells "
                                 "interleaved line by line were split by fitted column widths, words broken "
                                 f"over lines joined, flowchart-symbol debris dropped ({shown})."))
    sop.notes.extend(_page_notes(sop))
    return sop


def _garbled_waktu(waktu: str) -> list[RawNote]:
    """A note when the duration's number is a letter OCR put for a digit ("S menit")."""
    number = waktu.split()[0] if waktu else ""
    if vocab.DIGIT_LOOKALIKE.fullmatch(number):
        return [RawNote("ocr-garbled", f"Duration OCR'd as '{waktu}': a letter where a digit was printed.")]
    return []


def _page_notes(sop: RawSop) -> list[RawNote]:
    """Notes on a table printed over several pages and on headers that read differently on a later page."""
    if len(sop.segments) < 2:
        return []
    spans = []
    for index in range(len(sop.segments)):
        rows = [k + 1 for k, row in enumerate(sop.rows) if row.segment == index]
        spans.append(f"rows {rows[0]}-{rows[-1]}" if rows else "no rows")
    notes = [RawNote("table-split-across-pages", f"Table printed over {len(sop.segments)} pages "
                     f"({'; '.join(spans)}) with its header repeated; merged into one SOP.")]
    for index, (before, segment) in enumerate(pairwise(sop.segments), start=1):
        if _label_key(segment.role_labels) != _label_key(before.role_labels):
            row = next((k for k, r in enumerate(sop.rows) if r.segment == index), None)
            notes.append(RawNote("header-changed", f"Header of page {index + 1} reads "
                                 f"'{' | '.join(segment.role_labels)}' where page {index} read "
                                 f"'{' | '.join(before.role_labels)}'.", row=row))
    return notes


def _label_key(labels: list[str]) -> list[str]:
    return [re.sub(r"[^a-z0-9]", "", label.casefold()) for label in labels]
