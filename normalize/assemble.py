"""Raw document -> canonical model: where the normalizers meet.

Pure functions, no I/O. Every problem that could be recovered from is a
warning row in the model (codes as in the spec), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from sopbaku.config import Settings
from sopbaku.model import IDENTITY_LIST_FIELDS, SopSet, frame
from sopbaku.normalize import flow, identity
from sopbaku.normalize.durations import parse_waktu
from sopbaku.normalize.roles import ResolvedRoles, load_registry, resolve_segments, role_named
from sopbaku.normalize.text import clean_text
from sopbaku.raw import RawDocument, RawRow, RawSop

#: Below this similarity (0-100) the identity page's Nama SOP and the table title differ.
TITLE_MISMATCH_BELOW = 85.0


@dataclass
class _Out:
    """Rows of the four tables for one SOP, collected while normalizing."""

    sop: int
    roles: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, code: str, message: str, step: int | None = None) -> None:
        self.warnings.append({"sop": self.sop, "code": code, "step": step, "message": message})


def build(doc: RawDocument, settings: Settings) -> SopSet:
    """The canonical model of every SOP in ``doc``."""
    sops, roles, steps, warnings = [], [], [], []
    for k, raw in enumerate(doc.sops):
        out = _Out(k)
        sops.append(_sop_row(doc, raw, out, settings))
        resolved = _roles(raw, out, settings)
        _steps(raw, resolved, out, settings)
        roles += out.roles
        steps += out.steps
        warnings += out.warnings
    return SopSet(frame("sops", sops), frame("roles", roles), frame("steps", steps), frame("warnings", warnings))


# --------------------------------------------------------------------------- identity
def _nama(raw: RawSop, out: _Out) -> str | None:
    page_name = identity.clean_nama(raw.identity.get("nama"))
    title = identity.clean_nama(raw.title)
    if raw.identity_shared and title:
        return title
    if page_name and title and fuzz.ratio(page_name.casefold(), title.casefold()) < TITLE_MISMATCH_BELOW:
        out.warn("title-mismatch", f"Identity page Nama SOP is '{page_name}' but the flowchart table is titled "
                                   f"'{raw.title}'; identity name used.")
    return page_name or title


def _sop_row(doc: RawDocument, raw: RawSop, out: _Out, settings: Settings) -> dict[str, Any]:
    ident = raw.identity
    signer = identity.parse_signer(ident.get("disahkan_oleh"))
    signature = identity.parse_signature(raw.signature)
    conv = settings.conventions
    row: dict[str, Any] = {
        "sop": out.sop,
        "source_file": doc.file,
        "source_sha256": doc.sha256,
        "source_format": doc.format,
        "source_pages": list(raw.pages),
        "instansi": clean_text(ident.get("instansi")),
        "unit": clean_text(ident.get("unit")),
        "nomor": clean_text(ident.get("nomor")),
        "nama": _nama(raw, out),
        "has_disahkan_oleh": signer is not None,
        **{f"disahkan_{f}": (signer or {}).get(f) for f in ("jabatan", "nama", "nip")},
        **{f: identity.split_items(ident.get(f)) for f in IDENTITY_LIST_FIELDS},
        "has_signature": signature is not None,
        **{f"signature_{f}": (signature or {}).get(f) for f in ("tempat", "tanggal", "jabatan", "nama", "nip")},
        "minutes_per_hour": conv.minutes_per_hour,
        "hours_per_day": float(conv.hours_per_day),
        "extra": None,
    }
    for key in ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan"):
        text = clean_text(ident.get(key))
        row[key] = identity.parse_date(text)
        if text and row[key] is None:
            out.warn("date-unparsed", f"'{key}' reads '{text}', which is not a date; left empty.")
    return row


# --------------------------------------------------------------------------- roles
def _roles(raw: RawSop, out: _Out, settings: Settings) -> ResolvedRoles:
    registry = load_registry(settings.roles.extra_registry)
    resolved = resolve_segments([seg.role_labels for seg in raw.segments], registry,
                                settings.roles.match_threshold)
    for pos, role in enumerate(resolved.roles):
        out.roles.append({"sop": out.sop, "position": pos, "role_id": role.id, "name": role.name,
                          "labels": resolved.labels[role.id]})
    for label in resolved.unknown:
        out.warn("role-unknown", f"Role label '{label}' is not in the registry; kept as its own role.")
    return resolved


# --------------------------------------------------------------------------- steps
def _performers(row: RawRow, resolved: ResolvedRoles) -> tuple[list[str], str, str | None]:
    """(role ids, evidence, simbol) from the marks drawn in the row's role columns."""
    columns = resolved.columns[row.segment] if row.segment < len(resolved.columns) else []
    ids: list[str] = []
    shapes = [m.shape for m in row.marks if m.kind == "symbol" and m.shape]
    for mark in row.marks:
        rid = columns[mark.column] if 0 <= mark.column < len(columns) else None
        if rid and rid not in ids:
            ids.append(rid)
    if not ids:
        return [], "none", None
    evidence = "symbol" if any(m.kind == "symbol" for m in row.marks) else "mark"
    return ids, evidence, (shapes[0] if shapes else None)


def _unit_hints(raw: RawSop) -> list[str | None]:
    """Per segment, the unit its Waktu header names; a later header without one inherits the SOP's."""
    first = next((s.waktu_unit for s in raw.segments if s.waktu_unit), None)
    return [s.waktu_unit or first for s in raw.segments]


def _steps(raw: RawSop, resolved: ResolvedRoles, out: _Out, settings: Settings) -> None:
    numbers = flow.number_steps([r.no for r in raw.rows])
    for note in raw.notes:
        on_row = note.row is not None and 0 <= note.row < len(numbers)
        out.warn(note.code, note.message, numbers[note.row].no if on_row else None)
    hints = _unit_hints(raw)
    rows: list[dict[str, Any]] = []
    for pos, (row, num) in enumerate(zip(raw.rows, numbers, strict=True)):
        if num.problem and not any(w["code"] == num.problem and w["step"] == num.no for w in out.warnings):
            out.warn(num.problem, num.message or num.problem, num.no)
        hint = hints[row.segment] if row.segment < len(hints) else None
        waktu = parse_waktu(row.waktu, settings.conventions, hint)
        if waktu is not None and waktu.problem:
            out.warn("waktu-unparsed" if waktu.value is None else "waktu-unit-assumed", waktu.problem, num.no)
        pelaksana, evidence, simbol = _performers(row, resolved)
        kegiatan = clean_text(row.kegiatan) or ""
        rows.append({
            "sop": out.sop, "position": pos, "no": num.no, "kegiatan": kegiatan,
            "pelaksana": pelaksana, "pelaksana_evidence": evidence, "simbol": simbol,
            "kelengkapan": clean_text(row.kelengkapan),
            "waktu_raw": waktu.raw if waktu else None,
            "waktu_value": waktu.value if waktu else None,
            "waktu_unit": waktu.unit if waktu else None,
            "waktu_minutes": waktu.minutes if waktu else None,
            "output": clean_text(row.output), "keterangan": clean_text(row.keterangan),
            "next": [], "is_decision": simbol == "decision" or flow.is_decision_text(kegiatan),
            "branch_ya": None, "branch_tidak": None,
            "provenance": _provenance(row),
            "extra": None,
        })
        if row.confidence is not None and row.confidence < 60:
            out.warn("ocr-low-confidence", f"Row read with low OCR confidence ({row.confidence:.0f}).", num.no)
    _link(raw, rows, resolved, out, settings)
    out.steps.extend(rows)


def _provenance(row: RawRow) -> dict[str, Any] | None:
    prov = {k: v for k, v in (("page", row.prov.page), ("line", row.prov.line),
                              ("bbox", list(row.prov.bbox) if row.prov.bbox else None)) if v is not None}
    return prov or None


def _link(raw: RawSop, rows: list[dict[str, Any]], resolved: ResolvedRoles, out: _Out, settings: Settings) -> None:
    """Fill ``next`` and ``branches``: drawn arrows first, then the table order and the text."""
    nos = [r["no"] for r in rows]
    arrows: dict[int, list[tuple[int, str]]] = {}
    for a in raw.arrows:
        if 0 <= a.from_row < len(rows) and 0 <= a.to_row < len(rows):
            arrows.setdefault(a.from_row, []).append((nos[a.to_row], a.label.strip().lower()))
    for i, row in enumerate(rows):
        following = nos[i + 1] if i + 1 < len(rows) else None
        drawn = arrows.get(i, [])
        if row["is_decision"]:
            ya = next((to for to, label in drawn if label.startswith("y")), following)
            tidak = next((to for to, label in drawn if label.startswith("t") or label.startswith("n")), None)
            if tidak is None:
                tidak = flow.tidak_target_from_text(row["kegiatan"]) or _returned_to_step(rows, i, resolved, settings)
            if tidak is None:
                out.warn("branch-unresolved", "Decision without a 'tidak' target: no arrow drawn, and the text names "
                         "no step and no earlier performer to return to; left empty.", row["no"])
            row["branch_ya"], row["branch_tidak"] = ya, tidak
            row["next"] = [n for n in (ya, tidak) if n is not None]
        elif drawn:
            row["next"] = sorted({to for to, _ in drawn}, key=nos.index)
        else:
            row["next"] = [following] if following is not None else []


def _returned_to_step(rows: list[dict[str, Any]], i: int, resolved: ResolvedRoles, settings: Settings) -> int | None:
    """The latest earlier step performed by the role a rejected piece of work goes back to."""
    who = flow.returned_to_phrase(rows[i]["kegiatan"])
    if not who or not any(r["pelaksana"] for r in rows[:i]):
        return None
    registry = load_registry(settings.roles.extra_registry)
    role_id = role_named(who, resolved, registry, settings.roles.match_threshold)
    if role_id is None:
        return None
    return next((r["no"] for r in reversed(rows[:i]) if role_id in r["pelaksana"]), None)
