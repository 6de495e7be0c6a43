"""The `sopbaku/1` JSON exchange format (../shared/spec/sop-json.md) in and out.

:func:`to_json` and :func:`from_json` are exact inverses on any document that
follows the spec: keys the spec does not name are kept in the ``extra``
columns and written back in place, and numbers keep their integer/float kind,
so JSON -> model -> JSON is lossless.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sopbaku import model as m
from sopbaku.errors import InputFileError

_SOP_KEYS = ("schema", "source", "identity", "roles", "steps", "signature", "conventions", "warnings")
_STEP_KEYS = ("no", "kegiatan", "pelaksana", "pelaksana_evidence", "simbol", "kelengkapan", "waktu",
              "output", "keterangan", "next", "branches")
_IDENTITY_KEYS = (*m.IDENTITY_TEXT_FIELDS, *m.IDENTITY_DATE_FIELDS, "disahkan_oleh", *m.IDENTITY_LIST_FIELDS)


def number(x: float | None) -> int | float | None:
    """A float that is a whole number written as an int (``2`` not ``2.0``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return int(x) if float(x).is_integer() else float(x)


def _opt_int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _extra(d: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any] | None:
    rest = {k: v for k, v in d.items() if k not in known}
    return rest or None


# --------------------------------------------------------------------------- out
def sop_to_dict(sets: m.SopSet, sop: int) -> dict[str, Any]:
    """One SOP of the model as a `sopbaku/1` object, keys in the spec's order."""
    row = sets.sops[sets.sops["sop"] == sop].iloc[0]
    identity: dict[str, Any] = {f: row[f] for f in (*m.IDENTITY_TEXT_FIELDS, *m.IDENTITY_DATE_FIELDS)}
    identity["disahkan_oleh"] = (
        {f: row[f"disahkan_{f}"] for f in m.SIGNER_FIELDS} if row["has_disahkan_oleh"] else None
    )
    identity.update({f: list(row[f]) for f in m.IDENTITY_LIST_FIELDS})
    extra = row["extra"] or {}
    identity.update(extra.get("identity", {}))

    roles = [
        {"id": r.role_id, "name": r.name, "labels": list(r.labels)}
        for r in sets.roles[sets.roles["sop"] == sop].sort_values("position").itertuples()
    ]
    steps = [_step_to_dict(s) for s in sets.steps[sets.steps["sop"] == sop].sort_values("position").itertuples()]
    warnings = [
        {"code": w.code, "step": _opt_int(w.step), "message": w.message}
        for w in sets.warnings[sets.warnings["sop"] == sop].itertuples()
    ]
    out: dict[str, Any] = {
        "schema": m.SCHEMA_ID,
        "source": {
            "file": row["source_file"],
            "sha256": row["source_sha256"],
            "format": row["source_format"],
            "pages": list(row["source_pages"]),
            **extra.get("source", {}),
        },
        "identity": identity,
        "roles": roles,
        "steps": steps,
        "signature": (
            {f: row[f"signature_{f}"] for f in m.SIGNATURE_FIELDS} if row["has_signature"] else None
        ),
        "conventions": {
            "minutes_per_hour": int(row["minutes_per_hour"]),
            "hours_per_day": number(row["hours_per_day"]),
            **extra.get("conventions", {}),
        },
        "warnings": warnings,
    }
    out.update(extra.get("top", {}))
    return out


def _step_to_dict(s: Any) -> dict[str, Any]:
    waktu = None
    if s.waktu_raw is not None:
        waktu = {"raw": s.waktu_raw, "value": number(s.waktu_value), "unit": s.waktu_unit,
                 "minutes": number(s.waktu_minutes)}
    out: dict[str, Any] = {
        "no": int(s.no),
        "kegiatan": s.kegiatan,
        "pelaksana": list(s.pelaksana),
        "pelaksana_evidence": s.pelaksana_evidence,
        "simbol": s.simbol,
        "kelengkapan": s.kelengkapan,
        "waktu": waktu,
        "output": s.output,
        "keterangan": s.keterangan,
        "next": list(s.next),
        "branches": ({"ya": _opt_int(s.branch_ya), "tidak": _opt_int(s.branch_tidak)}
                     if s.is_decision else None),
    }
    if s.provenance is not None:
        out["provenance"] = s.provenance
    if s.extra:
        out.update(s.extra)
    return out


def to_json(sets: m.SopSet) -> list[dict[str, Any]]:
    """All SOPs of the model as the spec's JSON array, in input order."""
    return [sop_to_dict(sets, int(k)) for k in sets.sops["sop"]]


def dumps(sets: m.SopSet) -> str:
    return json.dumps(to_json(sets), ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- in
def from_json(data: list[dict[str, Any]]) -> m.SopSet:
    """The spec's JSON array back into the model (validated)."""
    if not isinstance(data, list):
        raise InputFileError("not a sopbaku/1 file: expected a JSON array of SOP objects")
    sops, roles, steps, warnings = [], [], [], []
    for k, obj in enumerate(data):
        if not isinstance(obj, dict) or obj.get("schema") != m.SCHEMA_ID:
            raise InputFileError(f"not a sopbaku/1 file: item {k} has no \"schema\": \"{m.SCHEMA_ID}\"")
        sops.append(_sop_row(k, obj))
        for pos, r in enumerate(obj.get("roles") or []):
            roles.append({"sop": k, "position": pos, "role_id": r["id"], "name": r["name"],
                          "labels": list(r.get("labels") or [])})
        for pos, st in enumerate(obj.get("steps") or []):
            steps.append(_step_row(k, pos, st))
        for w in obj.get("warnings") or []:
            warnings.append({"sop": k, "code": w["code"], "step": w.get("step"), "message": w["message"]})
    return m.SopSet(m.frame("sops", sops), m.frame("roles", roles), m.frame("steps", steps),
                    m.frame("warnings", warnings)).validate("read JSON")


def _sop_row(k: int, obj: dict[str, Any]) -> dict[str, Any]:
    src = obj.get("source") or {}
    ident = obj.get("identity") or {}
    signer = ident.get("disahkan_oleh")
    sig = obj.get("signature")
    conv = obj.get("conventions") or {}
    extra = {
        "top": _extra(obj, _SOP_KEYS),
        "source": _extra(src, ("file", "sha256", "format", "pages")),
        "identity": _extra(ident, _IDENTITY_KEYS),
        "conventions": _extra(conv, ("minutes_per_hour", "hours_per_day")),
    }
    return {
        "sop": k,
        "source_file": src.get("file", ""),
        "source_sha256": src.get("sha256", ""),
        "source_format": src.get("format", "text"),
        "source_pages": list(src.get("pages") or []),
        **{f: ident.get(f) for f in (*m.IDENTITY_TEXT_FIELDS, *m.IDENTITY_DATE_FIELDS)},
        "has_disahkan_oleh": signer is not None,
        **{f"disahkan_{f}": (signer or {}).get(f) for f in m.SIGNER_FIELDS},
        **{f: list(ident.get(f) or []) for f in m.IDENTITY_LIST_FIELDS},
        "has_signature": sig is not None,
        **{f"signature_{f}": (sig or {}).get(f) for f in m.SIGNATURE_FIELDS},
        "minutes_per_hour": int(conv.get("minutes_per_hour", 60)),
        "hours_per_day": float(conv.get("hours_per_day", 7.5)),
        "extra": {key: val for key, val in extra.items() if val} or None,
    }


def _step_row(k: int, pos: int, st: dict[str, Any]) -> dict[str, Any]:
    waktu = st.get("waktu")
    branches = st.get("branches")
    return {
        "sop": k,
        "position": pos,
        "no": int(st["no"]),
        "kegiatan": st.get("kegiatan") or "",
        "pelaksana": list(st.get("pelaksana") or []),
        "pelaksana_evidence": st.get("pelaksana_evidence") or "none",
        "simbol": st.get("simbol"),
        "kelengkapan": st.get("kelengkapan"),
        "waktu_raw": waktu["raw"] if waktu else None,
        "waktu_value": waktu.get("value") if waktu else None,
        "waktu_unit": waktu.get("unit") if waktu else None,
        "waktu_minutes": waktu.get("minutes") if waktu else None,
        "output": st.get("output"),
        "keterangan": st.get("keterangan"),
        "next": list(st.get("next") or []),
        "is_decision": branches is not None,
        "branch_ya": (branches or {}).get("ya"),
        "branch_tidak": (branches or {}).get("tidak"),
        "provenance": st.get("provenance"),
        "extra": _extra(st, (*_STEP_KEYS, "provenance")),
    }


def read_json(path: Path) -> m.SopSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{Path(path).name}: not a readable JSON file ({exc.__class__.__name__})") from exc
    return from_json(data)
