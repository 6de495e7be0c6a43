"""The baselines' side of benchmarks/baselines.py: their tables turned into rows, and scored as sopbaku is.

camelot is an optional dependency (the ``bench`` extra): its test is skipped
where it is not installed. pdfplumber is a dependency of sopbaku itself.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from benchmarks.baselines import SOPBAKU, Tally
from benchmarks.baselines_page import Machine, render_page
from benchmarks.baselines_tools import Outcome, baselines, camelot_reader, pdfplumber_read
from sopbaku.evaluate import Case, rowtext_of_rows, rowtext_score, table_row
from tests.conftest import ROOT

#: A flowchart table as a generic reader sees it: numbers, activities, empty role columns, mutu baku.
CELLS = [
    ["No", "Kegiatan", "Kepala", "Staf", "Kelengkapan", "Waktu", "Output"],
    ["1", "Menerima berkas permohonan", "", "", "Formulir", "10 menit", "Berkas diterima"],
    ["2", "Memeriksa kelengkapan berkas", "", "", "Berkas diterima", "1 jam", "Berkas lengkap"],
    ["3", "Menandatangani surat balasan", "", "", "Konsep surat", "2 hari", "Surat balasan"],
]


@pytest.fixture(scope="module")
def ruled_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("baselines") / "table.pdf"
    table = Table(CELLS)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black)]))
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build([table])
    return path


def test_a_ruled_table_read_by_camelot_lattice_comes_back_as_its_rows_of_cell_texts(ruled_pdf):
    pytest.importorskip("camelot")
    assert camelot_reader("lattice")(ruled_pdf, "pdf-digital") == CELLS


def test_a_ruled_table_read_by_pdfplumber_comes_back_as_its_rows_of_cell_texts(ruled_pdf):
    assert pdfplumber_read(ruled_pdf, "pdf-digital") == CELLS


def test_rows_holding_exactly_the_gold_steps_text_score_full_row_text_and_extra_cells_cost_precision():
    gold = json.loads((ROOT / "corpus" / "000_ed354b7911d5bd50.gold.json").read_text(encoding="utf-8"))
    steps = [step for sop in gold for step in sop["steps"]]
    fields = [[s["kegiatan"], s["kelengkapan"], (s["waktu"] or {}).get("raw"), s["output"]] for s in steps]
    assert rowtext_of_rows(gold, [table_row(row) for row in fields]) == pytest.approx(1.0)
    assert rowtext_score(gold, gold) == pytest.approx(1.0)
    numbered = [table_row([str(s["no"]), *row, "Kepala Dinas"]) for s, row in zip(steps, fields, strict=True)]
    assert 0.5 < rowtext_of_rows(gold, numbered) < 1.0
    assert rowtext_of_rows(gold, []) == 0.0


def test_a_baseline_that_does_not_apply_to_a_format_is_shown_as_n_a_with_its_reason(tmp_path):
    tools = baselines(tmp_path / "no-such-venv" / "python")  # img2table cannot start: shown as not run
    docx = Case(tmp_path / "a.docx", tmp_path / "a.gold.json", "docx", 2)
    ours = Tally()
    ours.add(docx, 0.9, Outcome([], 1.0))
    page = render_page({"docx": {SOPBAKU: ours}}, tools, Machine.here(tools), datetime.now(UTC), [tmp_path],
                       None, SOPBAKU)
    table = page.split("### docx", 1)[1].split("\n\n", 2)[1]
    notes = dict(line[2:].split("]: ", 1) for line in page.splitlines() if line.startswith("[^"))
    assert f"| **{SOPBAKU}** | 0.900 | 0.50 | 1 | 2 | 0 |" in table
    for tool in tools:
        line = next(row for row in table.splitlines() if row.startswith(f"| {tool.name} |"))
        number = line.split("n/a[^", 1)[1].split("]", 1)[0]
        reason = tool.not_for.get("docx") or tool.missing
        assert reason in notes[number]
