"""The identity page of OCR text dumps: a two-column form read straight across, labels lost or out of place.

Each test is a small page written for it in the shape OCR gives (a heading run into the
signer's name, a row of lists with one column empty, the next row's labels lost), read by
the reader the OCR-dump and tab-export readers share, then typed by normalize.
"""

from __future__ import annotations

from sopbaku.ingest.text_identity import read_identity
from sopbaku.normalize.identity import parse_signer, split_items

HEAD = ["Nomor SOP 800/217/Kec.Smj/2023", "Tanggal Pembuatan 04 Maret 2023"]


def _lists(lines: list[str]) -> dict[str, list[str]]:
    fields = read_identity(lines).fields
    return {key: split_items(value) for key, value in fields.items()
            if key in {"dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan",
                       "peringatan", "pencatatan_pendataan"}}


def test_an_office_heading_run_into_the_signers_name_is_the_unit_and_not_part_of_the_name():
    fields = read_identity([*HEAD, "Disahkan Oleh Camat Sukamaju", "PEMERINTAH KABUPATEN CIAMIS",
                            "KECAMATAN SUKAMAJU Dra. Siti Aminah, M.Si", "NIP. 19710203 199803 2 004",
                            "Nama SOP Pelayanan Surat Pindah"]).fields
    assert fields["instansi"] == "PEMERINTAH KABUPATEN CIAMIS"
    assert fields["unit"] == "KECAMATAN SUKAMAJU"
    signer = parse_signer(fields["disahkan_oleh"])
    assert signer is not None
    assert (signer["jabatan"], signer["nama"]) == ("Camat Sukamaju", "Dra. Siti Aminah, M.Si")


def test_a_name_in_capitals_is_told_from_the_heading_by_the_jabatan_printed_before_it():
    fields = read_identity([*HEAD, "Disahkan Oleh KEPALA DINAS SOSIAL", "DINAS SOSIAL AHMAD FAUZI, S.Sos",
                            "NIP. 19680512 199003 1 007", "Nama SOP Penyaluran Bantuan"]).fields
    assert fields["unit"] == "DINAS SOSIAL"
    assert fields["disahkan_oleh"].splitlines()[1] == "AHMAD FAUZI, S.Sos"


def test_a_row_with_one_list_under_both_labels_gives_it_to_the_column_its_items_belong_in():
    lists = _lists([*HEAD, "Nama SOP Penerbitan Surat Keterangan", "Keterkaitan Peralatan/Perlengkapan",
                    "1) Komputer/laptop", "2) Printer", "3) Alat Tulis Kantor"])
    assert lists == {"peralatan_perlengkapan": ["Komputer/laptop", "Printer", "Alat Tulis Kantor"]}


def test_lists_after_an_empty_column_go_on_to_the_next_rows_columns_by_their_items():
    lists = _lists([*HEAD, "Nama SOP Penerbitan Surat Keterangan", "Keterkaitan Peralatan/Perlengkapan", "",
                    "1) Map dan ordner arsip", "2) Stempel dinas", "",
                    "1) Keterlambatan penyerahan berkas akan menghambat pelayanan",
                    "2) Berkas yang tidak lengkap dikembalikan kepada pemohon"])
    assert lists["peralatan_perlengkapan"] == ["Map dan ordner arsip", "Stempel dinas"]
    assert lists["peringatan"] == ["Keterlambatan penyerahan berkas akan menghambat pelayanan",
                                   "Berkas yang tidak lengkap dikembalikan kepada pemohon"]
    assert "keterkaitan" not in lists


def test_a_list_of_records_after_the_related_sops_skips_the_empty_equipment_column():
    lists = _lists([*HEAD, "Nama SOP Pengelolaan Arsip", "Keterkaitan Peralatan/Perlengkapan",
                    "1. SOP Pengelolaan Surat Masuk", "2. SOP Pengarsipan Dokumen",
                    "1. Sekretaris : Lembar disposisi, paraf", "2. Buku agenda surat keluar"])
    assert lists["keterkaitan"] == ["SOP Pengelolaan Surat Masuk", "SOP Pengarsipan Dokumen"]
    assert lists["pencatatan_pendataan"] == ["Sekretaris : Lembar disposisi, paraf", "Buku agenda surat keluar"]
    assert "peralatan_perlengkapan" not in lists


def test_a_row_whose_labels_were_lost_starts_where_an_unnumbered_item_runs_into_a_second_lists_first():
    lists = _lists([*HEAD, "Nama SOP Pengelolaan Arsip", "Keterkaitan Peralatan/Perlengkapan",
                    "1) SOP Pengelolaan Surat Masuk 1) Printer", "2) Stempel dinas",
                    "Apabila SOP ini tidak dilaksanakan maka arsip hilang 1) Sekretaris : Lembar disposisi, paraf",
                    "2) Buku agenda surat keluar"])
    assert lists["keterkaitan"] == ["SOP Pengelolaan Surat Masuk"]
    assert lists["peralatan_perlengkapan"] == ["Printer", "Stempel dinas"]
    assert lists["peringatan"] == ["Apabila SOP ini tidak dilaksanakan maka arsip hilang"]
    assert lists["pencatatan_pendataan"] == ["Sekretaris : Lembar disposisi, paraf", "Buku agenda surat keluar"]


def test_rows_of_lists_without_any_label_are_cut_where_a_new_row_opens():
    lists = _lists([*HEAD, "Nama SOP Pengelolaan Arsip",
                    "1. Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan 1. Teliti dan bertanggung jawab",
                    "2. Memahami tugas pokok dan fungsi",
                    "1. SOP Penomoran Surat Keluar 1. Stempel dinas",
                    "2. Komputer/laptop",
                    "Keterlambatan penyampaian laporan akan menghambat pelaporan 1. Camat : Lembar disposisi",
                    "2. Arsip surat keluar"])
    assert lists["peralatan_perlengkapan"] == ["Stempel dinas", "Komputer/laptop"]
    assert lists["peringatan"] == ["Keterlambatan penyampaian laporan akan menghambat pelaporan"]
    assert lists["pencatatan_pendataan"] == ["Camat : Lembar disposisi", "Arsip surat keluar"]


def test_a_pairs_lone_label_with_two_columns_under_it_splits_them_when_the_partner_label_was_lost():
    lists = _lists([*HEAD, "Nama SOP Penyusunan Laporan", "Kualifikasi Pelaksana",
                    "1) Peraturan Bupati Ciamis Nomor 12 Tahun 2021 tentang Tugas 1) Mampu mengoperasikan komputer",
                    "dan Fungsi Kecamatan 2) Teliti dan bertanggung jawab",
                    "2) Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"])
    assert lists["dasar_hukum"] == ["Peraturan Bupati Ciamis Nomor 12 Tahun 2021 tentang Tugas dan Fungsi Kecamatan",
                                    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"]
    assert lists["kualifikasi_pelaksana"] == ["Mampu mengoperasikan komputer", "Teliti dan bertanggung jawab"]


def test_a_first_item_number_misread_as_a_bar_still_opens_the_list():
    lists = _lists([*HEAD, "Nama SOP Pengukuran Kinerja", "Keterkaitan Peralatan/Perlengkapan",
                    "1) SOP Pengelolaan Surat Masuk 1) Printer", "2) Jaringan internet",
                    "|) Kesalahan data berakibat pada tidak validnya laporan 1) Kepala Dinas : Lembar disposisi"])
    assert lists["peralatan_perlengkapan"] == ["Printer", "Jaringan internet"]
    assert lists["peringatan"] == ["Kesalahan data berakibat pada tidak validnya laporan"]
    assert lists["pencatatan_pendataan"] == ["Kepala Dinas : Lembar disposisi"]


def test_a_list_of_regulations_under_the_records_label_is_the_dasar_hukum_whose_label_was_lost():
    lists = _lists([*HEAD, "Nama SOP Penerbitan Izin Usaha", "Pencatatan dan Pendataan", "",
                    "1) Sekretaris : Lembar disposisi, paraf", "2) Buku agenda surat keluar", "",
                    "1) Peraturan Pemerintah Nomor 8 Tahun 2006 tentang Pelaporan Keuangan",
                    "2) Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik", "",
                    "Peringatan", "", "Jika tidak dilaksanakan, maka sasaran tidak tercapai"])
    assert lists["pencatatan_pendataan"] == ["Sekretaris : Lembar disposisi, paraf", "Buku agenda surat keluar"]
    assert lists["dasar_hukum"] == ["Peraturan Pemerintah Nomor 8 Tahun 2006 tentang Pelaporan Keuangan",
                                    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"]
    assert lists["peringatan"] == ["Jika tidak dilaksanakan, maka sasaran tidak tercapai"]


def test_a_signer_cell_that_lost_its_jabatan_line_keeps_the_name_as_the_name():
    fields = read_identity([*HEAD, "Disahkan Oleh", "PEMERINTAH KAB. GRESIK", "KECAMATAN BENJENG",
                            "Ir. Rudi Siregar, M.Si", "NIP. 19661005 198901 2 011",
                            "Nama SOP Penerbitan Izin Usaha"]).fields
    signer = parse_signer(fields["disahkan_oleh"])
    assert signer == {"jabatan": None, "nama": "Ir. Rudi Siregar, M.Si", "nip": "196610051989012011"}
    assert (fields["instansi"], fields["unit"]) == ("PEMERINTAH KAB. GRESIK", "KECAMATAN BENJENG")
