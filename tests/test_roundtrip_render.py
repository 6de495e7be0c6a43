"""Our own DOCX and PDF read back as the model they were rendered from, for every SOP of the corpus.

The renderer draws the flowchart as shapes the readers already read in
offices' files (``ingest/docx_shapes.py``, ``ingest/pdf_vector.py``), so a
rendered SOP extracted again must score perfectly on steps, performers,
symbols and branches with ``sopbaku.evaluate``, the acceptance scorer's
own definitions. LibreOffice is slow, so the PDF leg converts a few
multi-page SOPs in one ``soffice`` call.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Length

from sopbaku.evaluate import FileScore, score_file
from sopbaku.jsonio import read_json, sop_to_dict
from sopbaku.model import SopSet
from sopbaku.pipeline import extract
from sopbaku.render.context import sop_context
from sopbaku.render.docx import DEFAULT_TEMPLATE, write_docx
from sopbaku.render.flowplan import PAGE_GUARD
from tests.conftest import CORPUS

GOLDS = sorted(CORPUS.glob("*.gold.json")) + sorted((CORPUS / "synthetic").glob("*.gold.json"))
PRESETS = {"flowChartTerminator", "flowChartProcess", "flowChartDecision", "flowChartOffpageConnector",
           "straightConnector1", "bentConnector3", "rect"}


@functools.cache
def gold_set(path: Path) -> SopSet:
    """A gold file read once per session (a seed holds up to twelve SOPs); tests only read it."""
    return read_json(path)


def distinct_sops() -> list[tuple[str, Path, int]]:
    """Every SOP of the corpus golds once (the synthetic corpus repeats one SOP under several formats)."""
    seen: set[str] = set()
    cases = []
    for gold in GOLDS:
        sops = gold_set(gold)
        for key in (int(k) for k in sops.sops["sop"]):
            content = sop_to_dict(sops, key)
            content.pop("source")
            fingerprint = json.dumps(content, sort_keys=True, ensure_ascii=False)
            if fingerprint not in seen:
                seen.add(fingerprint)
                cases.append((f"{gold.name.removesuffix('.gold.json')}#{key}", gold, key))
    return cases


CASES = distinct_sops()


def score(sops: SopSet, key: int, read_back: SopSet) -> FileScore:
    return score_file([sop_to_dict(sops, key)], [sop_to_dict(read_back, int(k)) for k in read_back.sops["sop"]])


def assert_same_model(result: FileScore) -> None:
    assert result.step_f1 == 1.0
    assert result.sop_count == 1.0
    for name in ("pelaksana", "simbol", "branches"):
        assert getattr(result, name) in (1.0, None), name  # None: the gold has no performer/symbol/branch
    assert result.text is not None and result.text >= 0.99


@pytest.mark.parametrize(("gold", "key"), [(g, k) for _, g, k in CASES], ids=[n for n, _, _ in CASES])
def test_our_docx_reads_back_as_the_model_it_was_rendered_from(gold: Path, key: int, tmp_path: Path) -> None:
    sops = gold_set(gold)
    out = write_docx(sops, key, tmp_path / "sop.docx")
    assert_same_model(score(sops, key, extract(out)))


def test_symbols_and_arrows_are_native_shapes_anchored_in_their_cells(tmp_path: Path) -> None:
    """Editable shapes, not pictures: wps:wsp with flowchart presets, laid out in the table cell."""
    sops = read_json(CORPUS / "synthetic" / "synth_s7_05.gold.json")
    document = docx.Document(str(write_docx(sops, 1, tmp_path / "a.docx")))
    body = document.element.body
    assert not list(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/picture}pic"))
    anchors = list(body.iter(qn("wp:anchor")))
    assert anchors and not list(body.iter(qn("wp:inline")))
    ids = [d.get("id") for d in body.iter(qn("wp:docPr"))]
    assert len(ids) == len(set(ids)), "drawing ids are unique"
    for anchor in anchors:
        assert anchor.get("layoutInCell") == "1"
        assert next(anchor.iterancestors(qn("w:tc")), None) is not None
        assert anchor.getparent().getparent().get("Requires") == "wps"  # in mc:Choice, as Word writes shapes
        shape = anchor.find(f"{qn('a:graphic')}/{qn('a:graphicData')}/"
                            "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}wsp")
        assert shape is not None
        assert shape.find(f".//{qn('a:prstGeom')}").get("prst") in PRESETS
    steps = sops.steps[sops.steps["sop"] == 1]
    symbols = [g for g in body.iter(qn("a:prstGeom")) if g.get("prst") in PRESETS - {"straightConnector1",
                                                                                     "bentConnector3", "rect"}]
    pages = len([t for t in document.tables if t._tbl.tblPr.find(qn("w:tblCaption")) is not None])
    assert pages > 1, "this SOP takes more than one page"
    connectors = sum(g.get("prst") == "flowChartOffpageConnector" for g in symbols)
    assert len(symbols) - connectors == sum(len(p) for p in steps["pelaksana"])
    assert connectors >= 2 * (pages - 1), "a pair of off-page connectors at every page break"
    labels = [t.text for t in body.iter(qn("w:t")) if t.getparent().getparent().getparent().tag == qn("w:txbxContent")]
    assert {"Ya", "Tidak", "A"} <= set(labels)


def test_every_page_of_the_flowchart_fits_an_f4_page_with_seven_roles(tmp_path: Path) -> None:
    """A template on F4 paper (21.5 x 33 cm, landscape) gets columns and pages planned for it."""
    f4 = tmp_path / "f4_tpl.docx"
    document = docx.Document(str(DEFAULT_TEMPLATE))
    section = document.sections[0]
    section.page_width, section.page_height = Cm(33.0), Cm(21.5)
    document.save(str(f4))
    sops = read_json(CORPUS / "synthetic" / "synth_s7_00.gold.json")
    assert len(sops.roles) == 7
    out = write_docx(sops, 0, tmp_path / "a.docx", template=f4)
    rendered = docx.Document(str(out))
    room = Length(section.page_height - section.top_margin - section.bottom_margin).pt
    usable = Length(section.page_width - section.left_margin - section.right_margin).twips
    tables = [t for t in rendered.tables if t._tbl.tblPr.find(qn("w:tblCaption")) is not None]
    for table in tables:
        heights = [int(tr.trPr.find(qn("w:trHeight")).get(qn("w:val"))) / 20 for tr in table._tbl.tr_lst]
        assert sum(heights) <= room - PAGE_GUARD
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        assert abs(sum(grid) - usable) <= len(grid)
        assert min(grid[2:9]) >= 1.9 * 1440 / 2.54 - 1, "role columns keep room for their names"
    assert_same_model(score(sops, 0, extract(out)))


# --------------------------------------------------------------------------- through LibreOffice
needs_soffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                   reason="LibreOffice (soffice) not installed: PDF round trip not checked")
#: Multi-page SOPs with decisions and off-page connectors, and a seed without performers.
PDF_CASES = (("synthetic/synth_s7_05.gold.json", 1), ("synthetic/synth_s7_00.gold.json", 0),
             ("003_ea5f3c5ae52fc307.gold.json", 5))


@needs_soffice
def test_our_pdf_reads_back_as_the_model_and_pages_break_where_planned(tmp_path: Path) -> None:
    rendered = []
    for name, key in PDF_CASES:
        sops = read_json(CORPUS / name)
        rendered.append((sops, key, write_docx(sops, key, tmp_path / f"{Path(name).stem}_{key}.docx")))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([str(soffice), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *(str(p) for _, _, p in rendered)], check=True, capture_output=True, timeout=240)
    for sops, key, path in rendered:
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        assert_same_model(score(sops, key, extract(pdf)))
        with pdfplumber.open(pdf) as doc:
            assert all(page.width > page.height for page in doc.pages), "landscape pages"
            texts = [page.extract_text() or "" for page in doc.pages]
        tables = [t for t in docx.Document(str(path)).tables if t._tbl.tblPr.find(qn("w:tblCaption")) is not None]
        for page, table in enumerate(tables, start=1):  # page 0 is the identity page
            starts = [" ".join(r.cells[1].text.split()[:2]) for r in table.rows[2:] if r.cells[0].text]
            assert all(start in texts[page] for start in starts), f"page {page + 1} holds its planned rows"
        total = sop_context(sops, key)["total_waktu"].split(" (")[0]
        assert any(total in " ".join(t.split()) for t in texts[len(tables):]), "the total-time line follows"
