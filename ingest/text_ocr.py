"""OCR text dumps of scanned SOP pages: rebuild the flowchart tables from interleaved lines.

OCR of a scanned SOP AP table prints each *visual line* of the page left to
right, so every text line holds the piece of the Kegiatan cell on that line,
symbol debris from the Pelaksana columns, the piece of the Kelengkapan cell,
maybe the duration, and the piece of the Output cell, with no delimiters but
an occasional "|" from a ruling line. Nothing in the file says where one
cell ends and the next begins, so this reader relies only on what every SOP
table guarantees:

* a row starts with its step number, and numbers run 1..N (so a misread
  first number is still a row start where 1 should be);
* a row has exactly one duration phrase (number + unit), which separates
  Kelengkapan from Output on the line(s) it sits on;
* each column keeps its width over a page and its text wraps at that width.
  The widths are fitted per page from the data itself, then every row is
  split into cell pieces by a Viterbi search over its lines
  (:class:`_ColumnModel`).

Headers are rebuilt the same way: the known column vocabulary (No, Aktifitas,
Mutu Baku, Waktu, ...) is dropped and the rest is assembled into role labels
from the interleaved header lines (:func:`_role_labels`). The identity page
before the tables is read by :mod:`text_identity`. Labels, durations and
step numbers stay as printed for ``sopbaku.normalize``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from rapidfuzz.distance import Levenshtein

from sopbaku.ingest import textutil
from sopbaku.raw import Provenance, RawNote, RawRow, RawSegment, RawSop

# --------------------------------------------------------------------------- vocabulary

#: Words of the table header that are not role labels (Permenpan RB 35/2012 layout).
_HEADER_WORDS = frozenset({
    "no", "aktifitas", "aktivitas", "kegiatan", "uraian", "prosedur", "pelaksana", "mutu", "baku",
    "persyaratan", "kelengkapan", "waktu", "output", "ket", "keterangan",
})
#: Header words distinctive enough to recognise a header line.
_HEADER_ANCHORS = frozenset({
    "aktifitas", "aktivitas", "pelaksana", "persyaratan", "kelengkapan", "output", "keterangan", "mutu", "baku",
})
#: Role words that start a label and want a qualifier ("Kasubag" ... "Umum").
_OPEN_HEADS = frozenset({
    "kasubag", "kasubbag", "kasub", "kabag", "kasi", "kasie", "kepala", "sekretaris", "anggota", "ketua",
    "pengadministrasi", "fungsional", "pengelola", "kaur", "kabid", "wakil", "bendahara", "pejabat",
})
#: Role words that are a label on their own ("Camat", "Staf").
_CLOSED_HEADS = frozenset({
    "staf", "staff", "camat", "lurah", "kades", "bupati", "sekda", "tim", "pemohon", "masyarakat",
    "sekcam", "jfu", "operator", "petugas", "pimpinan", "walikota", "gubernur", "admin", "sekdes",
})
#: Words that continue a role label begun on an earlier header line.
_TAILS = frozenset({
    "umum", "kepegawaian", "perencanaan", "keuangan", "kecamatan", "kelurahan", "desa", "seksi", "evaluasi",
    "pelaporan", "evapor", "pemerintahan", "trantib", "pmd", "monitoring", "sakip", "dan", "daerah", "camat",
    "bidang", "program", "umpeg", "pelayanan", "kesejahteraan", "sosial", "ketentraman", "ketertiban",
    "pembangunan", "pemberdayaan", "masyarakat", "tim", "teknis", "kabupaten", "bagian", "subbag",
    "sekretariat", "kesos", "ekbang", "tata", "usaha", "kasi",
})
_ROLE_WORDS = _OPEN_HEADS | _CLOSED_HEADS | _TAILS
#: Qualifiers that usually go with a head word: breaks ties when two open labels could take one.
_AFFINITY = {
    "kasubag": {"umum", "kepegawaian", "perencanaan", "keuangan", "evaluasi", "pelaporan", "program", "umpeg"},
    "sekretaris": {"kecamatan", "camat", "desa", "daerah", "tim", "kelurahan"},
    "kepala": {"seksi", "desa", "bidang", "bagian", "subbag"},
    "kasi": {"pemerintahan", "trantib", "pmd", "pelayanan", "kesos", "ekbang", "pembangunan"},
    "tim": {"monitoring", "sakip", "teknis"},
    "anggota": {"tim"},
    "staf": {"umum", "teknis", "pelaksana"},
}
_UNITS = frozenset({"detik", "dtk", "menit", "mnt", "jam", "hari", "hr", "minggu", "mgg", "bulan", "bln"})
#: Short tokens that are real words in SOP cells, not symbol debris.
_SHORT_WORDS = frozenset({"yg", "di", "ke", "dg", "dr", "ya", "&", "sd", "pd", "no", "tu", "dll", "an", "/"})
#: Word endings OCR puts on the next line without a hyphen ("menandatanga" / "ni").
_SUFFIX_FRAGMENTS = frozenset({"ni", "nya", "kan"})
_STEP_NO = re.compile(r"(\d{1,3})[.,]?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?(?:-\d+)?")
#: What OCR prints for a lone digit next to a unit word ("S menit" is 5 menit).
_DIGIT_LOOKALIKE = re.compile(r"[SsOolIB]")
_INNER_SUFFIX = re.compile(r"(?<=[a-z])-(an|kan|nya)\b")
#: A page break in the dump: at least this many blank lines in a row.
PAGE_GAP = 2
#: How many lines below a lone number its unit word may sit ("30" / "Menit").
UNIT_REACH = 3


def _bare(token: str) -> str:
    """A token without surrounding punctuation, lower case: the key for vocabulary look-ups."""
    return token.strip(".,:;/()|-'‘’").lower()


def _fuzzy_in(key: str, words: Iterable[str]) -> bool:
    """``key`` is one of ``words`` up to one OCR error (two in long words), same first letter."""
    if len(key) < 3:
        return False
    return any(
        len(word) >= 3 and key[0] == word[0] and abs(len(key) - len(word)) <= 1
        and Levenshtein.distance(key, word) <= (1 if len(word) < 8 else 2)
        for word in words
    )


def _is_header_word(token: str) -> bool:
    key = _bare(token)
    if key in _HEADER_WORDS:
        return True
    return key not in _ROLE_WORDS and _fuzzy_in(key, _HEADER_WORDS)


def _is_debris(token: str) -> bool:
    """An isolated 1-2 character token that is not a word: OCR of a flowchart symbol or a ruling.

    All-caps pairs ("SE") are acronyms and digits may be a duration, so both
    are kept here; the row reader drops a lone digit the duration did not use.
    """
    if token.lower() in _SHORT_WORDS:
        return False
    if not any(ch.isalnum() for ch in token):
        return True
    if len(token) > 2 or token.isdigit():
        return False
    return not (len(token) == 2 and token.isalpha() and token.isupper())


def _tokens(text: str) -> list[str]:
    """Whitespace tokens with every "|" (a ruling line) as a token of its own."""
    return text.replace("|", " | ").split()


# --------------------------------------------------------------------------- layout


@dataclass
class _Line:
    """One non-blank line of the dump: 1-based line number, text, blank lines before it."""

    number: int
    text: str
    gap: int = 0

    @property
    def tokens(self) -> list[str]:
        return _tokens(self.text)


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
    """The step number a line starts with ("4.", "12 |", "8,"), or None."""
    if len(tokens) < 2 or not _STEP_NO.fullmatch(tokens[0]):
        return None
    follower = tokens[1]
    if tokens[0][-1] in ".," or follower == "|" or follower[:1].isupper():
        return int(_STEP_NO.match(tokens[0]).group(1))
    return None


def _is_header_start(tokens: Sequence[str]) -> bool:
    """A line that opens a table header: column words such as Pelaksana, Mutu Baku, Aktifitas."""
    if _step_number(tokens) is not None or textutil.is_title_line(" ".join(tokens)):
        return False
    anchors = sum(_is_header_word(t) and (_bare(t) in _HEADER_ANCHORS or _fuzzy_in(_bare(t), _HEADER_ANCHORS))
                  for t in tokens)
    return anchors >= 2 or (anchors == 1 and sum(_is_header_word(t) for t in tokens) >= 3)


def _nonblank(lines: Sequence[str]) -> list[_Line]:
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
            page = _Page(header=header, strays=[ln for ln in pending if not all(map(_is_debris, ln.tokens))])
        tables[-1].pages.append(page)
        pending = []
        i = _read_body(entries, i, page)
    return tables, pending


def _read_header(entries: list[_Line], i: int) -> tuple[list[_Line], int]:
    """The header block starting at entry ``i``: every line up to the first row start."""
    header = [entries[i]]
    i += 1
    while i < len(entries) and _step_number(entries[i].tokens) is None and entries[i].gap < PAGE_GAP:
        header.append(entries[i])
        i += 1
    return header, i


def _read_body(entries: list[_Line], i: int, page: _Page) -> int:
    """Body lines of ``page`` from entry ``i`` on; stops at a header or at a page gap.

    A body goes on across a page gap only when a row (a step number) follows;
    anything else after a gap (title, stray fragment, signature block) is
    left to the caller.
    """
    while i < len(entries):
        line = entries[i]
        if _is_header_start(line.tokens):
            break
        if page.body and line.gap >= PAGE_GAP and _step_number(line.tokens) is None:
            break
        page.body.append(line)
        i += 1
    return i


def _title_index(pending: list[_Line]) -> int | None:
    """Index of the last SOP heading among the lines before a header, or None (a continued page)."""
    for index in range(len(pending) - 1, -1, -1):
        if textutil.is_title_line(pending[index].text):
            return index
    return None


# --------------------------------------------------------------------------- header


@dataclass
class _Column:
    """A role column being assembled from the header lines: its words and the line of the last."""

    words: list[str]
    line: int
    glue: list[bool] = field(default_factory=list)  # glue[k]: word k joins word k-1 without a space

    @property
    def label(self) -> str:
        out = self.words[0]
        for word, glued in zip(self.words[1:], self.glue[1:], strict=True):
            out += word if glued else " " + word
        return out

    def wants_more(self) -> bool:
        """The label so far is incomplete: an open head word, a trailing comma/slash, a fragment."""
        last = self.words[-1]
        if last[-1:] in ",/-&" or _bare(last) in _OPEN_HEADS or _bare(last) == "dan":
            return True
        return _is_fragment(last)


def _is_fragment(token: str) -> bool:
    """A piece of a split word: not a role word and too short or cut ("K", "Bupati/S")."""
    parts = [p for p in re.split(r"[/]", token) if p]
    return any(_bare(p) not in _ROLE_WORDS and len(_bare(p)) <= 2 for p in parts) or not parts


def _glues(left: str, right: str) -> bool:
    """``left`` + ``right`` without a space is a role word (or two joined by "/"): a split word."""
    joined = (left + right).lower()
    parts = [_bare(p) for p in joined.split("/")]
    return all(p in _ROLE_WORDS or _fuzzy_in(p, _ROLE_WORDS) for p in parts if p) and not right[:1].isupper()


def _header_roles_tokens(header: list[_Line]) -> list[list[str]]:
    """Per header line, the tokens left once column words, their split halves and debris are gone."""
    lines = [[t for t in line.tokens if t != "|"] for line in header]
    drop: set[tuple[int, int]] = set()
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if _is_header_word(token):
                drop.add((li, ti))
    _drop_split_header_words(lines, drop)
    out: list[list[str]] = []
    for li, tokens in enumerate(lines):
        kept = [t for ti, t in enumerate(tokens) if (li, ti) not in drop]
        out.append([t for t in kept if not (len(t) <= 2 and not t[:1].isupper()) and any(c.isalpha() for c in t)])
    return out


def _drop_split_header_words(lines: list[list[str]], drop: set[tuple[int, int]]) -> None:
    """Mark column words OCR split over two header lines ("Wak" / "tu") for dropping."""
    for li, tokens in enumerate(lines):
        for ti, head in enumerate(tokens):
            if (li, ti) in drop or _bare(head) in _ROLE_WORDS:
                continue
            for lj in range(li + 1, min(li + 3, len(lines))):
                for tj, tail in enumerate(lines[lj]):
                    if (lj, tj) not in drop and _bare(head + tail) in _HEADER_WORDS:
                        drop.update({(li, ti), (lj, tj)})


def _role_labels(header: list[_Line]) -> list[str]:
    """Role column labels, left to right, rebuilt from header lines that interleave the cells.

    Each header line lists, left to right, the words of the header cells on
    that line. A word either continues a column begun on an earlier line (a
    qualifier such as "Umum", the rest of a split word such as "ekda") or
    starts a new column; :func:`_place_line` picks the best left-to-right
    placement of a line's words against the columns found so far.
    """
    columns: list[_Column] = []
    for index, tokens in enumerate(_header_roles_tokens(header)):
        if tokens:
            columns = _place_line(columns, tokens, index)
    return [c.label for c in columns if any(len(_bare(w)) > 2 for w in c.words)]


def _join_score(column: _Column, token: str) -> float | None:
    """How well ``token`` continues ``column`` (begun on an earlier line); None when it cannot."""
    key = _bare(token)
    if _glues(column.words[-1], token):
        return 3.0
    if key in _OPEN_HEADS or (key in _CLOSED_HEADS and key not in _TAILS):
        return None
    affinity = 0.5 if key in _AFFINITY.get(_bare(column.words[0]), ()) else 0.0
    if column.wants_more():
        return (2.0 if key in _TAILS else 1.0) + affinity
    if key in _TAILS:
        return 0.5 + affinity
    return None


def _new_score(token: str) -> float:
    key = _bare(token)
    if key in _OPEN_HEADS or key in _CLOSED_HEADS:
        return 1.0
    if key in _TAILS:
        return -1.0
    return 0.0 if token[:1].isupper() else -2.0


def _place_line(columns: list[_Column], tokens: list[str], line: int) -> list[_Column]:
    """Columns after placing one header line's tokens, left to right, in the best-scoring way.

    Dynamic programming over *slots*: slot ``2j + 1`` is existing column
    ``j`` (the token joins it), slot ``2g`` the gap before column ``g`` (the
    token opens a new column there, or extends the one the previous token
    opened). Slots never move left. New columns lean to the rightmost gap and
    joins to the leftmost column, so reading order breaks ties.
    """
    start: _Slot = (0, "")
    best: dict[_Slot, tuple[float, list[_Slot]]] = {start: (0.0, [])}
    for at, token in enumerate(tokens):
        step: dict[_Slot, tuple[float, list[_Slot]]] = {}
        for (slot, mode), (score, path) in best.items():
            prev = tokens[at - 1] if at else ""
            for nxt, gain in _slot_moves(columns, token, prev, slot, mode, line):
                total = score + gain
                if nxt not in step or total > step[nxt][0] + 1e-9:
                    step[nxt] = (total, [*path, nxt])
        best = step or best
    _, path = max(best.values(), key=lambda item: item[0])
    return _apply_slots(columns, tokens, path, line)


_Slot = tuple[int, str]  # (slot, "join" | "open" | "extend" | "" at the start)


def _slot_moves(columns: list[_Column], token: str, prev: str, slot: int, mode: str,
                line: int) -> Iterable[tuple[_Slot, float]]:
    """Where ``token`` may go after a token placed at ``slot`` by ``mode``, with the score of each."""
    for j, column in enumerate(columns):
        target = 2 * j + 1
        if target < slot:
            continue
        again = target == slot and mode == "join"
        probe = _Column([column.words[0], prev], line - 1) if again else column
        score = _join_score(probe, token)
        if score is not None and (again or column.line < line):
            yield (target, "join"), score - 0.01 * j
    if mode in ("open", "extend"):
        score = _join_score(_Column([prev], line - 1), token)
        if score is not None:
            yield (slot, "extend"), score
    first_gap = slot if mode in ("open", "extend", "") else slot + 1
    for gap_slot in range(first_gap + first_gap % 2, 2 * len(columns) + 1, 2):
        yield (gap_slot, "open"), _new_score(token) + 0.01 * gap_slot


def _apply_slots(columns: list[_Column], tokens: list[str], path: list[_Slot], line: int) -> list[_Column]:
    """The column list after the placements ``path`` of one header line's tokens."""
    kept = [_Column(list(c.words), c.line, list(c.glue)) for c in columns]
    opened: dict[int, list[_Column]] = {}
    current: _Column | None = None
    for token, (slot, mode) in zip(tokens, path, strict=True):
        if mode == "open":
            current = _Column([token], line, [False])
            opened.setdefault(slot // 2, []).append(current)
            continue
        target = current if mode == "extend" else kept[slot // 2]
        assert target is not None
        target.glue.append(_glues(target.words[-1], token))
        target.words.append(token)
        target.line = line
        current = target
    out: list[_Column] = []
    for gap in range(len(kept) + 1):
        out.extend(opened.get(gap, []))
        if gap < len(kept):
            out.append(kept[gap])
    return out


def _segment(header: list[_Line]) -> RawSegment:
    text = " / ".join(line.text for line in header)
    unit = textutil.waktu_unit(" ".join(line.text for line in header))
    return RawSegment(role_labels=_role_labels(header), waktu_unit=unit, header_text=text,
                      prov=Provenance(line=header[0].number))


# --------------------------------------------------------------------------- rows


@dataclass
class _RowDraft:
    """The lines of one table row as found, before its cells are split."""

    no: str
    page: int
    lines: list[_Line]
    notes: list[RawNote] = field(default_factory=list)


def _accepted_numbers(values: list[int]) -> list[bool]:
    """Which step-number candidates really start a row, given that numbers run 1..N.

    The first candidate always does (its number may be misread); later ones
    when they are the next number, skip at most two (rows whose number was
    lost), or when the candidate after them is the number after the expected
    one (this one was misread).
    """
    accepted: list[bool] = []
    expected = 1
    for index, value in enumerate(values):
        upcoming = values[index + 1] if index + 1 < len(values) else None
        ok = (not any(accepted) or expected <= value <= expected + 2 or upcoming == expected + 1)
        accepted.append(ok)
        if ok:
            expected = value + 1 if expected <= value <= expected + 2 else expected + 1
    return accepted


def _split_rows(table: _Table) -> list[_RowDraft]:
    """The rows of a table across its pages; lines before a page's first row continue the last row."""
    starts = [(p, i, n) for p, page in enumerate(table.pages) for i, line in enumerate(page.body)
              if (n := _step_number(line.tokens)) is not None]
    accepted = {(p, i) for (p, i, _), ok in zip(starts, _accepted_numbers([n for *_, n in starts]), strict=True)
                if ok}
    rows: list[_RowDraft] = []
    for p, page in enumerate(table.pages):
        for i, line in enumerate(page.body):
            if (p, i) in accepted:
                rows.append(_RowDraft(no=line.tokens[0], page=p, lines=[line]))
            elif rows:
                rows[-1].lines.append(line)
            elif not all(map(_is_debris, line.tokens)):
                rows.append(_RowDraft(no="", page=p, lines=[line]))
    for position, row in enumerate(rows, start=1):
        printed = _STEP_NO.fullmatch(row.no)
        if printed and int(printed.group(1)) != position:
            row.notes.append(RawNote("step-number-misread",
                                     f"Step number printed '{row.no}' where the sequence has {position}."))
    return rows


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
    texts = [line for line in row.lines if not all(map(_is_debris, line.tokens))]
    words = [t for t in texts[-1].tokens if not _is_debris(t)] if texts else []
    return any(w.endswith("-") and len(w) > 2 for w in words[:3])


# --------------------------------------------------------------------------- durations


@dataclass
class _Waktu:
    """The duration phrase of a row: its text and where its tokens sit (row line, token)."""

    text: str
    spots: list[tuple[int, int]]


def _is_number(token: str, lookalike: bool = False) -> bool:
    return bool(_NUMBER.fullmatch(token) or (lookalike and _DIGIT_LOOKALIKE.fullmatch(token)))


def _is_unit(token: str) -> bool:
    return _bare(token) in _UNITS


def _find_waktu(lines: list[list[str]], bare_ok: bool) -> _Waktu | None:
    """The one duration of a row: "N unit" on a line, else "N" with its unit up to 3 lines below.

    ``bare_ok`` (the header names the unit, "Waktu (menit)") lets any lone
    number be the duration.
    """
    for li, tokens in enumerate(lines):
        for ti, (number, unit) in enumerate(pairwise(tokens)):
            if _is_number(number, lookalike=True) and _is_unit(unit):
                spots = [(li, ti), (li, ti + 1)]
                if ti + 2 < len(tokens) and _bare(tokens[ti + 2]) == "kerja":
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

#: Column order of the text cells on a line (Keterangan, when used, ends up in Output).
KEGIATAN, KELENGKAPAN, OUTPUT = 0, 1, 2
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
            elif _is_debris(token) or (token.isdigit() and len(token) == 1):
                seg.debris.add(at)
            else:
                seg.words.append(token)
        if seg.words:
            out.append(seg)
    return out, waktu.text if waktu else ""


_State = tuple[int, int]  # (a, b): words[:a] Kegiatan, words[a:b] Kelengkapan, words[b:] Output

# Costs, in characters of width: what one misplaced character weighs against one clue.
C_OVERFLOW = 1.0  # per character a piece is wider than its column
C_WRAP = 1.0  # per character of room left when the next line's first word would have fitted
WRAP_SLACK = 0.3  # characters of proportional-font tolerance before a wrap counts as missed
C_RESTART = 3.0  # a cell that was empty on the line above gets text (cells are top-aligned)
C_HYPHEN = 3.0  # a cell ending "ren-" whose next line has nothing to finish the word
C_SEPARATOR = 4.0  # a ruling "|" that is not on a cell boundary
C_DEBRIS = 1.0  # symbol debris not at the Kegiatan | Kelengkapan boundary
C_CAPITAL = 1.0  # on a row's first line, a capitalised word inside a cell instead of starting one
C_KEGIATAN_DONE = 1.0  # a line with text but none for Kegiatan: the narrow Kegiatan cell usually runs longest
C_RIGHTWARD = 0.05  # per word and column to the right: lines are filled greedily, so ties go left
C_PHRASE_SPLIT = 0.5  # a cut between two words the document uses together elsewhere
C_PHRASE_JOIN = 0.5  # (a bonus) a piece continues a phrase the document uses, from the line above
SPACE = 0.5


def _titlecase(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower()


class _Phrases:
    """The document's own words and word pairs, as a phrase model learned from its table lines.

    SOP tables repeat their phrases ("penyusunan RKT", "yg telah", "Dokumen
    Pengukuran Kinerja"): the output of one step is often the kelengkapan of
    the next. A cut between two words that form a known phrase is suspect, a
    piece that continues a known phrase from the line above is likely the same
    cell, and a word cut by a hyphen ("pengu-") is finished by the piece that
    makes a word the document uses ("kuran").
    """

    def __init__(self, lines: Iterable[list[str]]) -> None:
        self.counts: dict[tuple[str, str], int] = {}
        self.words: set[str] = set()
        for words in lines:
            self.words.update(_bare(w) for w in words)
            for left, right in pairwise(words):
                key = (_bare(left), _bare(right))
                self.counts[key] = self.counts.get(key, 0) + 1

    def seen(self, left: str, right: str) -> int:
        return self.counts.get((_bare(left), _bare(right)), 0)

    def completes(self, head: str, tail: str) -> bool:
        """``head`` ends in a hyphen and ``head`` + ``tail`` is a word of the document."""
        return head.endswith("-") and _bare(head[:-1] + tail) in self.words


class _LineStates:
    """Every way to split one line into three pieces, with width-free costs precomputed."""

    def __init__(self, seg: _SegLine, phrases: _Phrases) -> None:
        n = len(seg.words)
        self.states: list[_State] = [
            (a, b) for a in range(n + 1) for b in range(a, n + 1) if seg.waktu is None or b == seg.waktu
        ] or [(min(seg.waktu or 0, n), min(seg.waktu or 0, n))]
        self.seg = seg
        shape = (len(self.states), 3)
        self.width, self.first_width = np.zeros(shape), np.zeros(shape)
        self.empty, self.hyphen, self.glued = (np.zeros(shape, dtype=bool) for _ in range(3))
        self.first, self.last = np.full(shape, -1), np.full(shape, -1)  # word index at each piece end
        self.fixed = np.zeros(len(self.states))
        for s, state in enumerate(self.states):
            starts = (0, state[0], state[1])
            for c, piece in enumerate(self.pieces(state)):
                self.empty[s, c] = not piece
                if piece:
                    self.width[s, c] = _visual(" ".join(piece))
                    self.first_width[s, c] = _visual(piece[0])
                    self.hyphen[s, c] = piece[-1].endswith("-") and len(piece[-1]) > 2
                    self.glued[s, c] = piece[0] in _SUFFIX_FRAGMENTS
                    self.first[s, c], self.last[s, c] = starts[c], starts[c] + len(piece) - 1
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
        cost = sum(C_SEPARATOR for k in self.seg.seps if 0 < k < n and k not in cuts)
        cost += sum(C_DEBRIS for k in self.seg.debris if 0 < k < n and k != a)
        cost += sum(C_PHRASE_SPLIT for k in cuts if phrases.seen(words[k - 1], words[k]) >= 2
                    and not (self.seg.first and _titlecase(words[k])))
        if a == 0 and n:
            cost += C_KEGIATAN_DONE
        cost += C_RIGHTWARD * ((b - a) + 2 * (n - b))
        if self.seg.first:
            cost += sum(C_CAPITAL for k in range(1, n) if k not in cuts and _titlecase(words[k]))
        return cost

    def unary(self, widths: np.ndarray) -> np.ndarray:
        """Cost of each split at each of ``widths`` (shape K x 3): shape K x states."""
        over = np.clip(self.width[None, :, :] - widths[:, None, :], 0, None).sum(axis=2)
        return self.fixed[None, :] + C_OVERFLOW * over


class _LinePair:
    """Width-free parts of the cost of going from one line's split to the next line's."""

    def __init__(self, upper: _LineStates, lower: _LineStates, phrases: _Phrases) -> None:
        self.reach = upper.width[:, None, :] + SPACE + lower.first_width[None, :, :]
        self.wraps = (~upper.empty[:, None, :] & ~lower.empty[None, :, :]
                      & ~upper.hyphen[:, None, :] & ~lower.glued[None, :, :])
        restart = upper.empty[:, None, :] & ~lower.empty[None, :, :]
        broken = upper.hyphen[:, None, :] & lower.empty[None, :, :]
        self.fixed = (C_RESTART * restart + C_HYPHEN * broken).sum(axis=2)
        self.fixed -= C_PHRASE_JOIN * self._phrase_joins(upper, lower, phrases)

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
        """Transition costs at each of ``widths`` (K x 3): shape K x upper states x lower states."""
        room = np.clip(widths[:, None, None, :] - self.reach[None] - WRAP_SLACK, 0, None)
        return self.fixed[None] + C_WRAP * (room * self.wraps[None]).sum(axis=3)


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
        return score.min(axis=1)

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
        s = int(score.argmin())
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
WIDTH_GRID = np.arange(5.0, 46.0, 1.0)
WIDTH_STEPS = np.arange(-1.0, 1.01, 0.25)
#: Starting widths (Kegiatan, Kelengkapan, Output) for the fit; a typical A4 SOP table.
START_WIDTHS = (14.0, 18.0, 14.0)
#: Width triples evaluated at once (bounds memory: each needs states x states x 3 floats per line pair).
TRIAL_CHUNK = 256


def _fit_widths(rows: list[_RowModel]) -> np.ndarray:
    """Column widths that make the rows' text wrap most consistently.

    Too narrow a width makes pieces overflow; too wide a width makes lines
    that wrapped early look wrong; the best widths balance the two over all
    rows of a page. Kelengkapan and Output trade words at their shared
    boundary, so their widths are searched together on a grid (one at a time
    gets stuck); Kegiatan's alone; then all three are refined in small steps.
    """
    widths = np.array(START_WIDTHS)
    for _ in range(2):
        widths = _cheapest(rows, _vary(widths, [0], [WIDTH_GRID]))
        widths = _cheapest(rows, _vary(widths, [1, 2], [WIDTH_GRID, WIDTH_GRID]))
    for column in (0, 1, 2, 0, 1, 2):
        widths = _cheapest(rows, _vary(widths, [column], [widths[column] + WIDTH_STEPS]))
    return widths


def _vary(widths: np.ndarray, columns: list[int], values: list[np.ndarray]) -> np.ndarray:
    """Every width triple that changes ``columns`` to all combinations of ``values``."""
    grids = np.meshgrid(*values, indexing="ij")
    trials = np.repeat(widths[None, :], grids[0].size, axis=0)
    for column, grid in zip(columns, grids, strict=True):
        trials[:, column] = np.clip(grid.ravel(), WIDTH_GRID[0], None)
    return trials


def _cheapest(rows: list[_RowModel], trials: np.ndarray) -> np.ndarray:
    """The width triple among ``trials`` at which the rows cost least."""
    totals = np.concatenate([
        sum((row.costs(trials[i:i + TRIAL_CHUNK]) for row in rows), np.zeros(len(trials[i:i + TRIAL_CHUNK])))
        for i in range(0, len(trials), TRIAL_CHUNK)
    ])
    return trials[int(totals.argmin())]


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
            out = out + piece if _bare(first) == stem else out[:-1] + piece
        elif first in _SUFFIX_FRAGMENTS:
            out += piece
        else:
            out += " " + piece
    return _INNER_SUFFIX.sub(r"\1", out)


# --------------------------------------------------------------------------- assembly


def parse(lines: list[str]) -> list[RawSop]:
    """Every SOP in the lines of an OCR text dump, in order."""
    tables, _trailing = _find_tables(lines)
    phrases = _Phrases([t for t in line.tokens if t != "|" and not _is_debris(t)]
                       for table in tables for page in table.pages for line in page.body)
    return [_read_table(table, phrases) for table in tables]


def _read_table(table: _Table, phrases: _Phrases) -> RawSop:
    """One table's header segments and rows, cells split page by page."""
    segments = [_segment(page.header) for page in table.pages]
    drafts = _split_rows(table)
    _place_strays(table, drafts)
    sop = RawSop(title=table.title, segments=segments)
    for p in range(len(table.pages)):
        on_page = [d for d in drafts if d.page == p]
        bare_ok = segments[p].waktu_unit is not None
        prepared = [_seg_lines(d, bare_ok) for d in on_page]
        models = [_RowModel(segs, phrases) for segs, _ in prepared]
        widths = _fit_widths(models)
        for draft, model, (_, waktu) in zip(on_page, models, prepared, strict=True):
            kegiatan, kelengkapan, output = model.cells(widths)
            for note in draft.notes:
                sop.notes.append(RawNote(note.code, note.message, row=len(sop.rows)))
            sop.rows.append(RawRow(no=draft.no, kegiatan=kegiatan, kelengkapan=kelengkapan, waktu=waktu,
                                   output=output, segment=p, prov=Provenance(line=draft.lines[0].number)))
    return sop
