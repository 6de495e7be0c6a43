"""Generate a synthetic corpus: every rendering of each random document, each with its gold JSON.

For document ``i`` of seed ``s`` one model (:func:`sopbaku.synth.model.make_sops`)
is drawn, then rendered as

==========================  ===========  ===========================================
file                        format       gold evidence
==========================  ===========  ===========================================
``<id>.pdf``                pdf-digital  symbol (vector drawing)
``<id>_scan.pdf``           pdf-scanned  symbol (drawing in the image)
``<id>_p<k>.jpg|png``       image        symbol; one table page, gold = what it shows
``<id>_pages.tif``          image        symbol; all pages in one TIFF
``<id>_docx.docx``          docx         symbol, or mark for tick-mark documents
``<id>_text.txt``           text         none (export: role columns empty)
``<id>_ocr.txt``            text         none (tesseract dump of the scan)
==========================  ===========  ===========================================

each with ``<stem>.gold.json`` (stems are unique, so a folder works with or
without its manifest) and an entry in ``manifest.json``
(``{name: {format, pages, gold}}``, as ``shared/tools/score.py`` reads it).
The model and each style are drawn from their own seeded ``random.Random``,
so the same seed gives byte-identical files and gold.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PIL import Image

from sopbaku.synth import scan as scanning
from sopbaku.synth import text as texts
from sopbaku.synth.model import Evidence, as_rendered, make_sops, page_part
from sopbaku.synth.pdf import DocumentLayout, PdfStyle, layout_document, write_pdf

try:  # written alongside this module; a checkout without it still generates every other format
    from sopbaku.synth.docx_writer import DocxStyle, write_docx
except ImportError:  # pragma: no cover - depends on the checkout
    DocxStyle = None  # type: ignore[assignment,misc]
    write_docx = None  # type: ignore[assignment]

Rendering = Literal["pdf", "scan", "image", "docx", "text", "ocr"]
RENDERINGS: tuple[Rendering, ...] = ("pdf", "scan", "image", "docx", "text", "ocr")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class DocumentPlan:
    """One generated document and how each of its renderings is styled."""

    doc_id: str
    sops: list[dict[str, Any]]
    pdf: PdfStyle
    scan: scanning.ScanStyle
    text: texts.TextStyle
    docx: Any  # DocxStyle, when the DOCX writer is available
    image_file: Literal["jpg", "png", "tif"]  # one file per page (jpg, png) or one multi-page TIFF
    image_pages: int  # how many table pages get an image file of their own (jpg, png)
    ocr_psm: int


#: Containers rotate with the document index, so any corpus of four documents holds each of them;
#: the look of every page (fonts, spellings, noise, skew) is drawn at random.
_DOCX_SYMBOLS = ("shape", "picture", "mark")
_IMAGE_FILES: tuple[Literal["jpg", "png", "tif"], ...] = ("jpg", "png", "jpg", "tif")


def plan_document(seed: int, index: int, condition: str = "mixed") -> DocumentPlan:
    """Draw document ``index`` of ``seed``: its SOPs, then the style of every rendering.

    ``condition`` (a key of :data:`sopbaku.synth.scan.CONDITIONS`) sets how the
    scans are degraded; it is drawn from a random stream of its own, so the
    SOPs and every other rendering are the same in each condition.
    """
    model_rng = random.Random(f"sopbaku.synth:{seed}:{index}:model")
    n_sops = model_rng.choices((1, 2, 3), weights=(0.65, 0.25, 0.10))[0]
    sops = make_sops(model_rng, n_sops)
    rng = random.Random(f"sopbaku.synth:{seed}:{index}:style")
    docx = None
    if DocxStyle is not None:
        docx = DocxStyle(symbols=_DOCX_SYMBOLS[index % len(_DOCX_SYMBOLS)], header_variant=rng.randrange(24),
                         floating=rng.random() < 0.3)
    return DocumentPlan(
        doc_id=f"synth_s{seed}_{index:02d}",
        sops=sops,
        pdf=PdfStyle.random(rng),
        scan=_scan_style(rng, seed, index, condition),
        text=texts.TextStyle.random(rng),
        docx=docx,
        image_file=_IMAGE_FILES[index % len(_IMAGE_FILES)],
        image_pages=rng.choice((1, 1, 2)),
        ocr_psm=rng.choice((4, 6, 6)),
    )


def _scan_style(rng: random.Random, seed: int, index: int, condition: str) -> scanning.ScanStyle:
    """The document's scan style; the default draw is always made, so the styles after it do not move."""
    style = scanning.ScanStyle.random(rng)
    if condition == "mixed":
        return style
    return scanning.CONDITIONS[condition](random.Random(f"sopbaku.synth:{seed}:{index}:scan:{condition}"))


def generate(seed: int, n: int, out: Path, renderings: tuple[Rendering, ...] = RENDERINGS,
             progress: Progress = print, condition: str = "mixed") -> dict[str, dict[str, Any]]:
    """Write ``n`` documents into ``out`` in the chosen renderings and scan condition; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, Any]] = {}
    for index in range(n):
        plan = plan_document(seed, index, condition)
        writer = _Writer(out, manifest, progress)
        _render(plan, renderings, writer)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    progress(f"wrote manifest.json ({len(manifest)} files)")
    return manifest


@dataclass
class _Writer:
    """Records each written input with its gold file and manifest entry."""

    out: Path
    manifest: dict[str, dict[str, Any]]
    progress: Progress

    def add(self, path: Path, fmt: str, pages: int, gold: list[dict[str, Any]], evidence: Evidence,
            source_pages: list[list[int]], split: list[bool]) -> None:
        """Derive the gold of ``path`` from the model SOPs and write it next to the input."""
        source = {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "format": fmt}
        rendered = []
        for sop, sop_pages, is_split in zip(gold, source_pages, split, strict=True):
            one = as_rendered(sop, evidence, {**source, "pages": sop_pages})
            if is_split:
                one["warnings"].append({"code": "table-split-across-pages", "step": None,
                                        "message": "The flowchart table continues on the next page under a "
                                                   "repeated header."})
            rendered.append(one)
        gold_name = f"{path.stem}.gold.json"
        (self.out / gold_name).write_text(json.dumps(rendered, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
        self.manifest[path.name] = {"format": fmt, "pages": pages, "gold": gold_name}
        self.progress(f"wrote {path.name:32s} {fmt:12s} {pages} page(s), {len(rendered)} SOP(s)")


def _render(plan: DocumentPlan, renderings: tuple[Rendering, ...], w: _Writer) -> None:
    sops = plan.sops
    layout = layout_document(sops, plan.pdf)
    page_lists = [layout.pages_of(k) for k in range(len(sops))]
    split = [_table_pages(layout, k) > 1 for k in range(len(sops))]
    pdf = (w.out / plan.doc_id).with_suffix(".pdf")
    write_pdf(sops, pdf, plan.pdf)  # always: the scans are rasterized from it
    if "pdf" in renderings:
        w.add(pdf, "pdf-digital", len(layout.pages), sops, "symbol", page_lists, split)
    if {"scan", "image", "ocr"} & set(renderings):
        _render_scans(plan, pdf, layout, renderings, w)
    if "pdf" not in renderings:
        pdf.unlink()
    if "docx" in renderings:
        _render_docx(plan, len(layout.pages), w)
    if "text" in renderings:
        txt = w.out / f"{plan.doc_id}_text.txt"
        texts.write_text(sops, txt, plan.text)
        text_split = [len(s["steps"]) > plan.text.rows_per_page for s in sops]
        w.add(txt, "text", 1, _with_lost_numbers(sops, texts.lost_numbers(sops, plan.text)), "none",
              [[] for _ in sops], text_split)


def _render_scans(plan: DocumentPlan, pdf: Path, layout: DocumentLayout, renderings: tuple[Rendering, ...],
                  w: _Writer) -> None:
    """Scanned PDF, page images or TIFF, and the OCR dump, all from one rasterization of the digital PDF."""
    sops = plan.sops
    pages = scanning.scan(pdf, plan.scan)
    page_lists = [layout.pages_of(k) for k in range(len(sops))]
    split = [_table_pages(layout, k) > 1 for k in range(len(sops))]
    if "scan" in renderings:
        path = w.out / f"{plan.doc_id}_scan.pdf"
        scanning.write_scan_pdf(pages, path, plan.scan)
        w.add(path, "pdf-scanned", len(pages), sops, "symbol", page_lists, split)
    if "image" in renderings:
        if plan.image_file == "tif":
            path = w.out / f"{plan.doc_id}_pages.tif"
            scanning.write_tiff(pages, path, plan.scan)
            w.add(path, "image", len(pages), sops, "symbol", page_lists, split)
        else:
            _render_page_images(plan, layout, pages, w)
    if "ocr" in renderings:
        path = w.out / f"{plan.doc_id}_ocr.txt"
        flatbed = scanning.scan(pdf, texts.ocr_scan_style(plan.doc_id))
        texts.write_ocr_dump(flatbed, path, plan.ocr_psm)
        w.add(path, "text", 1, sops, "none", [[] for _ in sops], split)


def _render_page_images(plan: DocumentPlan, layout: DocumentLayout, pages: list[Image.Image], w: _Writer) -> None:
    """An image file for some table pages (a phone photo of one page); its gold is what that page shows.

    Pages without table rows are left out: an identity page alone has no steps to score.
    """
    candidates = [p for p in layout.pages if p.rows]
    rng = random.Random(f"{plan.doc_id}:pages")
    chosen = sorted(rng.sample(candidates, min(plan.image_pages, len(candidates))), key=lambda p: p.number)
    for page in chosen:
        path = w.out / f"{plan.doc_id}_p{page.number}.{plan.image_file}"
        scanning.write_image(pages[page.number - 1], path, plan.scan)
        part = page_part(plan.sops[page.sop], set(page.rows), title=page.title is not None,
                         signature=page.signature is not None)
        w.add(path, "image", 1, [part], "symbol", [[1]], [False])


def _render_docx(plan: DocumentPlan, n_pages: int, w: _Writer) -> None:
    if write_docx is None or plan.docx is None:
        w.progress(f"skipped {plan.doc_id}_docx.docx: sopbaku.synth.docx_writer is not available")
        return
    path = w.out / f"{plan.doc_id}_docx.docx"
    write_docx(plan.sops, path, plan.docx)
    evidence: Evidence = "mark" if plan.docx.symbols == "mark" else "symbol"
    w.add(path, "docx", n_pages, plan.sops, evidence, [[] for _ in plan.sops], [False] * len(plan.sops))


def _with_lost_numbers(sops: list[dict[str, Any]], lost: list[int | None]) -> list[dict[str, Any]]:
    """The SOPs with a warning for each step number the rendering left out."""
    out = []
    for sop, no in zip(sops, lost, strict=True):
        if no is not None:
            sop = {**sop, "warnings": [*sop["warnings"], {
                "code": "step-number-missing", "step": no,
                "message": f"The number cell of step {no} is empty; the number follows from the sequence."}]}
        out.append(sop)
    return out


def _table_pages(layout: DocumentLayout, sop: int) -> int:
    return sum(1 for p in layout.pages if p.sop == sop and p.kind == "table")
