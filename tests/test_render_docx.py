"""The SOP AP DOCX renderer, its file names and the LibreOffice check, on the gold models of corpus/."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import _Cell

from sopbaku.errors import ConfigError, ExternalToolError, MissingDependencyError
from sopbaku.jsonio import read_json
from sopbaku.model import SopSet
from sopbaku.render import fmt
from sopbaku.render.context import SYMBOL_MARK
from sopbaku.render.docx import DEFAULT_TEMPLATE, FLOWCHART_CAPTION, FlowchartWidths, write_docx
from sopbaku.render.libreoffice import convert_to_pdf
from sopbaku.render.names import MAX_STEM, output_stem

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLDS = sorted(CORPUS.glob("*.gold.json"))
CASES = [(g, int(k)) for g in GOLDS for k in read_json(g).sops["sop"]]


def gold(prefix: str) -> SopSet:
    return read_json(next(CORPUS.glob(f"{prefix}_*.gold.json")))


def with_performers(sops: SopSet, sop: int) -> SopSet:
    """SOP ``sop`` with step i performed by role i mod n, symbols cycling: what a scan reader yields."""
    one = sops.one(sop)
    steps = one.steps.copy()
    ids = list(one.roles.sort_values("position")["role_id"])
    cycle = [*SYMBOL_MARK, None]
    steps["pelaksana"] = [[ids[i % len(ids)]] for i in range(len(steps))]
    steps["simbol"] = [cycle[i % len(cycle)] for i in range(len(steps))]
    return SopSet(one.sops, one.roles, steps, one.warnings).validate("test")


def flowcharts(document: docx.document.Document) -> list[docx.table.Table]:
    """The flowchart's tables, one per page."""
    found = []
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == FLOWCHART_CAPTION:
            found.append(table)
    assert found, "no flowchart table"
    return found


def flowchart(document: docx.document.Document) -> docx.table.Table:
    return flowcharts(document)[0]


def step_rows(document: docx.document.Document) -> list[docx.table._Row]:
    """Body rows that hold a step (connector rows at page breaks have no number)."""
    return [row for table in flowcharts(document) for row in table.rows[2:] if row.cells[0].text]


def all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize(("gold_file", "sop"), CASES, ids=[f"{g.name[:3]}-{k}" for g, k in CASES])
def test_every_gold_sop_renders_with_its_steps_and_roles(gold_file: Path, sop: int, tmp_path: Path) -> None:
    sops = read_json(gold_file)
    out = write_docx(sops, sop, tmp_path / f"{output_stem(sops, sop)}.docx")
    document = docx.Document(str(out))
    text = all_text(document)
    steps = sops.steps[sops.steps["sop"] == sop]
    roles = list(sops.roles[sops.roles["sop"] == sop].sort_values("position")["name"])
    assert all(k in text for k in steps["kegiatan"])
    for table in flowcharts(document):
        assert [c.text for c in table.rows[1].cells[2:2 + len(roles)]] == roles
        assert len(table._tbl.tblGrid.gridCol_lst) == len(roles) + 6
    assert [int(r.cells[0].text) for r in step_rows(document)] == list(steps["no"])
    assert list(tmp_path.iterdir()) == [out], "the atomic write leaves no temporary file"


def test_flowchart_layout_is_sop_ap(tmp_path: Path) -> None:
    """Landscape A4; two header rows repeated on every page; the groups span their columns; no split rows."""
    sops = gold("003")
    document = docx.Document(str(write_docx(sops, 0, tmp_path / "a.docx")))
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert round(section.page_width.cm, 1) == 29.7
    n_roles = len(sops.one(0).roles)
    for table in flowcharts(document):
        header = table.rows[0]._tr
        spans = [tc.grid_span for tc in header.tc_lst]
        assert spans == [1, 1, n_roles, 3, 1]
        assert [_Cell(tc, table).text for tc in header.tc_lst][2:4] == ["Pelaksana", "Mutu Baku"]
        for i, row in enumerate(table.rows):
            tr_pr = row._tr.trPr
            assert tr_pr.find(qn("w:cantSplit")) is not None
            assert (tr_pr.find(qn("w:tblHeader")) is not None) == (i < 2)
        for tc_pr in table._tbl.iter(qn("w:tcPr")):
            tags = [el.tag for el in tc_pr]
            assert tags.index(qn("w:tcW")) < tags.index(qn("w:gridSpan")) if qn("w:gridSpan") in tags else True
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        usable = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
        assert abs(sum(widths) - usable) <= len(widths)


@pytest.mark.parametrize("n_roles", range(1, 16))
def test_flowchart_columns_fill_the_line_for_any_number_of_roles(n_roles: int) -> None:
    cols = FlowchartWidths().columns(n_roles, 26.7)
    assert len(cols) == n_roles + 6 and min(cols) > 0
    assert sum(cols) == pytest.approx(26.7)
    assert cols[1] >= 2.5, "Kegiatan stays readable"
    if 3 <= n_roles <= 7:
        assert cols[2] >= FlowchartWidths().role_min


def test_identity_page_dates_in_indonesian_and_warnings_not_printed(tmp_path: Path) -> None:
    sops = gold("001")
    document = docx.Document(str(write_docx(sops, 0, tmp_path / "a.docx")))
    text = all_text(document)
    assert "2 Januari 2019" in text
    assert document.core_properties.title == "SOP Penyusunan Perencanaan Kinerja"
    assert "2019-01-02" not in text
    row = sops.sops.iloc[0]
    assert row["disahkan_nip"] in text and row["dasar_hukum"][0] in text
    assert not any(w in text for w in sops.warnings["message"])


def test_role_cell_holds_the_drawn_symbol_of_the_performer_and_no_text(tmp_path: Path) -> None:
    sops = with_performers(gold("003"), 0)
    document = docx.Document(str(write_docx(sops, 0, tmp_path / "a.docx")))
    ids = list(sops.roles.sort_values("position")["role_id"])
    presets = {"terminator": "flowChartTerminator", "process": "flowChartProcess", "decision": "flowChartDecision",
               "connector": "flowChartOffpageConnector"}
    for row, step in zip(step_rows(document), sops.steps.itertuples(), strict=True):
        for cell, role in zip(row.cells[2:2 + len(ids)], ids, strict=True):
            assert cell.text == ""
            drawn = [g.get("prst") for g in cell._tc.iter(qn("a:prstGeom")) if g.get("prst").startswith("flowChart")]
            assert drawn == ([presets.get(step.simbol, "flowChartProcess")] if role in step.pelaksana else [])


def test_sop_without_roles_or_steps_still_renders_a_valid_grid(tmp_path: Path) -> None:
    """A reader that found no role header or no rows must not make the renderer fail."""
    one = gold("004").one(0)
    empty = SopSet(one.sops, one.roles.iloc[0:0], one.steps.iloc[0:0], one.warnings).validate("test")
    document = docx.Document(str(write_docx(empty, 0, tmp_path / "a.docx")))
    table = flowchart(document)
    assert len(table.rows) == 2
    assert len(table._tbl.tblGrid.gridCol_lst) == 1 + 6
    assert any(p.text == "Jumlah waktu: -" for p in document.paragraphs)


def test_total_time_line_sums_the_minutes(tmp_path: Path) -> None:
    sops = gold("000")
    document = docx.Document(str(write_docx(sops, 0, tmp_path / "a.docx")))
    total = sops.steps["waktu_minutes"].sum()
    line = next(p.text for p in document.paragraphs if p.text.startswith("Jumlah waktu"))
    assert fmt.durasi(total, 60, 7.5) in line


def test_durations_and_dates_read_the_indonesian_way() -> None:
    assert fmt.durasi(900, 60, 7.5) == "2 hari"  # a working day is 7.5 hours
    assert fmt.durasi(465, 60, 7.5) == "1 hari 15 menit"
    assert fmt.durasi(90, 60, 7.5) == "1 jam 30 menit"
    assert fmt.tanggal("2021-01-20") == "20 Januari 2021"
    assert fmt.tanggal(None) == "-"
    assert fmt.angka(7.5) == "7,5"


def test_markup_characters_in_the_model_are_printed_not_interpreted(tmp_path: Path) -> None:
    sops = gold("004")
    sops.steps.loc[0, "kegiatan"] = "Rapat <Tim> & koordinasi {{ nama }}"
    text = all_text(docx.Document(str(write_docx(sops, 0, tmp_path / "a.docx"))))
    assert "Rapat <Tim> & koordinasi {{ nama }}" in text


def test_shipped_template_is_what_make_template_builds(tmp_path: Path) -> None:
    """The committed .docx is generated, never hand-edited: rebuilding it gives the same bytes."""
    script = DEFAULT_TEMPLATE.with_name("make_template.py")
    spec = importlib.util.spec_from_file_location("make_template", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.build(tmp_path / "sop_ap_tpl.docx")
    assert rebuilt.read_bytes() == DEFAULT_TEMPLATE.read_bytes()


def test_template_needing_unknown_variables_fails_before_writing(tmp_path: Path) -> None:
    custom = tmp_path / "custom_tpl.docx"
    document = docx.Document(str(DEFAULT_TEMPLATE))
    document.add_paragraph("Kode arsip: {{ kode_arsip }}")
    document.save(str(custom))
    with pytest.raises(ConfigError, match="kode_arsip"):
        write_docx(gold("004"), 0, tmp_path / "a.docx", template=custom)
    assert not (tmp_path / "a.docx").exists()


def test_a_file_that_is_not_a_template_is_a_config_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.docx"
    bogus.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a Word"):
        write_docx(gold("004"), 0, tmp_path / "a.docx", template=bogus)
    with pytest.raises(ConfigError, match="not found"):
        write_docx(gold("004"), 0, tmp_path / "a.docx", template=tmp_path / "missing.docx")


def test_output_stems_are_safe_unique_and_never_empty() -> None:
    for g in GOLDS:
        sops = read_json(g)
        stems = [output_stem(sops, int(k)) for k in sops.sops["sop"]]
        assert len(set(stems)) == len(stems)
        for stem in stems:
            assert stem.startswith("sop-") and len(stem) <= MAX_STEM
            assert stem.isascii() and all(ch.isalnum() or ch == "-" for ch in stem)
    assert output_stem(gold("000"), 0) == "sop-01"  # no nama, no nomor
    assert output_stem(gold("003"), 3) == "sop-04-penyusunan-rka"
    sops = gold("004")
    sops.sops.loc[0, "nama"] = "Pelayanan Perizinan/Non-Perizinan: Kécamatan " * 5
    stem = output_stem(sops, 0)
    assert stem.startswith("sop-01-pelayanan-perizinan-non-perizinan-kecamatan-")
    assert len(stem) <= MAX_STEM and not stem.endswith("-")


# --------------------------------------------------------------------------- LibreOffice
needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftoppm"),
    reason="LibreOffice (soffice) or poppler (pdftoppm) not installed: PDF conversion not checked")


def test_missing_libreoffice_is_a_missing_dependency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = write_docx(gold("004"), 0, tmp_path / "a.docx")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingDependencyError, match="LibreOffice"):
        convert_to_pdf(out, tmp_path)


@needs_soffice
def test_libreoffice_past_its_time_limit_is_stopped(tmp_path: Path) -> None:
    out = write_docx(gold("004"), 0, tmp_path / "a.docx")
    with pytest.raises(ExternalToolError, match="ran past"):
        convert_to_pdf(out, tmp_path / "pdf", timeout=0.05)
    assert not (tmp_path / "pdf" / "a.pdf").exists()
