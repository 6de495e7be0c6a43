"""The synthetic corpus's DOCX writer, on gold SOPs of corpus/ given performers and symbols.

Each style is written as a two-SOP document and read back the way a reader
would: python-docx for tables and merged header cells, the XML of each role
cell for the performer's evidence, the anchors' positions for floating
shapes, and LibreOffice for whether Word-made-looking files really open.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from sopbaku.errors import MissingDependencyError
from sopbaku.render.libreoffice import convert_to_pdf, find_soffice
from sopbaku.synth.docx_writer import MARKS, PRESETS, TEXT_W, DocxStyle, Spellings, plan_flowchart, write_docx
from tests.conftest import CORPUS

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
STYLES = {
    "shape": DocxStyle(),
    "floating": DocxStyle(symbols="shape", floating=True, header_variant=3),
    "picture": DocxStyle(symbols="picture", header_variant=5),
    "mark": DocxStyle(symbols="mark", header_variant=7),
}


def gold_sops(prefix: str) -> list[dict[str, Any]]:
    return json.loads(next(CORPUS.glob(f"{prefix}_*.gold.json")).read_text(encoding="utf-8"))


def with_performers(sop: dict[str, Any], shift: int = 0) -> dict[str, Any]:
    """A gold SOP whose steps get what a drawn flowchart shows: performers cycling over the roles,
    terminators at both ends, decisions where the gold has branches (looping back on "tidak"),
    an off-page connector and one step done by two roles."""
    sop = copy.deepcopy(sop)
    ids = [role["id"] for role in sop["roles"]]
    steps = sop["steps"]
    for i, step in enumerate(steps):
        step["pelaksana"] = [ids[(i + shift) % len(ids)]]
        step["simbol"] = "terminator" if i in (0, len(steps) - 1) else "process"
        if step["branches"]:
            step["simbol"] = "decision"
            step["branches"]["tidak"] = steps[max(i - 2, 0)]["no"]
            step["next"] = [step["branches"]["ya"], step["branches"]["tidak"]]
    steps[-2]["pelaksana"] = ids[:2]
    plain = [s for s in steps[1:-1] if s["simbol"] == "process"]
    plain[len(plain) // 2]["simbol"] = "connector"
    return sop


@pytest.fixture(scope="module")
def sops() -> list[dict[str, Any]]:
    """Two SOPs: one with decisions (003), one with a full identity page and signature (001)."""
    return [with_performers(gold_sops("003")[0]), with_performers(gold_sops("001")[0], shift=1)]


@pytest.fixture(scope="module", params=sorted(STYLES))
def written(request: pytest.FixtureRequest, sops: list[dict[str, Any]], tmp_path_factory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp("synth") / f"{request.param}.docx"
    write_docx(sops, path, STYLES[request.param])
    return request.param, path


def flowcharts(path: Path) -> list[Table]:
    """The flowchart tables: those whose first header cell is "No"."""
    return [t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text == "No"]


def xp(element: Any, path: str) -> Any:
    """XPath with the drawing namespaces, which python-docx's own ``xpath`` does not know."""
    return etree.XPath(path, namespaces=NS)(element)


def header_rows(table: Table) -> int:
    return sum(1 for tr in table._tbl.tr_lst if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None)


def step_rows(table: Table) -> list[Any]:
    return table._tbl.tr_lst[header_rows(table):]


def presets(element: Any) -> list[str]:
    """Flowchart presets drawn in ``element`` (arrows and label boxes left out)."""
    found = xp(element, ".//wps:wsp/wps:spPr/a:prstGeom/@prst")
    return [p for p in found if p.startswith("flowChart")]


def test_identity_and_flowchart_tables_per_sop(written: tuple[str, Path], sops: list[dict[str, Any]]) -> None:
    _, path = written
    document = docx.Document(str(path))
    assert len(document.tables) == 2 * len(sops)
    identity = document.tables[2]
    text = "\n".join(c.text for row in identity.rows for c in row.cells)
    wanted = sops[1]["identity"]
    assert wanted["nama"].upper() in text
    assert "NIP. 19640104 199101 1 004" in text
    assert all(item in text for item in wanted["dasar_hukum"])
    assert all(s.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE for s in document.sections)


def test_header_cells_are_merged_and_repeat(written: tuple[str, Path], sops: list[dict[str, Any]]) -> None:
    name, path = written
    spell = Spellings.of(STYLES[name].header_variant)
    for table, sop in zip(flowcharts(path), sops, strict=True):
        first, second = table._tbl.tr_lst[:2]
        spans = [tc.grid_span for tc in first.tc_lst]
        assert spans == [1, 1, len(sop["roles"]), 3, 1]
        assert [tc.vMerge for tc in first.tc_lst] == ["restart", "restart", None, None, "restart"]
        merged_below = [tc.vMerge for tc in second.tc_lst]
        assert merged_below[:2] == ["continue", "continue"] and merged_below[-1] == "continue"
        assert header_rows(table) == (3 if spell.number_row else 2)
        texts = [c.text for c in table.rows[0].cells]
        assert texts[1] == spell.kegiatan and spell.mutu in texts
        labels = [c.text for c in table.rows[1].cells[2:2 + len(sop["roles"]) + 3]]
        assert labels == [r["labels"][0] for r in sop["roles"]] + ["Kelengkapan", spell.waktu, "Output"]
        assert [int(tr.tc_lst[0].xpath("string(.//w:t)")) for tr in step_rows(table)] == [
            s["no"] for s in sop["steps"]]


def test_each_performer_cell_holds_its_evidence(written: tuple[str, Path], sops: list[dict[str, Any]]) -> None:
    """A shape of the step's symbol, a picture or the document's mark in exactly the performers' cells;
    floating shapes are in no role cell (the position test maps them)."""
    name, path = written
    mark = Spellings.of(STYLES[name].header_variant).mark
    assert mark in MARKS
    for table, sop in zip(flowcharts(path), sops, strict=True):
        ids = [r["id"] for r in sop["roles"]]
        for tr, step in zip(step_rows(table), sop["steps"], strict=True):
            for role_id, tc in zip(ids, tr.tc_lst[2:2 + len(ids)], strict=True):
                performs = role_id in step["pelaksana"] and not STYLES[name].floating
                if name in ("shape", "floating"):
                    assert presets(tc) == ([PRESETS[step["simbol"]]] if performs else [])
                elif name == "picture":
                    assert len(xp(tc, ".//pic:pic")) == int(performs)
                else:
                    assert tc.xpath("string(.)").strip() == (mark if performs else "")


def test_floating_shapes_lie_over_their_performers_columns(sops: list[dict[str, Any]], tmp_path: Path) -> None:
    """Floating symbols are anchored in the No cell; only their offset from the margin tells the column."""
    path = tmp_path / "floating.docx"
    write_docx(sops, path, STYLES["floating"])
    for table, sop in zip(flowcharts(path), sops, strict=True):
        edges = [0]  # column edges in EMU from the left margin, where the full-width table starts
        for col in table._tbl.tblGrid.gridCol_lst:
            edges.append(edges[-1] + col.w)
        ids = [r["id"] for r in sop["roles"]]
        for tr, step in zip(step_rows(table), sop["steps"], strict=True):
            assert all(not presets(tc) for tc in tr.tc_lst[1:])
            columns = []
            for anchor in xp(tr.tc_lst[0], ".//mc:Choice//wp:anchor"):
                if not presets(anchor):
                    continue
                x = int(xp(anchor, "string(wp:positionH/wp:posOffset)"))
                middle = x + int(xp(anchor, "string(wp:extent/@cx)")) // 2
                columns.append(next(i for i in range(len(edges) - 1) if edges[i] <= middle < edges[i + 1]))
            assert sorted(columns) == sorted(2 + ids.index(r) for r in step["pelaksana"])


def test_shapes_are_joined_by_arrows_and_decisions_labelled(sops: list[dict[str, Any]], tmp_path: Path) -> None:
    path = tmp_path / "shape.docx"
    write_docx(sops, path, STYLES["shape"])
    table = flowcharts(path)[0]
    arrows = xp(table._tbl, ".//mc:Choice//a:prstGeom[@prst='straightConnector1' or @prst='bentConnector3']")
    assert all(xp(a, "../a:ln/a:tailEnd/@type") == ["triangle"] for a in arrows)
    assert len(arrows) >= len(sops[0]["steps"]) // 2
    labels = xp(table._tbl, ".//mc:Choice//wps:txbx//w:t/text()")
    decisions = [s for s in sops[0]["steps"] if s["simbol"] == "decision"]
    assert decisions and labels.count("Ya") + labels.count("Tidak") >= len(decisions)
    fallbacks = xp(table._tbl, ".//mc:AlternateContent/mc:Fallback/w:pict")
    assert len(fallbacks) == len(xp(table._tbl, ".//mc:AlternateContent"))


def test_same_input_gives_the_same_bytes(sops: list[dict[str, Any]], tmp_path: Path) -> None:
    for name, style in STYLES.items():
        write_docx(sops, tmp_path / f"{name}-1.docx", style)
        write_docx(sops, tmp_path / f"{name}-2.docx", style)
        assert (tmp_path / f"{name}-1.docx").read_bytes() == (tmp_path / f"{name}-2.docx").read_bytes(), name


def test_every_gold_sop_can_be_written(tmp_path: Path) -> None:
    """All SOPs of the corpus in one file: roles from 4 to 6, up to 16 steps, decisions without a "tidak"."""
    every = [with_performers(sop, k) for k, gold in enumerate(sorted(CORPUS.glob("*.gold.json")))
             for sop in json.loads(gold.read_text(encoding="utf-8"))]
    write_docx(every, tmp_path / "all.docx", DocxStyle())
    tables = flowcharts(tmp_path / "all.docx")
    assert [len(step_rows(t)) for t in tables] == [len(s["steps"]) for s in every]


def test_header_variant_zero_is_canonical() -> None:
    spell = Spellings.of(0)
    assert (spell.mutu, spell.kegiatan, spell.waktu, spell.number_row) == ("Mutu Baku", "Kegiatan", "Waktu", False)
    seen = {(s.mutu, s.kegiatan, s.waktu) for s in map(Spellings.of, range(1, 40))}
    assert len(seen) == 12, "a few dozen variants cover every spelling combination"


@pytest.fixture(scope="module")
def converted(written: tuple[str, Path]) -> tuple[str, Path]:
    """The written document as LibreOffice prints it to PDF."""
    try:
        find_soffice()
    except MissingDependencyError:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check that the DOCX converts")
    name, path = written
    return name, convert_to_pdf(path, path.parent)


def test_libreoffice_opens_it_and_draws_the_symbols(converted: tuple[str, Path], sops: list[dict[str, Any]]) -> None:
    name, pdf = converted
    performers = sum(len(s["pelaksana"]) for sop in sops for s in sop["steps"])
    with pdfplumber.open(pdf) as document:
        pages = document.pages
        assert len(pages) >= 4
        if name in ("shape", "floating"):  # symbols are the only white-filled drawings
            white = [o for p in pages for o in p.curves + p.rects
                     if o["fill"] and o["non_stroking_color"] in ((1.0, 1.0, 1.0), (1,))]
            assert len(white) == performers
        elif name == "picture":
            assert sum(len(p.images) for p in pages) >= performers
        else:
            mark = Spellings.of(STYLES[name].header_variant).mark
            assert sum(w["text"] == mark for p in pages for w in p.extract_words()) == performers


def test_rendered_rows_are_as_tall_as_planned(converted: tuple[str, Path], sops: list[dict[str, Any]]) -> None:
    """Arrows are anchored in one row and end in the next: they only meet the symbols if no text made a row
    taller than planned. Row heights are read from the full-width border lines of the flowchart pages."""
    name, pdf = converted
    spell = Spellings.of(STYLES[name].header_variant)
    planned = [h for sop in sops for h in plan_flowchart(sop, spell).row_heights]
    rendered: list[float] = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            if all(word["text"] != "Pelaksana" for word in page.extract_words()):
                continue  # not a flowchart page ("Kualifikasi Pelaksana:" is on the identity page)
            ys: list[float] = []
            for y in sorted(line["top"] for line in page.lines if line["x1"] - line["x0"] > 0.95 * TEXT_W):
                if not ys or y - ys[-1] > 0.5:
                    ys.append(y)
            heights = [b - a for a, b in itertools.pairwise(ys)]
            rendered += heights[2 if spell.number_row else 1:]  # the header rows (0 and 1 merged), then steps
    assert rendered == pytest.approx(planned, abs=0.6)
