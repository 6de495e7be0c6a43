"""The identity-page and signer-block reader on the real seed exports, against their gold files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sopbaku.ingest.text_identity import match_label, parse_identity, parse_signature, read_identity
from sopbaku.raw import IDENTITY_KEYS
from tests.conftest import CORPUS, gold_of

LIST_FIELDS = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan",
               "peringatan", "pencatatan_pendataan")
_NUMBER_OR_BULLET = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[-•])\s*")


def seed(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


def lines_before(prefix: str, title: str) -> list[str]:
    """The lines of a seed up to its first table title (its identity page)."""
    lines = seed(prefix).read_text(encoding="utf-8").split("\n")
    return lines[: next(k for k, line in enumerate(lines) if line.startswith(title))]


def gold_identity(prefix: str) -> dict:
    return json.loads(gold_of(seed(prefix)).read_text(encoding="utf-8"))[0]["identity"]


def items(text: str) -> list[str]:
    """Items of a list field per the contract: one per line, printed numbering removed."""
    return [_NUMBER_OR_BULLET.sub("", line) for line in text.split("\n")]


def test_tab_cells_with_html_lists() -> None:
    block = read_identity(lines_before("001", "SOP :"))
    fields = block.fields
    assert set(fields) <= set(IDENTITY_KEYS)
    assert fields["instansi"] == "PEMERINTAH KABUPATEN PURWAKARTA"  # first of two spellings
    assert fields["unit"] == "KECAMATAN BUNGURSARI"
    assert fields["nama"] == "Penyusunan Perencanaan Kinerja"
    assert (fields["tanggal_pembuatan"], fields["tanggal_revisi"], fields["tanggal_pengesahan"]) == (
        "02 Januari 2019", "-", "07 Januari 2019")
    assert fields["disahkan_oleh"] == "CAMAT BUNGURSARI  M.SARIPUL.HAROM.S.Sos NIP. 19640104 199101 1 004"
    assert "nomor" not in fields
    assert [note.code for note in block.notes] == ["identity-field-empty"]
    for name in LIST_FIELDS:
        assert "<" not in fields[name] and fields[name].startswith("1. "), name
    # a run the export flattened keeps its inline numbering, for normalize to split
    assert "daerah2. PP Nomor 60" in fields["dasar_hukum"]
    assert fields["kualifikasi_pelaksana"].startswith("1. Memahami peraturan perundangan")
    assert fields["keterkaitan"] == "1. SOP Pelaksanaan Pengawasan Internal secara berkala"


def test_plain_lines_with_a_missing_label() -> None:
    block = read_identity(lines_before("004", "SOP PENG"))
    fields, expected = block.fields, gold_identity("004")
    assert (fields["unit"], fields["instansi"]) == ("KECAMATAN WANGON", "KABUPATEN BANYUMAS")
    assert fields["nomor"] == "067 / 1394 / 2021"
    assert fields["tanggal_efektif"] == "20 Januari 2021"
    assert fields["nama"] == "PENGUKURAN KINERJA"  # the trailing check mark is dropped
    assert "disahkan_oleh" not in fields
    for name in LIST_FIELDS:
        assert items(fields[name]) == expected[name], name
    assert {note.code for note in block.notes} == {"identity-field-empty", "label-missing", "stray-mark"}


def test_ocr_dump_identity_block_with_paired_labels() -> None:
    fields = parse_identity(lines_before("002", "Standar Operasional Prosedur"))
    expected = gold_identity("002")
    assert fields["nama"] == "Rencana Dan Evaluasi Kinerja Tahunan"  # value on the line after its label
    for name in LIST_FIELDS:
        assert items(fields[name]) == expected[name], name


def test_wrapped_lines_join_their_item() -> None:
    fields = parse_identity(lines_before("002", "Standar Operasional Prosedur"))
    assert fields["dasar_hukum"].split("\n")[1] == (
        "2. Peraturan Pemerintah Nomor 20 Tahun 2004 tentang Rencana Kerja Pemerintah;")


@pytest.mark.parametrize(("cell", "key", "value"), [
    ("Nomor SOP 067 / 1394 / 2021", "nomor", "067 / 1394 / 2021"),
    ("Tanggal Pembuatan 23 November 2020", "tanggal_pembuatan", "23 November 2020"),
    ("Peralatan/Kelengkapan :", "peralatan_perlengkapan", ""),
    ("Peralatan/ Perlengkapan", "peralatan_perlengkapan", ""),
    ("Pencatatan dan Pendataan :", "pencatatan_pendataan", ""),
    ("Dasar Hukurn", "dasar_hukum", ""),  # OCR noise
])
def test_labels_are_recognised(cell: str, key: str, value: str) -> None:
    label = match_label(cell)
    assert label is not None and (label.key, label.value) == (key, value)


@pytest.mark.parametrize("cell", ["Pencatatan dilakukan oleh staf", "1. SOP Penyusunan Laporan Kepegawaian.",
                                  "PENGUKURAN KINERJA"])
def test_content_is_not_a_label(cell: str) -> None:
    assert match_label(cell) is None


def test_signature_blocks_under_tables() -> None:
    tail_000 = seed("000").read_text(encoding="utf-8").split("\n")[-9:]
    assert parse_signature(tail_000) == (
        "Bungaraya, 4 Januari 2022\nCamat Bungaraya\nAMIN SOIMIN SH. M.Si\nNIP. 19720713 199203 1 005")
    tail_001 = seed("001").read_text(encoding="utf-8").split("\n")[-6:]
    assert parse_signature(tail_001) == "CAMAT BUNGURSARI\nM.SARIPUL.HAROM.S.Sos\nNIP. 19640104 199101 1 004"


def test_no_signature_in_headings_or_identity_lines() -> None:
    assert parse_signature(["", "## SOP Penyusunan Laporan Tahunan", ""]) is None
    # a signer printed in the next SOP's identity page belongs to that page, not to a signature
    assert parse_signature(["Disahkan Oleh", "CAMAT X", "NAMA", "NIP. 19640104 199101 1 004"]) is None
