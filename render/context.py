"""The template context: one SOP of the model as the plain dict a Word template reads.

Everything the template prints is prepared here, already formatted for
display (Indonesian dates, "-" for absent identity fields, the total time),
so a template an office edits in Word needs no logic beyond loops and the
occasional ``if``. ``templates/make_template.py`` documents the variables for
template authors.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sopbaku.model import IDENTITY_LIST_FIELDS, SopSet
from sopbaku.render import fmt

#: The printed stand-in for each flowchart symbol, for templates whose flowchart table the renderer does not
#: draw in (no ``sop-flowchart`` alt-text title): the shipped template's role cells get native shapes instead.
#: Only glyphs that common fonts carry (DejaVu, Segoe UI Symbol): the capsule
#: "⬭" would be the exact terminator but is missing from most fonts, so the
#: rounded square stands for it.
SYMBOL_MARK = {"terminator": "▢", "process": "▭", "decision": "◇", "connector": "○"}
#: The mark for a known performer whose symbol was not recovered.
PERFORMER_MARK = "✓"


def role_mark(step: Any, role_id: str) -> str:
    """What the role's cell of a flowchart row shows: the step's symbol if the role performs it.

    Used as text by custom templates; the shipped one replaces it with the
    drawn symbol (:mod:`sopbaku.render.flowchart`).
    """
    if role_id not in step.pelaksana:
        return ""
    return SYMBOL_MARK.get(step.simbol, PERFORMER_MARK)


def waktu_text(raw: str | None, unit: str | None) -> str:
    """The Waktu cell: the duration as printed, with the unit added to a bare number.

    A bare "15" under a "Waktu (menit)" header loses its unit once it sits in a
    table without that header, so the model's unit is appended; anything with
    words ("2 Hari", "1-2 jam") is shown as the source wrote it.
    """
    if not raw:
        return ""
    if unit and not any(ch.isalpha() for ch in raw):
        return f"{raw} {unit}"
    return raw


def total_waktu(steps: pd.DataFrame, minutes_per_hour: int, hours_per_day: float) -> str:
    """The line under the table: the sum of the steps' durations, and what it leaves out."""
    known = steps["waktu_minutes"].dropna()
    if known.empty:
        return "Jumlah waktu: -"
    text = f"Jumlah waktu: {fmt.durasi(float(known.sum()), minutes_per_hour, hours_per_day)}"
    notes = []
    if float(known.sum()) >= minutes_per_hour * hours_per_day:
        notes.append(f"1 hari kerja = {fmt.angka(hours_per_day)} jam")
    missing = len(steps) - len(known)
    if missing:
        notes.append(f"{missing} kegiatan tanpa waktu tidak dihitung")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _text(value: str | None) -> str:
    return value if value else fmt.KOSONG


def _in_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows by position; the model keeps them in order already, and sorting would copy the table anyway."""
    return rows if rows["position"].is_monotonic_increasing else rows.sort_values("position")


def _roles(sops: SopSet, sop: int) -> list[dict[str, str]]:
    roles = _in_order(sops.roles[sops.roles["sop"] == sop])
    return [{"id": r.role_id, "name": r.name} for r in roles.itertuples()]


def _step(step: Any, roles: list[dict[str, str]]) -> dict[str, Any]:
    """A flowchart row: its printed texts, plus what the drawn flowchart needs (columns, symbol, exits)."""
    return {
        "no": int(step.no),
        "kegiatan": step.kegiatan,
        "marks": [role_mark(step, r["id"]) for r in roles],
        "kelengkapan": step.kelengkapan or "",
        "waktu": waktu_text(step.waktu_raw, step.waktu_unit),
        "output": step.output or "",
        "keterangan": step.keterangan or "",
        "columns": [i for i, r in enumerate(roles) if r["id"] and r["id"] in step.pelaksana],
        "simbol": step.simbol,
        "next": [int(n) for n in step.next],
        "branch_ya": _opt(step.branch_ya) if step.is_decision else None,
        "branch_tidak": _opt(step.branch_tidak) if step.is_decision else None,
    }


def _opt(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _person(row: pd.Series, prefix: str, present: bool) -> dict[str, str]:
    """A signer (jabatan, nama, nip) with empty strings where unknown, so the template can test them."""
    return {f: (row[f"{prefix}_{f}"] or "") if present else "" for f in ("jabatan", "nama", "nip")}


def _tempat_tanggal(row: pd.Series) -> str:
    """The place-and-date line above a signature ("Bungaraya, 4 Januari 2022"), empty when unknown."""
    if not row["has_signature"]:
        return ""
    when = fmt.tanggal(row["signature_tanggal"]) if row["signature_tanggal"] else ""
    return ", ".join(t for t in (row["signature_tempat"], when) if t)


def sop_context(sops: SopSet, sop: int) -> dict[str, Any]:
    """Everything the SOP AP template needs for SOP ``sop``, formatted for print."""
    rows = sops.sops[sops.sops["sop"] == sop]
    if rows.empty:
        raise KeyError(f"no SOP with key {sop} in this set")
    row = rows.iloc[0]
    roles = _roles(sops, sop)
    steps = _in_order(sops.steps[sops.steps["sop"] == sop])
    # A table with no role columns still needs one Pelaksana column to be a valid grid.
    columns = roles or [{"id": "", "name": ""}]
    signature = {**_person(row, "signature", bool(row["has_signature"])),
                 "tempat_tanggal": _tempat_tanggal(row)}
    return {
        "instansi": row["instansi"] or "",
        "unit": row["unit"] or "",
        "nomor": _text(row["nomor"]),
        "nama": _text(row["nama"]),
        "judul": f"SOP {row['nama']}" if row["nama"] else "SOP",
        "tanggal_pembuatan": fmt.tanggal(row["tanggal_pembuatan"]),
        "tanggal_revisi": fmt.tanggal(row["tanggal_revisi"]),
        "tanggal_efektif": fmt.tanggal(row["tanggal_efektif"]),
        "tanggal_pengesahan": fmt.tanggal(row["tanggal_pengesahan"]),
        "disahkan": _person(row, "disahkan", bool(row["has_disahkan_oleh"])),
        **{f: list(row[f]) for f in IDENTITY_LIST_FIELDS},
        "roles": columns,
        "n_roles": len(columns),
        "steps": [_step(s, columns) for s in steps.itertuples()],
        "total_waktu": total_waktu(steps, int(row["minutes_per_hour"]), float(row["hours_per_day"])),
        "has_signature": bool(row["has_signature"]),
        "signature": signature,
    }

