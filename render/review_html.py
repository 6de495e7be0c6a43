"""The reviewers' page: every extracted step beside the piece of the page it was read from.

Before anyone signs a regenerated SOP, a reviewer checks each row of the
table against the source. So the page shows, per step, the crop of the row
(cut from the page picture with the step's provenance box) next to the cells
the pipeline read, the symbol it found in each role's column, and the
warnings; rows read with low OCR confidence and guessed performers stand out.
The crops are embedded as JPEG data URIs and the styles inline: one file that
works offline and can be archived with the signed document.

Page pictures come from the caller (the CLI asks ``sopbaku.ingest.page_images``):
this module reads only the model, plus any object with an ``image`` and a
``pixel_box`` that places a provenance box on it.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2
import pandas as pd
from PIL import Image

from sopbaku.model import SopSet
from sopbaku.render.atomic import atomic_path
from sopbaku.render.context import PERFORMER_MARK, SYMBOL_MARK
from sopbaku.render.fmt import durasi

#: Widest crop embedded, in pixels: wider rows are scaled down (the page stays light to mail).
CROP_MAX_WIDTH = 1400
#: Margin around a step's box, in provenance units (points or pixels), so border lines stay visible.
CROP_MARGIN = 3.0
#: Warning codes that mean the text of a row may be misread.
LOW_CONFIDENCE_CODES = frozenset({"ocr-low-confidence"})
#: Performer evidence a reviewer must confirm: not read from a drawn symbol or mark.
GUESSED_EVIDENCE = frozenset({"text", "inferred", "none"})

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sopbaku.render", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


class PagePicture(Protocol):
    """A rendered source page, and where a provenance box lies on it (in pixels)."""

    image: Image.Image

    def pixel_box(self, bbox: list[float]) -> tuple[float, float, float, float]: ...


@dataclass
class _StepCard:
    no: int
    kegiatan: str
    page: int | None
    crop: str | None
    no_crop_reason: str
    roles: list[dict[str, Any]]
    cells: list[tuple[str, str | None, bool]]
    warnings: list[dict[str, Any]]
    low_confidence: bool


@dataclass
class _SopCard:
    title: str
    identity: list[tuple[str, str | None]]
    total: str
    warnings: list[dict[str, Any]]
    steps: list[_StepCard] = field(default_factory=list)

    @property
    def crops(self) -> int:
        return sum(1 for s in self.steps if s.crop)


def crop_data_uri(picture: PagePicture, bbox: list[float]) -> str | None:
    """The box (x0, top, x1, bottom, provenance units) cut from the page as a JPEG data URI."""
    width, height = picture.image.size
    x0, top, x1, bottom = picture.pixel_box([bbox[0] - CROP_MARGIN, bbox[1] - CROP_MARGIN,
                                             bbox[2] + CROP_MARGIN, bbox[3] + CROP_MARGIN])
    box = (max(0, int(x0)), max(0, int(top)), min(width, int(x1 + 1)), min(height, int(bottom + 1)))
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return None
    crop = picture.image.crop(box)
    if crop.width > CROP_MAX_WIDTH:
        crop = crop.resize((CROP_MAX_WIDTH, max(1, round(crop.height * CROP_MAX_WIDTH / crop.width))),
                           Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    crop.convert("RGB").save(buffer, format="JPEG", quality=82)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def review_html(sops: SopSet, pages: Mapping[int, PagePicture], source: str) -> str:
    """The review page of one input's SOPs; ``pages`` maps 1-based page numbers to their pictures."""
    cards = [_sop_card(sops.one(int(k)), pages) for k in sops.sops["sop"]]
    formats = sorted(set(sops.sops["source_format"])) or ["unknown"]
    return _ENV.get_template("review.html").render(source=source, sops=cards, has_pages=bool(pages),
                                                    formats=formats)


def write_review_html(sops: SopSet, pages: Mapping[int, PagePicture], source: str, path: Path) -> Path:
    """Write the page atomically."""
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(review_html(sops, pages, source), encoding="utf-8")
    return Path(path)


def _sop_card(one: SopSet, pages: Mapping[int, PagePicture]) -> _SopCard:
    row = one.sops.iloc[0]
    title = " — ".join(str(v) for v in (row["nomor"], row["nama"]) if v) or str(row["source_file"])
    identity = [(label, row[f]) for label, f in (("Instansi", "instansi"), ("Unit", "unit"), ("Nomor", "nomor"),
                                                 ("Nama", "nama"), ("Sumber", "source_file"),
                                                 ("Format", "source_format"))]
    minutes = one.steps["waktu_minutes"].dropna()
    total = (durasi(float(minutes.sum()), int(row["minutes_per_hour"]), float(row["hours_per_day"]))
             + f" ({minutes.sum():g} menit)") if len(minutes) else "—"
    warnings = [{"code": w.code, "step": None if pd.isna(w.step) else int(w.step), "message": w.message}
                for w in one.warnings.itertuples()]
    card = _SopCard(title, identity, total, warnings)
    roles = list(one.roles.sort_values("position").itertuples())
    for step in one.steps.sort_values("position").itertuples():
        mine = [w for w in warnings if w["step"] == int(step.no)]
        card.steps.append(_step_card(step, roles, mine, pages))
    return card


def _step_card(step: Any, roles: list[Any], warnings: list[dict[str, Any]],
               pages: Mapping[int, PagePicture]) -> _StepCard:
    prov = step.provenance or {}
    page, bbox = prov.get("page"), prov.get("bbox")
    crop, reason = None, "no page image for this input"
    if pages:
        picture = pages.get(page) if page is not None else None
        if picture is None or not bbox:
            reason = "no box recorded for this step"
        else:
            crop = crop_data_uri(picture, bbox)
            reason = "" if crop else "the recorded box is empty"
    guess = step.pelaksana_evidence in GUESSED_EVIDENCE
    role_cells = [{"name": r.name, "on": r.role_id in step.pelaksana, "guess": guess,
                   "evidence": step.pelaksana_evidence,
                   "mark": SYMBOL_MARK.get(step.simbol, PERFORMER_MARK) if r.role_id in step.pelaksana else ""}
                  for r in roles]
    waktu = step.waktu_raw
    if waktu and not pd.isna(step.waktu_minutes):
        waktu = f"{waktu} ({step.waktu_minutes:g} menit)"
    cells = [
        ("Simbol", step.simbol, False),
        ("Bukti pelaksana", step.pelaksana_evidence, guess),
        ("Kelengkapan", step.kelengkapan, False),
        ("Waktu", waktu, bool(step.waktu_raw) and pd.isna(step.waktu_minutes)),
        ("Output", step.output, False),
        ("Keterangan", step.keterangan, False),
        ("Lanjut", _flow(step), False),
    ]
    return _StepCard(int(step.no), step.kegiatan, page, crop, reason, role_cells, cells, warnings,
                     any(w["code"] in LOW_CONFIDENCE_CODES for w in warnings))


def _flow(step: Any) -> str:
    if step.is_decision:
        ya = "-" if pd.isna(step.branch_ya) else int(step.branch_ya)
        tidak = "-" if pd.isna(step.branch_tidak) else int(step.branch_tidak)
        return f"ya → {ya}, tidak → {tidak}"
    return ", ".join(str(n) for n in step.next) or "selesai"


def pages_needed(sops: SopSet) -> set[int]:
    """The 1-based pages the steps' provenance points to: the only ones worth rendering."""
    return {int(p["page"]) for p in sops.steps["provenance"] if isinstance(p, dict) and p.get("page")}
