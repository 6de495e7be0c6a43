"""The reviewers' workbook: one SOP as an XLSX a person corrects in Excel, and back into the model.

The sheet twin of :mod:`sopbaku.jsonio`. :func:`write_xlsx` writes one SOP per
workbook (as ``run`` writes one JSON per SOP), so a reviewer's file maps onto
exactly one set of outputs:

- "Langkah": one row per step. The Pelaksana are one column per role, as on the
  paper flowchart, each cell a drop-down of symbol kinds (``x`` = performer
  whose symbol is unknown): a reviewer compares the grid with the source at a
  glance, moves a mark by moving a cell, and gives a step two performers by
  marking two cells, which a single drop-down cell of role names cannot hold.
- "Identitas": the identity page, one row per field and one row per item of
  the lists (dasar hukum ...), the signers included.
- "Peran": the roles (id, name, header labels).
- "Peringatan": the warnings, protected: they describe the extraction, not the
  review.
- "_sopbaku": a very hidden, protected sheet with the SOP's whole `sopbaku/1`
  JSON as written. Reading compares every visible cell with what the writer
  put there: a cell left alone keeps the exact original value (provenance,
  extra keys and float minutes included, so the round trip is lossless), an
  edited cell wins. Hidden keys (row 2 and the last column of "Langkah", the
  first column of "Identitas" and "Peran") tie rows and columns to the
  original, so rows can be added, deleted and moved.

A reviewer's value that cannot be taken (an unknown role column, a duration
that does not parse, a step number that is no number) never stops the read:
it becomes a warning in the model, with the sheet and cell in its message,
and is reported to ``on_issue`` so the CLI can print one line for it.
"""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sopbaku import jsonio
from sopbaku import model as m
from sopbaku.config import Conventions
from sopbaku.errors import InputFileError
from sopbaku.normalize.durations import parse_waktu
from sopbaku.normalize.roles import slug
from sopbaku.render.atomic import atomic_path

#: Written in A1 of the hidden sheet: tells our workbooks from any other XLSX.
MARKER = "sopbaku/xlsx/1"
HIDDEN_SHEET = "_sopbaku"
#: Characters of JSON per cell of the hidden sheet (Excel's limit is 32 767).
CHUNK = 30_000
#: What a role cell may hold: a symbol kind, or the performer mark for an unknown symbol.
PERFORMER = "x"
MARKS = (*m.SIMBOL, PERFORMER)
#: Marks a reviewer may type for "performs this step" without picking a symbol.
PERFORMER_ALIASES = frozenset({"x", "v", "✓", "✔", "√", "ya", "1"})
#: Rows below the last step that still get the drop-downs, for steps a reviewer adds.
SPARE_ROWS = 30
#: Warning codes of values a reviewer entered that could not be taken as they are.
ROLE_UNKNOWN = "review-role-unknown"
VALUE_INVALID = "review-value-invalid"
WAKTU_UNPARSED = "waktu-unparsed"  # the code normalize gives a duration it cannot read
#: A workbook larger than this once unpacked is refused before openpyxl parses it (a ZIP bomb).
MAX_UNPACKED_BYTES = 100 * 2**20

_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_KEY_FONT = Font(color="808080", size=8)
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
#: One named style for every data cell: setting wrap and border per cell costs more than writing the file.
_CELL = NamedStyle("sopbaku", alignment=_WRAP, border=_BORDER)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
#: A step number as a reviewer may type it (Excel may store 3 as 3.0); four digits bound it, as no SOP has more.
_STEP_NO = re.compile(r"\d{1,4}(?:\.0+)?")
_BRANCH = re.compile(r"^\s*ya\s*[:=]?\s*(\d{1,4}|-)\s*[;,]?\s*tidak\s*[:=]?\s*(\d{1,4}|-)\s*$", re.I)


@dataclass(frozen=True)
class Column:
    """A fixed column of "Langkah": its hidden key, visible header and width (characters)."""

    key: str
    header: str
    width: float


LEADING = (Column("no", "No", 5), Column("kegiatan", "Kegiatan", 45))
TRAILING = (
    Column("pelaksana_evidence", "Bukti pelaksana", 11),
    Column("kelengkapan", "Kelengkapan", 25),
    Column("waktu", "Waktu", 12),
    Column("menit", "Menit", 8),
    Column("output", "Output", 25),
    Column("keterangan", "Keterangan", 20),
    Column("next", "Berikutnya", 11),
    Column("branches", "Cabang (ya/tidak)", 14),
    Column("_pos", "_pos", 5),
)
ROLE_PREFIX = "role:"
ROLE_WIDTH = 12
#: "Identitas" rows: key, label. ``disahkan_oleh.*`` and ``signature.*`` are the signers' fields.
IDENTITY_ROWS: tuple[tuple[str, str], ...] = (
    ("instansi", "Instansi"), ("unit", "Unit"), ("nomor", "Nomor SOP"), ("nama", "Nama SOP"),
    ("tanggal_pembuatan", "Tanggal Pembuatan (YYYY-MM-DD)"), ("tanggal_revisi", "Tanggal Revisi (YYYY-MM-DD)"),
    ("tanggal_efektif", "Tanggal Efektif (YYYY-MM-DD)"),
    ("tanggal_pengesahan", "Tanggal Pengesahan (YYYY-MM-DD)"),
    *((f"disahkan_oleh.{f}", f"Disahkan oleh: {f}") for f in m.SIGNER_FIELDS),
    ("dasar_hukum", "Dasar Hukum"), ("kualifikasi_pelaksana", "Kualifikasi Pelaksana"),
    ("keterkaitan", "Keterkaitan"), ("peralatan_perlengkapan", "Peralatan/Perlengkapan"),
    ("peringatan", "Peringatan"), ("pencatatan_pendataan", "Pencatatan dan Pendataan"),
    *((f"signature.{f}", f"Tanda tangan: {f}" + (" (YYYY-MM-DD)" if f == "tanggal" else ""))
      for f in m.SIGNATURE_FIELDS),
)
LABEL_SEPARATOR = "; "


# --------------------------------------------------------------------------- cells as text
def _text(value: Any) -> str:
    """A value as the text a cell shows, illegal XML characters dropped; whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = jsonio.number(value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _same(cell: Any, written: Any) -> bool:
    """Whether a cell still says what was written, ignoring whitespace and int/float/text kind."""
    if isinstance(cell, (datetime, date)) or isinstance(written, (datetime, date)):
        return cell == written
    return _text(cell).split() == _text(written).split()


def _clean(value: Any) -> str | None:
    """A reviewer's text with single spaces; None when empty."""
    text = " ".join(_text(value).split())
    return text or None


def _marks(step: dict[str, Any], role_ids: Iterable[str]) -> dict[str, str]:
    mark = step.get("simbol") or PERFORMER
    return {r: (mark if r in step["pelaksana"] else "") for r in role_ids}


def _branches_text(branches: dict[str, Any] | None) -> str:
    if branches is None:
        return ""
    return "; ".join(f"{k}: {'-' if branches.get(k) is None else branches[k]}" for k in ("ya", "tidak"))


def _step_cells(step: dict[str, Any]) -> dict[str, Any]:
    """The fixed cells of a step row, by column key, as the writer puts them."""
    waktu = step.get("waktu") or {}
    return {
        "no": step["no"], "kegiatan": _text(step["kegiatan"]),
        "pelaksana_evidence": step["pelaksana_evidence"],
        "kelengkapan": _text(step["kelengkapan"]), "waktu": _text(waktu.get("raw")),
        "menit": jsonio.number(waktu.get("minutes")), "output": _text(step["output"]),
        "keterangan": _text(step["keterangan"]), "next": ", ".join(str(n) for n in step["next"]),
        "branches": _branches_text(step["branches"]),
    }


def _identity_rows(obj: dict[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) per "Identitas" row: one row per list item, one (empty) row for an empty list."""
    ident, sig = obj["identity"], obj["signature"] or {}
    rows: list[tuple[str, Any]] = []
    for key, _ in IDENTITY_ROWS:
        group, _, sub = key.partition(".")
        if group == "disahkan_oleh":
            rows.append((key, (ident["disahkan_oleh"] or {}).get(sub)))
        elif group == "signature":
            rows.append((key, sig.get(sub)))
        elif key in m.IDENTITY_LIST_FIELDS:
            rows.extend((key, item) for item in ident[key] or [None])
        else:
            rows.append((key, ident[key]))
    return rows


# --------------------------------------------------------------------------- out
def write_xlsx(sops: m.SopSet, sop: int, path: Path) -> Path:
    """Write SOP ``sop`` of ``sops`` as a reviewers' workbook at ``path`` (atomically) and return the path."""
    obj = jsonio.sop_to_dict(sops, sop)
    wb = Workbook()
    wb.add_named_style(_CELL)
    _write_steps(wb.active, obj)
    _write_identity(wb.create_sheet("Identitas"), obj)
    _write_roles(wb.create_sheet("Peran"), obj)
    _write_warnings(wb.create_sheet("Peringatan"), obj)
    _write_hidden(wb.create_sheet(HIDDEN_SHEET), obj)
    wb.properties.title = f"SOP {obj['identity']['nama'] or ''}".strip()
    wb.properties.creator = "sopbaku"
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """Set a cell; text is always stored as text, so "=..." or "1-2" never turns into a formula or a date."""
    cell = ws.cell(row=row, column=col, value=value if isinstance(value, (int, float)) else _text(value) or None)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    cell.style = _CELL.name


def _header(ws: Worksheet, headers: list[str], widths: list[float]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        _put(ws, 1, col, text)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.cell(row=1, column=col).fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width


def _hide_column(ws: Worksheet, col: int) -> None:
    ws.column_dimensions[get_column_letter(col)].hidden = True
    for cell in ws[get_column_letter(col)]:
        cell.font = _KEY_FONT


def _drop_down(ws: Worksheet, values: Iterable[str], col: int, first_row: int, last_row: int, what: str) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="Nilai tidak dikenal",
                        error=f"Pilih {what} dari daftar.", showDropDown=False)
    letter = get_column_letter(col)
    dv.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(dv)


def _write_steps(ws: Worksheet, obj: dict[str, Any]) -> None:
    ws.title = "Langkah"
    roles = obj["roles"]
    headers = [c.header for c in LEADING] + [r["name"] for r in roles] + [c.header for c in TRAILING]
    keys = [c.key for c in LEADING] + [ROLE_PREFIX + r["id"] for r in roles] + [c.key for c in TRAILING]
    widths = [c.width for c in LEADING] + [ROLE_WIDTH] * len(roles) + [c.width for c in TRAILING]
    _header(ws, headers, widths)
    for col, key in enumerate(keys, start=1):  # row 2: the hidden keys that tie columns to the model
        _put(ws, 2, col, key)
    ws.row_dimensions[2].hidden = True
    for r, step in enumerate(obj["steps"], start=3):
        cells = {**_step_cells(step), **{ROLE_PREFIX + k: v for k, v in _marks(step, (x["id"] for x in roles)).items()},
                 "_pos": r - 3}
        for col, key in enumerate(keys, start=1):
            _put(ws, r, col, cells[key])
    last = 2 + len(obj["steps"]) + SPARE_ROWS
    first_role = len(LEADING) + 1
    for col in range(first_role, first_role + len(roles)):
        _drop_down(ws, MARKS, col, 3, last, "simbol (x = pelaksana, simbol tidak diketahui)")
    _drop_down(ws, m.EVIDENCE, keys.index("pelaksana_evidence") + 1, 3, last, "bukti pelaksana")
    _hide_column(ws, len(keys))
    for cell in ws[2]:
        cell.font = _KEY_FONT
    ws.freeze_panes = "C3"


def _write_identity(ws: Worksheet, obj: dict[str, Any]) -> None:
    _header(ws, ["_key", "Isian", "Nilai"], [14, 32, 90])
    labels = dict(IDENTITY_ROWS)
    for r, (key, value) in enumerate(_identity_rows(obj), start=2):
        _put(ws, r, 1, key)
        _put(ws, r, 2, labels[key])
        _put(ws, r, 3, value)
    _hide_column(ws, 1)
    ws.freeze_panes = "C2"


def _write_roles(ws: Worksheet, obj: dict[str, Any]) -> None:
    _header(ws, ["_id", "ID", "Nama", "Label di sumber"], [14, 30, 36, 50])
    for r, role in enumerate(obj["roles"], start=2):
        for col, value in enumerate((role["id"], role["id"], role["name"], LABEL_SEPARATOR.join(role["labels"])), 1):
            _put(ws, r, col, value)
    _hide_column(ws, 1)
    ws.freeze_panes = "B2"


def _write_warnings(ws: Worksheet, obj: dict[str, Any]) -> None:
    _header(ws, ["Kode", "Langkah", "Pesan"], [24, 9, 100])
    for r, w in enumerate(obj["warnings"], start=2):
        for col, value in enumerate((w["code"], w["step"], w["message"]), start=1):
            _put(ws, r, col, value)
    ws.freeze_panes = "A2"
    ws.protection.sheet = True  # read-only: what the extraction found, kept as it was


def _write_hidden(ws: Worksheet, obj: dict[str, Any]) -> None:
    text = json.dumps(obj, ensure_ascii=True)  # ASCII: no character Excel's XML could refuse
    ws["A1"] = MARKER
    for i in range(0, len(text), CHUNK):
        ws.cell(row=2 + i // CHUNK, column=1, value=text[i:i + CHUNK]).data_type = "s"
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


# --------------------------------------------------------------------------- in
@dataclass
class _Review:
    """The warnings a read collects, each also passed to ``on_issue`` as one line."""

    #: The workbook's file name, for errors that stop the read.
    name: str
    obj: dict[str, Any]
    on_issue: Callable[[str], None] | None

    def warn(self, code: str, where: str, message: str, step: int | None = None) -> None:
        text = f"{where}: {message}"
        self.obj["warnings"].append({"code": code, "step": step, "message": text})
        if self.on_issue is not None:
            self.on_issue(text)


def read_xlsx(path: Path, on_issue: Callable[[str], None] | None = None) -> m.SopSet:
    """A reviewers' workbook written by :func:`write_xlsx` back into the model, edited cells winning.

    Raises :class:`InputFileError` for a file that is not such a workbook;
    values that cannot be taken become warnings (and ``on_issue`` lines).
    """
    path = Path(path)
    wb = _open(path)
    try:
        original = _hidden_json(wb, path.name)
        obj = json.loads(json.dumps(original))  # an independent copy to edit
        review = _Review(path.name, obj, on_issue)
        sheets = {name: wb[name] for name in ("Langkah", "Identitas", "Peran") if name in wb.sheetnames}
        missing = {"Langkah", "Identitas", "Peran"} - set(sheets)
        if missing:
            raise InputFileError(f"{path.name}: sheet {sorted(missing)[0]!r} was removed; it is needed to read back")
        renamed = _read_roles(sheets["Peran"], original, review)
        _read_identity(sheets["Identitas"], original, review)
        _read_steps(sheets["Langkah"], original, renamed, review)
    finally:
        wb.close()
    return jsonio.from_json([obj])


def _open(path: Path) -> Any:
    """The workbook, or one clear :class:`InputFileError` (missing, not a ZIP, damaged, a ZIP bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise InputFileError(f"{path.name}: refused, it unpacks to more than "
                                     f"{MAX_UNPACKED_BYTES // 2**20} MB (a ZIP bomb?)")
        with warnings.catch_warnings():  # "extension not supported" and the like: only values are read here
            warnings.simplefilter("ignore")
            return load_workbook(path, data_only=True)
    except InputFileError:
        raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputFileError(f"{path.name}: not a readable XLSX workbook ({exc.__class__.__name__})") from exc
    except Exception as exc:  # openpyxl raises KeyError, ValueError, TypeError ... on damaged parts
        raise InputFileError(f"{path.name}: damaged XLSX workbook ({exc.__class__.__name__})") from exc


def _hidden_json(wb: Any, name: str) -> dict[str, Any]:
    if HIDDEN_SHEET not in wb.sheetnames or wb[HIDDEN_SHEET]["A1"].value != MARKER:
        raise InputFileError(f"{name}: not a sopbaku review workbook (no hidden {HIDDEN_SHEET!r} sheet); "
                             "write one with `sopbaku run`")
    ws = wb[HIDDEN_SHEET]
    text = "".join(str(row[0]) for row in ws.iter_rows(min_row=2, max_col=1, values_only=True) if row[0])
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{name}: the hidden {HIDDEN_SHEET!r} sheet is damaged") from exc
    if not isinstance(obj, dict) or obj.get("schema") != m.SCHEMA_ID:
        raise InputFileError(f"{name}: the hidden {HIDDEN_SHEET!r} sheet holds no {m.SCHEMA_ID} SOP")
    return obj


def _rows(ws: Worksheet, min_row: int) -> list[tuple[int, tuple[Any, ...]]]:
    """Non-empty rows from ``min_row`` on, with their sheet row numbers."""
    return [(r, row) for r, row in enumerate(ws.iter_rows(min_row=min_row, values_only=True), start=min_row)
            if any(_text(v).strip() for v in row)]


# ..................................................................... Peran
def _read_roles(ws: Worksheet, original: dict[str, Any], review: _Review) -> dict[str, str | None]:
    """Apply the "Peran" sheet; return old id -> new id (None: the reviewer deleted the role)."""
    before = {r["id"]: r for r in original["roles"]}
    roles: list[dict[str, Any]] = []
    renamed: dict[str, str | None] = dict.fromkeys(before)
    for r, row in _rows(ws, 2):
        old, new_id, name, labels = (*row, None, None, None, None)[:4]
        old = _clean(old)
        role = dict(before[old]) if old in before else {"id": None, "name": "", "labels": []}
        written = (role["id"], role["name"], LABEL_SEPARATOR.join(role["labels"]))
        if not _same(name, written[1]):
            role["name"] = _clean(name) or role["name"]
        if not _same(labels, written[2]):
            role["labels"] = [t.strip() for t in _text(labels).split(";") if t.strip()]
        if old not in before or not _same(new_id, written[0]):  # a new row gets the id it says, or its name's
            wanted = _clean(new_id) or (slug(role["name"]) if role["name"] else None)
            if wanted is None or not re.fullmatch(r"[a-z0-9_]+", wanted):
                review.warn(VALUE_INVALID, f"Peran!B{r}", f"role id {_text(new_id)!r} is not lowercase letters, "
                            f"digits and _; {'kept ' + repr(role['id']) if role['id'] else 'row ignored'}")
            else:
                role["id"] = wanted
        if role["id"] is None:
            continue
        if any(x["id"] == role["id"] for x in roles):
            review.warn(VALUE_INVALID, f"Peran!B{r}", f"role id {role['id']!r} is given twice; row ignored")
            continue
        roles.append(role)
        if old in before:
            renamed[old] = role["id"]
    review.obj["roles"] = roles
    return renamed


# ..................................................................... Identitas
def _read_identity(ws: Worksheet, original: dict[str, Any], review: _Review) -> None:
    written: dict[str, list[Any]] = {}
    for key, value in _identity_rows(original):
        written.setdefault(key, []).append(value)
    seen: dict[str, list[tuple[int, Any]]] = {}
    last_key = None
    for r, row in _rows(ws, 2):
        key = _clean(row[0]) if row else None
        value = row[2] if len(row) > 2 else None
        if key is None and last_key in m.IDENTITY_LIST_FIELDS:
            key = last_key  # a row inserted under a list item is one more item
        if key not in written:
            label = _text(row[1] if len(row) > 1 else None)
            review.warn(VALUE_INVALID, f"Identitas!A{r}", f"row without a known field ({label!r}); ignored")
            continue
        seen.setdefault(key, []).append((r, value))
        last_key = key
    ident = review.obj["identity"]
    signers = {"disahkan_oleh": ident, "signature": review.obj}  # where each signer group lives
    groups: dict[str, dict[str, Any]] = {}
    for key, before in written.items():
        cells = seen.get(key, [])
        values = [v for _, v in cells]
        if len(values) == len(before) and all(_same(a, b) for a, b in zip(values, before, strict=True)):
            continue
        first = values[0] if values else None
        where = f"Identitas!C{cells[0][0]}" if cells else "Identitas"
        group, _, sub = key.partition(".")
        if key in m.IDENTITY_LIST_FIELDS:
            ident[key] = [t for t in (_clean(v) for v in values) if t]
        elif group in signers:
            kept = (signers[group][group] or {}).get(sub)
            groups.setdefault(group, {})[sub] = _date(first, where, review, kept) if sub == "tanggal" else _clean(first)
        elif key in m.IDENTITY_DATE_FIELDS:
            ident[key] = _date(first, where, review, ident[key])
        else:
            ident[key] = _clean(first)
    for group, fields in (("disahkan_oleh", m.SIGNER_FIELDS), ("signature", m.SIGNATURE_FIELDS)):
        if group in groups:
            target = signers[group]
            merged = {f: groups[group].get(f, (target[group] or {}).get(f)) for f in fields}
            target[group] = merged if any(v is not None for v in merged.values()) else None


def _date(value: Any, where: str, review: _Review, keep: str | None) -> str | None:
    """An ISO date from a cell (Excel date, ``YYYY-MM-DD`` or ``DD/MM/YYYY``); ``keep`` when unreadable."""
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    text = _clean(value)
    if text is None or text in {"-", "–"}:
        return None
    dmy = _DMY_DATE.fullmatch(text)
    iso = f"{dmy[3]}-{int(dmy[2]):02d}-{int(dmy[1]):02d}" if dmy else text
    try:
        if _ISO_DATE.fullmatch(iso):
            date.fromisoformat(iso)
            return iso
    except ValueError:
        pass
    review.warn(VALUE_INVALID, where, f"date {text!r} is not YYYY-MM-DD; kept {keep or 'empty'}")
    return keep


# ..................................................................... Langkah
@dataclass
class _StepSheet:
    """The "Langkah" columns, by hidden key, and which role each role column stands for."""

    cols: dict[str, int]
    roles: dict[int, str]  # column index -> role id, for the columns of roles that still exist


def _key_row(rows: list[tuple[int, tuple[Any, ...]]], name: str) -> tuple[int, tuple[Any, ...]]:
    """The hidden row of column keys: row 2 as written, found by its content in case a sort moved it."""
    for r, row in rows:
        if {"no", "kegiatan", "_pos"} <= {_clean(v) for v in row}:
            return r, row
    raise InputFileError(f"{name}: the hidden key row of sheet 'Langkah' is gone; it is needed to read back")


def _step_columns(headers: tuple[Any, ...], keys: tuple[Any, ...], renamed: dict[str, str | None],
                  review: _Review) -> _StepSheet:
    final = {r["id"]: r for r in review.obj["roles"]}
    by_label = {k.casefold(): r["id"] for r in review.obj["roles"] for k in (r["id"], r["name"])}
    cols: dict[str, int] = {}
    roles: dict[int, str] = {}
    for i, (key, header) in enumerate(zip(keys, headers, strict=True)):  # openpyxl pads rows to one width
        key = _clean(key)
        if key and key.startswith(ROLE_PREFIX):
            old = key[len(ROLE_PREFIX):]
            new = renamed.get(old, old if old in final else None)
            if new is not None:
                roles[i] = new
        elif key:
            cols[key] = i
        elif _clean(header):
            found = by_label.get(_clean(header).casefold())
            if found is None:
                review.warn(ROLE_UNKNOWN, f"Langkah!{get_column_letter(i + 1)}1",
                            f"column {_clean(header)!r} is no role of the Peran sheet; its marks were not taken")
            elif found not in roles.values():
                roles[i] = found
    return _StepSheet(cols, roles)


def _read_steps(ws: Worksheet, original: dict[str, Any], renamed: dict[str, str | None], review: _Review) -> None:
    rows = _rows(ws, 1)
    key_r, keys = _key_row(rows, review.name)
    sheet = _step_columns(next((row for r, row in rows if r == 1), keys), keys, renamed, review)
    conv = Conventions(minutes_per_hour=original["conventions"]["minutes_per_hour"],
                       hours_per_day=original["conventions"]["hours_per_day"])
    deleted = {old for old, new in renamed.items() if new is None}
    steps = []
    for r, row in rows:
        if r in (1, key_r):
            continue
        cells = {key: (row[i] if i < len(row) else None) for key, i in sheet.cols.items()}
        marks = {rid: (row[i] if i < len(row) else None) for i, rid in sheet.roles.items()}
        refs = {key: f"Langkah!{get_column_letter(i + 1)}{r}" for key, i in sheet.cols.items()}
        pos = cells.get("_pos")
        before = original["steps"][pos] if isinstance(pos, int) and 0 <= pos < len(original["steps"]) else None
        if before is None:
            step, written, marks_edited = _new_step(len(steps)), {}, True
        else:
            step, written = json.loads(json.dumps(before)), _step_cells(before)
            expected = _marks({**before, "pelaksana": [renamed.get(p, p) for p in before["pelaksana"]]}, marks)
            marks_edited = any(not _same(marks[rid], expected[rid]) for rid in marks)
        row_edit = _RowEdit(step, cells, written, refs, f"Langkah!A{r}", review)
        row_edit.apply(conv, (before or {}).get("waktu"))
        if marks_edited:
            performers = {renamed.get(p, p) for p in step["pelaksana"]}
            _apply_marks(step, marks, f"Langkah!A{r}", review)
            if set(step["pelaksana"]) != performers and not row_edit.edited("pelaksana_evidence"):
                # the performers are now a reviewer's marks, not a drawn symbol or a guess
                step["pelaksana_evidence"] = "mark" if step["pelaksana"] else "none"
        step["pelaksana"] = [renamed.get(p, p) for p in step["pelaksana"] if p not in deleted]
        steps.append(step)
    review.obj["steps"] = steps


def _new_step(position: int) -> dict[str, Any]:
    """A step a reviewer added as a new row: numbered by its place until the row says otherwise."""
    return {"no": position + 1, "kegiatan": "", "pelaksana": [], "pelaksana_evidence": "none", "simbol": None,
            "kelengkapan": None, "waktu": None, "output": None, "keterangan": None, "next": [], "branches": None}


@dataclass
class _RowEdit:
    """One "Langkah" row applied to its step: each edited fixed cell parsed, the others left alone."""

    step: dict[str, Any]
    cells: dict[str, Any]
    written: dict[str, Any]
    refs: dict[str, str]
    row_ref: str
    review: _Review

    def edited(self, key: str) -> bool:
        return not _same(self.cells.get(key), self.written.get(key))

    def warn(self, key: str, message: str, code: str = VALUE_INVALID) -> None:
        self.review.warn(code, self.refs.get(key, self.row_ref), message, self.step["no"])

    def apply(self, conv: Conventions, waktu_before: dict[str, Any] | None) -> None:
        step, cells = self.step, self.cells
        if self.edited("no"):
            text = _text(cells.get("no")).strip()
            if _STEP_NO.fullmatch(text):
                step["no"] = int(float(text))
            else:
                self.warn("no", f"step number {text!r} is no whole number; kept {step['no']}")
        for key in ("kegiatan", "kelengkapan", "output", "keterangan"):
            if self.edited(key):
                step[key] = _clean(cells.get(key)) or ("" if key == "kegiatan" else None)
        if self.edited("pelaksana_evidence"):
            value = _clean(cells.get("pelaksana_evidence")) or "none"
            if value in m.EVIDENCE:
                step["pelaksana_evidence"] = value
            else:
                self.warn("pelaksana_evidence", f"evidence {value!r} is not one of {', '.join(m.EVIDENCE)}; "
                          f"kept {step['pelaksana_evidence']!r}")
        if self.edited("waktu"):
            self._waktu(conv, (waktu_before or {}).get("unit"))
        if self.edited("menit"):
            self._minutes()
        if self.edited("next"):
            self._next()
        if self.edited("branches"):
            self._branches()

    def _waktu(self, conv: Conventions, unit_hint: str | None) -> None:
        """A new duration text is read as extraction reads one; the old unit is the hint for a bare number."""
        parsed = parse_waktu(_text(self.cells.get("waktu")), conv, unit_hint)
        if parsed is None:
            self.step["waktu"] = None
            return
        self.step["waktu"] = {"raw": parsed.raw, "value": jsonio.number(parsed.value), "unit": parsed.unit,
                              "minutes": jsonio.number(parsed.minutes)}
        if parsed.problem:
            self.warn("waktu", parsed.problem, WAKTU_UNPARSED if parsed.value is None else "waktu-unit-assumed")

    def _minutes(self) -> None:
        """Minutes typed over the computed ones win; with no duration text they make one."""
        text = _text(self.cells.get("menit")).strip().replace(",", ".")
        try:
            value = float(text) if text else None
        except ValueError:
            value = -1.0
        if value is not None and not 0 <= value < 1e9:  # also refuses "nan" and "inf", which JSON cannot hold
            self.warn("menit", f"minutes {text!r} are no number of minutes; kept the computed ones")
            return
        minutes = jsonio.number(value)
        waktu = self.step["waktu"]
        if waktu is not None:
            waktu["minutes"] = minutes
        elif minutes is not None:
            self.step["waktu"] = {"raw": f"{minutes} menit", "value": minutes, "unit": "menit", "minutes": minutes}

    def _next(self) -> None:
        text = _text(self.cells.get("next"))
        parts = [p for p in re.split(r"[,;\s]+", text) if p]
        if all(_STEP_NO.fullmatch(p) for p in parts):
            self.step["next"] = [int(float(p)) for p in parts]
        else:
            self.warn("next", f"next steps {text!r} are not step numbers such as '3, 5'; kept {self.step['next']}")

    def _branches(self) -> None:
        text = _clean(self.cells.get("branches"))
        match = _BRANCH.fullmatch(text) if text else None
        if text is None:
            self.step["branches"] = None
        elif match:
            self.step["branches"] = {k: (None if v == "-" else int(v))
                                     for k, v in zip(("ya", "tidak"), match.groups(), strict=True)}
        else:
            kept = _branches_text(self.step["branches"]) or "none"
            self.warn("branches", f"branches {text!r} are not written as 'ya: 3; tidak: 2'; kept {kept}")


def _apply_marks(step: dict[str, Any], marks: dict[str, Any], where: str, review: _Review) -> None:
    """Performers and symbol from the row's role cells; a symbol no cell names leaves ``simbol`` empty."""
    performers, symbols = [], []
    for role_id, value in marks.items():
        text = _clean(value)
        if text is None:
            continue
        performers.append(role_id)
        kind = text.casefold()
        if kind in m.SIMBOL:
            symbols.append(kind)
        elif kind not in PERFORMER_ALIASES:
            review.warn(VALUE_INVALID, where, f"mark {text!r} is no symbol kind ({', '.join(MARKS)}); "
                        "taken as performer with no symbol", step["no"])
    if len(set(symbols)) > 1:
        review.warn(VALUE_INVALID, where, f"the role cells name different symbols "
                    f"({', '.join(dict.fromkeys(symbols))}); {symbols[0]!r} taken", step["no"])
    step["pelaksana"] = performers
    step["simbol"] = symbols[0] if symbols else None
