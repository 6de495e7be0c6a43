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
  two lines), which separates Kelengkapan from Output where it sits
  (:mod:`text_ocr_waktu`);
* each column keeps its width over a page and its text wraps at that width.
  The widths are fitted to the data, per table and then per page, and each
  row's lines are split into cell pieces by a Viterbi search
  (:mod:`text_ocr_split`);
* a document repeats its phrases (the output of one step is often the
  kelengkapan of the next): a phrase model learned from the document itself,
  first from its lines and then from the cells of a first split, tells which
  pieces continue which; the final split of continuation lines makes one
  row's Output and the next row's Kelengkapan agree where it can
  (:func:`text_ocr_split.agree_with_neighbours`); and it repeats its words,
  which tells them from the symbol scraps OCR printed between them
  (:mod:`text_ocr_scraps`).

Headers are rebuilt the same way: the known column vocabulary (No, Aktifitas,
Mutu Baku, Waktu, ...) is dropped and the rest is assembled into role labels
from the interleaved header lines (:mod:`text_ocr_header`). The identity page
and the signer block are read by :mod:`text_identity`. Labels, durations and
step numbers stay as printed for ``sopbaku.normalize``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise, takewhile

from sopbaku.ingest import text_identity, textutil
from sopbaku.ingest import text_ocr_header as header_labels
from sopbaku.ingest import text_ocr_scraps as scraps
from sopbaku.ingest import text_ocr_split as split
from sopbaku.ingest import text_ocr_vocab as vocab
from sopbaku.ingest import text_ocr_waktu as waktu_of
from sopbaku.raw import Provenance, RawNote, RawRow, RawSegment, RawSop

#: A table header never runs longer than this many lines.
MAX_HEADER_LINES = 8
#: Most lines between an SOP title and its table header (a subtitle, a unit line).
TITLE_TO_HEADER = 3
#: A page break in the dump: at least this many blank lines in a row.
PAGE_GAP = 2
#: Lines looked at after a blank line to see whether a signer block starts there.
SIGNATURE_LOOKAHEAD = 6
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
    if noise and rest and split.titlecase(rest[0]) and len(rest[0]) >= 3:
        return int(vocab.STEP_NO.match(tokens[0]).group(1))
    return None


def _is_header_start(tokens: Sequence[str]) -> bool:
    """A line that opens a table header: column words (Pelaksana, Mutu Baku, Aktifitas) and role names.

    An identity-page line ("Nama SOP Pelayanan Surat Keterangan ...") is never one, whatever column
    words its value holds: taken for a header, the next SOP's identity page became a page of this table.
    Nor is a row line that names a column word over and over ("Keterangan Tidak Mampu ... Keterangan
    Tidak", the lines of three cells that each hold "Surat Keterangan Tidak Mampu"): words count once,
    and a line that prints a duration is a row.
    """
    text = " ".join(tokens)
    if (_step_number(tokens) is not None or _is_prose(tokens) or textutil.is_title_line(text)
            or vocab.LIST_ITEM.match(tokens[0]) or text_identity.is_identity_line(text)):
        return False
    keys = list(dict.fromkeys(vocab.bare(t) for t in tokens if vocab.is_header_word(t)))
    exact = sum(k in vocab.HEADER_ANCHORS for k in keys)
    anchors = sum(k in vocab.HEADER_ANCHORS or vocab.fuzzy_in(k, vocab.HEADER_ANCHORS) for k in keys)
    roles = len({vocab.bare(t) for t in tokens if header_labels.role_class(t)})
    if not anchors or _prints_duration(tokens):
        return False
    if anchors == 1 and not exact:
        # One column word read only loosely and nothing else of the header: a long word of identity
        # text ("Kewenangan" is two letters from "Keterangan") among officials' titles, not a header.
        return len(keys) >= 2 and len(keys) + roles >= 3
    return anchors >= 2 or len(keys) + roles >= 2


def _prints_duration(tokens: Sequence[str]) -> bool:
    found = waktu_of.find_waktu([list(tokens)], bare_ok=False)
    return found is not None and found.has_unit


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
                line.gap >= PAGE_GAP or _opens_table(entries[i:])
                or ((line.gap or text_identity.is_place_date(line.text)) and _opens_text_block(entries[i:]))):
            break
        page.body.append(line)
        i += 1
    return i


def _opens_table(entries: list[_Line]) -> bool:
    """An SOP title with a table header right under it: the next table starts here."""
    return textutil.is_title_line(entries[0].text) and any(
        _is_header_start(line.tokens) for line in entries[1:1 + TITLE_TO_HEADER])


def _opens_text_block(entries: list[_Line]) -> bool:
    """After a blank line (or at a signer's place and date): a signer block or an identity page starts here.

    A line of running text (a row whose number OCR lost, above the signer's
    place and date) never opens a signer block, whatever the block below it.
    """
    head = [line.text for line in entries[:SIGNATURE_LOOKAHEAD]]
    span = text_identity.signature_span(head)
    return (bool(span and span[0] == 0) and not _is_prose(entries[0].tokens)) or text_identity.is_identity_line(head[0])


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
    #: lines of symbol scraps dropped from the row (kept for the note on what OCR left)
    scraps: list[_Line] = field(default_factory=list)


#: Rows whose printed number OCR may lose in a row without any sign of where they start.
LOST_NUMBERS = 2


def _sequence(values: list[int], room: Sequence[int] | None = None,
              verbs: Sequence[bool] | None = None) -> list[int | None]:
    """The step each step-number candidate starts, or None when it does not start a row.

    Numbers run 1..N. A candidate is taken when it is the next number or
    skips rows whose number OCR lost: at most two, or as many as there are
    lines since the last taken number that could start a row (``room[i]``:
    such lines between candidate i - 1 and i), or any number of rows when
    the printed sequence goes on from it (the candidate after it is its
    next number or skips at most two: rows OCR lost whole). Else it is taken
    when the candidate after it is the number after the expected one (this
    one was misread, like a first row printed "4."), or when it is lower
    than the expected one and opens a kegiatan with an active verb
    (``verbs[i]``: "1 Mengetik konsep" where 7 was printed) before a higher
    number; a misread one gets the expected number.
    """
    steps: list[int | None] = []
    expected = 1
    starts = 0  # lines that could start a row since the last number taken
    for index, value in enumerate(values):
        upcoming = values[index + 1] if index + 1 < len(values) else None
        starts += room[index] if room is not None and steps else 0
        continued = upcoming is not None and 0 < upcoming - value <= 1 + LOST_NUMBERS
        misread_low = (value < expected and verbs is not None and verbs[index]
                       and (upcoming is None or upcoming >= expected))
        if expected <= value <= expected + max(LOST_NUMBERS, starts) or (value > expected and continued):
            steps.append(value)
        elif upcoming == expected + 1 or expected == 1 or misread_low:
            steps.append(expected)
        else:
            steps.append(None)
            continue
        expected = (steps[-1] or 0) + 1
        starts = 0
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
    room = [sum(_start_score(body, k) > 0 for k in range(left + 1, right))
            for left, right in pairwise([-1, *(at for at, _ in candidates)])]
    verbs = [_opens_kegiatan(body[at][1].tokens) for at, _ in candidates]
    steps = _sequence([n for _, n in candidates], room, verbs)
    numbered = {at: step for (at, _), step in zip(candidates, steps, strict=True) if step is not None}
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


def _opens_kegiatan(tokens: Sequence[str]) -> bool:
    """After its step number (and a stray mark), the line opens a kegiatan with an active verb."""
    words = [t for t in tokens[1:] if t != "|" and not vocab.is_debris(t) and not t.isdigit()]
    return bool(words) and _ACTIVE_VERB.match(words[0]) is not None


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
    if (not tokens or not split.titlecase(tokens[0]) or (at and body[at - 1][1].text.endswith("-"))
            or sum(map(_is_word, tokens)) < START_WORDS):
        return 0
    duration = any(waktu_of.is_number(a, lookalike=True) and waktu_of.is_unit(b) for a, b in pairwise(tokens))
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


# --------------------------------------------------------------------------- cells


def _seg_lines(draft: _RowDraft, bare_ok: bool, lexicon: scraps.Lexicon,
               unitless: bool = False) -> tuple[list[split.SegLine], waktu_of.Waktu | None]:
    """The row's lines as words with boundary hints, and the row's duration.

    Symbol scraps (:mod:`text_ocr_scraps`) are no words: like debris, they only hint at a cell boundary.
    """
    token_lines = [line.tokens for line in draft.lines]
    if draft.no:
        token_lines[0] = token_lines[0][1:]
    waktu = waktu_of.find_waktu(token_lines, bare_ok, unitless) or _lone_unit(token_lines[0])
    spots = set(waktu.spots) if waktu else set()
    out: list[split.SegLine] = []
    for li, tokens in enumerate(token_lines):
        seg = split.SegLine([], set(), set(), None, li == 0)
        for ti, token in enumerate(tokens):
            at = len(seg.words)
            if (li, ti) in spots:
                seg.waktu = at
            elif token == "|":
                seg.seps.add(at)
            elif lexicon.is_scrap(token) or (token.isdigit() and len(token) == 1):
                if at or li:  # a mark between the step number and the kegiatan is no cell boundary
                    seg.debris.add(at)
            else:
                seg.words.append(token)
        if seg.words:
            out.append(seg)
    return out, waktu


def _lone_unit(tokens: list[str]) -> waktu_of.Waktu | None:
    """A unit word on the row's first line with no number: the Waktu cell, where Kelengkapan and Output part.

    Right after a ruling mark ("yang telah | Hari Rencana") the mark is the
    number: a thin "1" OCR reads as "|" (the rulings of the Waktu cell stand
    after the unit or on another line, "30 Menit |"), so it is read as 1 and
    noted. Else normalize reports the duration it cannot read.
    """
    at = next((k for k, token in enumerate(tokens) if waktu_of.is_unit(token)), None)
    if at is None:
        return None
    if at and tokens[at - 1] == "|":
        return waktu_of.Waktu(f"1 {tokens[at]}", [(0, at - 1), (0, at)], printed=f"| {tokens[at]}")
    return waktu_of.Waktu(tokens[at], [(0, at)])


# --------------------------------------------------------------------------- assembly


def parse(lines: list[str]) -> list[RawSop]:
    """Every SOP in the lines of an OCR text dump, in order."""
    tables, trailing = _find_tables(lines)
    lexicon = scraps.Lexicon(lines)
    pages = [_table_pages(table, lexicon) for table in tables]
    phrases = split.Phrases([t for t in line.tokens if t != "|" and not lexicon.is_scrap(t)]
                       for table in pages for page in table for draft in page.drafts for line in draft.lines)
    first = [_split_table(table, phrases) for table in pages]
    phrases = split.Phrases((cell.split() for table in first for page in table for row in page for cell in row),
                       cells=True)
    sops = [_assemble(table, page_rows, _split_table(page_rows, phrases, agree=True))
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
    lexicon: scraps.Lexicon
    unitless: bool = False  # the table prints its durations as bare numbers

    def seg_lines(self, draft: _RowDraft) -> tuple[list[split.SegLine], waktu_of.Waktu | None]:
        return _seg_lines(draft, self.segment.waktu_unit is not None, self.lexicon, self.unitless)

    def models(self, phrases: split.Phrases) -> list[split.RowModel]:
        return [split.RowModel(self.seg_lines(d)[0], phrases) for d in self.drafts]


def _split_table(pages: list[_PageRows], phrases: split.Phrases,
                 agree: bool = False) -> list[list[tuple[str, str, str, str]]]:
    """(kegiatan, kelengkapan, output, keterangan) of each row of each page, at widths fitted per page.

    The table's widths are fitted first, over all its rows; each page then
    fits its own around them (pages of one scan differ a little).
    """
    models = [page.models(phrases) for page in pages]
    table_widths = split.fit_widths([row for page in models for row in page])
    page_widths = [split.fit_widths(page, prior=table_widths) if len(models) > 1 else table_widths
                   for page in models]
    rows = [row for page in models for row in page]
    widths = [w for page, w in zip(models, page_widths, strict=True) for _ in page]
    states = [row.best(w) for row, w in zip(rows, widths, strict=True)]
    if agree:
        split.agree_with_neighbours(rows, widths, states)
    cells = iter([row.cells(w, s) for row, w, s in zip(rows, widths, states, strict=True)])
    return [[next(cells) for _ in page] for page in models]


def _table_pages(table: _Table, lexicon: scraps.Lexicon) -> list[_PageRows]:
    """The table's rows by page, each row without the lines that are only symbol scraps."""
    drafts = _split_rows(table)
    _place_strays(table, drafts)
    for draft in drafts:
        kept = [draft.lines[0], *(ln for ln in draft.lines[1:] if not lexicon.is_scrap_line(ln.tokens))]
        draft.scraps = [ln for ln in draft.lines if ln not in kept]
        draft.lines = kept
    pages = [_PageRows(_segment(page.header), [d for d in drafts if d.page == p], lexicon)
             for p, page in enumerate(table.pages)]
    if _unitless_table(pages):
        for page in pages:
            page.unitless = True
    return pages


#: Rows with a bare number of several digits that make a table with no unit a table of bare durations.
UNITLESS_ROWS = 2


def _unitless_table(pages: list[_PageRows]) -> bool:
    """The table prints durations as bare numbers under a unit its header named, though OCR lost the name.

    No header names a unit, no row prints one, and several rows carry a
    number of more than one digit (a duration; a single digit may be debris).
    """
    if any(page.segment.waktu_unit for page in pages):
        return False
    found = [waktu_of.find_waktu([line.tokens[1 if k == 0 and d.no else 0:] for k, line in enumerate(d.lines)], False)
             for page in pages for d in page.drafts]
    return (not any(w and w.has_unit for w in found)
            and sum(w is not None for w in found) >= UNITLESS_ROWS)


def _assemble(table: _Table, pages: list[_PageRows], cells: list[list[tuple[str, str, str, str]]]) -> RawSop:
    """One table as a RawSop: its header segments, its rows with their cells, and notes on what OCR did."""
    sop = RawSop(title=table.title, segments=[page.segment for page in pages])
    debris: set[str] = set()
    for p, (page, page_cells) in enumerate(zip(pages, cells, strict=True)):
        for draft, (kegiatan, kelengkapan, output, keterangan) in zip(page.drafts, page_cells, strict=True):
            found = page.seg_lines(draft)[1]
            waktu = found.text if found else ""
            debris.update(t for line in [*draft.lines, *draft.scraps] for t in line.tokens
                          if page.lexicon.is_scrap(t))
            notes = [*draft.notes, *_garbled_waktu(found)]
            sop.notes.extend(RawNote(note.code, note.message, row=len(sop.rows)) for note in notes)
            sop.rows.append(RawRow(no=draft.no, kegiatan=kegiatan, kelengkapan=kelengkapan, waktu=waktu,
                                   output=output, keterangan=keterangan, segment=p,
                                   prov=Provenance(line=draft.lines[0].number)))
    if sop.rows:
        shown = ", ".join(f"'{t}'" for t in sorted(debris)) or "none"
        sop.notes.append(RawNote("ocr-low-confidence", "Table read from an OCR text dump: each row's cells "
                                 "interleaved line by line were split by fitted column widths, words broken "
                                 f"over lines joined, flowchart-symbol debris dropped ({shown})."))
    sop.notes.extend(_page_notes(sop))
    return sop


def _garbled_waktu(waktu: waktu_of.Waktu | None) -> list[RawNote]:
    """A note when the duration's number is a letter or mark OCR put for a digit ("S menit", "| Hari")."""
    if waktu is not None and waktu.printed:
        return [RawNote("ocr-garbled", f"Duration OCR'd as '{waktu.printed}': read as '{waktu.text}', "
                                       "a ruling mark where the digit 1 was printed.")]
    number = waktu.text.split()[0] if waktu else ""
    if vocab.DIGIT_LOOKALIKE.fullmatch(number):
        return [RawNote("ocr-garbled", f"Duration OCR'd as '{waktu.text}': a letter where a digit was printed.")]
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
