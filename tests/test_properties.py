"""Property-based tests: the text parser and the normalizers hold on any input, not just the corpus.

Hypothesis draws both free text and text built from the SOP vocabulary (header
words, role names, durations, tabs), which reaches the parser's table and
identity paths far more often than random characters do. What "normalizing
twice" means, per normalizer:

* durations: a cell's raw text is the cell with its spacing folded, so
  parsing the raw text again gives the same duration; and the canonical
  form "<value> <unit>" parses back to the same value, unit and minutes;
* roles: folding a folded label changes nothing, a role's canonical name
  resolves to that same role, and a slug id is its own slug;
* output names: whatever the title and source name, the stem is one safe
  file name that resolves inside the output folder.

Examples are kept few (the suite runs on two shared cores); the long run is
``benchmarks/fuzz.py``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopbaku import jsonio, pipeline
from sopbaku.batch import output_name
from sopbaku.config import Conventions, Settings
from sopbaku.ingest.text import read_text
from sopbaku.normalize import build
from sopbaku.normalize.durations import UNIT_WORDS, parse_waktu
from sopbaku.normalize.roles import load_registry, slug
from tests.conftest import ROOT

#: ``benchmarks/fuzz.py`` raises the example counts through this variable for its long run.
SCALE = int(os.environ.get("SOPBAKU_FUZZ_SCALE", "1"))
FEW = settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONV = Conventions()
REGISTRY = load_registry()

VOCAB = ["No", "NO.", "Kegiatan", "Uraian Kegiatan", "Aktivitas", "Pelaksana", "Mutu Baku", "Kelengkapan",
         "Persyaratan/ Kelengkapan", "Waktu", "Waktu (menit)", "Output", "Keterangan", "Ya", "Tidak",
         "STANDAR OPERASIONAL PROSEDUR", "SOP", "Nomor SOP", "Nama SOP", "Tanggal Pembuatan", "Disahkan oleh",
         "Dasar Hukum", "1.", "2", "3)", "10", "15 menit", "1 Hari", "1-2 jam", "½ jam", "S menit", "-",
         "Camat", "Sekcam", "Kasubbag Umpeg", "Kepala Desa", "Operator", "NIP. 196401041991011004",
         "√", "v", "X", "", " ", "Jakarta, 4 Januari 2021"]
#: A line of an export: cells from the vocabulary or free text, joined by tabs (or not).
LINE = st.lists(st.one_of(st.sampled_from(VOCAB), st.text(max_size=20)), max_size=10).flatmap(
    lambda cells: st.sampled_from(["\t", " ", "\t\t"]).map(lambda sep: sep.join(cells)))
DOCUMENT = st.lists(LINE, max_size=40).map("\n".join)
UNITS = sorted(UNIT_WORDS)
DURATION = st.one_of(
    st.text(max_size=30),
    st.builds(lambda n, sep, unit, tail: f"{n}{sep}{unit}{tail}",
              st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["½", "1,5", "2.25", "1-2", "1 s.d. 3",
                                                                            "S", "l", "O"])),
              st.sampled_from(["", " ", "  "]), st.sampled_from(UNITS + [u.upper() for u in UNITS]),
              st.sampled_from(["", " kerja", ".", " (maks)"])),
)
LABEL = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from([*REGISTRY.abbreviations, *(w for a in REGISTRY.aliases for w in a.split()),
                              "/", "-", ".", "  "]), max_size=6).map(" ".join),
)


def _read(text: str):
    data = text.encode("utf-8")
    return read_text(Path("fuzz.txt"), data, hashlib.sha256(data).hexdigest())


@FEW
@given(DOCUMENT)
def test_any_text_export_parses_and_normalizes_into_a_valid_model(text):
    sops = build(_read(text), Settings()).validate("normalize")
    assert len(sops.sops) == len(set(sops.sops["sop"]))


@FEW
@given(st.text(max_size=2000))
def test_any_characters_at_all_are_read_without_an_exception(text):
    raw = _read(text)
    assert raw.format == "text"


@SOME
@given(DURATION, st.one_of(st.none(), st.sampled_from(UNITS)))
def test_a_duration_parses_without_an_exception_and_again_from_its_raw_text_to_the_same(cell, hint):
    first = parse_waktu(cell, CONV, hint)
    if first is None:
        assert not cell.split() or cell.strip() in {"-", "–", "—"}
        return
    assert first.raw == " ".join(cell.split())
    assert parse_waktu(first.raw, CONV, hint) == first
    if first.minutes is not None:
        assert math.isfinite(first.minutes) and first.minutes >= 0


@SOME
@given(DURATION)
def test_a_duration_s_canonical_form_parses_back_to_the_same_value_unit_and_minutes(cell):
    first = parse_waktu(cell, CONV)
    if first is None or first.value is None or not math.isfinite(first.value):
        return
    # The canonical form is the value as plain digits, the way a person writes it (never "1e+10").
    again = parse_waktu(f"{np.format_float_positional(first.value, trim='-')} {first.unit}", CONV)
    assert again is not None
    assert (again.value, again.unit) == (first.value, first.unit)
    assert again.minutes == first.minutes


@SOME
@given(LABEL)
def test_folding_a_role_label_twice_equals_folding_it_once(label):
    once = REGISTRY.fold(label)
    assert REGISTRY.fold(once) == once


@SOME
@given(LABEL)
def test_a_matched_role_s_own_name_matches_that_same_role(label):
    role, score = REGISTRY.match(label, 82.0)
    assert 0.0 <= score <= 100.0
    if role is not None:
        again, _ = REGISTRY.match(role.name, 82.0)
        assert again == role


@SOME
@given(LABEL)
def test_a_role_slug_is_its_own_slug(label):
    once = slug(label)
    assert once and slug(once) == once


#: One real SOP of the synthetic corpus, as JSON: its title and source name are replaced below.
_SOP = jsonio.to_json(pipeline.extract(ROOT / "corpus" / "synthetic" / "synth_s7_02_text.txt"))[0]
NAMES = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(["..", "/", "\\", ".", " ", "etc", "passwd", "C:",
                                                                   "\x00", "con", "ü", "–"]), max_size=12).map("".join))


@FEW
@given(NAMES, NAMES, st.one_of(st.none(), NAMES))
def test_an_output_name_is_one_safe_file_name_inside_the_output_folder(source, nama, nomor):
    sop = json.loads(json.dumps(_SOP))
    sop["source"]["file"], sop["identity"]["nama"], sop["identity"]["nomor"] = source, nama, nomor
    sops = jsonio.from_json([sop])
    stem = output_name(sops, int(sops.sops["sop"].iloc[0]))
    assert stem and stem not in {".", ".."}
    assert not any(ch in stem for ch in "/\\\x00")
    out = Path("/srv/sopbaku/out")
    assert (out / f"{stem}.docx").resolve().parent == out
