"""The synthetic corpus generator: deterministic, gold that keeps the contract, files that show their gold.

Generation here stays small (one or two documents, no OCR) so the module runs
in seconds; the committed corpus in ``corpus/synthetic`` is checked as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml

from sopbaku.jsonio import from_json
from sopbaku.synth.generate import generate, plan_document
from sopbaku.synth.model import MINUTES_PER_UNIT, as_rendered, make_sops
from sopbaku.synth.pdf import PAGE_SIZES, DocumentLayout, PdfStyle, layout_document, write_pdf
from sopbaku.synth.scan import ScanStyle, page_pixels, scan, write_scan_pdf
from tests.conftest import CORPUS, ROOT

SYNTHETIC = CORPUS / "synthetic"
REGISTRY_IDS = {r["id"] for r in yaml.safe_load((ROOT / "normalize" / "roles.yaml").read_text())["roles"]}


def _source(fmt: str = "pdf-digital") -> dict[str, Any]:
    return {"file": "x", "sha256": "0" * 64, "format": fmt, "pages": []}


# --------------------------------------------------------------------------- the model
def test_the_same_seed_gives_the_same_sops():
    assert make_sops(random.Random(11), 3) == make_sops(random.Random(11), 3)
    assert make_sops(random.Random(11), 3) != make_sops(random.Random(12), 3)


@pytest.mark.parametrize("seed", range(15))
def test_sops_follow_the_rules_of_an_sop_ap_table(seed):
    for sop in make_sops(random.Random(seed), 2):
        steps, role_ids = sop["steps"], [r["id"] for r in sop["roles"]]
        assert 5 <= len(steps) <= 16 and 3 <= len(role_ids) <= 7
        assert set(role_ids) <= REGISTRY_IDS
        assert [s["no"] for s in steps] == list(range(1, len(steps) + 1))
        assert steps[0]["simbol"] == steps[-1]["simbol"] == "terminator"
        assert {r for s in steps for r in s["pelaksana"]} == set(role_ids), "every column holds a symbol"
        for step in steps:
            waktu = step["waktu"]
            assert waktu["minutes"] == waktu["value"] * MINUTES_PER_UNIT[waktu["unit"]]
            if step["simbol"] == "decision":
                ya, tidak = step["branches"]["ya"], step["branches"]["tidak"]
                assert ya == step["no"] + 1 and tidak < step["no"] and step["next"] == [ya, tidak]
                returned_to = steps[tidak - 1]["pelaksana"]
                assert set(returned_to) - set(step["pelaksana"]), "a draft goes back to someone else"
            else:
                assert step["branches"] is None
                assert step["next"] == ([] if step is steps[-1] else [step["no"] + 1])


@pytest.mark.parametrize("evidence", ["symbol", "mark", "none"])
def test_every_rendered_gold_keeps_the_json_contract(evidence):
    for seed in range(8):
        gold = [as_rendered(s, evidence, _source()) for s in make_sops(random.Random(seed), 2)]
        sets = from_json(gold)
        assert len(sets) == len(gold)
        steps = [s for sop in gold for s in sop["steps"]]
        assert all(s["pelaksana_evidence"] == evidence for s in steps)
        if evidence != "symbol":
            assert all(s["simbol"] is None for s in steps)
        if evidence == "none":
            assert all(s["pelaksana"] == [] for s in steps)
            assert all(s["branches"]["tidak"] is None for s in steps if s["branches"]), "no arrow, no tidak"


# --------------------------------------------------------------------------- the digital PDF
@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> tuple[list[dict[str, Any]], DocumentLayout, Path, list[list[int]]]:
    sops = make_sops(random.Random(3), 2)
    style = PdfStyle(index_row=True, header_variant=5)
    path = tmp_path_factory.mktemp("pdf") / "doc.pdf"
    return sops, layout_document(sops, style), path, write_pdf(sops, path, style)


def test_pdf_has_the_pages_it_reports(drawn):
    _, layout, path, pages = drawn
    assert [p for sop_pages in pages for p in sop_pages] == list(range(1, len(layout.pages) + 1))
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == len(layout.pages)
        assert (pdf.pages[0].width, pdf.pages[0].height) == pytest.approx(PAGE_SIZES["A4"])


def test_pdf_text_layer_holds_each_step_in_its_row(drawn):
    sops, layout, path, _ = drawn
    seen = 0
    with pdfplumber.open(path) as pdf:
        for page in layout.pages:
            plumb, cols = pdf.pages[page.number - 1], layout.columns[page.sop]
            for no, row in page.rows.items():
                step = sops[page.sop]["steps"][no - 1]
                for field, (x0, x1) in (("kegiatan", cols.kegiatan), ("output", cols.output)):
                    cell = plumb.crop((x0, plumb.height - row.y1, x1, plumb.height - row.y0)).extract_text()
                    assert " ".join(cell.split()) == step[field]
                seen += 1
    assert seen == sum(len(s["steps"]) for s in sops), "every step is printed exactly once"


def _shape_kind(obj: dict[str, Any], is_rect: bool) -> str:
    """Process boxes are PDF rectangles; a diamond is a 4-corner polygon; a capsule is made of curves."""
    if is_rect:
        return "process"
    return "decision" if len(obj["pts"]) <= 5 else "terminator"


def test_pdf_draws_vector_symbols_in_the_performers_columns_only(drawn):
    sops, layout, path, _ = drawn
    kinds = set()
    with pdfplumber.open(path) as pdf:
        for page in layout.pages:
            plumb, cols, sop = pdf.pages[page.number - 1], layout.columns[page.sop], sops[page.sop]
            shapes = [(o, True) for o in plumb.rects] + [(o, False) for o in plumb.curves]
            shapes = [(o, r) for o, r in shapes if o["fill"] and o["stroke"] and o["x1"] - o["x0"] > 10]
            for no, row in page.rows.items():
                step = sop["steps"][no - 1]
                for role, (x0, x1) in zip(sop["roles"], cols.roles, strict=True):
                    inside = [_shape_kind(o, r) for o, r in shapes
                              if x0 < (o["x0"] + o["x1"]) / 2 < x1
                              and row.y0 < plumb.height - (o["top"] + o["bottom"]) / 2 < row.y1]
                    assert inside == ([step["simbol"]] if role["id"] in step["pelaksana"] else []), (no, role)
                    kinds.update(inside)
    assert kinds == {"terminator", "process", "decision"}


# --------------------------------------------------------------------------- scans
def test_scans_have_the_size_of_their_dpi(drawn, tmp_path):
    _, layout, path, _ = drawn
    style = ScanStyle(dpi=100, skew=1.5, blur=0.5, noise=4.0, light=0.2, seed=1)
    pages = scan(path, style)
    assert len(pages) == len(layout.pages)
    assert {p.size for p in pages} == {(1169, 827)} == {page_pixels(layout.size, 100)}
    assert pages[0].getextrema()[0] < 80 < 200 < pages[0].getextrema()[1], "ink on paper survives the damage"
    scanned = tmp_path / "scan.pdf"
    write_scan_pdf(pages, scanned, style)
    with pdfplumber.open(scanned) as pdf:
        assert len(pdf.pages) == len(pages)
        assert (pdf.pages[0].width, pdf.pages[0].height) == pytest.approx(layout.size, abs=0.5)
        assert not pdf.pages[0].chars, "a scan has no text layer"


# --------------------------------------------------------------------------- generation
def test_scan_conditions_draw_the_issue_bars_and_change_nothing_else():
    for index in range(8):
        mixed, mild, heavy = (plan_document(21, index, condition) for condition in ("mixed", "mild", "heavy"))
        assert mild.scan.dpi in (200, 300) and abs(mild.scan.skew) <= 0.5 and mild.scan.noise <= 3.0
        assert heavy.scan.dpi == 150 and abs(heavy.scan.skew) == 2.0 and heavy.scan.noise >= 6.0
        assert mixed == plan_document(21, index)  # the default corpus is drawn as before
        for plan in (mild, heavy):
            assert (plan.sops, plan.pdf, plan.text, plan.docx) == (mixed.sops, mixed.pdf, mixed.text, mixed.docx)


def test_generation_is_byte_identical_for_a_seed(tmp_path):
    """Also across processes: string hashing differs per process, so no draw may depend on set order."""
    first = generate(5, 2, tmp_path / "a", ("pdf", "scan", "text"), progress=lambda _: None)
    subprocess.run([sys.executable, "-m", "sopbaku.synth", "--seed", "5", "--n", "2", "--out", str(tmp_path / "b"),
                    "--only", "pdf", "scan", "text"], check=True, capture_output=True,
                   env={**os.environ, "PYTHONHASHSEED": "123"})
    second = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert first == second and len(first) >= 6
    for name, entry in first.items():
        for file in (name, entry["gold"]):
            assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_committed_manifest_lists_existing_files_with_valid_gold():
    manifest = json.loads((SYNTHETIC / "manifest.json").read_text(encoding="utf-8"))
    assert {m["format"] for m in manifest.values()} == {"pdf-digital", "pdf-scanned", "image", "docx", "text"}
    for name, entry in manifest.items():
        data = (SYNTHETIC / name).read_bytes()
        gold = json.loads((SYNTHETIC / entry["gold"]).read_text(encoding="utf-8"))
        from_json(gold)
        assert entry["gold"] == f"{Path(name).stem}.gold.json"
        for sop in gold:
            assert sop["source"]["file"] == name and sop["source"]["format"] == entry["format"]
            assert sop["source"]["sha256"] == hashlib.sha256(data).hexdigest()
            assert max(sop["source"]["pages"], default=1) <= entry["pages"]
