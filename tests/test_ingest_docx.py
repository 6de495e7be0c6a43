"""The Word reader: real Word structures laid out on virtual pages, and hostile files refused.

Two kinds of input. Generated SOP documents (:mod:`sopbaku.synth`, with
their gold) in every way offices mark performers: inline DrawingML shapes,
floating shapes placed over the table, pasted pictures, typed ticks, and the
same files reduced to legacy VML as old Word versions write them; every
symbol must sit in its step's row and role column, every arrow join the
steps the gold links. And small hand-written packages for what the
generator does not make: automatic numbering, symbol-font ticks, merges
with ``gridBefore``, shapes laid out in a table cell, groups, and bombs.
"""

from __future__ import annotations

import functools
import io
import math
import random
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image, ImageDraw

from sopbaku import ingest
from sopbaku.errors import InputFileError, UnsupportedFormatError
from sopbaku.ingest.docx import ZipLimits, docx_pages, read_layout, tick_of
from sopbaku.ingest.docx_shapes import Item, classify_picture, link_arrows
from sopbaku.ingest.layout import Page, Symbol, Table
from sopbaku.synth.docx_writer import DocxStyle, write_docx
from sopbaku.synth.model import as_rendered, make_sops

STYLES = {
    "inline-shapes": DocxStyle(symbols="shape"),
    "floating-shapes": DocxStyle(symbols="shape", floating=True, header_variant=3),
    "pictures": DocxStyle(symbols="picture", header_variant=5),
    "ticks": DocxStyle(symbols="mark", header_variant=7),
}
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


# --------------------------------------------------------------------------- generated SOP documents


@functools.cache
def generated(name: str, seed: int) -> tuple[bytes, list[dict[str, Any]]]:
    """A generated Word file of one or two SOPs in style ``name`` and the gold it was written from."""
    style = STYLES[name]
    sops = make_sops(random.Random(seed), 1 + seed % 2)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"sop_{seed}.docx"
        write_docx(sops, path, style)
        data = path.read_bytes()
    evidence = "mark" if style.symbols == "mark" else "symbol"
    return data, [as_rendered(s, evidence, {"file": path.name}) for s in sops]


def vml_only(data: bytes) -> bytes:
    """The same package as Word 2003-era files are: every ``mc:AlternateContent`` replaced by its VML fallback."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                for alternate in list(root.iter(f"{{{MC}}}AlternateContent")):
                    parent, at = alternate.getparent(), alternate.getparent().index(alternate)
                    fallback = alternate.find(f"{{{MC}}}Fallback")
                    for k, child in enumerate(list(fallback) if fallback is not None else []):
                        parent.insert(at + k, child)
                    parent.remove(alternate)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, content)
    return out.getvalue()


def flowcharts(pages: list[Page]) -> list[tuple[Page, Table]]:
    """The flowchart tables (a "Pelaksana" header cell), with their pages, in reading order."""
    return [(page, block) for page in pages for block in page.blocks
            if isinstance(block, Table) and any(c.text.strip() == "Pelaksana" for c in block.cells)]


def first_step_row(table: Table) -> int:
    """The grid row of step 1: the first row whose No cell is "1" and whose Kegiatan is text."""
    grid = table.grid()
    return next(r for r in range(table.n_rows) if grid[r][0].strip() == "1" and len(grid[r][1]) > 2)


def cell_at(table: Table, box: tuple[float, float, float, float]) -> tuple[int, int]:
    """Grid row and column under the centre of ``box``."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    row = next(r for r in range(table.n_rows) if table.row_edges[r] <= cy < table.row_edges[r + 1])
    col = next(c for c in range(table.n_cols) if table.col_edges[c] <= cx < table.col_edges[c + 1])
    return row, col


def performers_found(page: Page, table: Table) -> dict[int, list[tuple[int, str | None, str]]]:
    """Step index -> (role column, shape, kind) of every symbol on the page, by the cell under its centre."""
    first = first_step_row(table)
    found: dict[int, list[tuple[int, str | None, str]]] = {}
    for symbol in page.symbols:
        row, col = cell_at(table, symbol.bbox)
        found.setdefault(row - first, []).append((col - 2, symbol.shape, symbol.kind))
    return found


def step_of(page: Page, table: Table, point: tuple[float, float]) -> int:
    """The step number of the symbol nearest ``point``."""
    def gap(s: Symbol) -> float:
        x0, top, x1, bottom = s.bbox
        return math.hypot(max(x0 - point[0], 0, point[0] - x1), max(top - point[1], 0, point[1] - bottom))

    return cell_at(table, min(page.symbols, key=gap).bbox)[0] - first_step_row(table) + 1


@pytest.mark.parametrize("vml", [False, True], ids=["drawingml", "vml"])
@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_performer_lands_in_its_row_and_role_column(name: str, vml: bool) -> None:
    style = STYLES[name]
    for seed in (1, 2, 3):
        data, gold = generated(name, seed)
        pages = docx_pages(vml_only(data) if vml else data)
        tables = flowcharts(pages)
        assert len(tables) == len(gold)
        for (page, table), sop in zip(tables, gold, strict=True):
            columns = [role["id"] for role in sop["roles"]]
            found = performers_found(page, table)
            for i, step in enumerate(sop["steps"]):
                expected = sorted((columns.index(p), step["simbol"]) for p in step["pelaksana"])
                got = sorted((col, shape) for col, shape, _ in found.get(i, []))
                assert got == expected, f"seed {seed} step {step['no']}"
                kinds = {kind for _, _, kind in found.get(i, [])}
                assert kinds == ({"mark"} if style.symbols == "mark" else {"symbol"})


@pytest.mark.parametrize("vml", [False, True], ids=["drawingml", "vml"])
@pytest.mark.parametrize("name", ["inline-shapes", "floating-shapes"])
def test_arrows_join_the_steps_the_gold_links_with_their_branch_labels(name: str, vml: bool) -> None:
    words = {"Ya": "ya", "Tidak": "tidak"}
    for seed in (1, 2, 3):
        data, gold = generated(name, seed)
        pages = docx_pages(vml_only(data) if vml else data)
        labelled = 0
        for (page, table), sop in zip(flowcharts(pages), gold, strict=True):
            assert page.arrows, "a drawn flowchart has arrows"
            for arrow in page.arrows:
                source, target = step_of(page, table, arrow.tail), step_of(page, table, arrow.head)
                step = sop["steps"][source - 1]
                assert target in step["next"], f"seed {seed}: arrow {source}->{target}"
                if arrow.label:
                    labelled += 1
                    assert step["branches"][words[arrow.label]] == target
        decisions = [s for sop in gold for s in sop["steps"] if s["branches"]]
        assert labelled >= len(decisions), "every decision shows at least one labelled exit"


def test_tick_cells_become_marks_and_lose_their_text() -> None:
    data, _ = generated("ticks", 3)
    for page, table in flowcharts(docx_pages(data)):
        marks = [s for s in page.symbols if s.kind == "mark"]
        assert marks and all(tick_of(s.text) for s in marks)
        for mark in marks:
            row, col = cell_at(table, mark.bbox)
            assert table.grid()[row][col] == ""


def test_the_whole_file_reads_through_the_registry(tmp_path: Path) -> None:
    data, gold = generated("inline-shapes", 2)
    path = tmp_path / "office file.docx"
    path.write_bytes(data)
    raw = ingest.read(path)
    assert raw.format == "docx" and raw.file == "office file.docx"
    assert len(raw.sops) == len(gold)
    assert [len(sop.rows) for sop in raw.sops] == [len(sop["steps"]) for sop in gold]


# --------------------------------------------------------------------------- hand-written packages

NS = " ".join(f'xmlns:{p}="{u}"' for p, u in {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": MC,
}.items())
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
PAGE = ('<w:sectPr><w:pgSz w:w="16838" w:h="11906"/>'
        '<w:pgMar w:top="800" w:right="800" w:bottom="800" w:left="800"/></w:sectPr>')
MARGIN = 40.0  # 800 twips


def package(body: str, parts: dict[str, bytes] | None = None, doctype: str = "") -> bytes:
    """A minimal Word package around ``body`` (A4 landscape, 40 pt margins)."""
    files = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                               b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                               b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                               b'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                       b"</Relationships>",
        "word/document.xml": f'<?xml version="1.0"?>{doctype}<w:document {NS}><w:body>{body}{PAGE}</w:body>'
                             f"</w:document>".encode(),
        **(parts or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


PAD = 5.4  # Word's default left and right cell margin


def settings(mode: int) -> dict[str, bytes]:
    """A settings part naming Word's compatibility mode (15 = Word 2013 and later)."""
    return {"word/settings.xml": f'<?xml version="1.0"?><w:settings {NS}><w:compat><w:compatSetting '
                                 f'w:name="compatibilityMode" w:val="{mode}"/></w:compat></w:settings>'.encode()}


def para(text: str = "", inner: str = "", ppr: str = "") -> str:
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r>{inner}</w:p>"


def cell(content: str, tcpr: str = "") -> str:
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{content}</w:tc>"


def table(rows: list[str], widths_pt: list[float]) -> str:
    grid = "".join(f'<w:gridCol w:w="{round(w * 20)}"/>' for w in widths_pt)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def row(cells: list[str], height_pt: float | None = None) -> str:
    trpr = f'<w:trPr><w:trHeight w:val="{round(height_pt * 20)}" w:hRule="exact"/></w:trPr>' if height_pt else ""
    return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"


def emu(pt: float) -> int:
    return round(pt * 12700)


def wsp(prst: str, w: float, h: float, x: float = 0.0, y: float = 0.0, line: str = "") -> str:
    outline = line or '<a:ln><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
    return (f'<wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="{emu(x)}" y="{emu(y)}"/>'
            f'<a:ext cx="{emu(w)}" cy="{emu(h)}"/></a:xfrm><a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom>'
            f"{outline}</wps:spPr><wps:bodyPr/></wps:wsp>")


def inline(graphic: str, w: float, h: float, uri: str = WPS) -> str:
    return (f'<w:r><w:drawing><wp:inline><wp:extent cx="{emu(w)}" cy="{emu(h)}"/><wp:docPr id="1" name="s"/>'
            f'<a:graphic><a:graphicData uri="{uri}">{graphic}</a:graphicData></a:graphic></wp:inline></w:drawing>'
            f"</w:r>")


def anchored(graphic: str, w: float, h: float, h_from: str, x: float, v_from: str, y: float,
             in_cell: bool, uri: str = WPS) -> str:
    return (f'<w:r><w:drawing><wp:anchor simplePos="0" layoutInCell="{int(in_cell)}" behindDoc="0" locked="0" '
            f'allowOverlap="1" relativeHeight="1"><wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="{h_from}"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="{v_from}"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{emu(w)}" cy="{emu(h)}"/><wp:wrapNone/><wp:docPr id="2" name="s"/><a:graphic>'
            f'<a:graphicData uri="{uri}">{graphic}</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


def only_table(pages: list[Page]) -> tuple[Page, Table]:
    tables = [(p, b) for p in pages for b in p.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def test_merged_cells_keep_their_spans_and_texts() -> None:
    body = table([
        row([cell(para("No"), '<w:vMerge w:val="restart"/>'), cell(para("Pelaksana"), '<w:gridSpan w:val="2"/>')]),
        row([cell(para(), "<w:vMerge/>"), cell(para("Camat")), cell(para("Sekcam"))]),
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{cell(para("x y"))}{cell(para("z"))}</w:tr>',
    ], [30, 60, 60])
    _, tbl = only_table(docx_pages(package(body, settings(15))))
    spans = {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in tbl.cells}
    assert spans == {(0, 0): (2, 1, "No"), (0, 1): (1, 2, "Pelaksana"), (1, 1): (1, 1, "Camat"),
                     (1, 2): (1, 1, "Sekcam"), (2, 1): (1, 1, "x y"), (2, 2): (1, 1, "z")}
    assert tbl.col_edges == pytest.approx([MARGIN, MARGIN + 30, MARGIN + 90, MARGIN + 150])
    no = next(c for c in tbl.cells if c.text == "No")
    assert no.bbox[3] == pytest.approx(tbl.row_edges[2])


def test_typed_and_symbol_font_ticks_are_marks_but_words_are_text() -> None:
    wingdings = '<w:p><w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>'
    body = table([row([cell(para("√")), cell(wingdings), cell(para("V")), cell(para("Ya"))])], [50] * 4)
    page, tbl = only_table(docx_pages(package(body)))
    assert sorted(s.text for s in page.symbols if s.kind == "mark") == ["V", "√", "✓"]
    assert [c.text for c in tbl.cells] == ["", "", "", "Ya"]


def test_automatic_list_numbers_are_printed_into_the_cells() -> None:
    numbering = (f'<?xml version="1.0"?><w:numbering {NS}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
                 '<w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num></w:numbering>').encode()
    numbered = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>'
    rows = [row([cell(f"<w:p><w:pPr>{numbered}</w:pPr></w:p>"), cell(para(text))]) for text in ("Menerima", "Mencatat")]
    _, tbl = only_table(docx_pages(package(table(rows, [30, 200]), {"word/numbering.xml": numbering})))
    assert [row_[0] for row_ in tbl.grid()] == ["1.", "2."]


@pytest.mark.parametrize(("prst", "shape"), [
    ("flowChartTerminator", "terminator"), ("roundRect", "terminator"), ("flowChartProcess", "process"),
    ("rect", "process"), ("flowChartDecision", "decision"), ("diamond", "decision"),
    ("flowChartOffpageConnector", "connector"), ("homePlate", "connector"), ("cloud", None),
])
def test_an_inline_shape_marks_its_whole_cell_with_its_flowchart_meaning(prst: str, shape: str | None) -> None:
    body = table([row([cell(para("1")), cell(f"<w:p>{inline(wsp(prst, 40, 20), 40, 20)}</w:p>")])], [30, 80])
    layout = read_layout(package(body))
    page, tbl = only_table(layout.pages)
    assert [(s.kind, s.shape, s.bbox) for s in page.symbols] == [("symbol", shape, tbl.cells[1].bbox)]
    assert any(n.code == "symbol-unrecognised" for _, n in layout.notes) == (shape is None)


def test_a_text_box_or_an_invisible_shape_is_not_a_symbol() -> None:
    invisible = wsp("rect", 30, 10, line="<a:ln><a:noFill/></a:ln>")
    box = invisible.replace("<wps:bodyPr/>", "<wps:txbx><w:txbxContent><w:p><w:r><w:t>Ya</w:t></w:r></w:p>"
                                              "</w:txbxContent></wps:txbx><wps:bodyPr/>")
    body = table([row([cell(f"<w:p>{inline(box, 30, 10)}</w:p>")])], [80])
    page, _ = only_table(docx_pages(package(body)))
    assert page.symbols == []


def test_legacy_vml_shapes_in_cells_are_read_like_drawingml() -> None:
    roundrect = '<w:r><w:pict><v:roundrect style="width:40pt;height:20pt" arcsize="0.5"/></w:pict></w:r>'
    decision = ('<w:r><w:pict><v:shape type="#_x0000_t110" style="width:40pt;height:30pt"/></w:pict></w:r>')
    body = table([row([cell(f"<w:p>{roundrect}</w:p>")]), row([cell(f"<w:p>{decision}</w:p>")])], [80])
    page, tbl = only_table(docx_pages(package(body)))
    assert [(s.shape, cell_at(tbl, s.bbox)) for s in page.symbols] == [("terminator", (0, 0)), ("decision", (1, 0))]


def test_a_legacy_vml_line_with_an_end_arrow_points_from_its_start_to_its_end() -> None:
    line = ('<w:r><w:pict><v:line style="position:absolute;mso-position-horizontal-relative:margin;'
            'mso-position-vertical-relative:text" from="50pt,10pt" to="50pt,60pt" strokeweight=".75pt">'
            '<v:stroke startarrow="none" endarrow="block"/></v:line></w:pict></w:r>')
    pages = docx_pages(package(f"<w:p>{line}</w:p>" + para("SOP Pelayanan")))
    arrows = [a for p in pages for a in p.arrows]
    assert len(arrows) == 1
    (tx, ty), (hx, hy) = arrows[0].tail, arrows[0].head
    assert (tx, hx) == pytest.approx((MARGIN + 50, MARGIN + 50))
    assert hy - ty == pytest.approx(50)


@pytest.mark.parametrize(("mode", "table_left"), [(12, MARGIN - PAD), (15, MARGIN)])
def test_floating_shapes_are_measured_in_their_cell_or_on_the_page_as_their_anchor_says(
        mode: int, table_left: float) -> None:
    shape = wsp("flowChartProcess", 20, 10)
    in_cell = anchored(shape, 20, 10, "column", 70, "paragraph", 4, in_cell=True)
    on_page = anchored(shape, 20, 10, "page", 110, "paragraph", 4, in_cell=False)
    body = table([row([cell(f"<w:p>{in_cell}</w:p>"), cell(para()), cell(para())], 30),
                  row([cell(f"<w:p>{on_page}</w:p>"), cell(para()), cell(para())], 30)], [60, 60, 60])
    page, tbl = only_table(docx_pages(package(body, settings(mode))))
    assert tbl.col_edges[0] == pytest.approx(table_left)  # Word 2013 moved the border to the margin
    assert [s.bbox[0] for s in page.symbols] == pytest.approx([table_left + PAD + 70, 110])
    assert [cell_at(tbl, s.bbox) for s in page.symbols] == [(0, 1), (1, 1)]
    assert page.symbols[0].bbox[1] == pytest.approx(tbl.row_edges[0] + 4)


def test_a_group_places_its_children_through_the_child_coordinate_space() -> None:
    children = wsp("flowChartDecision", 40, 20, x=0, y=0) + wsp("flowChartProcess", 40, 20, x=160, y=0)
    group = (f'<wpg:wgp><wpg:cNvGrpSpPr/><wpg:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(100)}" '
             f'cy="{emu(10)}"/><a:chOff x="0" y="0"/><a:chExt cx="{emu(200)}" cy="{emu(20)}"/></a:xfrm>'
             f"</wpg:grpSpPr>{children}</wpg:wgp>")
    uri = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
    drawing = anchored(group, 100, 10, "margin", 0, "paragraph", 0, in_cell=False, uri=uri)
    pages = docx_pages(package(f"<w:p>{drawing}</w:p>" + para("SOP Pelayanan")))
    boxes = {s.shape: s.bbox for p in pages for s in p.symbols}
    assert boxes["decision"][0] == pytest.approx(MARGIN)
    assert boxes["process"][0] == pytest.approx(MARGIN + 80)
    assert boxes["process"][2] - boxes["process"][0] == pytest.approx(20)


def test_segments_chain_into_one_arrow_and_take_the_label_at_their_start() -> None:
    def line(points: list[tuple[float, float]], head: bool = False) -> Item:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return Item("line", (min(xs), min(ys), max(xs), max(ys)), path=points, arrow_end=head)

    lines = [line([(100, 0), (100, 20)]), line([(100, 20), (40, 20)]), line([(40, 20), (40, 60)], head=True),
             line([(300, 0), (300, 60)])]  # a rule without an arrowhead
    label = Item("label", (104, 2, 124, 10), text="Tidak")
    far = Item("label", (400, 200, 420, 208), text="Ya")
    arrows, loose = link_arrows(lines, [label, far], tolerance=5.0)
    assert len(arrows) == 1
    assert (arrows[0].tail, arrows[0].head, arrows[0].label) == ((100, 0), (40, 60), "Tidak")
    assert loose == [far]


def symbol_picture(kind: str) -> bytes:
    """A black-outlined symbol on a transparent background, as pasted into Word."""
    w, h = (120, 60) if kind == "decision" else (60, 60) if kind == "round" else (120, 45)
    image = Image.new("RGBA", (w + 10, h + 10), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    ink = {"outline": (0, 0, 0, 255), "width": 3, "fill": (255, 255, 255, 255)}
    if kind == "terminator":
        draw.rounded_rectangle((5, 5, w + 5, h + 5), radius=h // 2, **ink)
    elif kind == "process":
        draw.rectangle((5, 5, w + 5, h + 5), **ink)
    elif kind == "decision":
        draw.polygon([(w // 2 + 5, 5), (w + 5, h // 2 + 5), (w // 2 + 5, h + 5), (5, h // 2 + 5)], **ink)
    elif kind == "connector":
        draw.polygon([(5, 5), (w + 5, 5), (w + 5, int(h * 0.7)), (w // 2 + 5, h + 5), (5, int(h * 0.7))], **ink)
    else:
        draw.ellipse((5, 5, w + 5, h + 5), **ink)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(("kind", "shape"), [("terminator", "terminator"), ("process", "process"),
                                             ("decision", "decision"), ("connector", "connector"),
                                             ("round", "connector")])
def test_pictures_of_symbols_are_classified_by_their_outline(kind: str, shape: str) -> None:
    assert classify_picture(symbol_picture(kind)) == shape


def test_an_undecodable_picture_has_no_shape() -> None:
    assert classify_picture(b"\x01\x00\x00\x00EMF not a raster") is None


# --------------------------------------------------------------------------- hostile and foreign files


def test_a_zip_bomb_is_refused_before_parsing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b" " * (4 * 2**20) + b">")
    with pytest.raises(InputFileError, match="ZIP bomb"):
        read_layout(out.getvalue())
    with pytest.raises(InputFileError, match="ZIP bomb"):
        read_layout(package(para("x")), limits=ZipLimits(max_members=2))


def test_entities_are_never_expanded() -> None:
    doctype = ('<!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY f SYSTEM "file:///etc/hostname">]>')
    pages = docx_pages(package(para("&c;&f;") + para("SOP Pelayanan"), doctype=doctype))
    texts = [b.text for p in pages for b in p.blocks]
    assert texts == ["SOP Pelayanan"]


@pytest.mark.parametrize(("members", "message"), [({"xl/workbook.xml": b"<x/>"}, "Excel"),
                                                  ({"readme.txt": b"hello"}, "ZIP archive")])
def test_other_zips_are_not_word_documents(tmp_path: Path, members: dict[str, bytes], message: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    path = tmp_path / "file.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(UnsupportedFormatError, match=message):
        ingest.read(path)


def test_legacy_doc_files_get_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "lama.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(UnsupportedFormatError, match=r"save it as \.docx"):
        ingest.read(path)


def test_a_damaged_package_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "rusak.docx"
    path.write_bytes(package(para("x"))[:200])
    with pytest.raises(InputFileError):
        ingest.read(path)


def test_every_generated_sop_has_its_flowchart_table_row_for_row() -> None:
    for name in STYLES:
        data, gold = generated(name, 5)
        tables = flowcharts(docx_pages(data))
        steps = [t.n_rows - first_step_row(t) for _, t in tables]
        assert steps == [len(sop["steps"]) for sop in gold], name
