"""Role registry: aliases, OCR noise, unknown labels, continuation headers, an office's own file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopbaku.errors import ConfigError
from sopbaku.normalize.roles import load_registry, resolve_segments

THRESHOLD = 82.0


@pytest.mark.parametrize(
    ("label", "role_id"),
    [
        ("CAMAT", "camat"),
        ("Camat Bungursari", "camat"),
        ("Sekcam", "sekretaris_kecamatan"),
        ("Sekretaris Camat", "sekretaris_kecamatan"),
        ("Sekretaris Ketiam‘atan", "sekretaris_kecamatan"),
        ("KASI/KASUBBAG UMPEG", "kasubag_umum_kepegawaian"),
        ("Kasubbag Umpeg", "kasubag_umum_kepegawaian"),
        ("Kasubag Perencanaan, Keuangan", "kasubag_perencanaan_keuangan"),
        ("Kasub Evapor", "kasubag_evaluasi_pelaporan"),
        ("Sek.Tim.Sa kip", "sekretaris_tim_sakip"),
        ("Kasi Trantib", "kasi_trantib"),
        ("JFU", "fungsional_umum"),
        ("Bupati/Sekda", "bupati_sekda"),
        ("Kades", "kepala_desa"),
    ],
)
def test_labels_map_to_core_ids(label, role_id):
    role, _ = load_registry().match(label, THRESHOLD)
    assert role is not None and role.id == role_id


def test_unknown_label_becomes_a_slug_role_and_is_reported():
    out = resolve_segments([["Camat", "Juru Pelihara Taman"]], load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == ["camat", "juru_pelihara_taman"]
    assert out.unknown == ["Juru Pelihara Taman"]


def test_continuation_header_uses_first_page_columns_for_garbled_labels():
    first = ["Staf", "Kasubag Perencanaan, Keuangan", "Sekretaris Kecamatan", "Camat"]
    later = ["Staf", "Kasubag Umum", "Sekretaris Kecamatan", "Cgmgt", "Bupati/Sekda"]
    out = resolve_segments([first, later], load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == ["staf", "kasubag_perencanaan_keuangan", "sekretaris_kecamatan", "camat",
                                         "kasubag_umum_kepegawaian", "bupati_sekda"]
    assert out.columns[1][3] == "camat" and "Cgmgt" in out.labels["camat"]


def test_generic_label_under_a_precise_first_page_column_is_the_same_role():
    out = resolve_segments([["camat", "Sek.Tim.Sakip", "Anggota Tim Sakip"], ["camat", "Sek.Tim.Sa kip", "TIM"]],
                           load_registry(), THRESHOLD)
    assert [r.id for r in out.roles] == ["camat", "sekretaris_tim_sakip", "anggota_tim_sakip"]


def test_two_columns_of_one_header_never_collapse():
    labels = ["Kepala Seksi Statistik Sosial", "Kepala Seksi Statistik Produksi"]
    out = resolve_segments([labels], load_registry(), THRESHOLD)
    assert len({r.id for r in out.roles}) == 2


def test_office_registry_extends_the_shipped_one(tmp_path):
    extra = tmp_path / "kantor.yaml"
    extra.write_text("roles:\n  - id: juru_taman\n    name: Juru Taman\n    aliases: [Jurtam]\n", encoding="utf-8")
    reg = load_registry(extra)
    assert reg.match("JURTAM", THRESHOLD)[0].id == "juru_taman"
    assert reg.match("Camat", THRESHOLD)[0].id == "camat"


def test_bad_registry_file_is_a_config_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("roles:\n  - id: Bad Id\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lowercase"):
        load_registry(bad)


@given(st.lists(st.text(max_size=30), max_size=6))
def test_any_labels_resolve_to_valid_ids_and_resolving_twice_is_stable(labels):
    reg = load_registry()
    out = resolve_segments([labels], reg, THRESHOLD)
    assert all(r.id and r.id.replace("_", "").isalnum() and r.id.isascii() for r in out.roles)
    again = resolve_segments([labels], reg, THRESHOLD)
    assert [r.id for r in again.roles] == [r.id for r in out.roles]
    names = resolve_segments([[r.name for r in out.roles]], reg, THRESHOLD)
    assert [r.id for r in names.roles] == [r.id for r in out.roles]
