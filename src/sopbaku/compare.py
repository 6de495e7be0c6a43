"""Two versions of the same SOPs compared: what a reviewer must look at before signing.

Model-level work: :func:`compare` is pure, takes two :class:`~sopbaku.model.SopSet`\\ s
and returns typed dataclasses; the terminal, HTML and JSON views only present
them. :func:`load_side` is the one place that reads a side from disk (JSON, a
folder of JSON, or a source through the extract function the caller passes).

Alignment is what makes a diff readable: a step inserted at the top must read
as one insertion, not as every later row changing. So

* SOPs are paired by nomor, then nama (exact, then fuzzy: OCR misreads
  titles), then the leftovers in order;
* steps are paired by text similarity (rapidfuzz ``fuzz.ratio`` on the
  kegiatan, helped by the other cells), greedily from the most similar pair
  down, so a step keeps its partner wherever it went; leftovers between the
  same two anchors are paired in order as edited rows (a rewritten kegiatan is
  still the same row of the table);
* a paired step is *moved* when it falls outside the longest run of pairs in
  the same order (difflib's matching blocks over the pair order), and
  *renumbered* only when its number changed by more than its shift in
  position explains: renumbering that follows from an insertion is not news;
* ``next``/``branches`` are compared through the pairing, and plain
  "go to the following row" flow on both sides is not compared at all, since
  insertions, deletions and moves already say that the order changed.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from rapidfuzz import fuzz

from sopbaku import jsonio
from sopbaku.errors import InputFileError
from sopbaku.fields import (
    IDENTITY_DATE_FIELDS,
    IDENTITY_LIST_FIELDS,
    IDENTITY_TEXT_FIELDS,
    SIGNATURE_FIELDS,
    SIGNER_FIELDS,
)
from sopbaku.model import SopSet

#: Below this combined similarity (0-100) two steps are not the same step.
STEP_MATCH_MIN = 60.0
#: Names at least this similar (0-100) pair two SOPs that have no matching nomor.
NAMA_MATCH_MIN = 90.0
#: The cells of a step compared one by one, in the table's order.
STEP_CELLS = ("kegiatan", "pelaksana", "simbol", "kelengkapan", "waktu", "output", "keterangan", "flow")

StepStatus = Literal["same", "changed", "inserted", "deleted"]
SopStatus = Literal["paired", "added", "removed"]


@dataclass(frozen=True)
class CellChange:
    """One cell (or identity field) that differs, shown ``old -> new``."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class RoleChange:
    """A Pelaksana column added, removed or renamed (roles are matched by id)."""

    kind: Literal["added", "removed", "renamed"]
    role_id: str
    old: str | None
    new: str | None


@dataclass
class StepView:
    """One side of an aligned step: its number and cells as a reviewer reads them."""

    no: int
    position: int
    cells: dict[str, str | None]
    minutes: float | None


@dataclass
class StepDiff:
    """One row of the aligned table: a step on either side, both, and what changed."""

    old: StepView | None
    new: StepView | None
    moved: bool = False
    renumbered: bool = False
    changes: list[CellChange] = field(default_factory=list)

    @property
    def status(self) -> StepStatus:
        if self.old is None:
            return "inserted"
        if self.new is None:
            return "deleted"
        return "changed" if self.changes else "same"

    @property
    def minutes_delta(self) -> float | None:
        """The change in this step's time, when both sides have a time."""
        if self.old and self.new and self.old.minutes is not None and self.new.minutes is not None:
            return self.new.minutes - self.old.minutes
        return None

    @property
    def is_edit(self) -> bool:
        return self.status != "same" or self.moved or self.renumbered

    def kinds(self) -> list[str]:
        """The kinds of edit, e.g. ``["moved", "renumbered"]``; empty for an untouched step."""
        out = [self.status] if self.status != "same" else []
        return out + [k for k, on in (("moved", self.moved), ("renumbered", self.renumbered)) if on]


@dataclass
class SopDiff:
    """One SOP on either side or both: identity, roles, steps and total time compared."""

    title: str
    status: SopStatus
    old_source: str | None
    new_source: str | None
    identity: list[CellChange] = field(default_factory=list)
    roles: list[RoleChange] = field(default_factory=list)
    steps: list[StepDiff] = field(default_factory=list)
    old_minutes: float | None = None
    new_minutes: float | None = None

    @property
    def same(self) -> bool:
        return (self.status == "paired" and not self.identity and not self.roles
                and not any(s.is_edit for s in self.steps) and self.old_minutes == self.new_minutes)

    @property
    def minutes_delta(self) -> float | None:
        if self.old_minutes is None or self.new_minutes is None:
            return None
        return self.new_minutes - self.old_minutes


@dataclass
class Diff:
    """Everything that differs between version A (old) and B (new)."""

    old_label: str
    new_label: str
    sops: list[SopDiff]

    @property
    def same(self) -> bool:
        return all(s.same for s in self.sops)

    def to_json(self) -> dict[str, Any]:
        """A plain dict for programs: every dataclass field, plus the derived status and kinds."""
        sops = []
        for sop in self.sops:
            data = asdict(sop)
            data.update(same=sop.same, minutes_delta=sop.minutes_delta)
            for step, raw in zip(sop.steps, data["steps"], strict=True):
                raw.update(status=step.status, kinds=step.kinds(), minutes_delta=step.minutes_delta)
            sops.append(data)
        return {"old": self.old_label, "new": self.new_label, "same": self.same, "sops": sops}


# --------------------------------------------------------------------------- loading
def load_side(path: Path, extract: Callable[[Path], SopSet]) -> SopSet:
    """One side of a diff: a `sopbaku/1` JSON file, a folder of them (as ``run`` writes), or a
    source document read with ``extract``."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise InputFileError(f"{path.name}: the folder holds no sopbaku/1 JSON output")
        return SopSet.concat([jsonio.read_json(p) for p in files])
    if not path.exists():
        raise InputFileError(f"{path.name}: no such file or folder")
    if path.suffix.lower() == ".json":
        return jsonio.read_json(path)
    return extract(path)


# --------------------------------------------------------------------------- compare
def compare(old: SopSet, new: SopSet, old_label: str = "A", new_label: str = "B") -> Diff:
    """The differences from ``old`` to ``new``, SOP by SOP."""
    out = []
    for a, b in _pair_sops(old, new):
        out.append(_compare_sop(old.one(a) if a is not None else None, new.one(b) if b is not None else None))
    return Diff(old_label, new_label, out)


def _clean(text: Any) -> str:
    """Whitespace does not count as a change: exports and OCR break lines differently."""
    return " ".join(str(text).split()) if text is not None else ""


def _norm(text: Any) -> str:
    return _clean(text).casefold()


def _pair_sops(old: SopSet, new: SopSet) -> list[tuple[int | None, int | None]]:
    """Pairs of ``sop`` keys (None for a side that lacks it), in the order of ``old`` then the added."""
    left = {int(r.sop): r for r in old.sops.itertuples()}
    right = {int(r.sop): r for r in new.sops.itertuples()}
    pairs: dict[int, int] = {}

    def match(key: Callable[[Any], str], similar: Callable[[str, str], bool]) -> None:
        for a, ra in left.items():
            if a in pairs or not key(ra):
                continue
            for b, rb in right.items():
                if b not in pairs.values() and key(rb) and similar(key(ra), key(rb)):
                    pairs[a] = b
                    break

    match(lambda r: _norm(r.nomor), str.__eq__)
    match(lambda r: _norm(r.nama), str.__eq__)
    match(lambda r: _norm(r.nama), lambda x, y: fuzz.ratio(x, y) >= NAMA_MATCH_MIN)
    rest_a = [a for a in left if a not in pairs]
    rest_b = [b for b in right if b not in pairs.values()]
    for a, b in zip(rest_a, rest_b, strict=False):  # no identity to go by: the order of the inputs
        pairs[a] = b
    out: list[tuple[int | None, int | None]] = [(a, pairs.get(a)) for a in left]
    out += [(None, b) for b in right if b not in pairs.values()]
    return out


def _title(sops: pd.DataFrame) -> str:
    row = sops.iloc[0]
    parts = [str(v) for v in (row["nomor"], row["nama"]) if v]
    return " ".join(parts) if parts else str(row["source_file"])


def _compare_sop(old: SopSet | None, new: SopSet | None) -> SopDiff:
    either = old if old is not None else new
    assert either is not None
    names = {r.role_id: r.name for s in (old, new) if s is not None for r in s.roles.itertuples()}
    status: SopStatus = "paired" if old is not None and new is not None else ("removed" if new is None else "added")
    diff = SopDiff(
        title=_title((new if new is not None else either).sops),  # the new title when there is one
        status=status,
        old_source=str(old.sops.iloc[0]["source_file"]) if old is not None else None,
        new_source=str(new.sops.iloc[0]["source_file"]) if new is not None else None,
        old_minutes=_total(old), new_minutes=_total(new),
    )
    old_steps = _views(old, names)
    new_steps = _views(new, names)
    if old is not None and new is not None:
        diff.identity = _identity_changes(old.sops.iloc[0], new.sops.iloc[0])
        diff.roles = _role_changes(old.roles, new.roles)
        diff.steps = _align_steps(old_steps, new_steps, old.steps, new.steps)
    else:
        diff.steps = ([StepDiff(v, None) for v in old_steps] if new is None else [StepDiff(None, v) for v in new_steps])
    return diff


def _total(sops: SopSet | None) -> float | None:
    if sops is None or not len(sops.steps):
        return None
    minutes = sops.steps["waktu_minutes"].dropna()
    return float(minutes.sum()) if len(minutes) else None


# --------------------------------------------------------------------------- identity, roles
def _identity_value(row: pd.Series, name: str) -> str | None:
    value = row[name]
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if value else None
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _identity_fields(row: pd.Series) -> dict[str, str | None]:
    out = {f: _identity_value(row, f) for f in (*IDENTITY_TEXT_FIELDS, *IDENTITY_DATE_FIELDS)}
    out.update({f"disahkan_oleh.{f}": _identity_value(row, f"disahkan_{f}") for f in SIGNER_FIELDS})
    out.update({f: _identity_value(row, f) for f in IDENTITY_LIST_FIELDS})
    out.update({f"signature.{f}": _identity_value(row, f"signature_{f}") for f in SIGNATURE_FIELDS})
    return out


def _identity_changes(old: pd.Series, new: pd.Series) -> list[CellChange]:
    a, b = _identity_fields(old), _identity_fields(new)
    return [CellChange(f, a[f], b[f]) for f in a if _clean(a[f]) != _clean(b[f])]


def _role_changes(old: pd.DataFrame, new: pd.DataFrame) -> list[RoleChange]:
    a = {r.role_id: r.name for r in old.sort_values("position").itertuples()}
    b = {r.role_id: r.name for r in new.sort_values("position").itertuples()}
    out = [RoleChange("removed", rid, name, None) for rid, name in a.items() if rid not in b]
    out += [RoleChange("renamed", rid, a[rid], b[rid]) for rid in a if rid in b and a[rid] != b[rid]]
    out += [RoleChange("added", rid, None, name) for rid, name in b.items() if rid not in a]
    return out


# --------------------------------------------------------------------------- steps
def _views(sops: SopSet | None, names: dict[str, str]) -> list[StepView]:
    if sops is None:
        return []
    steps = sops.steps.sort_values("position")
    return [StepView(int(s.no), i, _cells(s, names), None if pd.isna(s.waktu_minutes) else float(s.waktu_minutes))
            for i, s in enumerate(steps.itertuples())]


def _cells(s: Any, names: dict[str, str]) -> dict[str, str | None]:
    return {
        "kegiatan": s.kegiatan or None,
        "pelaksana": ", ".join(names.get(r, r) for r in s.pelaksana) or None,
        "simbol": s.simbol,
        "kelengkapan": s.kelengkapan,
        "waktu": s.waktu_raw,
        "output": s.output,
        "keterangan": s.keterangan,
        "flow": None,  # filled by _flow_texts once steps are paired
    }


def _similarity(a: StepView, b: StepView) -> float:
    """0-100: mostly the kegiatan, the other cells breaking ties between look-alike rows."""
    rest = ("pelaksana", "kelengkapan", "output", "waktu")
    kegiatan = fuzz.ratio(_norm(a.cells["kegiatan"]), _norm(b.cells["kegiatan"]))
    others = fuzz.ratio(" | ".join(_norm(a.cells[c]) for c in rest), " | ".join(_norm(b.cells[c]) for c in rest))
    return 0.8 * kegiatan + 0.2 * others


def _pair_steps(old: list[StepView], new: list[StepView]) -> dict[int, int]:
    """Old position -> new position: most similar pairs first, then leftovers between the same anchors."""
    scored = sorted(((_similarity(a, b), -abs(a.position - b.position), a.position, b.position)
                     for a in old for b in new), reverse=True)
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for score, _, i, j in scored:
        if score < STEP_MATCH_MIN:
            break
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    anchors = [(-1, -1), *sorted(_in_order(pairs)), (len(old), len(new))]
    for (i0, j0), (i1, j1) in itertools.pairwise(anchors):
        free_old = [i for i in range(i0 + 1, i1) if i not in pairs]
        free_new = [j for j in range(j0 + 1, j1) if j not in taken]
        if len(free_old) == len(free_new):  # a replaced block: the same rows, rewritten
            for i, j in zip(free_old, free_new, strict=True):
                pairs[i] = j
                taken.add(j)
    return pairs


def _in_order(pairs: dict[int, int]) -> set[tuple[int, int]]:
    """The largest set of pairs whose order is the same on both sides (the rest moved)."""
    olds = sorted(pairs)
    a = [pairs[i] for i in olds]
    b = sorted(a)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    kept = {a[block.a + k] for block in matcher.get_matching_blocks() for k in range(block.size)}
    return {(i, pairs[i]) for i in olds if pairs[i] in kept}


def _align_steps(old: list[StepView], new: list[StepView], old_df: pd.DataFrame, new_df: pd.DataFrame) -> list[
        StepDiff]:
    pairs = _pair_steps(old, new)
    ordered = _in_order(pairs)
    _flow_texts(old, new, old_df, new_df, pairs)
    by_new: dict[int, StepDiff] = {}
    for i, j in pairs.items():
        a, b = old[i], new[j]
        changes = [CellChange(c, a.cells[c], b.cells[c]) for c in STEP_CELLS
                   if _clean(a.cells[c]) != _clean(b.cells[c])]
        renumbered = a.no != b.no and (b.no - a.no) != (b.position - a.position)
        by_new[j] = StepDiff(a, b, moved=(i, j) not in ordered, renumbered=renumbered, changes=changes)
    rows: list[StepDiff] = []
    deleted = [StepDiff(a, None) for a in old if a.position not in pairs]
    for j, b in enumerate(new):
        # a deleted step is shown where it stood: before the first new row that came after it
        while deleted and _goes_before(deleted[0].old, j, ordered):
            rows.append(deleted.pop(0))
        rows.append(by_new.get(j) or StepDiff(None, b))
    return rows + deleted


def _goes_before(step: StepView | None, j: int, ordered: set[tuple[int, int]]) -> bool:
    """Whether a deleted step is shown before new row ``j``: the next step that kept its place comes at or
    before ``j`` (steps that moved away are no landmark)."""
    assert step is not None
    later = [nj for i, nj in ordered if i > step.position]
    return bool(later) and min(later) <= j


def _flow_texts(old: list[StepView], new: list[StepView], old_df: pd.DataFrame, new_df: pd.DataFrame,
                pairs: dict[int, int]) -> None:
    """Fill the ``flow`` cell of both sides where it is worth comparing.

    Old flow is written in new numbers (through the pairing, skipping deleted
    steps), new flow skips inserted ones, so both sides speak of the same
    steps; flow that just goes to the next row on both sides stays empty.
    """
    old_rows = list(old_df.sort_values("position").itertuples())
    new_rows = list(new_df.sort_values("position").itertuples())
    old_to_new = {old[i].no: new[j].no for i, j in pairs.items()}
    kept_new = {new[j].no for j in pairs.values()}
    old_next = _successors(old_rows, set(old_to_new))
    new_next = _successors(new_rows, kept_new)
    for i, j in pairs.items():
        a, b = old_rows[i], new_rows[j]
        if _sequential(old_rows, i) and _sequential(new_rows, j):
            continue
        old[i].cells["flow"] = _flow_text(a, [old_to_new.get(n, n) for n in old_next[i]],
                                          old_to_new.get(_opt(a.branch_ya)), old_to_new.get(_opt(a.branch_tidak)))
        new[j].cells["flow"] = _flow_text(b, new_next[j], _opt(b.branch_ya), _opt(b.branch_tidak))


def _opt(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _sequential(rows: list[Any], i: int) -> bool:
    following = [rows[i + 1].no] if i + 1 < len(rows) else []
    return not rows[i].is_decision and list(rows[i].next) == following


def _successors(rows: list[Any], kept: set[int]) -> list[list[int]]:
    """Each row's ``next``, passing through steps that exist on one side only."""
    by_no = {r.no: r for r in rows}

    def follow(n: int, seen: frozenset[int]) -> Iterable[int]:
        if n in kept or n not in by_no:
            yield n
        elif n not in seen:
            for m in by_no[n].next:
                yield from follow(m, seen | {n})

    return [list(dict.fromkeys(m for n in r.next for m in follow(n, frozenset()))) for r in rows]


def _flow_text(row: Any, nexts: list[int], ya: int | None, tidak: int | None) -> str:
    if row.is_decision:
        return f"ya → {ya if ya is not None else '-'}, tidak → {tidak if tidak is not None else '-'}"
    return "→ " + ", ".join(str(n) for n in nexts) if nexts else "selesai"
