"""Layout pages -> RawSop: header columns, step rows, symbols, arrows, page breaks, identity pages.

The pages are built here the way the PDF, DOCX and scan readers build them
(ruled tables of cells, symbols and arrows with boxes); the real readers'
pages are exercised end to end in test_ingest_pdf.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from sopbaku.ingest.assemble import assemble, join_lines
from sopbaku.ingest.layout import Arrow, Cell, Page, Symbol, Table, TextLine

#: Column lines of the flowchart table: No | Kegiatan | 3 roles | Kelengkapan | Waktu | Output | Keterangan.
XS = [0, 20, 120, 160, 200, 240, 300, 340, 400, 440]
HEADER = [["No", "Uraian Prosedur", "Pelaksana", "", "", "Mutu Buku", "", "", "Ket"],
          ["", "", "Camat", "Sekretaris\nKecamatan", "Staf", "Kelengkapan", "Waktu (menit)", "Output", ""]]
HEADER_SPANS = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 3), (0, 5): (1, 3), (0, 8): (2, 1)}
ROW_H = 30.0


def table(rows: list[list[str]], xs: list[float], top: float, heights: list[float],
          spans: dict[tuple[int, int], tuple[int, int]] | None = None) -> Table:
    """A ruled table from row texts; ``spans`` gives (row_span, col_span) of merged cells."""
    spans = spans or {}
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    covered: set[tuple[int, int]] = set()
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
            cells.append(Cell(r, c, text, (xs[c], ys[r], xs[c + cs], ys[r + rs]), rs, cs))
    return Table(cells, len(rows), len(xs) - 1, (xs[0], ys[0], xs[-1], ys[-1]))


def flowchart(steps: list[list[str]], top: float = 40.0, header: bool = True) -> Table:
    """The flowchart table with its two header rows (or only its step rows)."""
    rows = (HEADER if header else []) + steps
    heights = ([10.0, 10.0] if header else []) + [ROW_H] * len(steps)
    return table(rows, XS, top, heights, HEADER_SPANS if header else None)


def step(no: str, kegiatan: str, waktu: str = "10", roles: tuple[str, str, str] = ("", "", "")) -> list[str]:
    return [no, kegiatan, *roles, "Berkas", waktu, "Hasil", ""]


def row_centre(table_top: float, index: int, column: int, header: bool = True) -> tuple[float, float]:
    """The centre of a step row's cell in a grid column."""
    y = table_top + (20.0 if header else 0.0) + ROW_H * index + ROW_H / 2
    return (XS[column] + XS[column + 1]) / 2, y


def symbol_at(centre: tuple[float, float], shape: str, w: float = 24.0, h: float = 12.0, text: str = "") -> Symbol:
    x, y = centre
    return Symbol("symbol", (x - w / 2, y - h / 2, x + w / 2, y + h / 2), shape, text)  # type: ignore[arg-type]


IDENTITY = [["PEMERINTAH KABUPATEN PURWAKARTA\nKECAMATAN BUNGURSARI", "Nomor SOP", "067/1394/2021"],
            ["", "Tanggal Pembuatan", "02 Januari 2019"],
            ["", "Nama SOP", "Pengukuran Kinerja"],
            ["Dasar Hukum", "", "Kualifikasi Pelaksana"],
            ["1. Undang-Undang Nomor 23 Tahun 2014\n2. Peraturan Bupati Nomor 5 Tahun 2019", "",
             "1. Memahami tugas"]]
IDENTITY_SPANS = {(0, 0): (3, 1), (3, 0): (1, 2), (4, 0): (1, 2)}


def identity_table() -> Table:
    return table(IDENTITY, [0, 200, 300, 440], 20.0, [12.0] * 5, IDENTITY_SPANS)


def test_header_columns_and_step_rows_are_read_as_printed():
    page = Page(1, 500, 400, [TextLine("SOP Pengukuran Kinerja", (0, 20, 120, 30)),
                              flowchart([step("1", "Memerintahkan penyusunan", "15"),
                                         step("2.", "Menyusun konsep laporan\nkinerja tahunan", "1-2 hari")])])
    [sop] = assemble([page])
    assert sop.title == "SOP Pengukuran Kinerja"
    [segment] = sop.segments
    assert segment.role_labels == ["Camat", "Sekretaris Kecamatan", "Staf"]
    assert segment.waktu_unit == "menit"
    assert [(r.no, r.kegiatan, r.waktu) for r in sop.rows] == [
        ("1", "Memerintahkan penyusunan", "15"), ("2.", "Menyusun konsep laporan\nkinerja tahunan", "1-2 hari")]
    assert sop.rows[0].kelengkapan == "Berkas" and sop.rows[0].output == "Hasil"
    assert sop.rows[1].prov.page == 1 and sop.rows[1].prov.bbox[1] == pytest.approx(40 + 20 + ROW_H)
    assert sop.pages == [1]


def test_symbols_mark_the_role_column_under_their_centre():
    top = 40.0
    symbols = [symbol_at(row_centre(top, 0, 2), "terminator"),
               symbol_at(row_centre(top, 1, 3), "process"), symbol_at(row_centre(top, 1, 4), "process"),
               symbol_at(row_centre(top, 2, 4), "decision", 20, 16)]
    page = Page(1, 500, 400, [flowchart([step("1", "Mulai"), step("2", "Bersama"), step("3", "Periksa")], top)],
                symbols)
    [sop] = assemble([page])
    marks = [sorted((m.column, m.shape, m.kind) for m in row.marks) for row in sop.rows]
    assert marks == [[(0, "terminator", "symbol")], [(1, "process", "symbol"), (2, "process", "symbol")],
                     [(2, "decision", "symbol")]]


def test_arrows_link_the_rows_of_the_symbols_at_their_ends():
    top = 40.0
    a, b, c = row_centre(top, 0, 2), row_centre(top, 1, 3), row_centre(top, 2, 3)
    symbols = [symbol_at(a, "process"), symbol_at(b, "decision", 20, 16), symbol_at(c, "process")]
    arrows = [Arrow((b[0], b[1] + 8), (c[0], c[1] - 6), "Ya"),
              Arrow((b[0] - 10, b[1]), (a[0], a[1] + 6), "Tidak"),
              Arrow((a[0], a[1] + 6), (b[0], b[1] - 8))]
    page = Page(1, 500, 400, [flowchart([step("1", "Susun"), step("2", "Periksa"), step("3", "Kirim")], top)],
                symbols, arrows)
    [sop] = assemble([page])
    assert sorted((x.from_row, x.to_row, x.label) for x in sop.arrows) == [(0, 1, ""), (1, 0, "Tidak"), (1, 2, "Ya")]


def test_a_table_continued_under_a_repeated_header_is_one_sop():
    first = Page(1, 500, 400, [TextLine("SOP Pelayanan Surat", (0, 20, 100, 30)),
                               flowchart([step("1", "Menerima"), step("2", "Mencatat")])])
    second = Page(2, 500, 400, [flowchart([step("3", "Memeriksa"), step("4", "Mengirim")])])
    [sop] = assemble([first, second])
    assert [r.no for r in sop.rows] == ["1", "2", "3", "4"]
    assert [r.segment for r in sop.rows] == [0, 0, 1, 1]
    assert sop.pages == [1, 2]
    assert any(n.code == "table-split-across-pages" and n.row == 2 for n in sop.notes)


def _ocr_read(table: Table, labels: dict[str, tuple[str, float]]) -> Table:
    """The table as OCR gives it: every cell with a confidence, some role labels misread or lost."""
    cells = []
    for cell in table.cells:
        text, confidence = labels.get(cell.text, (cell.text, 90.0))
        cells.append(replace(cell, text=text, confidence=confidence))
    return replace(table, cells=cells)


def test_role_labels_misread_on_one_page_take_the_surer_reading_of_the_repeated_header():
    first = _ocr_read(flowchart([step("1", "Menerima"), step("2", "Mencatat")]),
                      {"Sekretaris\nKecamatan": ("Sekretarls\nKecamalan", 41.0), "Staf": ("", 0.0)})
    second = _ocr_read(flowchart([step("3", "Memeriksa"), step("4", "Mengirim")]),
                       {"Camat": ("Carnat", 38.0)})
    [sop] = assemble([Page(1, 500, 400, [first]), Page(2, 500, 400, [second])], "OCR: ")
    assert [seg.role_labels for seg in sop.segments] == [["Camat", "Sekretaris Kecamatan", "Staf"]] * 2
    assert not any(n.code == "header-changed" for n in sop.notes)


def test_role_labels_of_text_layers_are_kept_as_printed_on_every_page():
    first = flowchart([step("1", "Menerima")])
    second = table([["No", "Uraian Prosedur", "Pelaksana", "", "", "Mutu Buku", "", "", "Ket"],
                    ["", "", "Camat", "Sekretaris\nKecamatan", "Staff", "Kelengkapan", "Waktu (menit)", "Output",
                     ""], step("2", "Mencatat")], XS, 40.0, [10.0, 10.0, ROW_H], HEADER_SPANS)
    [sop] = assemble([Page(1, 500, 400, [first]), Page(2, 500, 400, [second])])
    assert [seg.role_labels[2] for seg in sop.segments] == ["Staf", "Staff"]


def test_a_table_continued_without_its_header_keeps_the_columns():
    first = Page(1, 500, 400, [flowchart([step("1", "Menerima", roles=("", "", "√"))])])
    second = Page(2, 500, 400, [flowchart([step("2", "Mencatat", "20", ("v", "", ""))], 30.0, header=False)])
    [sop] = assemble([first, second])
    assert [(r.no, r.kegiatan, r.waktu) for r in sop.rows] == [("1", "Menerima", "10"), ("2", "Mencatat", "20")]
    assert [[(m.column, m.kind, m.text) for m in r.marks] for r in sop.rows] == [[(2, "mark", "√")],
                                                                                [(0, "mark", "v")]]
    assert any(n.code == "table-split-across-pages" for n in sop.notes)


def test_a_row_broken_over_a_page_is_merged_back():
    first = Page(1, 500, 400, [flowchart([step("1", "Menerima berkas"), step("2", "Memeriksa kelengkapan")])])
    tail = ["", "berkas permohonan", "", "", "", "", "", "", ""]
    second = Page(2, 500, 400, [flowchart([tail, step("3", "Mengirim")])])
    [sop] = assemble([first, second])
    assert [r.no for r in sop.rows] == ["1", "2", "3"]
    assert sop.rows[1].kegiatan == "Memeriksa kelengkapan\nberkas permohonan"
    assert any(n.code == "row-continued" for n in sop.notes)


def test_an_identity_page_opens_a_new_sop_and_is_read_into_fields():
    pages = [Page(1, 500, 400, [identity_table()]),
             Page(2, 500, 400, [flowchart([step("1", "Menerima"), step("2", "Mencatat")])]),
             Page(3, 500, 400, [identity_table()]),
             Page(4, 500, 400, [flowchart([step("1", "Menyusun"), step("2", "Mengirim")])])]
    sops = assemble(pages)
    assert len(sops) == 2
    ident = sops[0].identity
    assert ident["nomor"] == "067/1394/2021"
    assert ident["nama"] == "Pengukuran Kinerja"
    assert ident["tanggal_pembuatan"] == "02 Januari 2019"
    assert ident["instansi"] == "PEMERINTAH KABUPATEN PURWAKARTA" and ident["unit"] == "KECAMATAN BUNGURSARI"
    assert ident["dasar_hukum"].split("\n") == ["1. Undang-Undang Nomor 23 Tahun 2014",
                                                "2. Peraturan Bupati Nomor 5 Tahun 2019"]
    assert ident["kualifikasi_pelaksana"] == "1. Memahami tugas"
    assert [s.pages for s in sops] == [[1, 2], [3, 4]]


def test_numbering_restarting_at_one_starts_another_sop():
    pages = [Page(1, 500, 400, [flowchart([step("1", "A"), step("2", "B")])]),
             Page(2, 500, 400, [flowchart([step("1", "C"), step("2", "D")])])]
    assert [len(s.rows) for s in assemble(pages)] == [2, 2]


def test_a_signature_block_under_the_table_is_kept():
    lines = ["Purwakarta, 7 Januari 2019", "CAMAT BUNGURSARI", "M. SARIPUL HAROM, S.Sos",
             "NIP. 19640104 199101 1 004"]
    blocks = [flowchart([step("1", "A")]), *(TextLine(t, (300, 120 + 10 * k, 440, 128 + 10 * k))
                                             for k, t in enumerate(lines))]
    [sop] = assemble([Page(1, 500, 400, blocks)])
    assert sop.signature == "\n".join(lines)


def test_off_page_connectors_join_the_rows_across_the_break():
    top1, top2 = 40.0, 40.0
    last = row_centre(top1, 0, 2)
    out_connector = symbol_at((last[0], last[1] + ROW_H), "connector", 12, 12, "A")
    first_page = Page(1, 500, 400, [flowchart([step("1", "A"), ["", "", "", "", "", "", "", "", ""]], top1)],
                      [symbol_at(last, "process"), out_connector],
                      [Arrow((last[0], last[1] + 6), (last[0], last[1] + ROW_H - 6))])
    in_centre, target = row_centre(top2, 0, 2), row_centre(top2, 1, 4)
    second_page = Page(2, 500, 400, [flowchart([["", "", "", "", "", "", "", "", ""], step("2", "B")], top2)],
                       [symbol_at(in_centre, "connector", 12, 12, "A"), symbol_at(target, "process")],
                       [Arrow((in_centre[0], in_centre[1] + 6), (target[0], target[1] - 6))])
    [sop] = assemble([first_page, second_page])
    assert [r.no for r in sop.rows] == ["1", "2"]
    assert [(a.from_row, a.to_row) for a in sop.arrows] == [(0, 1)]
    assert [m.column for m in sop.rows[1].marks] == [2]


def _scaled(page: Page, k: float) -> Page:
    """The same page in other units (a scan in pixels instead of a PDF in points)."""
    def box(b):
        return tuple(v * k for v in b)

    blocks = []
    for block in page.blocks:
        if isinstance(block, TextLine):
            blocks.append(TextLine(block.text, box(block.bbox)))
        else:
            cells = [replace(c, bbox=box(c.bbox)) for c in block.cells]
            blocks.append(replace(block, bbox=box(block.bbox), cells=cells))
    return Page(page.number, page.width * k, page.height * k, blocks,
                [replace(s, bbox=box(s.bbox)) for s in page.symbols],
                [replace(a, tail=box(a.tail), head=box(a.head)) for a in page.arrows], page.source)


def test_units_do_not_matter_points_or_pixels():
    top = 40.0
    a, b = row_centre(top, 0, 2), row_centre(top, 1, 3)
    page = Page(1, 500, 400, [flowchart([step("1", "Susun"), step("2", "Periksa")], top)],
                [symbol_at(a, "process"), symbol_at(b, "decision", 20, 16)],
                [Arrow((a[0], a[1] + 6), (b[0], b[1] - 8))])
    in_points, in_pixels = assemble([page])[0], assemble([_scaled(page, 300 / 72)])[0]
    assert [[(m.column, m.shape) for m in r.marks] for r in in_points.rows] == [
        [(m.column, m.shape) for m in r.marks] for r in in_pixels.rows] == [[(0, "process")], [(1, "decision")]]
    assert [(x.from_row, x.to_row) for x in in_pixels.arrows] == [(0, 1)]


@pytest.mark.parametrize(("printed", "joined"), [
    ("menanda-\ntangani surat", "menandatangani surat"),
    ("masing-\nmasing bidang", "masing-masing bidang"),
    ("surat-\nmenyurat", "surat-menyurat"),
    ("Kasubag\nUmum", "Kasubag\nUmum"),
    ("Sub-\nBagian", "Sub-\nBagian"),
])
def test_hyphenated_line_breaks_are_joined_only_where_the_word_goes_on(printed, joined):
    assert join_lines(printed) == joined


def test_a_title_printed_in_the_tables_first_row_is_the_title():
    title_row = [["SOP Pengukuran Kinerja", "", "", "", "", "", "", "", ""]]
    titled = table(title_row + HEADER + [step("1", "Menyusun")], XS, 40.0, [12.0, 10.0, 10.0, ROW_H],
                   {(0, 0): (1, 9), **{(r + 1, c): span for (r, c), span in HEADER_SPANS.items()}})
    [sop] = assemble([Page(1, 500, 400, [titled])])
    assert sop.title == "SOP Pengukuran Kinerja"
    assert [r.kegiatan for r in sop.rows] == ["Menyusun"]


def test_a_signer_block_in_a_box_is_read_as_text():
    lines = "Purwakarta, 7 Januari 2019\nCAMAT BUNGURSARI\nM. SARIPUL HAROM, S.Sos\nNIP. 19640104 199101 1 004"
    box = table([[lines]], [300, 440], 200.0, [60.0])
    [sop] = assemble([Page(1, 500, 400, [flowchart([step("1", "A")]), box])])
    assert sop.signature == lines


def test_the_column_number_row_under_the_header_is_no_step_even_misread():
    index = ["1", "2", "3", "4", "5", "6", '"7', "8", "9"]  # one number misread by OCR
    numbered = table([*HEADER, index, step("1", "Menerima"), step("2", "Mencatat")], XS, 40.0,
                     [10.0, 10.0, 8.0, ROW_H, ROW_H], HEADER_SPANS)
    [sop] = assemble([Page(1, 500, 400, [numbered])])
    assert [(r.no, r.kegiatan) for r in sop.rows] == [("1", "Menerima"), ("2", "Mencatat")]
