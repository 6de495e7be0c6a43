"""Tab-separated text exports of SOP documents: every SOP in the file, cells as printed.

A word processor or PDF tool saving an SOP "as text" keeps the flowchart
table's cells apart with tabs and prints everything else (cover, identity
page, headings, signer block) as plain lines. This reader finds each table
header, reads the rows under it, and decides from the lines in between
whether a header opens a new SOP (a title or an identity page came first) or
continues the previous one over a page break (only blank lines, or the same
title again with the numbering going on).

Exporters garble the header: a role label lands in the group row, group
labels span the wrong number of columns, the Output heading sits one column
right of its values. So rows are read by *content*, anchored on the duration
cell ("15 menit", "1hari", a bare "120" under "Waktu (menit)"): kelengkapan
is the text before it, output the column after it, keterangan what follows.
Nothing is interpreted here: step numbers, durations and role labels stay as
printed for ``sopbaku.normalize``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sopbaku.ingest import textutil as tu
from sopbaku.ingest.text_identity import is_identity_line, parse_signature, read_identity, signature_span
from sopbaku.raw import Provenance, RawMark, RawNote, RawRow, RawSegment, RawSop

#: Fewest cells a data row has (No, Kegiatan, something else).
MIN_ROW_CELLS = 3
#: Fewest cells of the "1 2 3 ... 10" column-index row some exports print under the header.
MIN_INDEX_CELLS = 4
#: Header words only an SOP flowchart table has; a table headed without any of them is not one.
SOP_HEADER_WORDS = frozenset({"pelaksana", "mutu", "waktu"})


@dataclass
class _Layout:
    """Where the header puts things, as cell indices."""

    kegiatan: int
    role_start: int
    role_labels: list[str]  # one per column from role_start, "" where a column has no label
    waktu: int | None
    output: int | None
    waktu_unit: str | None
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def role_end(self) -> int:
        return self.role_start + len(self.role_labels)


@dataclass
class _Table:
    """One header occurrence and the rows printed under it (up to the next header or text)."""

    header: list[int]  # line indices of the header rows
    rows: list[int] = field(default_factory=list)  # line indices of the data rows
    breaks: list[int] = field(default_factory=list)  # positions in ``rows`` that follow a blank gap

    @property
    def end(self) -> int:
        return (self.rows or self.header)[-1] + 1


@dataclass
class _Sop:
    """An SOP being assembled, with what is needed to decide whether the next table continues it."""

    raw: RawSop
    own_identity: bool
    last_no: int | None = None


def parse(lines: list[str]) -> list[RawSop]:
    """Every SOP in the lines of a tab-separated export, in order."""
    cells = [tu.split_cells(line) for line in lines]
    sops: list[_Sop] = []
    prev_end = 0
    for table in _find_tables(lines, cells):
        gap = lines[prev_end:table.header[0]]
        span = signature_span(gap) if sops else None
        if span is not None:
            sops[-1].raw.signature = parse_signature(gap)
        preamble_start = prev_end + (span[1] if span else 0)
        preamble = list(range(preamble_start, table.header[0]))
        if not sops or _opens_new_sop(sops[-1], lines, cells, preamble, table):
            sops.append(_new_sop(lines, preamble))
        _add_table(sops[-1], cells, table)
        prev_end = table.end
    if sops:
        sops[-1].raw.signature = parse_signature(lines[prev_end:]) or sops[-1].raw.signature
    _share_identity(sops)
    return [sop.raw for sop in sops]


# --------------------------------------------------------------------------- finding tables
def _is_header_line(cells: list[str]) -> bool:
    words = {tu.header_word(cell) for cell in cells if cell} - {None}
    return len(words) >= 2 and bool(words & tu.HEADER_ANCHORS) and not tu.is_step_number(cells[0])


def _is_index_row(cells: list[str]) -> bool:
    """The "1 2 3 ... 10" row numbering the columns, printed under some headers."""
    filled = [cell for cell in cells if cell]
    return (len(filled) >= MIN_INDEX_CELLS and all(cell.isdigit() for cell in filled)
            and len(cells) > 1 and cells[1].isdigit())


def _is_data_row(line: str, cells: list[str]) -> bool:
    return (len(cells) >= MIN_ROW_CELLS and (not cells[0] or tu.is_step_number(cells[0]))
            and any(cells[1:]) and not _is_index_row(cells) and not is_identity_line(line))


def _find_tables(lines: list[str], cells: list[list[str]]) -> list[_Table]:
    tables: list[_Table] = []
    i = 0
    while i < len(lines):
        if tables and _resumes(tables[-1], lines, cells, i):
            i = _collect_rows(lines, cells, i, tables[-1], gap=True)
            continue
        if not _is_header_line(cells[i]):
            i += 1
            continue
        table = _Table(header=[i])
        i += 1
        while i < len(lines) and _continues_header(cells[i]):
            table.header.append(i)
            i += 1
        i = _collect_rows(lines, cells, i, table)
        if _is_flowchart_header([cells[h] for h in table.header]):
            tables.append(table)
    return tables


def _is_flowchart_header(rows: list[list[str]]) -> bool:
    """Whether a table's header names roles or Mutu Baku, as every SOP flowchart table does.

    "No | Uraian Kegiatan | Volume | Harga" heads a budget, not an SOP: a
    table without a Pelaksana, Mutu Baku or Waktu heading is someone else's.
    """
    words = {tu.header_word(cell) for row in rows for cell in row if cell}
    return bool(words & SOP_HEADER_WORDS)


def _continues_header(cells: list[str]) -> bool:
    """Another header row: header words, or role labels with the No and Kegiatan cells empty."""
    if _is_header_line(cells):
        return True
    return len(cells) >= MIN_ROW_CELLS and not cells[0] and not cells[1] and any(cells[2:]) and not any(
        tu.is_duration(cell) for cell in cells)


def _resumes(table: _Table, lines: list[str], cells: list[list[str]], i: int) -> bool:
    """Rows going on after page furniture ("Halaman 2") without a repeated header.

    Only the next step number in sequence counts, and only when no title or
    identity line came in between (those open another SOP).
    """
    if not table.rows or not _is_data_row(lines[i], cells[i]):
        return False
    last = tu.step_number(cells[table.rows[-1]][0])
    between = lines[table.end:i]
    return (last is not None and tu.step_number(cells[i][0]) == last + 1
            and not any(tu.is_title_line(line) or is_identity_line(line) for line in between))


def _collect_rows(lines: list[str], cells: list[list[str]], i: int, table: _Table, gap: bool = False) -> int:
    """Add the data rows from line ``i`` on; return the line where the table stops.

    ``gap`` says a break (blank lines, page furniture) precedes line ``i``.
    """
    while i < len(lines):
        row = cells[i]
        if tu.is_blank(lines[i]):
            gap = True
        elif _is_index_row(row):
            pass
        elif _is_header_line(row) or not _is_data_row(lines[i], row):
            break
        else:
            if gap and table.rows:
                table.breaks.append(len(table.rows))
            table.rows.append(i)
            gap = False
        i += 1
    return i


# --------------------------------------------------------------------------- SOP boundaries
def _title(lines: list[str], preamble: list[int]) -> tuple[str | None, int | None]:
    """The heading over the table and its line: the last title-like line before the header.

    A generic heading ("STANDAR OPERASIONAL PROSEDUR") takes the plain lines
    under it as the procedure's name when there are any.
    """
    at = next((i for i in reversed(preamble) if tu.is_title_line(lines[i])), None)
    if at is None:
        return None, None
    title = tu.strip_markdown(lines[at])
    if tu.is_generic_title(title):
        below = [tu.strip_markdown(lines[i]) for i in preamble if i > at and not tu.is_blank(lines[i])]
        title = " ".join([title, *below[:2]])
    return title, at


def _fold(text: str | None) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", (text or "").casefold()))


def _opens_new_sop(sop: _Sop, lines: list[str], cells: list[list[str]], preamble: list[int],
                   table: _Table) -> bool:
    """Whether a header starts a new SOP rather than continuing ``sop`` on the next page.

    An identity page always starts one. A title starts one unless it repeats
    the current title while the numbering goes on (a heading printed on every
    page). Without either, numbering restarting at 1 starts one.
    """
    if any(is_identity_line(lines[i]) for i in preamble):
        return True
    first = tu.step_number(cells[table.rows[0]][0]) if table.rows else None
    restarts = first == 1 and (sop.last_no or 0) > 1
    title, _ = _title(lines, preamble)
    if title is None:
        return restarts
    return restarts or _fold(title) != _fold(sop.raw.title)


def _new_sop(lines: list[str], preamble: list[int]) -> _Sop:
    title, at = _title(lines, preamble)
    identity_lines = [lines[i] for i in preamble if at is None or i < at]
    block = read_identity(identity_lines)
    raw = RawSop(title=title, identity=block.fields, notes=list(block.notes))
    return _Sop(raw=raw, own_identity=bool(block.fields))


def _share_identity(sops: list[_Sop]) -> None:
    """An SOP printed without its own identity page shares the one printed before it.

    As in a document with one identity page over several flowchart tables; a
    signer block under a table closes that document.
    """
    owner: _Sop | None = None
    for k, sop in enumerate(sops):
        if sop.own_identity:
            owner = sop
        elif k and sops[k - 1].raw.signature:
            owner = None  # a signed SOP is a document of its own; what follows starts afresh
        elif owner is not None:
            sop.raw.identity = dict(owner.raw.identity)
            sop.raw.identity_shared = owner.raw.identity_shared = True
            sop.raw.notes.append(RawNote("identity-shared", f"No identity page of its own; the one printed "
                                                            f"before '{owner.raw.title}' is shared."))


# --------------------------------------------------------------------------- header layout
def _layout(header: list[list[str]], earlier_labels: set[str]) -> _Layout:
    """Read the header rows: Kegiatan, role and Mutu Baku columns, the Waktu unit."""
    words = [[tu.header_word(cell) if cell else None for cell in row] for row in header]
    role_row = max((r for r, ws in enumerate(words) if "waktu" in ws), default=len(header) - 1)
    bottom, bottom_words = header[role_row], words[role_row]
    kegiatan = next((c for ws in words for c, w in enumerate(ws) if w == "kegiatan"), 1)
    waktu = bottom_words.index("waktu") if "waktu" in bottom_words else None
    mutu_start = _mutu_start(bottom, bottom_words, waktu, words)
    output = next((c for c in range(waktu + 1, len(bottom)) if bottom[c]), None) if waktu is not None else None
    layout = _Layout(kegiatan, kegiatan + 1, [], waktu, output,
                     tu.waktu_unit(bottom[waktu]) if waktu is not None else None)
    upper = [row for r, row in enumerate(header) if r != role_row]
    printed = {_fold(cell) for c, cell in enumerate(bottom) if kegiatan < c < mutu_start and cell}
    for c in range(kegiatan + 1, mutu_start):
        layout.role_labels.append(_role_label(c, bottom, upper, printed, earlier_labels, layout.notes))
    _check_group_spans(upper, layout)
    if output is not None and bottom[output].casefold() == "input":
        layout.notes.append(("header-output-named-input", "The last Mutu Baku column is headed 'Input'; its "
                                                          "values are read as output."))
    return layout


def _mutu_start(bottom: list[str], bottom_words: list[str | None], waktu: int | None,
                words: list[list[str | None]]) -> int:
    """The first Mutu Baku column: Kelengkapan before Waktu, else Waktu, else the "Mutu Baku" group."""
    if waktu is not None:
        before = [c for c in range(waktu) if bottom[c]]
        if before and bottom_words[before[-1]] in ("kelengkapan", "output"):
            return before[-1]
        return waktu
    return min((c for ws in words for c, w in enumerate(ws) if w in ("mutu", "kelengkapan")),
               default=max(len(row) for row in words))


def _role_label(c: int, bottom: list[str], upper: list[list[str]], printed: set[str],
                earlier_labels: set[str], notes: list[tuple[str, str]]) -> str:
    """The label of role column ``c``: the role row's cell, else a role printed in a group row.

    A group-row label that repeats a label of this header, or of an earlier
    header of the same SOP, is exporter debris over an empty column.
    """
    cell = bottom[c] if c < len(bottom) else ""
    if cell and tu.header_word(cell) is None:
        return cell
    above = next((row[c] for row in reversed(upper) if c < len(row) and row[c] and tu.header_word(row[c]) is None),
                 "")
    if not above:
        return ""
    if _fold(above) in printed:
        notes.append(("header-duplicate-columns", f"Group row repeats the role '{above}' over an empty column; "
                                                  "ignored."))
        return ""
    if _fold(above) in earlier_labels:
        notes.append(("header-misaligned", f"'{above}' is printed in the group row over an empty column, "
                                           "repeating a role of an earlier header; ignored."))
        return ""
    notes.append(("header-misaligned", f"Role '{above}' is printed in the group row, not in the role row."))
    return above


def _check_group_spans(upper: list[list[str]], layout: _Layout) -> None:
    """Note a Pelaksana group label that spans a different number of columns than it has roles."""
    for row in upper:
        for c, cell in enumerate(row):
            if not cell or tu.header_word(cell) != "pelaksana":
                continue
            span = next((d for d in range(c + 1, len(row)) if row[d]), len(row)) - c
            roles = sum(1 for k, label in enumerate(layout.role_labels) if label and layout.role_start + k >= c)
            if span != roles:
                layout.notes.append(("header-misaligned", f"The '{cell}' group label spans {span} columns for "
                                                          f"{roles} roles; cells read by content."))


# --------------------------------------------------------------------------- rows
def _add_table(sop: _Sop, cells: list[list[str]], table: _Table) -> None:
    raw = sop.raw
    earlier = {_fold(label) for seg in raw.segments for label in seg.role_labels if label}
    header = [cells[i] for i in table.header]
    layout = _layout(header, earlier)
    segment = len(raw.segments)
    raw.segments.append(RawSegment(
        role_labels=layout.role_labels, waktu_unit=layout.waktu_unit,
        header_text="\n".join(" | ".join(cell for cell in row if cell) for row in header),
        prov=Provenance(line=table.header[0] + 1)))
    first_row = len(raw.rows)
    for code, message in layout.notes:
        raw.notes.append(RawNote(code, message, first_row if segment else None))
    if segment:
        _note_continuation(raw, segment, first_row)
    anchors = [_duration_at(cells[i], layout) for i in table.rows]
    waktu_col = _mode([a for a in anchors if a is not None]) or layout.waktu
    offset = _output_offset([cells[i] for i in table.rows], anchors, waktu_col, layout)
    if waktu_col is not None and (waktu_col != layout.waktu or (
            layout.output is not None and layout.waktu is not None and offset != layout.output - layout.waktu)):
        raw.notes.append(RawNote("header-misaligned", "Mutu Baku values do not sit under their headings "
                                                      f"('{raw.segments[-1].header_text}'); cells read by content.",
                                 first_row))
    for pos, (i, anchor) in enumerate(zip(table.rows, anchors, strict=True)):
        if pos in table.breaks:
            raw.notes.append(RawNote("table-split-across-pages", f"Rows from line {i + 1} follow a break without a "
                                                                 "repeated header; read as the same table.",
                                     len(raw.rows)))
        _add_row(raw, cells[i], layout, anchor if anchor is not None else waktu_col, offset, segment, i + 1)
    sop.last_no = next((n for r in reversed(raw.rows) if (n := tu.step_number(r.no)) is not None), sop.last_no)


def _note_continuation(raw: RawSop, segment: int, first_row: int) -> None:
    raw.notes.append(RawNote("table-split-across-pages", "The table continues under a repeated header; "
                                                         "read as the same SOP.", first_row))
    first, this = raw.segments[0], raw.segments[segment]
    if [_fold(label) for label in first.role_labels] != [_fold(label) for label in this.role_labels] or (
            this.waktu_unit != first.waktu_unit):
        raw.notes.append(RawNote("header-changed", f"Header differs from the first one: '{this.header_text}' "
                                                   f"instead of '{first.header_text}'.", first_row))


def _mode(values: list[int]) -> int | None:
    return Counter(values).most_common(1)[0][0] if values else None


def _duration_at(cells: list[str], layout: _Layout) -> int | None:
    """The column of the row's duration cell, nearest the Waktu heading; None if the row has none.

    A bare number counts only under (or next to) a Waktu heading, so that a
    number elsewhere is never taken for a duration.
    """
    found = []
    for c in range(layout.kegiatan + 1, len(cells)):
        near_waktu = layout.waktu is not None and abs(c - layout.waktu) <= (1 if layout.waktu_unit else 0)
        if tu.is_duration(cells[c], bare_ok=near_waktu):
            found.append(c)
    if not found:
        return None
    return min(found, key=lambda c: abs(c - layout.waktu)) if layout.waktu is not None else found[0]


def _output_offset(rows: list[list[str]], anchors: list[int | None], waktu_col: int | None,
                   layout: _Layout) -> int:
    """How many columns right of the duration the outputs sit, judged from the rows.

    The nearest column holding any value wins (values drift left of a shifted
    heading), but never farther than the heading says (a column that is empty
    in every row is still the output column).
    """
    headed = layout.output - layout.waktu if layout.output is not None and layout.waktu is not None else None
    offsets = []
    for cells, anchor in zip(rows, anchors, strict=True):
        w = anchor if anchor is not None else waktu_col
        if w is not None:
            offsets += [c - w for c in range(w + 1, len(cells)) if cells[c]][:1]
    nearest = min(offsets, default=headed or 1)
    return min(nearest, headed) if headed else nearest


def _add_row(raw: RawSop, cells: list[str], layout: _Layout, waktu: int | None, offset: int,
             segment: int, line: int) -> None:
    """Read one data row by content and append it (or merge it into the row above)."""
    if waktu is None:
        out_at = layout.output if layout.output is not None else len(cells)
        kel_end, waktu_text = out_at, ""
    else:
        out_at, kel_end, waktu_text = waktu + offset, waktu, _at(cells, waktu)
    region = range(layout.kegiatan + 1, min(kel_end, len(cells)))
    mutu_text = [c for c in region if c >= layout.role_end and tu.cell_kind(cells[c]) == "text"]
    text_cols = mutu_text or [c for c in region if tu.cell_kind(cells[c]) == "text"]
    row = RawRow(
        no=cells[0], kegiatan=_at(cells, layout.kegiatan),
        kelengkapan=" ".join(cells[c] for c in text_cols), waktu=waktu_text, output=_at(cells, out_at),
        keterangan=" ".join(cell for cell in cells[out_at + 1:] if cell),
        segment=segment, prov=Provenance(line=line))
    if raw.rows and not row.no and (not row.kegiatan or not (row.kelengkapan or row.waktu or row.output)):
        _merge_into(raw.rows[-1], row)
        raw.notes.append(RawNote("row-continued", f"Line {line} has no step number and continues the row "
                                                  "above; merged.", len(raw.rows) - 1))
        return
    index = len(raw.rows)
    raw.rows.append(row)
    if not row.no:
        raw.notes.append(RawNote("step-number-missing", "Step number cell is empty.", index))
    for c in region:
        _read_mark(raw, row, cells[c], c, layout, text_cols, index)


def _at(cells: list[str], c: int) -> str:
    return cells[c] if 0 <= c < len(cells) else ""


def _read_mark(raw: RawSop, row: RawRow, cell: str, c: int, layout: _Layout, text_cols: list[int],
               index: int) -> None:
    """A tick or letter in a role column becomes a mark; arrows and rules are connector debris."""
    kind = tu.cell_kind(cell)
    in_roles = layout.role_start <= c < layout.role_end
    if kind == "debris" or (kind == "mark" and not in_roles):
        raw.notes.append(RawNote("stray-mark", f"'{cell}' in column {c + 1} is connector debris, not a "
                                               "performer mark; ignored.", index))
    elif in_roles and (kind == "mark" or (kind == "text" and c not in text_cols)):
        row.marks.append(RawMark(column=c - layout.role_start, kind="mark", text=cell, prov=row.prov))


def _merge_into(above: RawRow, row: RawRow) -> None:
    """Append a continuation row's texts to the row it continues."""
    for name in ("kegiatan", "kelengkapan", "waktu", "output", "keterangan"):
        extra = getattr(row, name)
        if extra:
            setattr(above, name, f"{getattr(above, name)} {extra}".strip())
