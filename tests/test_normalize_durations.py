"""Durations: every phrasing seen in real SOPs, the conventions, and properties on any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopbaku.config import HOURS_PER_DAY_EFFECTIVE, Conventions
from sopbaku.normalize.durations import parse_waktu

OFFICIAL = Conventions()


@pytest.mark.parametrize(
    ("cell", "value", "unit", "minutes"),
    [
        ("15 menit", 15, "menit", 15),
        ("60 Menit", 60, "menit", 60),
        ("1hari", 1, "hari", 450),
        ("2 Hari", 2, "hari", 900),
        ("2 jam", 2, "jam", 120),
        ("1,5 jam", 1.5, "jam", 90),
        ("½ jam", 0.5, "jam", 30),
        ("1-2 hari", 2, "hari", 900),
        ("1 s.d. 3 hari kerja", 3, "hari", 1350),
        ("30 detik", 30, "detik", 0.5),
        ("1 minggu", 1, "minggu", 5 * 450),
        ("S menit", 5, "menit", 5),  # OCR of "5 menit"
        ("l jam", 1, "jam", 60),  # OCR of "1 jam"
    ],
)
def test_phrasings(cell, value, unit, minutes):
    w = parse_waktu(cell, OFFICIAL)
    assert (w.value, w.unit, w.minutes) == (value, unit, minutes)
    assert w.raw == cell and w.problem is None


def test_bare_number_takes_the_header_unit():
    w = parse_waktu("120", OFFICIAL, unit_hint="menit")
    assert (w.value, w.unit, w.problem) == (120, "menit", None)
    hours = parse_waktu("2", OFFICIAL, unit_hint="jam")
    assert hours.minutes == 120


def test_bare_number_without_header_unit_is_minutes_with_a_note():
    w = parse_waktu("45", OFFICIAL)
    assert (w.value, w.unit) == (45, "menit") and "minutes" in w.problem


def test_effective_day_is_one_option_away():
    w = parse_waktu("2 hari", Conventions(hours_per_day=HOURS_PER_DAY_EFFECTIVE))
    assert w.minutes == 600


def test_unreadable_keeps_raw_text():
    w = parse_waktu("sesuai kebutuhan", OFFICIAL)
    assert (w.raw, w.value, w.unit, w.minutes) == ("sesuai kebutuhan", None, None, None)
    assert w.problem


@pytest.mark.parametrize("cell", ["", "   ", "-", None])
def test_empty_cell_is_no_duration(cell):
    assert parse_waktu(cell, OFFICIAL) is None


@given(st.text(max_size=60), st.sampled_from([None, "menit", "jam", "hari", "xyz"]))
def test_never_raises_and_is_idempotent_on_its_raw_text(cell, hint):
    w = parse_waktu(cell, OFFICIAL, hint)
    if w is None:
        return
    again = parse_waktu(w.raw, OFFICIAL, hint)
    assert again == w
    assert w.unit is None or w.unit in {"detik", "menit", "jam", "hari", "minggu", "bulan"}
