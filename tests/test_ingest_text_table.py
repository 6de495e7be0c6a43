"""The tab-separated export reader on the real seed exports, checked against their gold files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from sopbaku.ingest import read, text_table
from sopbaku.raw import RawSop
from tests.conftest import CORPUS, gold_of

TABULAR = ["000", "001", "003", "004"]
PLACEHOLDERS = {"-", "–"}


def seed(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


def lines_of(prefix: str) -> list[str]:
    return seed(prefix).read_text(encoding="utf-8").split("\n")


def gold(prefix: str) -> list[dict]:
    return json.loads(gold_of(seed(prefix)).read_text(encoding="utf-8"))


def parsed(prefix: str) -> list[RawSop]:
    return read(seed(prefix)).sops


def folded(text: str | None) -> str:
    text = " ".join((text or "").split())
    return "" if text in PLACEHOLDERS else text.casefold()


def loose(label: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", label.casefold()).split())


def test_finds_every_sop_with_its_step_count() -> None:
    total = 0
    for prefix in TABULAR:
        sops, expected = parsed(prefix), gold(prefix)
        assert [len(s.rows) for s in sops] == [len(g["steps"]) for g in expected], prefix
        total += len(sops)
    assert total == 15  # 1 + 1 + 12 + 1; the OCR dump 002 holds the other 2 of the corpus's 17


@pytest.mark.parametrize("prefix", TABULAR)
def test_row_texts_and_durations_match_gold(prefix: str) -> None:
    for sop, expected in zip(parsed(prefix), gold(prefix), strict=True):
        for row, step in zip(sop.rows, expected["steps"], strict=True):
            for name in ("kegiatan", "kelengkapan", "output", "keterangan"):
                similarity = Levenshtein.normalized_similarity(folded(getattr(row, name)), folded(step[name]))
                assert similarity >= 0.97, (prefix, step["no"], name, getattr(row, name), step[name])
            assert row.waktu == ((step["waktu"] or {}).get("raw") or ""), (prefix, step["no"])


@pytest.mark.parametrize("prefix", TABULAR)
def test_role_labels_are_the_gold_header_labels(prefix: str) -> None:
    for sop, expected in zip(parsed(prefix), gold(prefix), strict=True):
        labels = {loose(label) for seg in sop.segments for label in seg.role_labels if label}
        assert labels == {loose(label) for role in expected["roles"] for label in role["labels"]}
        assert not labels & {"pelaksana", "mutu baku", "mutu buku"}


def test_titles_lose_their_markdown_markers() -> None:
    titles = [sop.title for sop in parsed("003")]
    assert titles[0] == "SOP Penyusunan Perjanjian Kinerja"  # printed "### SOP ..."
    assert titles[3] == "SOP Penyusunan RKA"  # printed "**SOP Penyusunan RKA**"
    assert all(title and "#" not in title and "*" not in title for title in titles)


def test_table_over_three_pages_is_one_sop_with_three_segments() -> None:
    (sop,) = parsed("000")
    assert len(sop.segments) == 3
    assert [row.segment for row in sop.rows] == [0] * 5 + [1] * 6 + [2] * 5
    assert [note.row for note in sop.notes if note.code == "table-split-across-pages"] == [5, 11]
    assert sop.signature is not None and sop.signature.splitlines()[-1] == "NIP. 19720713 199203 1 005"


def test_garbled_second_header_keeps_the_column_positions() -> None:
    (sop,) = parsed("001")
    first, second = sop.segments
    assert first.role_labels == ["camat", "Sekretaris", "Sek.Tim.Sakip", "Anggota Tim Sakip"]
    assert first.waktu_unit == "menit" and second.waktu_unit is None
    assert second.role_labels[:4] == ["camat", "Sekretaris", "Sek.Tim.Sa kip", "TIM"]
    assert not any(second.role_labels[4:])  # the shifted group-row label repeats page 1: dropped
    assert any(note.code == "header-changed" for note in sop.notes)


def test_step_number_printed_with_comma_stays_as_printed() -> None:
    (sop,) = parsed("001")
    assert sop.rows[-1].no == "14,"


def test_rows_carry_their_1_based_line_numbers() -> None:
    lines = lines_of("001")
    (sop,) = parsed("001")
    for row in sop.rows:
        assert row.kegiatan in " ".join(lines[row.prov.line - 1].split())


def test_arrow_in_a_role_column_is_debris_not_a_mark() -> None:
    (sop,) = parsed("001")
    step11 = sop.rows[10]
    assert step11.marks == []
    assert any(note.code == "stray-mark" and note.row == 10 for note in sop.notes)


def test_missing_step_number_is_kept_empty_and_noted() -> None:
    bulanan = parsed("003")[2]
    assert bulanan.rows[2].no == "" and bulanan.rows[2].kegiatan.startswith("Memeriksa Laporan")
    assert any(note.code == "step-number-missing" and note.row == 2 for note in bulanan.notes)


def test_cells_are_read_by_content_when_output_is_headed_one_column_right() -> None:
    rka = parsed("003")[3]
    step10 = rka.rows[9]
    assert (step10.waktu, step10.output, step10.keterangan) == (
        "5 menit", "Disposisi pd Dokumen RKA yg sudah ditandatangani", "SOP Pengiriman")
    step12 = rka.rows[11]
    assert (step12.kelengkapan, step12.waktu, step12.output) == ("", "15 menit", "Bukti pengiriman")
    assert any(note.code == "header-misaligned" for note in rka.notes)


def test_group_row_role_and_duplicated_group_labels() -> None:
    sops = parsed("003")
    assert sops[0].segments[0].role_labels[0] == "Camat"  # printed left of "Pelaksana" in the group row
    tahunan = sops[1].segments[0].role_labels
    assert [label for label in tahunan if label] == ["Kasubag Evapor", "Staf", "Sekretaris", "Camat", "Kasubag Umum"]
    assert any(note.code == "header-duplicate-columns" for note in sops[1].notes)


def test_headerless_continuation_block_joins_the_table() -> None:
    (sop,) = parsed("004")
    assert [row.no for row in sop.rows] == [str(n) for n in range(1, 15)]
    assert sop.rows[4].keterangan == "SOP Pelaksanaan Rapat"
    assert any(note.code == "table-split-across-pages" and note.row == 7 for note in sop.notes)


def test_identity_page_before_the_table_is_read() -> None:
    (sop,) = parsed("001")
    assert sop.title == "SOP : PENGUKURAN KINERJA"
    assert sop.identity["nama"] == "Penyusunan Perencanaan Kinerja"
    assert sop.identity["instansi"] == "PEMERINTAH KABUPATEN PURWAKARTA"
    assert sop.signature == "CAMAT BUNGURSARI\nM.SARIPUL.HAROM.S.Sos\nNIP. 19640104 199101 1 004"


def test_sops_without_identity_have_none() -> None:
    assert all(not sop.identity and not sop.identity_shared for sop in parsed("003"))


def test_heading_repeated_on_every_page_does_not_split_the_sop() -> None:
    lines = []
    for line in lines_of("000"):
        if line.startswith("No\tKegiatan"):
            lines += ["SOP Monitoring Rencana Program", ""]
        lines.append(line)
    (sop,) = text_table.parse(lines)
    assert len(sop.rows) == 16 and len(sop.segments) == 3


def test_rows_resume_after_page_furniture() -> None:
    lines = lines_of("004")
    at = next(k for k, line in enumerate(lines) if line.startswith("8\t"))
    (sop,) = text_table.parse([*lines[:at], "Halaman 2 dari 2", "", *lines[at:]])
    assert len(sop.rows) == 14


def test_concatenated_documents_stay_apart() -> None:
    sops = text_table.parse(lines_of("001") + lines_of("000"))
    assert [len(sop.rows) for sop in sops] == [14, 16]
    assert sops[0].signature and sops[0].signature.startswith("CAMAT BUNGURSARI")
    assert not sops[1].identity  # the first document is signed: its identity page is not shared
