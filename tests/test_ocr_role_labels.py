"""Role labels of OCR text dumps: assembled from interleaved, garbled header lines, then mapped to role ids.

Each header below is written for the test in the way tesseract prints an SOP AP
table header: one line per visual line, the words of neighbouring cells side by
side, rulings as "|", symbol scraps under the header.
"""

from __future__ import annotations

import pytest

from sopbaku.ingest import text_ocr
from sopbaku.ingest.text_ocr_header import role_labels
from sopbaku.ingest.text_ocr_vocab import tokens
from sopbaku.normalize.roles import load_registry, resolve_segments

THRESHOLD = 82.0


def _labels(*lines: str) -> list[str]:
    return role_labels([tokens(line) for line in lines])


def _ids(*segments: list[str]) -> list[str]:
    return [role.id for role in resolve_segments(list(segments), load_registry(), THRESHOLD).roles]


# --------------------------------------------------------------------------- assembly


def test_pelaksana_under_a_staf_column_is_its_qualifier_not_the_column_title():
    labels = _labels("No Kegiatan Camat Kasubag Staf Fungsional Kelengkapan Waktu Output",
                     "Umum | Pelaksana Umum")
    assert labels == ["Camat", "Kasubag Umum", "Staf Pelaksana", "Fungsional Umum"]


def test_symbol_scraps_under_the_header_end_it():
    labels = _labels("PELAKSANA MUTU BAKU", "KEGIATAN Camat Kasubag Staf KELENGKAPAN WAKTU OUTPUT",
                     "Perencanaan dan", "Keuangan", "Pe ne. Ta", "KE RI ak", "SAMARATEN 12")
    assert labels == ["Camat", "Kasubag Perencanaan dan Keuangan", "Staf"]


def test_a_garbled_mixed_case_word_in_a_capitals_header_joins_no_label():
    labels = _labels("URAIAN KEGIATAN SEKRETARIS Rogue TIM STAF KELENGKAPAN WAKTU", "KECAMATAN MONITORING")
    assert labels == ["SEKRETARIS KECAMATAN", "TIM MONITORING", "STAF"]


def test_two_role_words_printed_without_a_space_are_two_words():
    labels = _labels("Uraian Prosedur FUNGSIONAL | TIMMONITORING | KASUBAG UMUM Keterangan", "UMUM")
    assert labels == ["FUNGSIONAL UMUM", "TIM MONITORING", "KASUBAG UMUM"]


def test_a_capitals_word_split_over_two_lines_is_one_word_that_takes_its_qualifier():
    labels = _labels("KEPALA TIM PENGADMINIST | STAF KELENGKAPAN", "DESA MONITORING RASI (MENIT)", "KEPEGAWAIAN")
    assert labels == ["KEPALA DESA", "TIM MONITORING", "PENGADMINISTRASI KEPEGAWAIAN", "STAF"]


def test_a_head_word_misread_by_one_letter_still_takes_its_qualifier():
    labels = _labels("Kegiatan Pemohon Kasubbag Renkeu | PENGADNINISTRASI | Staf Kelengkapan", "KEPEGAWAIAN")
    assert labels == ["Pemohon", "Kasubbag Renkeu", "PENGADNINISTRASI KEPEGAWAIAN", "Staf"]


def test_a_qualifier_whose_head_ocr_lost_is_no_role():
    assert _labels("Pelaksana Mutu Baku", "Umum") == []


def test_the_dan_of_a_split_column_title_stays_out_of_the_labels():
    assert _labels("KEGIATAN Camat Tim Fungsional KELENGKAPAN", "Penyusun Umum DAN PERALATAN") == [
        "Camat", "Tim Penyusun", "Fungsional Umum"]
    # a label's own lower-case "dan" beside the capitals title stays in the label
    assert _labels("KEGIATAN Sekretaris Kasubag Umum | Staf KELENGKAPAN", "Daerah dan PERALATAN", "Kepegawaian") == [
        "Sekretaris Daerah", "Kasubag Umum dan Kepegawaian", "Staf"]


def test_a_label_never_takes_the_same_word_twice():
    labels = _labels("Uraian Kegiatan Sekretaris Kasubag Tim Fungsional Kelengkapan", "Camat Umum dan Umum",
                     "Kepegawaian")
    assert labels == ["Sekretaris Camat", "Kasubag Umum dan Kepegawaian", "Tim", "Fungsional Umum"]


def test_a_ruling_keeps_a_garbled_qualifier_out_of_the_cell_before_it():
    labels = _labels("AKTIVITAS CAMAT KASUBBAG TIM STAF KELENGKAPAN", "UMPEG | MONITORING | Keperawatan | PELAKSANA")
    assert labels == ["CAMAT", "KASUBBAG UMPEG", "TIM MONITORING", "STAF PELAKSANA"]


def test_an_acronym_after_an_open_head_is_its_qualifier():
    assert _labels("Uraian Kegiatan Kepala BPS Kelengkapan dan Peralatan", "Kabupaten") == ["Kepala BPS Kabupaten"]


def test_a_garbled_head_keeps_the_qualifiers_of_its_neighbours_apart():
    labels = _labels("KEGIATAN Sekretaris CAMAT Sekretaris Kesubar JFU KELENGKAPAN", "Daerah Kecamatan Perencanaan")
    assert labels == ["Sekretaris Daerah", "CAMAT", "Sekretaris Kecamatan", "Kesubar Perencanaan", "JFU"]
    assert _ids(labels) == ["sekda", "camat", "sekretaris_kecamatan", "kasubag_perencanaan_keuangan",
                            "fungsional_umum"]


def test_a_quote_ocr_put_before_a_head_word_does_not_lose_the_column():
    assert _labels("KEGIATAN CAMAT Kasubag 'Kasub JFU KELENGKAPAN", "Umum Evapor") == [
        "CAMAT", "Kasubag Umum", "Kasub Evapor", "JFU"]


# --------------------------------------------------------------------------- mapping to ids


@pytest.mark.parametrize(("label", "role_id"), [
    ("PENGADNINISTRASI KEPEGAWAIAN", "pengadministrasi_kepegawaian"),
    ("Kasubbag Renkeu", "kasubag_perencanaan_keuangan"),
    ("Tim Monev", "tim_monitoring"),
    ("Staf Pelaksana", "staf"),
    ("Kasi PMD", "kasi_pmd"),
    ("Kasubag Umpeg", "kasubag_umum_kepegawaian"),
    ("Kepala BPS Kabupaten", "kepala_bps"),
    ("StatUmum", "staf"),  # a scan's OCR ran "Staf Umum" together and misread the f
])
def test_ocr_labels_and_abbreviations_map_to_their_ids(label, role_id):
    assert _ids([label]) == [role_id]


def test_an_agency_role_the_registry_does_not_know_stays_its_own_role():
    out = resolve_segments([["Kepala BPS", "Analis Kebijakan"]], load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == ["kepala_bps", "analis_kebijakan"]
    assert out.unknown == ["Analis Kebijakan"]


@pytest.mark.parametrize("label", ["Sekretaris Inspektorat", "Sekretaris Badan", "Kepala Balai",
                                   "Sekretaris Direktorat Jenderal"])
def test_a_label_naming_another_office_is_never_taken_for_the_role_it_resembles(label):
    out = resolve_segments([[label]], load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == [label.lower().replace(" ", "_")] and out.unknown == [label]


def test_a_body_row_taken_for_a_repeated_header_adds_no_roles():
    out = resolve_segments([["Camat", "Kasubag Umum"], ["Menandatangani", "Surat", "Ahli Waris"]],
                           load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == ["camat", "kasubag_umum_kepegawaian"]
    assert out.columns[1] == [None, None, None] and not out.unknown


def test_a_later_header_adds_a_column_the_first_page_lost_but_no_unknown_word():
    ids = _ids(["Camat", "Staf"], ["Camat", "Sekretaris Kecamatan", "Staf", "Dena"])
    assert ids == ["camat", "staf", "sekretaris_kecamatan"]


def test_the_first_header_with_labels_is_the_prior_when_the_first_page_lost_them():
    out = resolve_segments([[], ["Camat", "Sekretaris Kecamatan"], ["Cgmat", "Sekretaris Kec"]],
                           load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == ["camat", "sekretaris_kecamatan"]
    assert out.columns[2] == ["camat", "sekretaris_kecamatan"]


# --------------------------------------------------------------------------- a whole dump


def test_an_ocr_dump_with_a_garbled_header_gives_its_roles_and_no_scrap_roles():
    lines = ["SOP Penyusunan Laporan Kinerja",
             "PELAKSANA MUTU BAKU",
             "URAIAN KEGIATAN Sekretaris Kasubag Tim Fungsional KELENGKAPAN DAN WAKTU OUTPUT",
             "Kecamatan Evapor | Penyusun Umum PERALATAN",
             "ea KS SA ne ea",
             "1 Menyusun konsep laporan kinerja Data kinerja 30 menit Konsep laporan",
             "2 Memeriksa konsep laporan kinerja Konsep laporan 15 menit Konsep diperiksa",
             "",
             "",
             "Keterangan Laporan Kinerja Keterangan Laporan Kinerja Keterangan Laporan",
             "3 Menandatangani laporan kinerja Konsep diperiksa 10 menit Laporan kinerja"]
    raw = text_ocr.parse(lines)[0]
    ids = _ids(*[segment.role_labels for segment in raw.segments])
    assert ids == ["sekretaris_kecamatan", "kasubag_evaluasi_pelaporan", "tim", "fungsional_umum"]
