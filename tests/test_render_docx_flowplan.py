"""The flowchart plan: which rows share a page, where connectors go, how tall rows are."""

from __future__ import annotations

from sopbaku.render.flowplan import (
    PAGE_GUARD,
    STRIP_H,
    FlowStep,
    Geometry,
    keep_blocks,
    plan_flowchart,
    row_height,
)
from sopbaku.render.textmetrics import line_count, text_width

#: A4 landscape in points: No, Kegiatan, five roles, Kelengkapan, Waktu, Output, Keterangan.
WIDTHS = (22.7, 200.0, *(60.0,) * 5, 100.0, 48.2, 100.0, 86.0)
A4 = Geometry(WIDTHS, 5, room=515.9, first_page_extra=16.5)


def step(no: int, column: int, kind: str = "process", nxt: tuple[int, ...] = (), ya: int | None = None,
         tidak: int | None = None, lines: int = 1) -> FlowStep:
    kegiatan = "\n".join(f"Langkah {no} baris {k}" for k in range(lines))
    return FlowStep(no, (str(no), kegiatan, "", "", "", ""), (column,), kind, nxt, ya, tidak)


def linear(n: int, lines: int = 1) -> list[FlowStep]:
    return [step(i, i % 5, nxt=(i + 1,) if i < n else (), lines=lines) for i in range(1, n + 1)]


def test_a_loop_back_and_a_decisions_exits_stay_on_one_page() -> None:
    steps = linear(12, lines=4)
    steps[6] = step(7, 2, "decision", nxt=(8, 4), ya=8, tidak=4, lines=4)  # "tidak" goes back to step 4
    blocks = keep_blocks(steps)
    assert range(3, 8) in blocks  # steps 4..8: the loop and the "ya" exit
    plan = plan_flowchart(steps, A4, ["Camat"] * 5)
    pages_of = {steps[i].no: p for p, page in enumerate(plan.pages) for i in page.rows if i is not None}
    assert len(set(pages_of.values())) > 1, "the example needs more than one page"
    assert len({pages_of[n] for n in range(4, 9)}) == 1


def test_no_page_holds_more_rows_than_its_room() -> None:
    plan = plan_flowchart(linear(40, lines=3), A4, ["Camat"] * 5)
    for p, page in enumerate(plan.pages):
        extra = A4.first_page_extra if p == 0 else 0.0
        assert extra + sum(plan.header) + sum(page.heights) <= A4.room - PAGE_GUARD


def test_every_page_break_gets_a_pair_of_lettered_off_page_connectors() -> None:
    plan = plan_flowchart(linear(40, lines=3), A4, ["Camat"] * 5)
    assert len(plan.pages) >= 3
    letters = []
    for p, page in enumerate(plan.pages):
        connectors = {s.row: s.text for s in page.shapes if s.prst == "flowChartOffpageConnector"}
        if p:
            assert page.rows[0] is None and page.heights[0] == STRIP_H
            letters.append(("in", connectors[0]))
        if p < len(plan.pages) - 1:
            assert page.rows[-1] is None
            letters.append(("out", connectors[len(page.rows) - 1]))
    outs = [letter for way, letter in letters if way == "out"]
    assert outs == [letter for way, letter in letters if way == "in"]
    assert outs == ["A", "B", "C", "D", "E", "F"][: len(outs)]


def test_an_sop_without_performers_gets_no_connector_rows() -> None:
    steps = [FlowStep(s.no, s.texts, (), s.kind, s.next) for s in linear(40, lines=3)]
    plan = plan_flowchart(steps, A4, ["Camat"] * 5)
    assert len(plan.pages) > 1
    assert all(i is not None for page in plan.pages for i in page.rows)
    assert not any(page.shapes for page in plan.pages)


def test_a_row_is_tall_enough_for_its_longest_cell_and_its_symbol() -> None:
    short, long = step(1, 0), step(2, 0, lines=6)
    decision = step(3, 0, "decision")
    assert row_height(long, A4) > row_height(short, A4)
    assert row_height(decision, A4) > row_height(short, A4), "a diamond is taller than a box"


def test_text_wraps_at_word_boundaries_and_breaks_words_longer_than_the_column() -> None:
    assert line_count("Menerima", 100, 9) == 1
    one = text_width("Menerima surat", 9)
    assert line_count("Menerima surat", one + 1, 9) == 1
    assert line_count("Menerima surat", one - 1, 9) == 2
    assert line_count("a\nb", 100, 9) == 2
    assert line_count("x" * 200, 50, 9) == 1 + int(text_width("x" * 200, 9) // 50)
