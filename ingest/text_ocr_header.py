"""Role column labels rebuilt from the header lines of an OCR dump.

OCR prints a multi-line header cell by cell on each visual line, so "Kasubag
Perencanaan dan Keuangan" arrives as "Kasubag" on one line and "Perencanaan,"
"Keuangan" two lines below, between the words of the neighbouring cells. The
labels are reassembled by scoring, line by line, where each word goes (joins
an open label or starts a new one) with a small beam search; see
:func:`role_labels`.

Before that, what is no label word is set aside: column titles (also split
over lines, with their "dan"), units, 1-2 letter scraps, the lines of symbol
scraps OCR prints under the header (and all after them), and, in a header
printed in capitals, lower/mixed-case garble. Rulings ("|") are kept as cell
boundaries. What the tokens are is judged with one OCR error allowed
("PENGADNINISTRASI" is a head word that takes a qualifier).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sopbaku.ingest import text_ocr_vocab as vocab


@dataclass
class _Column:
    """A role column being assembled from the header lines: its words and the line of the last.

    The halves of a word OCR split over two lines ("K" / "ecamatan") are one word here.
    """

    words: list[str]
    line: int

    def wants_more(self) -> bool:
        """The label so far is incomplete: an open head word, a trailing comma/slash, a fragment."""
        last = self.words[-1]
        if last[-1:] in ",/-&" or _kind(last) == "open" or vocab.bare(last) in CONTINUED:
            return True
        return _is_fragment(last)


def _is_fragment(token: str) -> bool:
    """A piece of a split word: not a role word and too short or cut ("K", "Bupati/S")."""
    parts = [p for p in re.split(r"[/]", token) if p]
    return any(vocab.bare(p) not in vocab.ROLE_WORDS and len(vocab.bare(p)) <= 2 for p in parts) or not parts


def _glues(left: str, right: str) -> bool:
    """``left`` + ``right`` without a space is a role word (or two joined by "/"): a split word."""
    joined = (left + right).lower()
    parts = [vocab.bare(p) for p in joined.split("/")]
    known = all(p in vocab.ROLE_WORDS or vocab.fuzzy_in(p, vocab.ROLE_WORDS) for p in parts if p)
    return known and (not right[:1].isupper() or (right.isupper() and left.isupper()))


#: Column words that also qualify a role printed above them ("Staf" / "Pelaksana"): once a role head was read,
#: such a word on a later line may join it, but never opens a column of its own.
HEADER_QUALIFIERS = frozenset({"pelaksana"})
#: Words a label never ends on ("Umum dan" / "Kepegawaian", "Kepala Sub" / "Bagian Umum").
CONTINUED = frozenset({"dan", "sub"})
#: Quote marks OCR puts before a word from a ruling or a symbol edge ("'Kasub").
QUOTES = "'‘’\"“”"


@dataclass
class _HeaderLine:
    """One header line's candidate label words, and for each whether a ruling or a column word came before it."""

    tokens: list[str]
    barred: list[bool]


def _header_roles_tokens(header: list[list[str]]) -> list[_HeaderLine]:
    """Per header line, the tokens left once column words, their split halves, debris and scrap lines are gone."""
    lines, bars = _split_bars([_split_glued([t.lstrip(QUOTES) or t for t in tokens]) for tokens in header])
    heads = [li for li, tokens in enumerate(lines) if any(_kind(t) in HEADS for t in tokens)]
    first_role_line = heads[0] if heads else len(lines)
    drop: set[tuple[int, int]] = set()
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if vocab.bare(token) in HEADER_QUALIFIERS and li > first_role_line:
                continue
            if vocab.is_header_word(token) or vocab.bare(token) in vocab.UNITS:  # "Waktu (menit)"
                drop.add((li, ti))
    _drop_split_header_words(lines, drop)
    _drop_title_dan(lines, drop)
    out: list[_HeaderLine] = []
    for li, tokens in enumerate(lines):
        line = _HeaderLine([], [])
        barred = False
        for ti, token in enumerate(tokens):
            barred = barred or bars[li][ti] or (li, ti) in drop
            scrap = len(vocab.bare(token)) <= 2 and not _starts_split_word(token, lines[li + 1:li + 3])
            if (li, ti) in drop or scrap or not vocab.HEADER_TOKEN.fullmatch(token):
                continue
            line.tokens.append(token)
            line.barred.append(barred)
            barred = False
        candidates = [t for ti, t in enumerate(tokens) if (li, ti) not in drop]
        if li > first_role_line and _is_scrap_line(candidates):
            break  # symbols drawn under the header: OCR scraps, and nothing of the header after them
        out.append(line)
    return _drop_off_case_words(out)


def _drop_split_header_words(lines: list[list[str]], drop: set[tuple[int, int]]) -> None:
    """Mark column words OCR split over two header lines ("Wak" / "tu") for dropping."""
    for li, tokens in enumerate(lines):
        for ti, head in enumerate(tokens):
            if (li, ti) in drop or vocab.bare(head) in vocab.ROLE_WORDS:
                continue
            for lj in range(li + 1, min(li + 3, len(lines))):
                for tj, tail in enumerate(lines[lj]):
                    if (lj, tj) not in drop and vocab.bare(head + tail) in vocab.HEADER_WORDS:
                        drop.update({(li, ti), (lj, tj)})


#: Column titles of two words joined by "dan" ("Kelengkapan dan Peralatan"): first words, last words.
TITLE_FIRST = frozenset({"kelengkapan", "persyaratan"})
TITLE_LAST = frozenset({"peralatan", "perlengkapan"})


def _drop_title_dan(lines: list[list[str]], drop: set[tuple[int, int]]) -> None:
    """Mark the "dan" of "Kelengkapan dan Peralatan" for dropping, wherever OCR printed it.

    Beside a column word on its line it is the title's, unless its case differs from the word's (a label's
    lower-case "dan" before "PERALATAN"). When the title wrapped ("Kelengkapan" / "dan" / "Peralatan") and no
    "dan" stands beside either word, the title's is the last word of a line in between: the title column is
    right of the role columns, so its words come last on their lines.
    """
    beside = False
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if vocab.bare(token) != "dan":
                continue
            before, after = ti > 0 and (li, ti - 1) in drop, (li, ti + 1) in drop
            same_case = token.isupper() == (tokens[ti + 1].isupper() if after else tokens[ti - 1].isupper())
            if (before and after) or (same_case and (after or (before and ti == len(tokens) - 1))):
                drop.add((li, ti))
                beside = True
    first = [li for li, tokens in enumerate(lines) for t in tokens if vocab.bare(t) in TITLE_FIRST]
    last = [li for li, tokens in enumerate(lines) for t in tokens if vocab.bare(t) in TITLE_LAST]
    if beside or not first or not last or last[-1] <= first[0]:
        return
    ends = [(li, len(lines[li]) - 1) for li in range(first[0], last[-1])
            if lines[li] and vocab.bare(lines[li][-1]) == "dan" and (li, len(lines[li]) - 1) not in drop]
    if ends:
        drop.add(ends[-1])


def _starts_split_word(token: str, below: list[list[str]]) -> bool:
    """A short token that is the start of a role word whose rest OCR printed below it ("K" / "ecamatan").

    Any other 1-2 letter token in a header is a scrap of a symbol or a garbled word ("IM DAN M").
    """
    return any(vocab.bare(token + rest) in vocab.ROLE_WORDS for line in below for rest in line)


def _split_bars(header: list[list[str]]) -> tuple[list[list[str]], list[list[bool]]]:
    """Header lines without the "|" tokens, and per token whether a "|" (a column ruling) came right before it."""
    lines: list[list[str]] = []
    bars: list[list[bool]] = []
    for tokens in header:
        words: list[str] = []
        flags: list[bool] = []
        ruled = False
        for token in tokens:
            if token == "|":
                ruled = True
                continue
            words.append(token)
            flags.append(ruled)
            ruled = False
        lines.append(words)
        bars.append(flags)
    return lines, bars


def _split_glued(tokens: list[str]) -> list[str]:
    """Two role words OCR printed without the space between them ("TIMMONITORING") as two tokens."""
    out: list[str] = []
    for token in tokens:
        key = vocab.bare(token)
        cut = next((i for i in range(3, len(key) - 2)
                    if key not in vocab.ROLE_WORDS and key[:i] in vocab.ROLE_WORDS and key[i:] in vocab.ROLE_WORDS
                    and key[:i] != "dan" and key[i:] != "dan"), None)
        if cut is None or not token.isalpha():
            out.append(token)
        else:
            out.extend([token[:cut], token[cut:]])
    return out


def _is_scrap_line(tokens: list[str]) -> bool:
    """A line under the header with no role word and mostly OCR scraps ("ea KS SA ne", "Te Nee Pu")."""
    if len(tokens) < 2:
        return False  # a lone short token may be the end of a word split over lines ("an")
    if any(vocab.bare(t) in vocab.ROLE_WORDS or vocab.fuzzy_in(vocab.bare(t), vocab.ROLE_WORDS) for t in tokens):
        return False
    short = sum(len(vocab.bare(t)) <= 3 and not (len(t) == 3 and t.isupper()) for t in tokens)
    return 2 * short >= len(tokens)


#: Share of role words in capitals from which a header counts as printed in capitals.
CAPS_HEADER_SHARE = 0.75


def _drop_off_case_words(lines: list[_HeaderLine]) -> list[_HeaderLine]:
    """In a header printed in capitals, a word in lower or mixed case that is no role word is OCR garble.

    ("SEKRETARIS Regae TIM", "KASUB ranum laa STAF"): kept, it would join the label beside it.
    """
    known = [t for line in lines for t in line.tokens if vocab.bare(t) in vocab.ROLE_WORDS and len(vocab.bare(t)) > 2]
    if len(known) < 2 or sum(t.isupper() for t in known) < CAPS_HEADER_SHARE * len(known):
        return lines
    out: list[_HeaderLine] = []
    for line in lines:
        kept = _HeaderLine([], [])
        barred = False
        for token, bar in zip(line.tokens, line.barred, strict=True):
            barred = barred or bar
            key = vocab.bare(token)
            if not token.isupper() and key not in vocab.ROLE_WORDS and not vocab.fuzzy_in(key, vocab.ROLE_WORDS):
                continue
            kept.tokens.append(token)
            kept.barred.append(barred)
            barred = False
        out.append(kept)
    return out


#: Header placements kept per line (a beam): a word's role is sometimes clear only lines later.
HEADER_BEAM = 8


def role_labels(header: list[list[str]]) -> list[str]:
    """Role column labels, left to right, rebuilt from header lines that interleave the cells.

    Each header line lists, left to right, the words of the header cells on
    that line. A word either continues a column begun on an earlier line (a
    qualifier such as "Umum", the rest of a split word such as "ekda") or
    starts a new column; :func:`_placements` scores the left-to-right
    placements of a line's words against the columns found so far, and a
    beam keeps the best few, since "Sekretaris" / "Camat" is one label unless
    a "Kecamatan" follows on the next line.
    """
    beam: list[tuple[float, list[_Column]]] = [(0.0, [])]
    lines = _header_roles_tokens(header)
    for index, line in enumerate(lines):
        if line.tokens:
            grown = [(score + gain, placed) for score, columns in beam
                     for gain, placed in _placements(columns, line, index)]
            beam = sorted(grown, key=lambda item: -item[0])[:HEADER_BEAM]
    return [_trimmed(c.words) for c in beam[0][1] if any(map(_names_a_role, c.words))]


def _trimmed(words: list[str]) -> str:
    """The label without a dangling "dan" or comma whose continuation OCR lost."""
    while len(words) > 1 and vocab.bare(words[-1]) == "dan":
        words = words[:-1]
    return " ".join(words).rstrip(",/&-")


def _names_a_role(word: str) -> bool:
    """A word that can make a role label: a head word, an acronym ("PPK"), or an unknown word longer than scraps.

    OCR of flowchart symbols under the header gives short mixed-case scraps ("Te Nee Pu") that are no label,
    and qualifiers alone ("Umum", "Kecamatan") are what is left of a column whose head OCR lost.
    """
    kind = _kind(word)
    if kind:
        return kind != "tail"
    key = vocab.bare(word)
    return len(key) > 3 or (len(key) > 2 and word.isupper())


HEADS = ("open", "closed", "both")


def _kind(token: str) -> str:
    """:func:`role_class`, tolerant of one OCR error ("PENGADNINISTRASI", "Keperawatan" for "KEPEGAWAIAN"),
    with the column words that qualify a role ("Pelaksana") as qualifiers."""
    kind = role_class(token)
    key = vocab.bare(token)
    if kind or len(key) < 5:
        return kind
    if vocab.fuzzy_in(key, vocab.OPEN_HEADS):
        return "open"
    if vocab.fuzzy_in(key, vocab.CLOSED_HEADS):
        return "closed"
    return "tail" if key in HEADER_QUALIFIERS or vocab.fuzzy_in(key, vocab.TAILS) else ""


def role_class(token: str) -> str:
    """"open" / "closed" head word, "both" (head or qualifier), "tail", or "" (unknown, garbled)."""
    parts = [vocab.bare(p) for p in re.split(r"[/.]", token) if vocab.bare(p)]
    if any(p in vocab.OPEN_HEADS for p in parts):
        return "open"
    if any(p in vocab.CLOSED_HEADS for p in parts):
        return "both" if len(parts) == 1 and parts[0] in vocab.TAILS else "closed"
    return "tail" if parts and all(p in vocab.TAILS for p in parts) else ""


def _join_score(column: _Column, token: str) -> float | None:
    """How well ``token`` continues ``column`` (begun on an earlier line); None when it cannot."""
    if _glues(column.words[-1], token):
        return 3.0
    kind = _kind(token)
    if kind in ("open", "closed"):
        return None
    fit = max(_affinity(vocab.bare(word), vocab.bare(token)) for word in column.words)
    if vocab.bare(token) in HEADER_QUALIFIERS and fit <= 0:
        return None  # "Pelaksana" qualifies only the heads it goes with ("Staf"); elsewhere it is the column title
    if kind == "both":
        return 0.5 + fit if column.wants_more() else None
    if column.wants_more():
        return (2.0 if kind == "tail" else 1.0) + fit
    heads = [_kind(w) for w in column.words if _kind(w) != "tail"]
    if kind != "tail" or (fit <= 0 and heads and all(h in ("closed", "both") for h in heads)):
        return None  # a complete label takes only its usual qualifiers ("Staf" "Umum", never "Camat" "Umum")
    return 0.5 + fit


def _affinity(head: str, word: str) -> float:
    """+1 when ``word`` is a usual qualifier of ``head`` (read with one OCR error), -0.5 when it usually
    qualifies another head."""
    if head not in vocab.AFFINITY and len(head) >= 5:
        head = next((key for key in vocab.AFFINITY if vocab.fuzzy_in(head, [key])), head)
    if word in vocab.AFFINITY.get(head, ()):
        return 1.0
    return -0.5 if any(word in words for words in vocab.AFFINITY.values()) else 0.0


def _new_score(token: str) -> float:
    kind = _kind(token)
    if kind in ("open", "closed", "both"):
        return 1.0
    if kind == "tail":
        return -1.0
    return 0.0 if token[:1].isupper() else -2.0


def _placements(columns: list[_Column], header_line: _HeaderLine, line: int) -> list[tuple[float, list[_Column]]]:
    """The best-scoring ways to place one header line's tokens, left to right, with their scores.

    Dynamic programming over *slots*: slot ``2j + 1`` is existing column
    ``j`` (the token joins it), slot ``2g`` the gap before column ``g`` (the
    token opens a new column there, or extends the one the previous token
    opened). Slots never move left. New columns lean to the rightmost gap and
    joins to the leftmost column, so reading order breaks ties. Each state
    keeps its ``HEADER_BEAM`` best paths.
    """
    tokens = header_line.tokens
    best: dict[_Slot, list[tuple[float, list[_Slot]]]] = {(0, ""): [(0.0, [])]}
    for at, token in enumerate(tokens):
        step: dict[_Slot, list[tuple[float, list[_Slot]]]] = {}
        prev = tokens[at - 1] if at else ""
        for (slot, mode), paths in best.items():
            for nxt, gain in _slot_moves(columns, _Move(token, prev, header_line.barred[at], line), slot, mode):
                step.setdefault(nxt, []).extend((score + gain, [*path, nxt]) for score, path in paths)
        best = {state: sorted(paths, key=lambda item: -item[0])[:HEADER_BEAM] for state, paths in step.items()}
    ranked = sorted((item for paths in best.values() for item in paths), key=lambda item: -item[0])
    return [(score, _apply_slots(columns, tokens, path, line)) for score, path in ranked[:HEADER_BEAM]]


#: Header cells are narrow: an unknown word rarely continues, on the same line, the column just placed.
SAME_LINE_UNKNOWN = 0.5
#: Nor does a second qualifier, unless the label asks for more ("Umum dan", "Perencanaan,"): one line of a
#: header cell holds a word or two.
SAME_LINE_QUALIFIER = 1.0
#: A cell line ending in "dan" usually goes on below it; a qualifier after it on the same line more often
#: belongs to the next column's head ("Umum dan | Perencanaan" under "Kasubag" "Kasubag").
AFTER_DAN = 0.3
#: Cost of leaving out a column word that could not qualify a role ("Pelaksana" under no "Staf").
SKIP_QUALIFIER = 0.5
_Slot = tuple[int, str]  # (slot, "join" | "open" | "extend" | "skip" | "" at the start)


@dataclass(frozen=True)
class _Move:
    """The token being placed, the token before it on its line, whether a ruling parts them, and the line."""

    token: str
    prev: str
    barred: bool
    line: int


def _slot_moves(columns: list[_Column], move: _Move, slot: int, mode: str) -> Iterable[tuple[_Slot, float]]:
    """Where ``move.token`` may go after a token placed at ``slot`` by ``mode``, with the score of each.

    A ruling ("|") or a column word printed between two words parts their cells: the second neither
    continues the cell of the first on that line nor extends the column the first opened.
    """
    token, prev, line = move.token, move.prev, move.line
    key = vocab.bare(token)
    for j, column in enumerate(columns):
        target = 2 * j + 1
        if target < slot or (key != "dan" and key in {vocab.bare(w) for w in column.words}):
            continue  # a label never repeats a word ("Umum dan Umum")
        again = target == slot and mode == "join"
        if again and move.barred:
            continue
        probe = _Column([column.words[0], prev], line - 1) if again else column
        score = _join_score(probe, token)
        if score is not None and (again or column.line < line):
            yield (target, "join"), score - 0.01 * j - (_same_line_cost(probe, token) if again else 0)
    if mode in ("open", "extend") and not move.barred:
        probe = _Column([prev], line - 1)
        score = _join_score(probe, token)
        if score is not None:
            yield (slot, "extend"), score - _same_line_cost(probe, token)
    if key in HEADER_QUALIFIERS:
        yield (slot, "skip"), -SKIP_QUALIFIER
        return
    first_gap = slot if mode in ("open", "extend", "") or (mode == "skip" and slot % 2 == 0) else slot + 1
    for gap_slot in range(first_gap + first_gap % 2, 2 * len(columns) + 1, 2):
        yield (gap_slot, "open"), _new_score(token) + 0.01 * gap_slot


def _same_line_cost(column: _Column, token: str) -> float:
    """What continuing ``column`` with ``token`` on the line its last word is on costs."""
    if not _kind(token):
        return SAME_LINE_UNKNOWN
    last = column.words[-1]
    if vocab.bare(last) == "dan":
        return AFTER_DAN
    if (_kind(token) == "tail" and vocab.bare(token) != "dan" and _kind(last) == "tail"
            and not column.wants_more() and not _glues(last, token)):
        return SAME_LINE_QUALIFIER
    return 0.0


def _apply_slots(columns: list[_Column], tokens: list[str], path: list[_Slot], line: int) -> list[_Column]:
    """The column list after the placements ``path`` of one header line's tokens."""
    kept = [_Column(list(c.words), c.line) for c in columns]
    opened: dict[int, list[_Column]] = {}
    current: _Column | None = None
    for token, (slot, mode) in zip(tokens, path, strict=True):
        if mode == "skip":
            continue
        if mode == "open":
            current = _Column([token], line)
            opened.setdefault(slot // 2, []).append(current)
            continue
        target = current if mode == "extend" else kept[slot // 2]
        assert target is not None
        if _glues(target.words[-1], token):
            target.words[-1] += token
        else:
            target.words.append(token)
        target.line = line
        current = target
    out: list[_Column] = []
    for gap in range(len(kept) + 1):
        out.extend(opened.get(gap, []))
        if gap < len(kept):
            out.append(kept[gap])
    return out
