"""Identity page fields: dates, NIP, lists, signer and signature blocks, Nama SOP."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopbaku.normalize.identity import clean_nama, nip_digits, parse_date, parse_signature, parse_signer, split_items


@pytest.mark.parametrize(
    ("text", "iso"),
    [("02 Januari 2019", "2019-01-02"), ("Bungaraya, 4 Januari 2022", "2022-01-04"), ("23 Nopember 2020", "2020-11-23"),
     ("07-01-2019", "2019-01-07"), ("2021-01-20", "2021-01-20"), ("4 Agt 2021", "2021-08-04"), ("-", None),
     ("31 Februari 2020", None), ("", None)],
)
def test_dates(text, iso):
    assert parse_date(text) == iso


def test_nip_digits():
    assert nip_digits("NIP. 19640104 199101 1 004") == "196401041991011004"


def test_flattened_numbered_list_is_split_by_sequence():
    text = "1. pp Nomor 79 Tahun 2005 tentang Pedoman2. PP Nomor 60 tahun 2008 tentang SPIP3. Peraturan Menteri"
    assert split_items(text) == ["pp Nomor 79 Tahun 2005 tentang Pedoman", "PP Nomor 60 tahun 2008 tentang SPIP",
                                 "Peraturan Menteri"]


def test_wrapped_lines_continue_their_item_and_bullets_start_new_ones():
    text = "1. Renstra, RPJMD, Menteri\ndan Inspektur Jenderal,\n2. Meja, Kursi\n- Setiap tahap terdokumentasi"
    assert split_items(text) == ["Renstra, RPJMD, Menteri dan Inspektur Jenderal,", "Meja, Kursi",
                                 "Setiap tahap terdokumentasi"]


def test_unnumbered_lines_split_at_capitals():
    assert split_items("Alat Tulis Kantor\nKomputer\nPrinter") == ["Alat Tulis Kantor", "Komputer", "Printer"]
    assert split_items("Jika tidak dibuat, maka sasaran tidak\nberjalan") == [
        "Jika tidak dibuat, maka sasaran tidak berjalan"]


def test_signer_cell():
    assert parse_signer("CAMAT BUNGURSARI  M.SARIPUL.HAROM.S.Sos NIP. 19640104 199101 1 004") == {
        "jabatan": "CAMAT BUNGURSARI", "nama": "M.SARIPUL.HAROM.S.Sos", "nip": "196401041991011004"}
    assert parse_signer("   ") is None


def test_signature_block_with_place_and_date():
    block = "Bungaraya, 4 Januari 2022\nCamat Bungaraya\n\n\nAMIN SOIMIN SH. M.Si\n\nNIP. 19720713 199203 1 005"
    assert parse_signature(block) == {"tempat": "Bungaraya", "tanggal": "2022-01-04", "jabatan": "Camat Bungaraya",
                                      "nama": "AMIN SOIMIN SH. M.Si", "nip": "197207131992031005"}


@pytest.mark.parametrize(
    ("text", "nama"),
    [("PENGUKURAN KINERJA ✓", "PENGUKURAN KINERJA"), ("SOP : PENGUKURAN KINERJA", "PENGUKURAN KINERJA"),
     ("Standar Operasional Prosedur (SOP) Penyusunan RKT", "Penyusunan RKT"), ("STANDAR OPERASIONAL PROSEDUR", None)],
)
def test_nama(text, nama):
    assert clean_nama(text) == nama


@given(st.text(max_size=200))
def test_list_splitting_never_raises_and_gives_clean_items(text):
    items = split_items(text)
    assert all(item and item == item.strip() and "\n" not in item for item in items)


@given(st.text(max_size=80))
def test_nama_cleaning_is_idempotent(text):
    once = clean_nama(text)
    assert clean_nama(once) == once
