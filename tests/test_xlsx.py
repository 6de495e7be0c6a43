"""The reviewers' workbook (sopbaku.xlsxio) as a format of the model, both ways.

Workbooks are written by the real writer and edited the way a reviewer's
spreadsheet program would leave them, with openpyxl: cells found by their
visible headers, rows inserted and deleted. Expected models are built from
the original JSON by changing exactly the fields the edit is about.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from sopbaku import jsonio, pipeline, xlsxio
from sopbaku.config import Settings
from sopbaku.errors import ExitCode, InputFileError
from sopbaku.model import SIMBOL
from tests.conftest import CORPUS, SEEDS, gold_of

GOLDS = [gold_of(s) for s in SEEDS] + sorted((CORPUS / "synthetic").glob("*.gold.json"))
#: A seed SOP with a full identity page and four roles (its gold is the base of the edit tests).
BASE = gold_of(next(s for s in SEEDS if s.name.startswith("004_")))
#: A gold SOP whose steps have drawn symbols in one role column each (the seeds' text exports have none).
DRAWN = next(g for g in GOLDS if any(len(s["pelaksana"]) == 1 and s["simbol"]
                                     for s in json.loads(g.read_text(encoding="utf-8"))[0]["steps"]))


def original(gold: Path = BASE, sop: int = 0) -> dict[str, Any]:
    return json.loads(gold.read_text(encoding="utf-8"))[sop]


def workbook_of(tmp_path: Path, gold: Path = BASE, sop: int = 0) -> Path:
    return xlsxio.write_xlsx(jsonio.read_json(gold), sop, tmp_path / "sop.xlsx")


def read_back(path: Path) -> tuple[dict[str, Any], list[str]]:
    issues: list[str] = []
    sops = xlsxio.read_xlsx(path, on_issue=issues.append)
    assert len(sops) == 1
    return jsonio.to_json(sops)[0], issues


def column(ws: Worksheet, header: str) -> int:
    """The 1-based column whose visible header is ``header``, as a reviewer finds it."""
    return next(c.column for c in ws[1] if c.value == header)


def step_row(ws: Worksheet, no: int) -> int:
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, column(ws, "No")).value == no)


def edit(path: Path, change) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- lossless
@pytest.mark.parametrize("gold", GOLDS, ids=[g.stem for g in GOLDS])
def test_every_corpus_gold_sop_comes_back_unchanged_from_its_workbook(gold: Path, tmp_path: Path) -> None:
    sops = jsonio.read_json(gold)
    for k in (int(k) for k in sops.sops["sop"]):
        back, issues = read_back(xlsxio.write_xlsx(sops, k, tmp_path / f"{k}.xlsx"))
        assert back == jsonio.to_json(sops.one(k))[0]
        assert issues == []


def test_a_pipeline_output_keeps_its_provenance_through_the_workbook(tmp_path: Path) -> None:
    sops = pipeline.extract(SEEDS[0], Settings())
    assert any(p is not None for p in sops.steps["provenance"])
    back, _ = read_back(xlsxio.write_xlsx(sops, 0, tmp_path / "a.xlsx"))
    assert back == jsonio.to_json(sops.one(0))[0]


# --------------------------------------------------------------------------- edits
def test_edited_cells_come_back_changed_and_everything_else_unchanged(tmp_path: Path) -> None:
    before = original()
    roles = [r["name"] for r in before["roles"]]

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Langkah"]
        ws.cell(step_row(ws, 1), column(ws, "Kegiatan")).value = "Memerintahkan  penyusunan laporan kinerja"
        ws.cell(step_row(ws, 2), column(ws, roles[1])).value = "decision"
        ws.cell(step_row(ws, 3), column(ws, "Waktu")).value = "2 hari"
        ws.cell(step_row(ws, 4), column(ws, "Waktu")).value = "45"  # a bare number keeps the step's unit

    back, issues = read_back(edit(workbook_of(tmp_path), review))
    expected = copy.deepcopy(before)
    steps = expected["steps"]
    steps[0]["kegiatan"] = "Memerintahkan penyusunan laporan kinerja"
    steps[1].update(pelaksana=[before["roles"][1]["id"]], simbol="decision", pelaksana_evidence="mark")
    hours = before["conventions"]["hours_per_day"]
    steps[2]["waktu"] = {"raw": "2 hari", "value": 2, "unit": "hari", "minutes": 2 * hours * 60}
    unit = before["steps"][3]["waktu"]["unit"]
    assert unit == "menit"
    steps[3]["waktu"] = {"raw": "45", "value": 45, "unit": "menit", "minutes": 45}
    assert back == expected
    assert issues == []


def test_a_moved_mark_changes_the_performer_and_a_new_kind_only_the_symbol(tmp_path: Path) -> None:
    before = original(DRAWN)
    moved, kind = [s for s in before["steps"] if len(s["pelaksana"]) == 1 and s["simbol"]][:2]
    name = {r["id"]: r["name"] for r in before["roles"]}
    old = name[moved["pelaksana"][0]]
    new_id = next(r for r in name if r != moved["pelaksana"][0])
    other = next(k for k in SIMBOL if k != kind["simbol"])

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Langkah"]
        row = step_row(ws, moved["no"])
        ws.cell(row, column(ws, name[new_id])).value = ws.cell(row, column(ws, old)).value
        ws.cell(row, column(ws, old)).value = None
        ws.cell(step_row(ws, kind["no"]), column(ws, name[kind["pelaksana"][0]])).value = other

    back, _ = read_back(edit(workbook_of(tmp_path, DRAWN), review))
    expected = copy.deepcopy(before)
    by_no = {s["no"]: s for s in expected["steps"]}
    by_no[moved["no"]].update(pelaksana=[new_id], pelaksana_evidence="mark")
    by_no[kind["no"]]["simbol"] = other  # the performer stands: its evidence is kept
    assert back == expected


def test_identity_edits_lists_and_dates_come_back(tmp_path: Path) -> None:
    before = original()

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Identitas"]
        rows = {ws.cell(r, 2).value: r for r in range(2, ws.max_row + 1)}
        ws.cell(rows["Nomor SOP"], 3).value = "067/1400/2021"
        ws.cell(rows["Tanggal Pengesahan (YYYY-MM-DD)"], 3).value = datetime(2021, 1, 25)  # typed as a date
        keterkaitan = rows["Keterkaitan"]
        ws.insert_rows(keterkaitan + 1)  # a new item under the last one; its hidden key left empty
        ws.cell(keterkaitan + 1, 3).value = "SOP Penyusunan LKjIP"

    back, issues = read_back(edit(workbook_of(tmp_path), review))
    expected = copy.deepcopy(before)
    expected["identity"]["nomor"] = "067/1400/2021"
    expected["identity"]["tanggal_pengesahan"] = "2021-01-25"
    expected["identity"]["keterkaitan"].append("SOP Penyusunan LKjIP")
    assert back == expected
    assert issues == []


def test_rows_added_and_deleted_by_a_reviewer_add_and_remove_steps(tmp_path: Path) -> None:
    before = original()
    first_role = before["roles"][0]

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Langkah"]
        ws.delete_rows(step_row(ws, 2))
        row = ws.max_row + 1
        ws.cell(row, column(ws, "No")).value = 15
        ws.cell(row, column(ws, "Kegiatan")).value = "Mengarsipkan laporan"
        ws.cell(row, column(ws, first_role["name"])).value = "terminator"
        ws.cell(row, column(ws, "Waktu")).value = "10 menit"

    back, issues = read_back(edit(workbook_of(tmp_path), review))
    assert [s["no"] for s in back["steps"]] == [s["no"] for s in before["steps"] if s["no"] != 2] + [15]
    assert back["steps"][-1] == {
        "no": 15, "kegiatan": "Mengarsipkan laporan", "pelaksana": [first_role["id"]],
        "pelaksana_evidence": "mark", "simbol": "terminator", "kelengkapan": None,
        "waktu": {"raw": "10 menit", "value": 10, "unit": "menit", "minutes": 10}, "output": None,
        "keterangan": None, "next": [], "branches": None,
    }
    assert issues == []


def test_a_renamed_role_id_follows_into_the_steps(tmp_path: Path) -> None:
    before = original(DRAWN)
    old = next(r["id"] for r in before["roles"] if any(r["id"] in s["pelaksana"] for s in before["steps"]))

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Peran"]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == old)
        ws.cell(row, 2).value = "kepala_dinas"
        ws.cell(row, 3).value = "Kepala Dinas"

    back, _ = read_back(edit(workbook_of(tmp_path, DRAWN), review))
    expected = copy.deepcopy(before)
    for role in expected["roles"]:
        if role["id"] == old:
            role["id"], role["name"] = "kepala_dinas", "Kepala Dinas"
    for step in expected["steps"]:
        step["pelaksana"] = ["kepala_dinas" if p == old else p for p in step["pelaksana"]]
    assert back == expected


def test_a_role_added_in_peran_and_marked_in_a_new_column_is_taken(tmp_path: Path) -> None:
    before = original()

    def review(wb: openpyxl.Workbook) -> None:
        peran = wb["Peran"]
        row = peran.max_row + 1
        peran.cell(row, 3).value = "Kepala Seksi Pemerintahan"  # no id typed: one is made from the name
        ws = wb["Langkah"]
        ws.insert_cols(column(ws, "Bukti pelaksana"))
        new_col = column(ws, "Bukti pelaksana") - 1
        ws.cell(1, new_col).value = "Kepala Seksi Pemerintahan"
        ws.cell(step_row(ws, 5), new_col).value = "process"

    back, issues = read_back(edit(workbook_of(tmp_path), review))
    expected = copy.deepcopy(before)
    expected["roles"].append({"id": "kepala_seksi_pemerintahan", "name": "Kepala Seksi Pemerintahan", "labels": []})
    expected["steps"][4].update(pelaksana=["kepala_seksi_pemerintahan"], simbol="process", pelaksana_evidence="mark")
    assert back == expected
    assert issues == []


def test_steps_moved_to_another_row_keep_their_content_in_the_new_order(tmp_path: Path) -> None:
    before = original()

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Langkah"]
        first, last = 3, 2 + len(before["steps"])
        rows = [[c.value for c in ws[r]] for r in range(first, last + 1)]
        for r, values in zip(range(first, last + 1), reversed(rows), strict=True):
            for c, value in enumerate(values, start=1):
                ws.cell(r, c).value = value

    back, issues = read_back(edit(workbook_of(tmp_path), review))
    assert back["steps"] == list(reversed(before["steps"]))
    assert issues == []


# --------------------------------------------------------------------------- bad values
def test_values_a_reviewer_got_wrong_become_warnings_and_one_line_each(tmp_path: Path) -> None:
    before = original()

    def review(wb: openpyxl.Workbook) -> None:
        ws = wb["Langkah"]
        new_col = ws.max_column + 1
        ws.cell(1, new_col).value = "Kepala Dinas"  # a column that is no role of "Peran"
        ws.cell(step_row(ws, 1), new_col).value = "process"
        ws.cell(step_row(ws, 2), column(ws, "Waktu")).value = "lama sekali"
        ws.cell(step_row(ws, 3), column(ws, "No")).value = "tiga"
        ws.cell(step_row(ws, 4), column(ws, "Berikutnya")).value = "lima"

    back, issues = read_back(edit(workbook_of(tmp_path), review))
    new = back["warnings"][len(before["warnings"]):]
    assert [w["code"] for w in new] == ["review-role-unknown", "waktu-unparsed", "review-value-invalid",
                                        "review-value-invalid"]
    assert [w["message"] for w in new] == issues
    assert all("\n" not in line and line.startswith("Langkah!") for line in issues)
    assert "Kepala Dinas" in issues[0]
    steps = back["steps"]
    assert steps[0] == before["steps"][0]  # the unknown column's mark was not taken
    assert steps[1]["waktu"] == {"raw": "lama sekali", "value": None, "unit": None, "minutes": None}
    assert steps[2]["no"] == 3 and steps[3]["next"] == before["steps"][3]["next"]


CELL_VALUES = st.one_of(
    st.none(), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30), st.integers(), st.floats(),
    st.sampled_from([*xlsxio.MARKS, "ya: 2; tidak: -"]),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(["Langkah", "Identitas", "Peran"]), st.integers(1, 20),
                                st.integers(1, 18), CELL_VALUES), max_size=25))
def test_any_value_in_any_cell_reads_back_or_fails_as_one_input_error(edits, tmp_path: Path) -> None:
    path = workbook_of(tmp_path)

    def review(wb: openpyxl.Workbook) -> None:
        for sheet, row, col, value in edits:
            wb[sheet].cell(row, col).value = value

    edit(path, review)
    try:
        sops = xlsxio.read_xlsx(path)
    except InputFileError as exc:
        assert "\n" not in str(exc)
        return
    assert json.loads(jsonio.dumps(sops.validate("test")), parse_constant=pytest.fail)


# --------------------------------------------------------------------------- layout
def test_role_cells_and_evidence_offer_drop_downs(tmp_path: Path) -> None:
    before = original()
    wb = openpyxl.load_workbook(workbook_of(tmp_path))
    ws = wb["Langkah"]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.showErrorMessage
        for rng in dv.sqref.ranges:
            lists[rng.min_col] = (dv.formula1.strip('"').split(","), rng.min_row, rng.max_row)
    for role in before["roles"]:
        values, first, last = lists[column(ws, role["name"])]
        assert set(SIMBOL) < set(values) and first == 3 and last > 2 + len(before["steps"])
    assert lists[column(ws, "Bukti pelaksana")][0] == ["symbol", "mark", "text", "inferred", "none"]


def test_the_workbook_has_frozen_bold_headers_and_keeps_the_original_out_of_sight(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_of(tmp_path))
    assert wb.sheetnames == ["Langkah", "Identitas", "Peran", "Peringatan", "_sopbaku"]
    langkah = wb["Langkah"]
    assert langkah.freeze_panes == "C3" and langkah["B1"].font.b and langkah["B3"].alignment.wrap_text
    assert langkah.row_dimensions[2].hidden
    assert langkah.column_dimensions["B"].width > langkah.column_dimensions["A"].width
    assert wb["Peringatan"].protection.sheet
    hidden = wb["_sopbaku"]
    assert hidden.sheet_state == "veryHidden" and hidden.protection.sheet


# --------------------------------------------------------------------------- not ours
def test_a_workbook_sopbaku_did_not_write_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Laporan"
    wb.save(other)
    with pytest.raises(InputFileError, match="not a sopbaku review workbook") as exc:
        xlsxio.read_xlsx(other)
    assert exc.value.exit_code == ExitCode.input_file


@pytest.mark.parametrize("damage", ["truncated", "not_a_zip", "hidden_sheet_garbled"])
def test_a_damaged_workbook_is_refused_with_one_input_error(damage: str, tmp_path: Path) -> None:
    path = workbook_of(tmp_path)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:2000])
    elif damage == "not_a_zip":
        path.write_text("No;Kegiatan\n1;Menyusun\n", encoding="utf-8")
    else:
        edit(path, lambda wb: wb["_sopbaku"].cell(2, 1, value='{"schema": "sopbaku/1", '))
    with pytest.raises(InputFileError) as exc:
        xlsxio.read_xlsx(path)
    assert "\n" not in str(exc.value) and str(exc.value).startswith("sop.xlsx: ")
