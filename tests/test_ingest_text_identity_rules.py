"""General rules of the identity reader on small made-up blocks: office headings, OCR-lost list headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopbaku.ingest.text_identity import heading_parts, read_identity
from sopbaku.ingest.text_sidebyside import split_columns
from sopbaku.normalize.identity import nip_digits
from sopbaku.pipeline import extract


@pytest.mark.parametrize(("line", "parts"), [
    ("BADAN PUSAT STATISTIK", {"instansi": "BADAN PUSAT STATISTIK"}),
    ("BPS KABUPATEN LAMONGAN", {"unit": "BPS KABUPATEN LAMONGAN"}),
    ("Badan Pusat Statistik Kota Pariaman", {"unit": "Badan Pusat Statistik Kota Pariaman"}),
    ("KEMENTERIAN DALAM NEGERI", {"instansi": "KEMENTERIAN DALAM NEGERI"}),
    ("DIREKTORAT JENDERAL BINA KEUANGAN DAERAH", {"unit": "DIREKTORAT JENDERAL BINA KEUANGAN DAERAH"}),
    ("BADAN KEPEGAWAIAN DAERAH", {"unit": "BADAN KEPEGAWAIAN DAERAH"}),
    ("KECAMATAN SUKAMAJU KABUPATEN BOGOR", {"unit": "KECAMATAN SUKAMAJU", "instansi": "KABUPATEN BOGOR"}),
    ("PEMERINTAH KOTA MEDAN", {"instansi": "PEMERINTAH KOTA MEDAN"}),
    ("STANDAR OPERASIONAL PROSEDUR", {}),
])
def test_a_heading_line_names_the_instansi_or_the_unit_of_regions_agencies_and_ministries(line, parts):
    assert heading_parts(line) == parts


def test_office_headings_read_inside_the_signer_cell_go_to_instansi_and_unit():
    block = read_identity(["Nomor SOP 12/BPS/2024", "Disahkan Oleh Kepala BPS Kabupaten Lamongan",
                           "BADAN PUSAT STATISTIK", "BPS KABUPATEN LAMONGAN", "Sri Wahyuni, S.ST",
                           "NIP. 19800101 200212 2 001", "Nama SOP Pengolahan Data Survei"])
    fields = block.fields
    assert (fields["instansi"], fields["unit"]) == ("BADAN PUSAT STATISTIK", "BPS KABUPATEN LAMONGAN")
    assert "BADAN" not in fields["disahkan_oleh"] and fields["disahkan_oleh"].startswith("Kepala BPS")
    assert fields["nama"] == "Pengolahan Data Survei"


def test_side_by_side_lists_whose_headings_were_lost_are_placed_in_the_pages_order():
    block = read_identity([
        "Nama SOP Penyusunan Jadwal Piket",
        "1. Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur 1. Teliti",
        "Sipil Negara 2. Jujur",
        "2. Peraturan Bupati Nomor 3 Tahun 2020 tentang Jam Kerja",
        "1. SOP Absensi 1. Komputer",
        "2. Papan tulis",
        "1. Jadwal terlambat dibagikan 1. Buku piket",
    ])
    f = block.fields
    assert f["nama"] == "Penyusunan Jadwal Piket"
    assert f["dasar_hukum"].split("\n") == ["1. Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara",
                                           "2. Peraturan Bupati Nomor 3 Tahun 2020 tentang Jam Kerja"]
    assert f["kualifikasi_pelaksana"].split("\n") == ["1. Teliti", "2. Jujur"]
    assert (f["keterkaitan"], f["peralatan_perlengkapan"]) == ("1. SOP Absensi", "1. Komputer\n2. Papan tulis")
    assert (f["peringatan"], f["pencatatan_pendataan"]) == ("1. Jadwal terlambat dibagikan", "1. Buku piket")
    assert any(note.code == "label-missing" for note in block.notes)


def test_two_list_labels_read_as_one_line_are_both_labels_and_their_lists_are_split_by_column():
    f = read_identity([
        "Keterkaitan Peralatan/Perlengkapan",
        "1) SOP Cuti 1) Printer",
        "2) SOP Arsip 2) Map",
        "3) Stempel",
        "Peringatan Pencatatan dan Pendataan",
        "1) Berkas hilang 1) Buku agenda",
    ]).fields
    assert f["keterkaitan"] == "1) SOP Cuti\n2) SOP Arsip"
    assert f["peralatan_perlengkapan"] == "1) Printer\n2) Map\n3) Stempel"
    assert (f["peringatan"], f["pencatatan_pendataan"]) == ("1) Berkas hilang", "1) Buku agenda")


def test_a_number_both_columns_expect_joins_the_column_of_like_items():
    pairs = split_columns(["1. Peraturan Daerah Nomor 1 Tahun 2019 tentang Pajak 1. Cermat",
                           "2. Teliti", "2. Peraturan Bupati Nomor 9 Tahun 2021 tentang Retribusi"])
    assert len(pairs) == 1
    assert [item[:12] for item in pairs[0].left] == ["1. Peraturan", "2. Peraturan"]
    assert pairs[0].right == ["1. Cermat", "2. Teliti"]


def test_letters_ocr_puts_for_the_last_digits_of_a_nip_are_read_as_digits():
    assert nip_digits("NIP. 19771219 199906 1 OO6") == "197712191999061006"
    assert nip_digits("NIP. 19771219 199906 1 006\nOperator") == "197712191999061006"


def test_an_agency_with_its_own_roles_keeps_unknown_ones_as_slug_roles_with_a_warning(tmp_path: Path):
    text = "\n".join([
        "BADAN PUSAT STATISTIK", "BPS KOTA PARIAMAN", "",
        "\tNomor SOP\t:\t001/BPS/2024", "\tNama SOP\t\tPemutakhiran Kerangka Sampel", "", "",
        "SOP : Pemutakhiran Kerangka Sampel", "",
        "No\tKegiatan\tPelaksana\t\t\tMutu Baku\t\t\tKet",
        "\t\tKepala BPS\tKoordinator Fungsi Statistik Sosial\tMitra Statistik\tKelengkapan\tWaktu\tOutput\t",
        "1\tMenugaskan pemutakhiran\t\t\t\tSurat tugas\t10 menit\tDisposisi\t",
        "2\tMemutakhirkan daftar rumah tangga\t\t\t\tDisposisi\t3 hari\tDaftar mutakhir\t",
        "3\tMemeriksa daftar; jika tidak lengkap dikembalikan kepada Mitra Statistik\t\t\t\tDaftar mutakhir"
        "\t1 hari\tDaftar terperiksa\t",
    ])
    path = tmp_path / "bps.txt"
    path.write_text(text + "\n", encoding="utf-8")
    model = extract(path)
    sop = model.sops.iloc[0]
    assert (sop["instansi"], sop["unit"]) == ("BADAN PUSAT STATISTIK", "BPS KOTA PARIAMAN")
    ids = list(model.roles["role_id"])
    assert ids[0] == "kepala_bps" and "mitra_statistik" in ids and len(ids) == 3
    unknown = model.warnings[model.warnings["code"] == "role-unknown"]["message"]
    assert any("Mitra Statistik" in m for m in unknown)
    assert len(model.steps) == 3
