"""Step numbering and decisions."""

from __future__ import annotations

import pandas as pd

from sopbaku.config import Settings
from sopbaku.normalize import build
from sopbaku.normalize.flow import is_decision_text, number_steps, returned_to_phrase, tidak_target_from_text
from sopbaku.raw import RawArrow, RawDocument, RawMark, RawRow, RawSegment, RawSop


def test_clean_sequence_has_no_problems():
    assert [(n.no, n.problem) for n in number_steps(["1", "2.", "3"])] == [(1, None), (2, None), (3, None)]


def test_misread_first_number_is_recovered_from_the_sequence():
    out = number_steps(["4.", "2.", "3."])
    assert [n.no for n in out] == [1, 2, 3] and out[0].problem == "step-number-misread"


def test_missing_and_decorated_numbers():
    out = number_steps(["1", "2", "", "4", "14,"])
    assert [n.no for n in out] == [1, 2, 3, 4, 5]
    assert out[2].problem == "step-number-missing"


def test_trailing_comma_is_read_but_reported():
    out = number_steps([str(i) for i in range(1, 14)] + ["14,"])
    assert out[-1].no == 14 and out[-1].problem == "step-number-misread"


def test_a_jump_is_kept_and_reported():
    out = number_steps(["1", "2", "5", "6"])
    assert [n.no for n in out] == [1, 2, 5, 6] and out[2].problem == "step-number-out-of-order"


def test_decision_text():
    assert is_decision_text("Memeriksa draf, jika setuju diparaf, jika tidak setuju dikembalikan")
    assert is_decision_text("Bila tidak lengkap dikembalikan ke pemohon")
    assert not is_decision_text("Jika dari hasil evaluasi tersebut belum selesai dengan target")
    assert tidak_target_from_text("jika tidak, kembali ke langkah 2") == 2
    assert tidak_target_from_text("jika tidak dikembalikan kepada Sekretaris Camat") is None


# --------------------------------------------------------------------------- tidak branch by the named role
def _decision_sop(labels: list[str], performers: list[int], decision_text: str, arrows=None) -> RawSop:
    """Rows 1..n, row k performed (one drawn symbol) by column ``performers[k]``; the last row is the decision."""
    rows = [RawRow(no=str(i + 1), kegiatan=f"Kegiatan {i + 1}",
                   marks=[RawMark(column=col, kind="symbol", shape="process")]) for i, col in enumerate(performers)]
    rows[-1].kegiatan = decision_text
    rows[-1].marks = [RawMark(column=performers[-1], kind="symbol", shape="decision")]
    rows.append(RawRow(no=str(len(rows) + 1), kegiatan="Mengarsipkan berkas"))
    return RawSop(segments=[RawSegment(role_labels=labels)], rows=rows, arrows=arrows or [])


def _build(sop: RawSop):
    model = build(RawDocument(file="x.txt", sha256="0" * 64, format="text", sops=[sop]), Settings())
    return model.steps, model.warnings


def test_a_rejected_item_goes_back_to_the_latest_step_of_the_named_role_not_a_role_containing_its_name():
    sop = _decision_sop(["Sekretaris Camat", "Camat", "Staf"], [2, 1, 0, 2, 0],
                        "Memeriksa berkas, jika tidak setuju dikembalikan kepada Camat untuk diperbaiki")
    steps, _ = _build(sop)
    assert steps.loc[4, "branch_tidak"] == 2


def test_the_named_role_is_resolved_through_registry_aliases():
    sop = _decision_sop(["Kepala Dinas", "Sekretaris Kecamatan", "Kasubbag Umpeg", "Pengadministrasi"],
                        [3, 2, 3, 1, 2, 1],
                        "Meneliti konsep. Bila tidak lengkap dikembalikan kepada Sekcam untuk dilengkapi")
    steps, _ = _build(sop)
    assert steps.loc[5, "branch_tidak"] == 4  # "Sekcam" is the column "Sekretaris Kecamatan"
    sop = _decision_sop(["Camat", "Kasubbag Umpeg", "Pengadministrasi"], [2, 1, 2, 0],
                        "Memeriksa, jika tidak dikembalikan kepada Kasubag Umum dan Kepegawaian untuk diperbaiki")
    steps, _ = _build(sop)
    assert steps.loc[3, "branch_tidak"] == 2


def test_a_role_outside_the_registry_is_found_by_its_header_label():
    sop = _decision_sop(["Ketua Tim Penjaminan Mutu", "Operator Aplikasi Sipena"], [1, 0, 1, 0],
                        "Menilai usulan; jika tidak memenuhi dikembalikan ke Operator Aplikasi Sipena dan diperbaiki")
    steps, _ = _build(sop)
    assert steps.loc[3, "branch_tidak"] == 3


def test_an_explicit_step_number_in_the_text_wins_over_the_named_role():
    sop = _decision_sop(["Camat", "Staf"], [1, 1, 0],
                        "Memeriksa, jika tidak sesuai kembali ke langkah 1 dan dikembalikan kepada Staf")
    steps, _ = _build(sop)
    assert steps.loc[2, "branch_tidak"] == 1


def test_drawn_arrows_give_the_branch_even_when_the_text_names_another_role():
    sop = _decision_sop(["Camat", "Staf"], [1, 0, 1, 0],
                        "Memeriksa, jika tidak dikembalikan kepada Staf", arrows=[RawArrow(3, 1, "Tidak")])
    steps, _ = _build(sop)
    assert steps.loc[3, "branch_tidak"] == 2 and steps.loc[3, "next"] == [5, 2]


def test_an_unresolvable_tidak_target_stays_empty_with_a_warning():
    sop = _decision_sop(["Camat", "Staf"], [1, 0],
                        "Memeriksa, jika tidak dikembalikan kepada Bendahara Pengeluaran untuk diperbaiki")
    steps, warnings = _build(sop)
    assert pd.isna(steps.loc[1, "branch_tidak"]) and steps.loc[1, "next"] == [3]
    assert ((warnings["code"] == "branch-unresolved") & (warnings["step"] == 2)).any()


def test_the_returned_to_phrase_ends_before_the_purpose():
    assert returned_to_phrase("jika tidak dikembalikan kepada Kasubag Umum dan Kepegawaian untuk diperbaiki") \
        == "Kasubag Umum dan Kepegawaian"
    assert returned_to_phrase("bila tidak lengkap dikembalikan ke\npemohon agar dilengkapi") == "pemohon"


def test_an_ocr_misspelled_return_verb_still_names_the_role():
    assert returned_to_phrase("Bila setuju diparaf, jika tidak dikombalikan kepada Fungsional Umum untuk diperbaiki") \
        == "Fungsional Umum"
    assert returned_to_phrase("jika tidak dikerjakan kepada Camat") is None


def test_a_number_after_a_lost_row_is_kept_when_an_unnumbered_row_follows():
    out = number_steps(["1", "2", "3", "5", "", "7"])
    assert [n.no for n in out] == [1, 2, 3, 5, 6, 7]
    assert out[3].problem == "step-number-out-of-order" and out[4].problem == "step-number-missing"
    assert [n.no for n in number_steps(["3", "", ""])] == [3, 4, 5]
