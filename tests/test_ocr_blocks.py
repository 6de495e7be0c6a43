"""The block-mode OCR-dump reader: tables whose cells tesseract OCR'd as paragraphs of their own.

Every snippet here is written for its test in the shapes tesseract's automatic
page segmentation gives on SOP AP tables: whole columns one cell per
paragraph, the narrow Waktu and Output columns read together, cells of a band
of rows out of order, symbol scraps, a signer block read in the middle.
"""

from __future__ import annotations

from pathlib import Path

from sopbaku.ingest import text_ocr, text_ocr_blocks
from sopbaku.ingest.text import read_text
from tests.conftest import ROOT

IDENTITY = """\
PEMERINTAH KABUPATEN KENDAL
KECAMATAN BOJA

Nomor SOP 045/112/Kec.Bj/2023
Tanggal Pembuatan 2 Januari 2023

Nama SOP Pelayanan Surat Pindah

Dasar Hukum

1) Undang-Undang Nomor 24 Tahun 2013 tentang Administrasi Kependudukan

"""

#: Column by column: the Kegiatan column, scattered header words, the Kelengkapan column, then Waktu + Output.
COLUMNS = """\
SOP Pelayanan Surat Pindah

Kegiatan

Menerima berkas permohonan surat
pindah dari pemohon

Memeriksa kelengkapan berkas
permohonan

Menandatangani surat pindah

Mengarsipkan surat pindah

Pelaksana

Kasubag Camat
Umum

a

KTP dan KK

Berkas permohonan

Berkas lengkap

Surat pindah yang
telah ditandatangani

10 menit | Berkas permohonan

15 menit | Berkas lengkap

1 hari Surat pindah yang
telah ditandatangani

5 menit | Arsip surat pindah

Boja, 3 Maret 2023
CAMAT BOJA

BUDI SANTOSO, S.Sos
NIP. 19700101 199003 1 002
"""

#: Interleaved: each line holds the pieces of every cell of its row (the shape text_ocr reads).
INTERLEAVED = """\
SOP Pelayanan Surat Pindah

NO AKTIVITAS STAF CAMAT KELENGKAPAN WAKTU OUTPUT KET
1 Menerima berkas permohonan surat KTP dan KK 10 menit Berkas permohonan
pindah dari pemohon
2 Memeriksa kelengkapan berkas Berkas permohonan 15 menit Berkas lengkap
permohonan
3 Menandatangani surat pindah Berkas lengkap 1 hari Surat pindah yang
telah ditandatangani
4 Mengarsipkan surat pindah Surat pindah yang 5 menit Arsip surat pindah
telah ditandatangani
"""


def _read(text: str, tmp_path: Path):
    path = tmp_path / "dump.txt"
    data = text.encode("utf-8")
    path.write_bytes(data)
    return read_text(path, data, "0" * 64).sops


def _cells(sop):
    return [(r.kegiatan, r.kelengkapan, r.waktu, r.output) for r in sop.rows]


def test_a_table_ocr_d_column_by_column_gives_one_row_per_kegiatan_paragraph(tmp_path):
    [sop] = _read(IDENTITY + COLUMNS, tmp_path)
    assert _cells(sop) == [
        ("Menerima berkas permohonan surat pindah dari pemohon", "KTP dan KK", "10 menit", "Berkas permohonan"),
        ("Memeriksa kelengkapan berkas permohonan", "Berkas permohonan", "15 menit", "Berkas lengkap"),
        ("Menandatangani surat pindah", "Berkas lengkap", "1 hari", "Surat pindah yang telah ditandatangani"),
        ("Mengarsipkan surat pindah", "Surat pindah yang telah ditandatangani", "5 menit", "Arsip surat pindah"),
    ]


def test_a_block_mode_table_keeps_its_title_identity_page_and_signer(tmp_path):
    [sop] = _read(IDENTITY + COLUMNS, tmp_path)
    assert sop.title == "SOP Pelayanan Surat Pindah"
    assert sop.identity["nama"] == "Pelayanan Surat Pindah"
    assert sop.identity["nomor"] == "045/112/Kec.Bj/2023"
    assert "NIP. 19700101 199003 1 002" in (sop.signature or "")
    assert any(note.code == "ocr-low-confidence" and "block mode" in note.message for note in sop.notes)


def test_role_labels_are_rebuilt_from_the_scattered_header_paragraphs(tmp_path):
    [sop] = _read(IDENTITY + COLUMNS, tmp_path)
    assert sop.segments[0].role_labels == ["Kasubag Umum", "Camat"]


def test_an_interleaved_dump_is_left_to_the_interleaved_reader(tmp_path):
    lines = INTERLEAVED.split("\n")
    assert not text_ocr_blocks.is_block_mode(text_ocr_blocks.paragraphs(lines, 0, len(lines)))
    assert [_cells(s) for s in _read(INTERLEAVED, tmp_path)] == [_cells(s) for s in text_ocr.parse(lines)]


def test_the_block_mode_reader_does_not_touch_the_interleaved_seed_dump():
    lines = (ROOT / "corpus" / "002_9b2ebff0e60484ce.txt").read_text(encoding="utf-8").split("\n")
    before = [_cells(s) for s in text_ocr.parse(lines)]
    assert [_cells(s) for s in text_ocr_blocks.reread(lines, text_ocr.parse(lines))] == before


def test_symbol_scraps_and_lone_step_numbers_are_no_cells(tmp_path):
    noisy = COLUMNS.replace("Berkas lengkap\n\nSurat pindah", "Berkas lengkap\n\nhee pan\n\n3\n\nSurat pindah")
    [sop] = _read(IDENTITY + noisy, tmp_path)
    assert all("hee" not in text and text != "3" for row in _cells(sop) for text in row)
    assert len(sop.rows) == 4


def test_a_lower_case_paragraph_continues_the_cell_read_before_it(tmp_path):
    split = COLUMNS.replace("Surat pindah yang\ntelah ditandatangani\n\n10 menit",
                            "Surat pindah yang\n\ntelah ditandatangani\n\n10 menit")
    [sop] = _read(IDENTITY + split, tmp_path)
    assert sop.rows[3].kelengkapan == "Surat pindah yang telah ditandatangani"


def test_a_signer_block_read_before_the_kegiatan_column_does_not_end_the_table(tmp_path):
    head, tail = COLUMNS.split("Boja, 3 Maret 2023")
    early = head.replace("Kegiatan\n\n", "Kegiatan\n\nBoja, 3 Maret 2023\nCAMAT BOJA\n\n", 1)
    [sop] = _read(IDENTITY + early + "Boja, 3 Maret 2023" + tail, tmp_path)
    assert len(sop.rows) == 4
    assert sop.rows[0].kegiatan.startswith("Menerima")


#: A band of rows: the right-hand cells of a row may come before its kegiatan, kelengkapan and
#: output sharing lines, under a header line the interleaved reader finds.
BAND = """\
SOP Pelayanan Surat Pindah

AKTIVITAS STAF CAMAT KELENGKAPAN WAKTU OUTPUT KETERANGAN
PELAYANAN

KTP dan KK 10 menit | Berkas permohonan

Menerima berkas permohonan surat
pindah dari pemohon

Memeriksa kelengkapan berkas
permohonan

Berkas permohonan 15 menit | Berkas lengkap

Berkas lengkap 1 hari Surat pindah yang
telah ditandatangani

Menandatangani surat pindah

Mengarsipkan surat pindah

5 menit | Arsip surat pindah

Boja, 3 Maret 2023
CAMAT BOJA
"""


def test_cells_of_a_band_of_rows_go_to_their_rows_by_the_chain_of_outputs(tmp_path):
    [sop] = _read(IDENTITY + BAND, tmp_path)
    assert [(r.kelengkapan, r.waktu, r.output) for r in sop.rows] == [
        ("KTP dan KK", "10 menit", "Berkas permohonan"),
        ("Berkas permohonan", "15 menit", "Berkas lengkap"),
        ("Berkas lengkap", "1 hari", "Surat pindah yang telah ditandatangani"),
        ("Surat pindah yang telah ditandatangani", "5 menit", "Arsip surat pindah"),
    ]


def test_a_preposition_opening_a_keterangan_is_no_kegiatan(tmp_path):
    last = "5 menit | Arsip surat pindah"
    with_note = COLUMNS.replace(last, f"{last}\n\nMelalui aplikasi\nSRIKANDI")
    [sop] = _read(IDENTITY + with_note, tmp_path)
    assert len(sop.rows) == 4


def test_a_note_in_the_keterangan_column_is_left_out_of_the_cells(tmp_path):
    noted = COLUMNS.replace("15 menit | Berkas lengkap", "15 menit | Berkas lengkap SOP Penomoran Surat")
    [sop] = _read(IDENTITY + noted, tmp_path)
    assert sop.rows[1].output == "Berkas lengkap"
    assert sop.rows[2].kelengkapan == "Berkas lengkap"


def test_a_column_title_that_is_also_an_identity_label_does_not_end_the_table(tmp_path):
    titled = COLUMNS.replace("Pelaksana\n\n", "Pelaksana\n\nPeralatan\n\n")
    [sop] = _read(IDENTITY + titled, tmp_path)
    assert [r.kelengkapan for r in sop.rows][:2] == ["KTP dan KK", "Berkas permohonan"]


def test_under_a_header_naming_the_unit_a_bare_number_is_the_duration(tmp_path):
    bare = (COLUMNS.replace("Pelaksana\n\n", "Pelaksana\n\nWaktu\n(menit)\n\n")
            .replace("10 menit |", "10 |").replace("15 menit |", "15 |").replace("1 hari", "450")
            .replace("5 menit |", "30 |"))
    [sop] = _read(IDENTITY + bare, tmp_path)
    assert [r.waktu for r in sop.rows] == ["10", "15", "450", "30"]
    assert sop.segments[0].waktu_unit == "menit"
