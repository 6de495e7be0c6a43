"""One SOP's steps as a CSV sheet for reviewers (opens in Excel as-is).

One row per step with every field of the model flattened, plus one column
per role so a reviewer sees at a glance who performs what: the symbol's name
where it was recovered, "x" where only the performer is known.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from sopbaku.jsonio import number
from sopbaku.model import SopSet
from sopbaku.render.atomic import atomic_path

#: Step columns around the role columns (which come right after ``kegiatan``).
LEADING = ("no", "kegiatan")
TRAILING = ("pelaksana", "pelaksana_evidence", "simbol", "kelengkapan", "waktu_raw", "waktu_value",
            "waktu_unit", "waktu_minutes", "output", "keterangan", "next", "branch_ya", "branch_tidak")
#: Excel only detects UTF-8 with a byte-order mark; without it "Kecamatan Sukasari" survives but "é", "–" do not.
ENCODING = "utf-8-sig"


def role_headers(names: list[tuple[str, str]]) -> list[str]:
    """Column titles for the roles: the display name, with the id added where two would clash."""
    taken = set(LEADING) | set(TRAILING)
    headers = []
    for role_id, name in names:
        unique = name not in taken and sum(n == name for _, n in names) == 1
        header = name if unique else f"{name} ({role_id})"
        headers.append(header)
        taken.add(header)
    return headers


def _role_cell(step: Any, role_id: str) -> str:
    if role_id not in step.pelaksana:
        return ""
    return step.simbol or "x"


def _cell(value: Any) -> Any:
    """A model value as a CSV cell: lists joined, whole floats as ints, missing as empty."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, float):
        return number(value)
    return value


def write_steps_csv(sops: SopSet, sop: int, path: Path) -> Path:
    """Write the steps of SOP ``sop`` to ``path`` (atomically) and return the path."""
    roles = sops.roles[sops.roles["sop"] == sop].sort_values("position")
    ids = list(roles["role_id"])
    steps = sops.steps[sops.steps["sop"] == sop].sort_values("position")
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", encoding=ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*LEADING, *role_headers(list(zip(ids, roles["name"], strict=True))), *TRAILING])
        for step in steps.itertuples():
            writer.writerow([
                int(step.no), step.kegiatan, *[_role_cell(step, r) for r in ids],
                *[_cell(getattr(step, c)) for c in TRAILING],
            ])
    return path
