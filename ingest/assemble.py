"""Layout pages -> ``RawSop`` objects, once for every medium (digital PDF, DOCX, scans).

The readers of ruled media find text lines, tables with cells, symbols and
arrows (:mod:`sopbaku.ingest.layout`); what they mean is decided here:

* a table whose cells carry identity labels ("Nomor SOP", "Dasar Hukum") is an
  identity page, read by :func:`~sopbaku.ingest.text_identity.read_identity`
  from its cells fed as lines; a table with the flowchart header vocabulary
  (:data:`~sopbaku.ingest.textutil.HEADER_WORDS`) is a flowchart table;
* the header's merged cells give the columns: the cells under "Pelaksana" are
  role columns, those under "Mutu Baku" Kelengkapan, Waktu and Output;
* each cell of the Kegiatan column anchors one step row; the other cells of
  the row are read as printed, the line breaks of a cell kept;
* a flowchart table continued on the next page (repeated header, or the same
  columns without one) joins the SOP; an identity table, a new title or the
  numbering restarting at 1 opens a new SOP;
* every drawn symbol marks the role column under its centre in its row, and
  every arrow links the rows of the symbols nearest its tail and its head;
  off-page connectors are followed across the page break by their letter.

All distances are relative to the sizes of the cells and symbols found, so
the same code serves pages in points and scans in pixels.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from sopbaku.ingest import textutil as tu
from sopbaku.ingest.layout import Arrow, BBox, Cell, Page, Symbol, Table, TextLine
from sopbaku.ingest.text_identity import Label, match_label, parse_signature, read_identity, signature_span
from sopbaku.raw import Provenance, RawArrow, RawMark, RawNote, RawRow, RawSegment, RawSop

#: Fewest cells of the "1 2 3 ... 10" column-number row some tables print under the header.
MIN_INDEX_CELLS = 4
#: Share of the filled cells of an index row that must read as numbers, and the longest cell it may have.
INDEX_SHARE = 0.6
MAX_INDEX_CHARS = 3
#: Distinct identity labels that make a table an identity page.
MIN_IDENTITY_LABELS = 2
#: A point this far from a symbol, relative to the symbol's short side, still belongs to it.
SYMBOL_REACH = 0.75
#: Header words naming a column of their own (the others name groups: Pelaksana, Mutu Baku).
FIELD_WORDS = frozenset({"no", "kegiatan", "kelengkapan", "waktu", "output", "keterangan"})
#: The columns right of the role columns.
MUTU_FIELDS = ("kelengkapan", "waktu", "output", "keterangan")
#: Header words only a flowchart table has (besides No and Kegiatan, which budgets and lists have too).
SOP_COLUMN_WORDS = frozenset({"pelaksana", "mutu", "kelengkapan", "waktu", "output"})
#: The first column a role label can be in (after No and Kegiatan).
MIN_ROLE_COLUMN = 2
#: Header spellings a misread cell is compared with, and what they mean.
HEADER_SPELLINGS = {
    "uraian kegiatan": "kegiatan", "kegiatan": "kegiatan", "uraian prosedur": "kegiatan", "aktivitas": "kegiatan",
    "pelaksana": "pelaksana", "mutu baku": "mutu", "waktu": "waktu", "kelengkapan": "kelengkapan",
    "persyaratan kelengkapan": "kelengkapan", "output": "output", "keluaran": "output", "keterangan": "keterangan",
}
#: Similarity (0-100) from which a misread cell counts as a header word, and the fewest letters it needs.
FUZZY_HEADER_SCORE = 85
MIN_FUZZY_LETTERS = 4
#: Similarity (0-100) from which two OCR readings of one role column's label are one label misread, and how
#: much surer (OCR confidence, 0-100) a reading must be to replace the other: "Star" 78 against "Staf" 75 is a
#: coin toss, "Sekretarls" 41 against "Sekretaris" 90 is not.
ALIKE_LABEL_SCORE = 70
SURER_LABEL = 20.0
#: Fields of a step row other than its number, in ``RawRow`` attribute names.
TEXT_FIELDS = ("kegiatan", "kelengkapan", "waktu", "output", "keterangan")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")


# --------------------------------------------------------------------------- small text helpers
def join_lines(text: str, sep: str = "\n") -> str:
    """A cell's printed lines, a word hyphenated over a line break joined back ("menanda-" + "tangani").

    The hyphen is kept where the next line repeats the root before it
    ("masing-" + "masing", "surat-" + "menyurat"): that is a reduplicated
    word broken at its own hyphen, not a syllable break.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out: list[str] = []
    for line in lines:
        m = _HYPHEN_END.search(out[-1]) if out else None
        if m and line[:1].islower():
            root = m[1].casefold()[-4:]
            out[-1] = out[-1] + line if root in line.split()[0].casefold() else out[-1][:-1] + line
        else:
            out.append(line)
    return sep.join(out)


def _flat(text: str) -> str:
    """One-line form of a cell (labels, header words)."""
    return " ".join(join_lines(text, " ").split())


def _fold(text: str | None) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", (text or "").casefold()))


def _centre(box: BBox) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _distance(point: tuple[float, float], box: BBox) -> float:
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return math.hypot(dx, dy)


# --------------------------------------------------------------------------- table views
@dataclass
class _TableView:
    """A table with its cells reachable by the slot they cover."""

    table: Table
    slots: dict[tuple[int, int], Cell]

    @classmethod
    def of(cls, table: Table) -> _TableView:
        slots: dict[tuple[int, int], Cell] = {}
        for cell in table.cells:
            for r in range(cell.row, cell.row + max(1, cell.row_span)):
                for c in range(cell.col, cell.col + max(1, cell.col_span)):
                    slots.setdefault((r, c), cell)
        return cls(table, slots)

    def at(self, r: int, c: int) -> Cell | None:
        return self.slots.get((r, c))

    def starting_in(self, r: int) -> list[Cell]:
        """The cells whose top-left slot is in row ``r``, left to right."""
        return sorted((c for c in self.table.cells if c.row == r), key=lambda c: c.col)

    def row_texts(self, r: int) -> list[str]:
        """The distinct cells covering row ``r``, flattened, left to right."""
        seen: list[Cell] = []
        for c in range(self.table.n_cols):
            cell = self.at(r, c)
            if cell is not None and all(cell is not s for s in seen):
                seen.append(cell)
        return [_flat(cell.text) for cell in seen]


def _is_header_row(texts: list[str]) -> bool:
    """Two header words or more, one of them an anchor (Kegiatan, Pelaksana, Mutu Baku, Waktu); no step number."""
    words = {header_word(t) for t in texts if t} - {None}
    return len(words) >= 2 and bool(words & tu.HEADER_ANCHORS) and not (texts and tu.is_step_number(texts[0]))


def _is_index_row(texts: list[str]) -> bool:
    """The "1 2 3 ... n" row numbering the columns under some headers.

    Numbers in most cells and nothing longer than a number anywhere, so that
    OCR misreading some of them ('"1', "no") does not make it a step row.
    """
    filled = [t for t in texts if t]
    numbers = sum(t.isdigit() for t in filled)
    return (numbers >= MIN_INDEX_CELLS and numbers >= INDEX_SHARE * len(filled)
            and all(len(t) <= MAX_INDEX_CHARS for t in filled))


def _identity_keys(view: _TableView, rows: range) -> set[str]:
    keys = set()
    for cell in view.table.cells:
        if cell.row in rows and cell.text.strip():
            label = _label_of(cell)
            if label:
                keys.add(label.key)
    return keys


# --------------------------------------------------------------------------- flowchart header
@dataclass
class _Layout:
    """Where a flowchart header puts things: grid columns by field, role columns left to right."""

    fields: dict[str, int]  # field name ("no", "kegiatan", ...) -> grid column
    roles: list[int]  # grid columns of the role columns
    role_labels: list[str]
    waktu_unit: str | None
    first_data_row: int
    header_text: str
    header_bbox: BBox
    n_cols: int
    col_edges: list[float] = field(default_factory=list)  # x of the table's column lines
    notes: list[tuple[str, str]] = field(default_factory=list)
    label_confidence: list[float | None] = field(default_factory=list)  # OCR confidence of each role label

    def field_of(self, col: int) -> str | None:
        return next((name for name, c in self.fields.items() if c == col), None)


def find_header(view: _TableView) -> int | None:
    """The top row of the first flowchart header in the table, or None.

    The header is known by its vocabulary; its top is the first row of the
    cells reaching down into that row, so that a group row whose words were
    misread ("Pelaksana" lost by OCR) still belongs to it.
    """
    for found in (r for r in range(view.table.n_rows) if _is_header_row(view.row_texts(r))):
        top = min((cell.row for c in range(view.table.n_cols) if (cell := view.at(found, c)) is not None),
                  default=found)
        if _names_sop_columns(view, top):
            return top
    return None


def _names_sop_columns(view: _TableView, top: int) -> bool:
    """Whether the header starting at ``top`` names a Pelaksana or Mutu Baku column, as every SOP table does.

    "No | Uraian Kegiatan | Volume | Harga Satuan" heads a budget, not a flowchart.
    """
    if not view.starting_in(top):
        return False
    rows = range(top, _header_bottom(view, top))
    words = {header_word(text) for r in rows for text in view.row_texts(r) if text}
    return bool(words & SOP_COLUMN_WORDS)


def read_layout(view: _TableView, top: int) -> _Layout:
    """Columns of a flowchart table from its header rows (starting at row ``top``).

    A column is the field its lowest header cell names (No, Kegiatan,
    Kelengkapan, Waktu, Output, Keterangan). Role columns are those under a
    "Pelaksana" cell, and those between Kegiatan and the first Mutu Baku
    column whose label is no header word. A Kegiatan heading that cannot be
    read is taken to be the column after No, as the SOP AP format prints it.
    """
    bottom = _header_bottom(view, top)
    n_cols = view.table.n_cols
    columns = [_column_cells(view, top, bottom, c) for c in range(n_cols)]
    words = [[header_word(_flat(cell.text)) for cell in cells] for cells in columns]
    fields: dict[str, int] = {}
    for c, (cells, ws) in enumerate(zip(columns, words, strict=True)):
        if cells and ws[-1] in FIELD_WORDS and cells[-1].col == c:
            fields.setdefault(ws[-1], c)
    notes: list[tuple[str, str]] = []
    if "kegiatan" not in fields:
        guess = next((c for c in range(fields.get("no", -1) + 1, n_cols) if c not in fields.values()), None)
        if guess is not None:
            fields["kegiatan"] = guess
            notes.append(("header-misread", f"No Kegiatan heading could be read; column {guess + 1} is taken "
                                            "for it."))
    mutu = min((fields[f] for f in MUTU_FIELDS if f in fields), default=n_cols)
    roles = [c for c in range(n_cols) if c not in fields.values() and "mutu" not in words[c] and (
        "pelaksana" in words[c] or (columns[c] and fields.get("kegiatan", n_cols) < c < mutu))]
    labels = ["" if words[c][-1] == "pelaksana" else _flat(columns[c][-1].text) for c in roles]
    label_confidence = [None if words[c][-1] == "pelaksana" else columns[c][-1].confidence for c in roles]
    if not roles:
        notes.append(("header-no-roles", "The flowchart header names no Pelaksana columns."))
    unit = tu.waktu_unit(_flat(columns[fields["waktu"]][-1].text)) if "waktu" in fields else None
    first = bottom + (1 if bottom < view.table.n_rows and _is_index_row(view.row_texts(bottom)) else 0)
    header_cells = [cell for cell in view.table.cells if top <= cell.row < bottom]
    box = (min(c.bbox[0] for c in header_cells), min(c.bbox[1] for c in header_cells),
           max(c.bbox[2] for c in header_cells), max(c.bbox[3] for c in header_cells))
    text = "\n".join(" | ".join(t for t in view.row_texts(r) if t) for r in range(top, bottom))
    return _Layout(fields, roles, labels, unit, first, text, box, n_cols, _col_edges(view.table), notes,
                   label_confidence)


def header_word(text: str) -> str | None:
    """The header meaning of a cell (:func:`textutil.header_word`), or of a close misspelling ("Pelaksna")."""
    exact = tu.header_word(text)
    if exact is not None:
        return exact
    folded = " ".join(re.findall(r"[a-z]+", text.casefold()))
    if len(folded.replace(" ", "")) < MIN_FUZZY_LETTERS:
        return None
    best = process.extractOne(folded, list(HEADER_SPELLINGS), scorer=fuzz.ratio, score_cutoff=FUZZY_HEADER_SCORE)
    return HEADER_SPELLINGS[best[0]] if best else None


def _header_bottom(view: _TableView, top: int) -> int:
    """The row after the header: the tallest merged header cell, or further rows holding only labels."""
    bottom = top + max(cell.row_span for cell in view.starting_in(top))
    while bottom < view.table.n_rows and _continues_header(view, bottom):
        bottom += 1
    return bottom


def _continues_header(view: _TableView, r: int) -> bool:
    """A header row under the first one: labels only, the No and Kegiatan columns left empty."""
    texts = view.row_texts(r)
    if _is_index_row(texts) or not any(texts):
        return False
    if _is_header_row(texts):
        return True
    filled = [cell for cell in view.starting_in(r) if cell.text.strip()]
    return (bool(filled) and filled[0].col >= MIN_ROLE_COLUMN
            and not any(tu.is_duration(t) or tu.is_step_number(t) for t in texts))


def _column_cells(view: _TableView, top: int, bottom: int, c: int) -> list[Cell]:
    out: list[Cell] = []
    for r in range(top, bottom):
        cell = view.at(r, c)
        if cell is not None and cell.text.strip() and all(cell is not o for o in out):
            out.append(cell)
    return out


# --------------------------------------------------------------------------- step rows
@dataclass
class _StepRow:
    """One step row of a table: its grid rows, box and cell texts by field."""

    rows: range
    bbox: BBox
    texts: dict[str, str]
    role_texts: dict[int, str]  # role index -> text printed in that role column
    confidence: float | None


def step_rows(view: _TableView, layout: _Layout) -> list[_StepRow]:
    """The rows under the header, one per cell of the Kegiatan column (or of the No column)."""
    anchor = layout.fields.get("kegiatan", layout.fields.get("no", 0))
    out = []
    r = layout.first_data_row
    while r < view.table.n_rows:
        cell = view.at(r, anchor)
        span = cell.row + cell.row_span - r if cell is not None else 1
        rows = range(r, r + max(1, span))
        out.append(_read_row(view, layout, rows))
        r = rows.stop
    return out


def _read_row(view: _TableView, layout: _Layout, rows: range) -> _StepRow:
    texts = {name: "" for name in ("no", *TEXT_FIELDS)}
    role_texts: dict[int, str] = {}
    confidences = []
    cells = [cell for cell in view.table.cells if cell.row in rows]
    for cell in sorted(cells, key=lambda c: (c.col, c.row)):
        if cell.confidence is not None and cell.text.strip():
            confidences.append(cell.confidence)
        name = layout.field_of(cell.col)
        if cell.col in layout.roles:
            role_texts[layout.roles.index(cell.col)] = cell.text.strip()
        elif name is not None and cell.text.strip():
            texts[name] = "\n".join(t for t in (texts[name], cell.text.strip()) if t)
    x0, x1 = view.table.bbox[0], view.table.bbox[2]
    top = min((c.bbox[1] for c in cells), default=view.table.bbox[1])
    bottom = max((c.bbox[3] for c in cells if c.row + c.row_span <= rows.stop), default=top)
    texts = {k: (join_lines(v) if k != "no" else _flat(v)) for k, v in texts.items()}
    return _StepRow(rows, (x0, top, x1, bottom), texts, role_texts,
                    statistics.fmean(confidences) if confidences else None)


def _is_blank(row: _StepRow) -> bool:
    return not any(row.texts.values())


# --------------------------------------------------------------------------- identity tables
def identity_lines(view: _TableView, rows: range) -> list[str]:
    """An identity table as lines :func:`read_identity` understands.

    Office and logo cells (neither a label nor a label's value) come first,
    one printed line each, as the heading; then every label in reading order
    followed by its value's lines. A value is the first filled cell right of
    its label (a lone ":" column skipped), else the cell under it (the
    side-by-side lists: "Dasar Hukum | Kualifikasi Pelaksana" over their items).
    """
    cells = sorted((c for c in view.table.cells if c.row in rows and c.text.strip()), key=lambda c: (c.row, c.col))
    labels = [c for c in cells if _label_of(c) is not None]
    values = {id(label): _value_of(label, cells, labels) for label in labels}
    used = {id(v) for v in values.values() if v is not None} | {id(c) for c in labels}
    out = [line for c in cells if id(c) not in used for line in c.text.split("\n") if line.strip()]
    for label in labels:
        out += [line for line in label.text.split("\n") if line.strip()]
        value = values[id(label)]
        if value is not None:
            out += [line for line in value.text.split("\n") if line.strip()]
    return out


def _label_of(cell: Cell) -> Label | None:
    """The identity label a cell opens with (its first line)."""
    return match_label(cell.text.strip().split("\n")[0])


def _value_of(label: Cell, cells: list[Cell], labels: list[Cell]) -> Cell | None:
    """The cell holding a label's value; None when the label cell holds it ("Nomor SOP : 067/...")."""
    printed = _label_of(label)
    if printed is None or printed.value:
        return None
    is_label = {id(c) for c in labels}
    right = [c for c in cells if c.row == label.row and c.col > label.col and c.text.strip() != ":"]
    if right and id(right[0]) not in is_label:
        return right[0]
    below = [c for c in cells if c.row == label.row + label.row_span and c.col <= label.col < c.col + c.col_span]
    return below[0] if below and id(below[0]) not in is_label else None


# --------------------------------------------------------------------------- the walk over the pages
@dataclass
class _Region:
    """A flowchart table on a page: where its step rows and role columns are, for placing symbols."""

    page: int
    sop: int
    bbox: BBox
    col_edges: list[float]
    roles: list[int]  # grid columns of the role columns
    rows: list[tuple[float, float, int | None]] = field(default_factory=list)  # top, bottom, raw row (None: blank)
    role_texts: dict[int, dict[int, str]] = field(default_factory=dict)  # raw row -> role index -> text


@dataclass
class _Placed:
    """A symbol and where it landed: a step row, or (row None) a connector between pages."""

    page: int
    symbol: Symbol
    sop: int | None = None
    row: int | None = None


@dataclass
class _Sop:
    """An SOP being assembled, with what the next table needs to decide whether it continues it."""

    raw: RawSop
    own_identity: bool
    layouts: list[_Layout] = field(default_factory=list)  # one per segment
    last_no: int | None = None


@dataclass
class _Connector:
    """An arrow between a step row and an off-page connector: ``out`` leaves the page, ``in`` arrives."""

    direction: str  # "out" or "in"
    page: int
    letter: str
    sop: int
    row: int


@dataclass
class _State:
    """What the walk over the pages has gathered so far."""

    prefix: str
    sops: list[_Sop] = field(default_factory=list)
    free: list[tuple[int, str]] = field(default_factory=list)  # (page, text) printed since the last table
    identity: list[str] = field(default_factory=list)  # identity-table lines awaiting their flowchart
    identity_pages: list[int] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # free lines printed before the identity table
    regions: list[_Region] = field(default_factory=list)
    placed: list[_Placed] = field(default_factory=list)
    connectors: list[_Connector] = field(default_factory=list)  # arrow ends at off-page connectors
    orphans: list[RawNote] = field(default_factory=list)  # notes raised before any SOP exists

    def note(self, code: str, message: str, row: int | None = None) -> None:
        note = RawNote(code, f"{self.prefix}{message}", row)
        (self.sops[-1].raw.notes if self.sops else self.orphans).append(note)


def assemble(pages: list[Page], notes_prefix: str = "") -> list[RawSop]:
    """Every SOP on the pages, in order; ``notes_prefix`` starts every note message (e.g. "OCR: ")."""
    state = _State(notes_prefix)
    for page in pages:
        for block in page.blocks:
            if isinstance(block, TextLine):
                if block.text.strip():
                    state.free.append((page.number, block.text.strip()))
            else:
                _table(state, page, block)
        _place_symbols(state, page)
    _close_signature(state)
    if state.identity:
        _open_sop(state, None, [])
        state.note("table-missing", "An identity page is not followed by any flowchart table.")
    for page in pages:
        _link_arrows(state, page)
    _link_connectors(state)
    _share_identity(state.sops)
    if state.sops:
        state.sops[0].raw.notes[:0] = state.orphans
    return [sop.raw for sop in state.sops]


def _table(state: _State, page: Page, table: Table) -> None:
    """Route one table: identity rows, a flowchart (with or without its header), or plain text."""
    view = _TableView.of(table)
    header = find_header(view)
    top = header if header is not None else table.n_rows
    is_identity = len(_identity_keys(view, range(top))) >= MIN_IDENTITY_LABELS
    if is_identity:
        _identity_table(state, page, view, range(top))
    elif header is not None:
        state.free += _row_lines(view, page, range(top))  # a title printed in the table's first row
    if header is not None:
        _flowchart(state, page, view, read_layout(view, header), fresh=True)
    elif not is_identity and (carried := _carried_layout(state, view)) is not None:
        _flowchart(state, page, view, carried, fresh=False)
    elif not is_identity:
        state.free += _row_lines(view, page, range(table.n_rows))


def _row_lines(view: _TableView, page: Page, rows: range) -> list[tuple[int, str]]:
    """Rows of a table that is no SOP table, as free text lines (a title or signer block in a box)."""
    return [(page.number, line.strip()) for r in rows for cell in view.starting_in(r)
            for line in cell.text.split("\n") if line.strip()]


def _carried_layout(state: _State, view: _TableView) -> _Layout | None:
    """The current SOP's columns for a table without a header, if it goes on with that SOP.

    It must come before any new identity page and have numbered steps. Its
    columns are matched to the last header's by position (the same page
    geometry), or by count when positions do not line up (another scan).
    """
    if not state.sops or not state.sops[-1].layouts or state.identity:
        return None
    last = state.sops[-1].layouts[-1]
    edges = _col_edges(view.table)
    by_position = [_column_under(last, (a + b) / 2) for a, b in itertools.pairwise(edges)]
    carried = None
    if all(c is not None for c in by_position) and len(set(by_position)) == len(by_position):
        carried = _remapped(last, [c for c in by_position if c is not None], edges)
    if carried is None and last.n_cols == view.table.n_cols:
        carried = _remapped(last, list(range(view.table.n_cols)), edges)
    if carried is None:
        return None
    no = carried.fields.get("no", 0)
    numbered = any(tu.is_step_number(_flat(cell.text)) for cell in view.table.cells if cell.col == no)
    return carried if numbered and "kegiatan" in carried.fields else None


def _column_under(layout: _Layout, x: float) -> int | None:
    edges = layout.col_edges
    return next((c for c in range(len(edges) - 1) if edges[c] <= x <= edges[c + 1]), None)


def _remapped(last: _Layout, old_of_new: list[int], edges: list[float]) -> _Layout | None:
    """``last``'s columns moved onto a table whose column ``k`` lies under ``last``'s ``old_of_new[k]``.

    None unless every role column is found again: the rows are marked against
    the role list of ``last``'s header, which must keep its order.
    """
    new_of_old = {old: new for new, old in enumerate(old_of_new)}
    if any(c not in new_of_old for c in last.roles):
        return None
    fields = {name: new_of_old[c] for name, c in last.fields.items() if c in new_of_old}
    return _Layout(fields, [new_of_old[c] for c in last.roles], last.role_labels, last.waktu_unit, 0,
                   last.header_text, last.header_bbox, len(old_of_new), edges)


def _identity_table(state: _State, page: Page, view: _TableView, rows: range) -> None:
    if not state.identity:
        _close_signature(state)
        state.headings = [text for _, text in state.free if not tu.is_title_line(text)]
        state.free = []
    state.identity += identity_lines(view, rows)
    state.identity_pages.append(page.number)


def _close_signature(state: _State) -> None:
    """The signer block under the current SOP's table, taken from the free text since; the rest stays."""
    if not state.sops or not state.free:
        return
    lines = [text for _, text in state.free]
    span = signature_span(lines)
    if span is None:
        return
    sop = state.sops[-1].raw
    sop.signature = parse_signature(lines) or sop.signature
    sop.pages = sorted(set(sop.pages) | {state.free[k][0] for k in range(*span)})
    state.free = state.free[span[1]:]


def _title(lines: list[str]) -> str | None:
    """The heading over a table: the last title-like line; a generic one takes the lines under it."""
    at = next((k for k in range(len(lines) - 1, -1, -1) if tu.is_title_line(lines[k])), None)
    if at is None:
        return None
    title = tu.strip_markdown(lines[at])
    if tu.is_generic_title(title):
        title = " ".join([title, *lines[at + 1:at + 3]])
    return title


def _flowchart(state: _State, page: Page, view: _TableView, layout: _Layout, fresh: bool) -> None:
    """Add a flowchart table to the current SOP, or open a new one first.

    A new SOP starts at an identity page, at a title that differs from the
    current one, or where the numbering restarts at 1; otherwise the table
    continues the SOP over a page break.
    """
    rows = step_rows(view, layout)
    numbers = [n for r in rows if (n := tu.step_number(r.texts["no"])) is not None]
    _close_signature(state)
    free = [text for _, text in state.free]
    title = _title(free)
    current = state.sops[-1] if state.sops else None
    if current is None or state.identity or _starts_new(current, title, numbers[:2]):
        _open_sop(state, title, free)
    elif not fresh:
        state.note("table-split-across-pages", f"The table goes on on page {page.number} without a repeated "
                                               "header; read as the same SOP.", len(state.sops[-1].raw.rows))
    state.free = []
    _add_table(state, page, view, layout, rows, fresh)


def _starts_new(current: _Sop, title: str | None, first: list[int]) -> bool:
    """Whether a flowchart table (no identity page before it) is another SOP than ``current``.

    ``first`` holds the table's first two step numbers. Numbering restarting
    at 1 (and going on with 2, so that one misread number does not split an
    SOP) says so; numbering going on says not, whatever heading the page
    repeats (a running header is no new SOP); otherwise a heading that
    differs from the current title does.
    """
    last = current.last_no or 0
    if first and last:
        restarts = first[0] == 1 and last > 1 and (len(first) == 1 or first[1] == 2)
        return restarts or (first[0] != last + 1 and _differs(title, current.raw.title))
    return _differs(title, current.raw.title)


def _differs(title: str | None, current: str | None) -> bool:
    return title is not None and _fold(title) != _fold(current)


def _open_sop(state: _State, title: str | None, free: list[str]) -> None:
    """A new SOP with the identity gathered so far (or the heading lines printed over its table)."""
    if state.identity:
        lines = [*state.headings, *state.identity]
    else:
        lines = [text for text in free if not tu.is_title_line(text)]
    block = read_identity(lines)
    raw = RawSop(title=title, identity=block.fields, notes=list(block.notes), pages=sorted(set(state.identity_pages)))
    state.sops.append(_Sop(raw, own_identity=bool(state.identity) and bool(block.fields)))
    state.identity, state.identity_pages, state.headings = [], [], []


def _add_table(state: _State, page: Page, view: _TableView, layout: _Layout, rows: list[_StepRow],
               fresh: bool) -> None:
    sop = state.sops[-1]
    raw = sop.raw
    if fresh or not raw.segments:
        _add_segment(state, page, layout)
    segment = len(raw.segments) - 1
    region = _Region(page.number, len(state.sops) - 1, view.table.bbox, _col_edges(view.table), layout.roles)
    for row in rows:
        index = None if _is_blank(row) else _add_row(state, row, segment, page.number)
        region.rows.append((row.bbox[1], row.bbox[3], index))
        if index is not None:
            region.role_texts.setdefault(index, {}).update({k: v for k, v in row.role_texts.items() if v})
    state.regions.append(region)
    raw.pages = sorted(set(raw.pages) | {page.number})
    sop.last_no = next((n for r in reversed(raw.rows) if (n := tu.step_number(r.no)) is not None), sop.last_no)


def _add_segment(state: _State, page: Page, layout: _Layout) -> None:
    sop = state.sops[-1]
    raw = sop.raw
    raw.segments.append(RawSegment(role_labels=layout.role_labels, waktu_unit=layout.waktu_unit,
                                   header_text=layout.header_text,
                                   prov=Provenance(page=page.number, bbox=layout.header_bbox)))
    sop.layouts.append(layout)
    first_row = len(raw.rows)
    for code, message in layout.notes:
        state.note(code, message, first_row if raw.rows else None)
    if len(raw.segments) > 1:
        state.note("table-split-across-pages", f"The table goes on under a repeated header on page "
                                               f"{page.number}; read as the same SOP.", first_row)
        _reconcile_labels(sop)
        first, this = raw.segments[0], raw.segments[-1]
        if [_fold(x) for x in first.role_labels] != [_fold(x) for x in this.role_labels] or (
                first.waktu_unit != this.waktu_unit):
            state.note("header-changed", f"Header differs from the first one: '{this.header_text}' instead of "
                                         f"'{first.header_text}'.", first_row)


def _reconcile_labels(sop: _Sop) -> None:
    """Role labels of an OCR'd header repeated on each page made one reading per column: the surest one.

    OCR misreads a label on one page and reads it right on the next
    ("Pengadanlawa" / "Pengadministrasi"), or loses a short one ("Tim");
    taken as printed, that makes two roles of one column and leaves steps
    without their performer. Where the repeated headers have as many role
    columns, a column's empty reading, and a reading alike to a clearly
    surer one (:data:`ALIKE_LABEL_SCORE`, :data:`SURER_LABEL`), take the
    reading with the highest OCR confidence. Labels without a confidence
    (text layers) are exact and are left as printed.
    """
    n = len(sop.raw.segments[0].role_labels)
    same = [k for k, seg in enumerate(sop.raw.segments) if len(seg.role_labels) == n
            and len(sop.layouts[k].label_confidence) == n]
    for c in range(n):
        read = [(sop.layouts[k].label_confidence[c], k) for k in same if sop.raw.segments[k].role_labels[c]]
        if not read or any(conf is None for conf, _ in read):
            continue
        surest, at = max(read, key=lambda item: item[0] or 0.0)
        best = sop.raw.segments[at].role_labels[c]
        for k in same:
            labels, conf = sop.raw.segments[k].role_labels, sop.layouts[k].label_confidence[c]
            if not labels[c] or ((surest or 0.0) - (conf or 0.0) >= SURER_LABEL
                                 and fuzz.ratio(_fold(labels[c]), _fold(best)) >= ALIKE_LABEL_SCORE):
                labels[c] = best


def _add_row(state: _State, row: _StepRow, segment: int, page: int) -> int:
    """Append a step row, or merge a numberless fragment into the row above; the raw row's index."""
    raw = state.sops[-1].raw
    new = RawRow(no=row.texts["no"], **{name: row.texts[name] for name in TEXT_FIELDS}, segment=segment,
                 prov=Provenance(page=page, bbox=row.bbox), confidence=row.confidence)
    fragment = not new.no and (not new.kegiatan or not (new.kelengkapan or new.waktu or new.output))
    if raw.rows and fragment:
        above = raw.rows[-1]
        for name in TEXT_FIELDS:
            extra = getattr(new, name)
            if extra:
                setattr(above, name, join_lines(f"{getattr(above, name)}\n{extra}"))
        state.note("row-continued", f"A row on page {page} has no step number and continues the row above "
                                    "(a row broken over a page); merged.", len(raw.rows) - 1)
        return len(raw.rows) - 1
    raw.rows.append(new)
    if not new.no:
        state.note("step-number-missing", "Step number cell is empty.", len(raw.rows) - 1)
    return len(raw.rows) - 1


def _col_edges(table: Table) -> list[float]:
    """The x of every column line: the reader's, or the cells' own edges."""
    if len(table.col_edges) == table.n_cols + 1:
        return list(table.col_edges)
    left: dict[int, list[float]] = {}
    for cell in table.cells:
        left.setdefault(cell.col, []).append(cell.bbox[0])
        left.setdefault(cell.col + cell.col_span, []).append(cell.bbox[2])
    edges = [statistics.median(left[c]) if c in left else math.nan for c in range(table.n_cols + 1)]
    known = [(c, x) for c, x in enumerate(edges) if not math.isnan(x)]
    return [x if not math.isnan(x) else _interpolate(known, c) for c, x in enumerate(edges)]


def _interpolate(known: list[tuple[int, float]], c: int) -> float:
    before = max((k for k in known if k[0] < c), default=known[0])
    after = min((k for k in known if k[0] > c), default=known[-1])
    if after[0] == before[0]:
        return before[1]
    return before[1] + (after[1] - before[1]) * (c - before[0]) / (after[0] - before[0])


# --------------------------------------------------------------------------- symbols and arrows
def _place_symbols(state: _State, page: Page) -> None:
    """Each symbol marks the role column under its centre in its step row; ticks count where none is drawn."""
    regions = [r for r in state.regions if r.page == page.number]
    for symbol in page.symbols:
        placed = _Placed(page.number, symbol)
        state.placed.append(placed)
        x, y = _centre(symbol.bbox)
        region = next((r for r in regions if r.bbox[0] <= x <= r.bbox[2] and r.bbox[1] <= y <= r.bbox[3]), None)
        if region is None:
            continue
        placed.sop = region.sop
        placed.row = next((index for top, bottom, index in region.rows if top <= y <= bottom), None)
        _mark(state, region, placed, _role_at(region, x))
    for region in regions:
        _tick_marks(state, region)


def _mark(state: _State, region: _Region, placed: _Placed, column: int | None) -> None:
    """The symbol as a performer mark of its row; what cannot be one is noted, not dropped."""
    raw = state.sops[region.sop].raw
    symbol = placed.symbol
    what = f"A drawn {symbol.shape or 'symbol'} on page {placed.page}"
    if placed.row is None:
        if symbol.shape != "connector":  # off-page connectors sit in rows of their own, between the steps
            raw.notes.append(RawNote("symbol-outside-rows", f"{state.prefix}{what} lies in no step row; ignored."))
    elif column is None:
        raw.notes.append(RawNote("symbol-outside-roles", f"{state.prefix}{what} lies outside the Pelaksana "
                                                         "columns; ignored.", placed.row))
    else:
        raw.rows[placed.row].marks.append(RawMark(column=column, kind=symbol.kind, shape=symbol.shape,
                                                  text=symbol.text, prov=Provenance(placed.page, bbox=symbol.bbox)))
        if symbol.kind == "symbol" and symbol.shape is None:
            raw.notes.append(RawNote("symbol-unclassified", f"{state.prefix}{what} has no flowchart shape this "
                                                            "reader knows; its performer is kept.", placed.row))


def _role_at(region: _Region, x: float) -> int | None:
    for k, c in enumerate(region.roles):
        if c + 1 < len(region.col_edges) and region.col_edges[c] <= x <= region.col_edges[c + 1]:
            return k
    return None


def _tick_marks(state: _State, region: _Region) -> None:
    """Ticks or letters typed in role cells name the performers of rows that have no drawn symbol."""
    raw = state.sops[region.sop].raw
    for index, texts in region.role_texts.items():
        row = raw.rows[index]
        if any(m.kind == "symbol" for m in row.marks):
            continue
        for column, text in sorted(texts.items()):
            kind = tu.cell_kind(_flat(text))
            if kind == "mark":
                row.marks.append(RawMark(column=column, kind="mark", text=_flat(text), prov=row.prov))
            elif kind != "empty":
                raw.notes.append(RawNote("stray-mark", f"{state.prefix}'{_flat(text)}' in a Pelaksana column is "
                                                       "not a performer mark; ignored.", index))


def _nearest(state: _State, page: int, point: tuple[float, float]) -> _Placed | None:
    """The symbol on the page nearest a point, if the point is within its reach."""
    best, best_d = None, math.inf
    for placed in state.placed:
        if placed.page != page:
            continue
        box = placed.symbol.bbox
        d = _distance(point, box)
        if d <= SYMBOL_REACH * min(box[2] - box[0], box[3] - box[1]) and d < best_d:
            best, best_d = placed, d
    return best


def _link_arrows(state: _State, page: Page) -> None:
    """Each arrow links the rows of the symbols at its tail and head; ends at connectors wait for their twin."""
    for arrow in page.arrows:
        tail, head = _nearest(state, page.number, arrow.tail), _nearest(state, page.number, arrow.head)
        if tail is None or head is None:
            _unlinked(state, page, arrow)
            continue
        if tail.sop is None or tail.sop != head.sop or tail is head:
            continue
        if tail.row is not None and head.row is not None:
            _add_arrow(state.sops[tail.sop].raw, RawArrow(tail.row, head.row, arrow.label.strip()))
        elif tail.row is not None and head.symbol.shape == "connector":
            state.connectors.append(_Connector("out", page.number, _flat(head.symbol.text), tail.sop, tail.row))
        elif head.row is not None and tail.symbol.shape == "connector":
            state.connectors.append(_Connector("in", page.number, _flat(tail.symbol.text), head.sop, head.row))


def _unlinked(state: _State, page: Page, arrow: Arrow) -> None:
    """Note an arrow drawn in a flowchart table that does not run from one symbol to another."""
    x, y = (arrow.tail[0] + arrow.head[0]) / 2, (arrow.tail[1] + arrow.head[1]) / 2
    region = next((r for r in state.regions if r.page == page.number and r.bbox[0] <= x <= r.bbox[2]
                   and r.bbox[1] <= y <= r.bbox[3]), None)
    if region is not None:
        state.sops[region.sop].raw.notes.append(RawNote(
            "arrow-unlinked", f"{state.prefix}An arrow on page {page.number} does not join two symbols; the order "
                              "of the steps is taken from the table there."))


def _add_arrow(raw: RawSop, arrow: RawArrow) -> None:
    if arrow.from_row != arrow.to_row and all(
            (a.from_row, a.to_row, a.label) != (arrow.from_row, arrow.to_row, arrow.label) for a in raw.arrows):
        raw.arrows.append(arrow)


def _link_connectors(state: _State) -> None:
    """Join the row leading into an off-page connector to the row its twin leads to on a later page.

    Twins carry the same letter; unlettered connectors pair in page order.
    """
    ins = [c for c in state.connectors if c.direction == "in"]
    for out in (c for c in state.connectors if c.direction == "out"):
        twin = next((c for c in ins if c.page > out.page and c.sop == out.sop
                     and (_fold(c.letter) == _fold(out.letter) or not (c.letter or out.letter))), None)
        if twin is not None:
            ins.remove(twin)
            _add_arrow(state.sops[out.sop].raw, RawArrow(out.row, twin.row))


def _share_identity(sops: list[_Sop]) -> None:
    """An SOP printed without an identity page of its own shares the one printed before it.

    As in a document with one identity page over several flowchart tables;
    a signer block under a table closes that document.
    """
    owner: _Sop | None = None
    for k, sop in enumerate(sops):
        if sop.own_identity:
            owner = sop
        elif k and sops[k - 1].raw.signature:
            owner = None
        elif owner is not None:
            sop.raw.identity = dict(owner.raw.identity)
            sop.raw.identity_shared = owner.raw.identity_shared = True
            sop.raw.notes.append(RawNote("identity-shared", f"No identity page of its own; the one printed "
                                                            f"before '{owner.raw.title}' is shared."))
