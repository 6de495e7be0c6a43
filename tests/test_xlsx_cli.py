"""`sopbaku run` writing the reviewers' workbook, `sopbaku render corrected.xlsx`, and `--pdf`,
run as the installed console script on real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sopbaku.errors import ExitCode
from tests.conftest import SEEDS
from tests.test_cli import CLI, assert_fails_in_one_line, sopbaku

#: The seed with one SOP and a full identity page.
SEED = next(s for s in SEEDS if s.name.startswith("004_"))


def docx_text(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


def langkah_column(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


@pytest.fixture(scope="module")
def run_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    proc = sopbaku("run", SEED, "--out", out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def run_out(run_once: Path, tmp_path: Path) -> Path:
    """A private copy of what `run` wrote, for a test to edit and re-render."""
    return Path(shutil.copytree(run_once, tmp_path / "out"))


def test_run_writes_a_workbook_beside_each_json(run_out: Path) -> None:
    stems = {p.stem for p in run_out.glob("*.json")}
    assert stems and stems == {p.stem for p in run_out.glob("*.xlsx")}


def test_render_of_a_corrected_workbook_rewrites_docx_csv_and_json_but_not_the_workbook(run_out: Path) -> None:
    book = next(run_out.glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    ws = wb["Langkah"]
    ws.cell(3, langkah_column(ws, "Kegiatan")).value = "Memerintahkan penyusunan laporan kinerja triwulan"
    wb.save(book)
    saved = book.read_bytes()

    proc = sopbaku("render", book, "--out", run_out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    written = {Path(p) for p in proc.stdout.split()}
    assert written == {book.with_suffix(s) for s in (".json", ".csv", ".docx")}
    assert "laporan kinerja triwulan" in docx_text(book.with_suffix(".docx"))
    sop = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))[0]
    assert sop["steps"][0]["kegiatan"] == "Memerintahkan penyusunan laporan kinerja triwulan"
    assert "laporan kinerja triwulan" in book.with_suffix(".csv").read_text(encoding="utf-8-sig")
    assert book.read_bytes() == saved


def test_render_of_a_json_also_writes_its_workbook(run_out: Path, tmp_path: Path) -> None:
    first = next(run_out.glob("*.json"))
    proc = sopbaku("render", first, "--out", tmp_path / "again")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "again" / f"{first.stem}.xlsx").is_file()


def test_render_reports_each_cell_it_could_not_take_in_one_line_and_goes_on(run_out: Path) -> None:
    book = next(run_out.glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    ws = wb["Langkah"]
    ws.cell(3, langkah_column(ws, "Waktu")).value = "sebentar saja"
    ws.cell(4, langkah_column(ws, "No")).value = "dua"
    wb.save(book)
    proc = sopbaku("render", book, "--out", run_out)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"sopbaku: {book}: Langkah!") for line in lines)
    assert "sebentar saja" in lines[0] and "'dua'" in lines[1]
    sop = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))[0]
    assert [w["code"] for w in sop["warnings"][-2:]] == ["waktu-unparsed", "review-value-invalid"]


@pytest.mark.parametrize("kind", ["foreign", "corrupt"])
def test_render_refuses_a_workbook_that_is_not_a_sopbaku_one_in_one_line(kind: str, tmp_path: Path) -> None:
    book = tmp_path / "rekap.xlsx"
    if kind == "foreign":
        wb = openpyxl.Workbook()
        wb.active["A1"] = "Rekap SOP"
        wb.save(book)
    else:
        book.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    assert_fails_in_one_line(sopbaku("render", book, "--out", tmp_path / "out"), ExitCode.input_file, book)
    assert not any((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- --pdf
def test_pdf_without_libreoffice_is_a_missing_dependency_in_one_line(run_out: Path, tmp_path: Path) -> None:
    no_office = tmp_path / "bin"
    no_office.mkdir()
    env = {**os.environ, "PATH": str(no_office)}
    first = next(run_out.glob("*.json"))
    proc = subprocess.run([str(CLI), "render", str(first), "--out", str(tmp_path / "pdf"), "--pdf"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300, check=False)
    assert_fails_in_one_line(proc, ExitCode.missing_dependency, first)
    assert "LibreOffice" in proc.stderr
    assert (tmp_path / "pdf" / f"{first.stem}.docx").is_file()


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) not installed: --pdf not checked")
def test_pdf_with_libreoffice_is_written_beside_the_docx(run_out: Path, tmp_path: Path) -> None:
    first = next(run_out.glob("*.json"))
    proc = sopbaku("render", first, "--out", tmp_path / "pdf", "--pdf")
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "pdf" / f"{first.stem}.pdf"
    assert str(pdf) in proc.stdout.split()
    assert pdf.read_bytes().startswith(b"%PDF")
