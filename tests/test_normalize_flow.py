"""Step numbering and decisions."""

from __future__ import annotations

from sopbaku.normalize.flow import is_decision_text, number_steps, tidak_target_from_text


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
