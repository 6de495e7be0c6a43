"""Raw document -> model: performers from marks, decisions, units, warnings, identity."""

from __future__ import annotations

import pandas as pd

from sopbaku.config import Conventions, Settings
from sopbaku.normalize import build
from sopbaku.raw import RawArrow, RawDocument, RawMark, RawNote, RawRow, RawSegment, RawSop


def _doc(sop: RawSop) -> RawDocument:
    return RawDocument(file="x.txt", sha256="0" * 64, format="text", sops=[sop])


def _rows(n: int, **kw) -> list[RawRow]:
    return [RawRow(no=str(i + 1), kegiatan=f"Kegiatan {i + 1}", waktu="10 menit", **kw) for i in range(n)]


def test_marks_give_performers_with_their_evidence():
    rows = _rows(3)
    rows[0].marks = [RawMark(column=0, kind="symbol", shape="terminator")]
    rows[1].marks = [RawMark(column=1, kind="mark", text="√"), RawMark(column=2, kind="mark", text="√")]
    sop = RawSop(segments=[RawSegment(role_labels=["Camat", "Sekcam", "Staf"])], rows=rows)
    steps = build(_doc(sop), Settings()).validate("test").steps
    assert steps.loc[0, "pelaksana"] == ["camat"] and steps.loc[0, "pelaksana_evidence"] == "symbol"
    assert steps.loc[0, "simbol"] == "terminator"
    assert steps.loc[1, "pelaksana"] == ["sekretaris_kecamatan", "staf"]
    assert steps.loc[1, "pelaksana_evidence"] == "mark" and steps.loc[1, "simbol"] is None
    assert steps.loc[2, "pelaksana"] == [] and steps.loc[2, "pelaksana_evidence"] == "none"


def test_decision_row_branches_and_next():
    rows = _rows(4)
    rows[1].kegiatan = "Memeriksa draf, jika setuju diparaf, jika tidak setuju dikembalikan kepada Staf"
    sop = RawSop(segments=[RawSegment(role_labels=["Staf", "Camat"])], rows=rows)
    steps = build(_doc(sop), Settings()).steps
    assert bool(steps.loc[1, "is_decision"]) and steps.loc[1, "branch_ya"] == 3
    assert pd.isna(steps.loc[1, "branch_tidak"])  # returned to a role, but nobody's steps are known
    assert list(steps["next"]) == [[2], [3], [4], []]


def test_tidak_branch_goes_back_to_the_role_when_performers_are_known():
    rows = _rows(3)
    rows[0].marks = [RawMark(column=0, kind="symbol", shape="process")]
    rows[1].marks = [RawMark(column=1, kind="symbol", shape="decision")]
    rows[1].kegiatan = "Memeriksa, jika tidak disetujui dikembalikan kepada Staf untuk diperbaiki"
    sop = RawSop(segments=[RawSegment(role_labels=["Staf", "Camat"])], rows=rows)
    steps = build(_doc(sop), Settings()).steps
    assert (steps.loc[1, "branch_ya"], steps.loc[1, "branch_tidak"]) == (3, 1)
    assert steps.loc[1, "next"] == [3, 1]


def test_drawn_arrows_win_over_table_order():
    rows = _rows(3)
    rows[0].marks = [RawMark(column=0, kind="symbol", shape="decision")]
    sop = RawSop(segments=[RawSegment(role_labels=["Staf"])], rows=rows,
                 arrows=[RawArrow(0, 2, "Ya"), RawArrow(0, 1, "Tidak"), RawArrow(1, 2)])
    steps = build(_doc(sop), Settings()).steps
    assert (steps.loc[0, "branch_ya"], steps.loc[0, "branch_tidak"]) == (3, 2)


def test_header_unit_carries_to_later_pages_and_conventions_apply():
    rows = _rows(2)
    rows[0].waktu, rows[1].waktu, rows[1].segment = "120", "1 hari", 1
    segs = [RawSegment(role_labels=["Camat"], waktu_unit="menit"), RawSegment(role_labels=["Camat"])]
    settings = Settings(conventions=Conventions(hours_per_day=5))
    model = build(_doc(RawSop(segments=segs, rows=rows)), settings)
    assert list(model.steps["waktu_minutes"]) == [120, 300]
    assert model.sops.loc[0, "hours_per_day"] == 5
    assert model.warnings.empty


def test_notes_and_number_problems_become_warnings_on_recovered_steps():
    rows = _rows(3)
    rows[0].no = "4."
    sop = RawSop(segments=[RawSegment(role_labels=["Camat", "Juru Taman"])], rows=rows,
                 notes=[RawNote("stray-mark", "arrow in a role column", row=0)])
    w = build(_doc(sop), Settings()).warnings
    assert {(c, None if pd.isna(s) else int(s)) for c, s in zip(w["code"], w["step"], strict=True)} >= {
        ("stray-mark", 1), ("step-number-misread", 1), ("role-unknown", None)}


def test_identity_fields_and_title_mismatch():
    ident = {"nama": "Penyusunan Perencanaan Kinerja", "tanggal_pembuatan": "02 Januari 2019",
             "tanggal_revisi": "-", "disahkan_oleh": "CAMAT X  Budi, S.Sos NIP. 19640104 199101 1 004",
             "dasar_hukum": "1. UU No. 1\n2. PP No. 2"}
    sop = RawSop(title="SOP : PENGUKURAN KINERJA", identity=ident, segments=[RawSegment(["Camat"])], rows=_rows(1))
    model = build(_doc(sop), Settings())
    row = model.sops.iloc[0]
    assert row["nama"] == "Penyusunan Perencanaan Kinerja" and row["tanggal_pembuatan"] == "2019-01-02"
    assert row["tanggal_revisi"] is None and row["disahkan_nip"] == "196401041991011004"
    assert row["dasar_hukum"] == ["UU No. 1", "PP No. 2"]
    assert "title-mismatch" in set(model.warnings["code"])


def test_shared_identity_takes_the_table_title():
    sop = RawSop(title="Standar Operasional Prosedur (SOP) Evaluasi Kinerja Tahunan",
                 identity={"nama": "Rencana Dan Evaluasi Kinerja Tahunan"}, identity_shared=True,
                 segments=[RawSegment(["Camat"])], rows=_rows(1))
    assert build(_doc(sop), Settings()).sops.loc[0, "nama"] == "Evaluasi Kinerja Tahunan"
