"""The cells of one row of an OCR text dump: its lines split into Kegiatan, Kelengkapan and Output.

Each line of a row holds a piece of every cell (left to right) with no
delimiter. Each column keeps its width over a page and its text wraps at that
width, so the widths are fitted to the data (:func:`fit_widths`) and each
row's lines are split into cell pieces by a Viterbi search
(:class:`RowModel`) that prices overflow, missed wraps, cells restarting
after a gap, and the clues a line carries (rulings, debris, capitals, the
duration) with :class:`SplitCosts`. A phrase model learned from the document
itself (:class:`Phrases`) tells which pieces continue which. Keterangan is
read from what overflows Output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from sopbaku.ingest import text_ocr_vocab as vocab

_NARROW = frozenset("ijlrtfI.,;:!'|()[]/-‘’")
_WIDE = frozenset("mwMW")


def visual(text: str) -> float:
    """Printed width of ``text`` in average characters: a proportional font's i and m differ."""
    return sum(0.5 if ch == " " else 0.55 if ch in _NARROW else 1.5 if ch in _WIDE
               else 1.25 if ch.isupper() else 1.0 for ch in text)


@dataclass
class SegLine:
    """One row line ready for splitting: its words and the hints between them."""

    words: list[str]
    seps: set[int]  # a ruling "|" stood just before word k
    debris: set[int]  # symbol debris stood just before word k
    waktu: int | None  # the duration stood just before word k: Kelengkapan | Output boundary
    first: bool  # the row's first line: every cell starts here


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
    #: Output is followed by Keterangan ("SOP Pengiriman Surat"), which OCR prints on the same lines and
    #: this split leaves in Output: past this many characters an Output piece's overflow is likely
    #: Keterangan text, priced at ``keterangan`` per character so that it does not widen Output's column.
    output_reach: float = 4.0
    keterangan: float = 0.2
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


def titlecase(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower()


class Phrases:
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

    def __init__(self, seg: SegLine, phrases: Phrases) -> None:
        n = len(seg.words)
        widths = [visual(w) + SPACE for w in seg.words]
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
                    self.width[s, c] = visual(" ".join(piece))
                    self.first_width[s, c] = visual(piece[0])
                    self.hyphen[s, c] = piece[-1].endswith("-") and len(piece[-1]) > 2
                    self.glued[s, c] = piece[0] in vocab.SUFFIX_FRAGMENTS
                    self.first[s, c], self.last[s, c] = starts[c], starts[c] + len(piece) - 1
                    self.closing[s, c] = COSTS.open_end * phrases.never_ends(piece[-1])
            self.fixed[s] = self._clue_cost(state, phrases)

    def pieces(self, state: _State) -> tuple[list[str], list[str], list[str]]:
        a, b = state
        words = self.seg.words
        return words[:a], words[a:b], words[b:]

    def _clue_cost(self, state: _State, phrases: Phrases) -> float:
        """Costs that do not depend on column widths: separators, debris, capitals, phrases."""
        a, b = state
        words = self.seg.words
        n = len(words)
        cuts = {k for k in state if 0 < k < n}
        cost = sum(COSTS.separator for k in self.seg.seps if 0 < k < n and k not in cuts)
        cost += sum(COSTS.debris * (2 if a > k else 1) for k in self.seg.debris if k != a and (k < n or a > k))
        cost += sum(COSTS.phrase_split for k in cuts if phrases.seen(words[k - 1], words[k]) >= 2
                    and not (self.seg.first and titlecase(words[k])))
        cost += COSTS.repeat * sum(vocab.bare(left) == vocab.bare(right) and k not in cuts
                                   for k, (left, right) in enumerate(pairwise(words), start=1))
        if a == 0 and n:
            cost += COSTS.kegiatan_done
        cost += COSTS.rightward * ((b - a) + 2 * (n - b))
        if self.seg.first:
            cost += sum(COSTS.capital for k in range(1, n) if k not in cuts and titlecase(words[k]))
        return cost

    def unary(self, widths: np.ndarray) -> np.ndarray:
        """Cost of each split at each of ``widths`` (shape K x 3): shape K x states."""
        over = np.clip(self.width[None, :, :] - widths[:, None, :], 0, None)
        output = over[:, :, 2]
        over[:, :, 2] = (np.minimum(output, COSTS.output_reach)
                         + COSTS.keterangan * np.clip(output - COSTS.output_reach, 0, None))
        return self.fixed[None, :] + COSTS.overflow * over.sum(axis=2)


class _LinePair:
    """Width-free parts of the cost of going from one line's split to the next line's."""

    def __init__(self, upper: _LineStates, lower: _LineStates, phrases: Phrases) -> None:
        self.reach = upper.width[:, None, :] + SPACE + lower.first_width[None, :, :]
        self.wraps = (~upper.empty[:, None, :] & ~lower.empty[None, :, :]
                      & ~upper.hyphen[:, None, :] & ~lower.glued[None, :, :])
        restart = upper.empty[:, None, :] & ~lower.empty[None, :, :]
        broken = upper.hyphen[:, None, :] & lower.empty[None, :, :]
        ending = upper.closing[:, None, :] * lower.empty[None, :, :]
        self.fixed = (COSTS.restart * restart + COSTS.hyphen * broken + ending).sum(axis=2)
        self.fixed -= COSTS.phrase_join * self._phrase_joins(upper, lower, phrases)

    @staticmethod
    def _phrase_joins(upper: _LineStates, lower: _LineStates, phrases: Phrases) -> np.ndarray:
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


class RowModel:
    """One row's lines with their precomputed splits, ready for Viterbi at any column widths."""

    def __init__(self, segs: list[SegLine], phrases: Phrases) -> None:
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

    def path_costs(self, widths: np.ndarray, paths: list[list[_State]]) -> np.ndarray:
        """The cost of each of ``paths`` (a split of every line) at column ``widths``."""
        one = widths[None, :]
        unary = [line.unary(one)[0] for line in self.lines]
        pair = [p.cost(one)[0] for p in self.pairs]
        index = [{state: s for s, state in enumerate(line.states)} for line in self.lines]
        out = np.zeros(len(paths))
        for k, path in enumerate(paths):
            at = [ix[state] for ix, state in zip(index, path, strict=True)]
            out[k] = (sum(u[s] for u, s in zip(unary, at, strict=True))
                      + sum(c[s, t] for c, s, t in zip(pair, at, at[1:], strict=False))
                      + self.lines[-1].closing[at[-1]].sum())
        return out

    def cells(self, widths: np.ndarray, states: list[_State] | None = None) -> tuple[str, str, str, str]:
        """(kegiatan, kelengkapan, output, keterangan) at column ``widths`` (by the cheapest split or ``states``).

        Keterangan is not a column of the split: its text is what overflows
        Output (see :func:`_keterangan_at`), from the row's first line on.
        """
        states = self.best(widths) if states is None else states
        pieces: tuple[list[str], ...] = ([], [], [], [])
        reach = float(widths[2]) + COSTS.output_reach
        started = False
        for line, state in zip(self.lines, states, strict=True):
            kegiatan, kelengkapan, output = line.pieces(state)
            cut = _keterangan_at(output, reach, line.seg, state[1], started)
            started = started or (line.seg.first and cut < len(output))
            for column, piece in zip(pieces, (kegiatan, kelengkapan, output[:cut], output[cut:]), strict=True):
                if piece:
                    column.append(" ".join(piece))
        return tuple(join_lines(column) for column in pieces)  # type: ignore[return-value]


#: What one more pair of rows whose Output and next Kelengkapan agree word for word is worth, in the
#: split's own cost (characters of width): a few misfits, never a wholesale re-split.
AGREEMENT = 4.0


def agree_with_neighbours(rows: list[RowModel], widths: list[np.ndarray], states: list[list[_State]]) -> None:
    """Move words between cells on rows' continuation lines where that makes neighbouring rows agree.

    A flowchart's documents flow down the table: the Output of one step is
    very often, word for word, the Kelengkapan of the next. Below a row's
    first line no duration or capital marks where Kelengkapan ends, and the
    widths alone cannot tell whether "lengkap" under "Berkas permohonan" ends
    one cell or the other. So each row may re-split one continuation line
    (its words kept in order, the first line's split as found), and the
    splits of all rows are chosen together (a Viterbi search down the table)
    so that most Output/next-Kelengkapan pairs are exact copies, each worth
    :data:`AGREEMENT` against the split's own costs (a re-split that fits
    the widths much worse is not taken). ``states`` (the rows' splits, in
    table order) is updated in place.
    """
    if len(rows) < 2:
        return
    options = [_alternatives(row, found) for row, found in zip(rows, states, strict=True)]
    keys = [[_keys(row, w, option) for option in row_options]
            for row, w, row_options in zip(rows, widths, options, strict=True)]
    costs = [row.path_costs(w, row_options) for row, w, row_options in zip(rows, widths, options, strict=True)]
    score = -costs[0]
    back: list[np.ndarray] = []
    for upper, lower, lower_costs in zip(keys[:-1], keys[1:], costs[1:], strict=True):
        agree = np.array([[bool(out) and out == kel for _, kel in lower] for out, _ in upper], dtype=float)
        total = score[:, None] + AGREEMENT * agree
        back.append(total.argmax(axis=0))
        score = total.max(axis=0) - lower_costs
    choice = int(score.argmax())
    for k in range(len(rows) - 1, -1, -1):
        states[k] = options[k][choice]
        if k:
            choice = int(back[k - 1][choice])


def _alternatives(row: RowModel, found: list[_State]) -> list[list[_State]]:
    """The row's split as found and every one that re-splits one continuation line.

    A continuation line may give Kegiatan's words to the cells right of it but
    not take theirs: Kegiatan, the narrowest column, usually runs longest, so
    a line that ends it holds text of the other cells. A row of more than
    :data:`MAX_FIT_LINES` lines (text the parser could not divide) keeps its split.
    """
    out = [found]
    if len(found) > MAX_FIT_LINES:
        return out
    for at in range(1, len(found)):
        out.extend([*found[:at], state, *found[at + 1:]]
                   for state in row.lines[at].states if state != found[at] and state[0] <= found[at][0])
    return out


def _keys(row: RowModel, widths: np.ndarray, states: list[_State]) -> tuple[str, str]:
    """(Output, Kelengkapan) of the row at a split, as compared between rows."""
    _, kelengkapan, output, _ = row.cells(widths, states)
    return _cell_key(output), _cell_key(kelengkapan)


def _cell_key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _keterangan_at(output: list[str], reach: float, seg: SegLine, start: int, started: bool) -> int:
    """Where Keterangan starts in a line's Output piece (``len(output)`` when it does not).

    On a row's first line Keterangan starts at a ruling inside the piece, or
    at a capitalised word (cells start capitalised) that carries the piece
    past Output's width and reach; on the lines below, once it started, at
    the first word past that reach.
    """
    if not (seg.first or started):
        return len(output)
    if seg.first:
        ruled = [k - start for k in seg.seps if 0 < k - start < len(output)]
        if ruled:
            return min(ruled)
    for k in range(1, len(output)):
        if visual(" ".join(output[:k + 1])) > reach:
            return k if started or output[k][:1].isupper() else len(output)
    return len(output)


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


def fit_widths(rows: list[RowModel], prior: np.ndarray | None = None) -> np.ndarray:
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


def _descend(rows: list[RowModel], widths: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
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


def _cheapest(rows: list[RowModel], trials: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
    """The width triple among ``trials`` at which the rows cost least (plus the drift from ``prior``)."""
    totals = _total(rows, trials)
    if prior is not None:
        totals += COSTS.drift * np.abs(trials - prior[None, :]).sum(axis=1)
    return trials[int(totals.argmin())]


def _total(rows: list[RowModel], trials: np.ndarray) -> np.ndarray:
    """The rows' summed cost at each width triple, evaluated in chunks to bound memory."""
    return np.concatenate([
        sum((row.costs(trials[i:i + TRIAL_CHUNK]) for row in rows), np.zeros(len(trials[i:i + TRIAL_CHUNK])))
        for i in range(0, len(trials), TRIAL_CHUNK)
    ])


def join_lines(pieces: list[str]) -> str:
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

