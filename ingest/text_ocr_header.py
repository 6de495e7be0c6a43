"""Role column labels rebuilt from the header lines of an OCR dump.

OCR prints a multi-line header cell by cell on each visual line, so "Kasubag
Perencanaan dan Keuangan" arrives as "Kasubag" on one line and "Perencanaan,"
"Keuangan" two lines below, between the words of the neighbouring cells. The
labels are reassembled by scoring, line by line, where each word goes (joins
an open label or starts a new one) with a small beam search; see
:func:`role_labels`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sopbaku.ingest import text_ocr_vocab as vocab


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
        if last[-1:] in ",/-&" or role_class(last) == "open" or vocab.bare(last) == "dan":
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
    return known and not right[:1].isupper()


def _header_roles_tokens(header: list[list[str]]) -> list[list[str]]:
    """Per header line, the tokens left once column words, their split halves and debris are gone."""
    lines = [[t for t in tokens if t != "|"] for tokens in header]
    drop: set[tuple[int, int]] = set()
    for li, tokens in enumerate(lines):
        for ti, token in enumerate(tokens):
            if vocab.is_header_word(token) or vocab.bare(token) in vocab.UNITS:  # "Waktu (menit)"
                drop.add((li, ti))
    _drop_split_header_words(lines, drop)
    # "Kelengkapan dan Peralatan": a "dan" between two column words belongs to the column title.
    drop.update((li, ti) for li, tokens in enumerate(lines) for ti in range(1, len(tokens) - 1)
                if vocab.bare(tokens[ti]) == "dan" and {(li, ti - 1), (li, ti + 1)} <= drop)
    out: list[list[str]] = []
    for li, tokens in enumerate(lines):
        kept = [t for ti, t in enumerate(tokens) if (li, ti) not in drop]
        out.append([t for t in kept if not (len(t) <= 2 and not t[:1].isupper()) and vocab.HEADER_TOKEN.fullmatch(t)])
    return out


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
    for index, tokens in enumerate(_header_roles_tokens(header)):
        if tokens:
            grown = [(score + gain, placed) for score, columns in beam
                     for gain, placed in _placements(columns, tokens, index)]
            beam = sorted(grown, key=lambda item: -item[0])[:HEADER_BEAM]
    return [c.label for c in beam[0][1] if any(map(_is_label_word, c.words))]


def _is_label_word(word: str) -> bool:
    """A word that can make a role label: a role word, an acronym ("PPK"), or a word longer than symbol scraps.

    OCR of flowchart symbols under the header gives short mixed-case scraps ("Te Nee Pu") that are no label.
    """
    key = vocab.bare(word)
    return bool(role_class(word)) or len(key) > 3 or (len(key) > 2 and word.isupper())


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
    kind = role_class(token)
    if kind in ("open", "closed"):
        return None
    fit = max(_affinity(vocab.bare(word), vocab.bare(token)) for word in column.words)
    if kind == "both":
        return 0.5 + fit if column.wants_more() else None
    if column.wants_more():
        return (2.0 if kind == "tail" else 1.0) + fit
    return 0.5 + fit if kind == "tail" else None


def _affinity(head: str, word: str) -> float:
    """+1 when ``word`` is a usual qualifier of ``head``, -0.5 when it usually qualifies another head."""
    if word in vocab.AFFINITY.get(head, ()):
        return 1.0
    return -0.5 if any(word in words for words in vocab.AFFINITY.values()) else 0.0


def _new_score(token: str) -> float:
    kind = role_class(token)
    if kind in ("open", "closed", "both"):
        return 1.0
    if kind == "tail":
        return -1.0
    return 0.0 if token[:1].isupper() else -2.0


def _placements(columns: list[_Column], tokens: list[str], line: int) -> list[tuple[float, list[_Column]]]:
    """The best-scoring ways to place one header line's tokens, left to right, with their scores.

    Dynamic programming over *slots*: slot ``2j + 1`` is existing column
    ``j`` (the token joins it), slot ``2g`` the gap before column ``g`` (the
    token opens a new column there, or extends the one the previous token
    opened). Slots never move left. New columns lean to the rightmost gap and
    joins to the leftmost column, so reading order breaks ties. Each state
    keeps its ``HEADER_BEAM`` best paths.
    """
    best: dict[_Slot, list[tuple[float, list[_Slot]]]] = {(0, ""): [(0.0, [])]}
    for at, token in enumerate(tokens):
        step: dict[_Slot, list[tuple[float, list[_Slot]]]] = {}
        prev = tokens[at - 1] if at else ""
        for (slot, mode), paths in best.items():
            for nxt, gain in _slot_moves(columns, token, prev, slot, mode, line):
                step.setdefault(nxt, []).extend((score + gain, [*path, nxt]) for score, path in paths)
        best = {state: sorted(paths, key=lambda item: -item[0])[:HEADER_BEAM] for state, paths in step.items()}
    ranked = sorted((item for paths in best.values() for item in paths), key=lambda item: -item[0])
    return [(score, _apply_slots(columns, tokens, path, line)) for score, path in ranked[:HEADER_BEAM]]


#: Header cells are narrow: an unknown word rarely continues, on the same line, the column just placed.
SAME_LINE_UNKNOWN = 0.5
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
            yield (target, "join"), score - 0.01 * j - (SAME_LINE_UNKNOWN if again and not role_class(token) else 0)
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
