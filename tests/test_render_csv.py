"""The reviewers' steps CSV, on the gold models of corpus/."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from sopbaku.jsonio import read_json
from sopbaku.model import SopSet
from sopbaku.render.csv import LEADING, TRAILING, role_headers, write_steps_csv

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLDS = sorted(CORPUS.glob("*.gold.json"))
CASES = [(g, int(k)) for g in GOLDS for k in read_json(g).sops["sop"]]


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize(("gold_file", "sop"), CASES, ids=[f"{g.name[:3]}-{k}" for g, k in CASES])
def test_every_gold_sop_gives_one_row_per_step(gold_file: Path, sop: int, tmp_path: Path) -> None:
    sops = read_json(gold_file)
    out = write_steps_csv(sops, sop, tmp_path / "steps.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    header, rows = read_rows(out)
    steps = sops.steps[sops.steps["sop"] == sop].sort_values("position")
    roles = sops.roles[sops.roles["sop"] == sop].sort_values("position")
    assert header == [*LEADING, *roles["name"], *TRAILING]
    assert [int(r["no"]) for r in rows] == list(steps["no"])
    assert [r["kegiatan"] for r in rows] == list(steps["kegiatan"])
    for row, step in zip(rows, steps.itertuples(), strict=True):
        assert row["waktu_raw"] == (step.waktu_raw or "")
        if pd.notna(step.waktu_minutes):
            assert float(row["waktu_minutes"]) == step.waktu_minutes
        assert row["next"] == ", ".join(str(n) for n in step.next)
        for branch in ("branch_ya", "branch_tidak"):
            value = getattr(step, branch)
            assert row[branch] == ("" if pd.isna(value) else str(int(value)))
    assert list(tmp_path.iterdir()) == [out]


def test_role_columns_show_symbol_or_x_where_the_role_performs(tmp_path: Path) -> None:
    sops = read_json(next(CORPUS.glob("004_*.gold.json")))
    steps = sops.steps.copy()
    ids = list(sops.roles.sort_values("position")["role_id"])
    steps["pelaksana"] = [[ids[i % len(ids)]] for i in range(len(steps))]
    steps["simbol"] = ["decision" if i % 2 else None for i in range(len(steps))]
    sops = SopSet(sops.sops, sops.roles, steps, sops.warnings).validate("test")
    _, rows = read_rows(write_steps_csv(sops, 0, tmp_path / "steps.csv"))
    names = list(sops.roles.sort_values("position")["name"])
    for i, row in enumerate(rows):
        mark = "decision" if i % 2 else "x"
        assert [row[n] for n in names] == [mark if k == i % len(ids) else "" for k in range(len(ids))]
        assert row["pelaksana"] == ids[i % len(ids)]


def test_role_headers_stay_unique() -> None:
    headers = role_headers([("camat", "Camat"), ("tim_a", "Tim"), ("tim_b", "Tim"), ("x", "output")])
    assert headers == ["Camat", "Tim (tim_a)", "Tim (tim_b)", "output (x)"]
    assert len(set(headers)) == len(headers)
