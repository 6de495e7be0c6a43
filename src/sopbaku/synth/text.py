"""Text renderings: tab-separated exports like the real seeds, and OCR text dumps of scans.

A *text export* is what converting a Word/PDF SOP to plain text gives
(``corpus/000_*.txt``, ``001``, ``003``, ``004``): identity lines, the table as
tab-separated cells with the header's two rows, role columns EMPTY (the
flowchart drawing is lost), sometimes a "1 2 3 ... 10" column-index row, and
the header repeated where a page broke.

An *OCR dump* is tesseract's plain text of the scan images, pages
concatenated (``corpus/002_*.txt``): with page segmentation mode 4 or 6 the
cells of one row come out interleaved line by line, and flowchart shapes
leave debris. Tesseract is called from :func:`ocr_page` only. The pages it
reads are an office flatbed scan (:func:`ocr_scan_style`), not the phone
shots of the scan renderings.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytesseract
from PIL import Image

from sopbaku.synth import printed
from sopbaku.synth.model import has_identity_page
from sopbaku.synth.printed import DateStyle
from sopbaku.synth.scan import ScanStyle

OCR_TIMEOUT_S = 120


@dataclass(frozen=True)
class TextStyle:
    """How one export was converted; drawn at random per document by :meth:`random`."""

    identity_layout: Literal["tabbed", "lines"] = "tabbed"
    html_lists: bool = False  # list cells left as "<ol ...>1. a2. b" by the converter
    cover: bool = False  # a cover block (office, "STANDAR OPERASIONAL PROSEDUR", name) before the identity
    rows_per_page: int = 8
    index_row: bool = False
    header_variant: int = 0
    upper_header: bool = False
    markdown_title: bool = False  # "### SOP ..." headings from a markdown-ish converter
    title_variant: int = 0
    date_style: DateStyle = "long0"
    nip_spaced: bool = True
    list_style: int = 0
    blank_lead: int = 4  # empty paragraphs at the top of the file
    number_suffix: str = ""  # "1." where the author typed the dot
    lost_number: int = 0  # a step whose number cell is empty (lost in conversion); 0 for none

    @classmethod
    def random(cls, rng: random.Random) -> TextStyle:
        return cls(
            identity_layout=rng.choice(("tabbed", "lines")),
            html_lists=rng.random() < 0.25,
            cover=rng.random() < 0.3,
            rows_per_page=rng.randint(5, 10),
            index_row=rng.random() < 0.25,
            header_variant=rng.randrange(24),
            upper_header=rng.random() < 0.25,
            markdown_title=rng.random() < 0.2,
            title_variant=rng.randrange(8),
            date_style=rng.choice(printed.DATE_STYLES),
            nip_spaced=rng.random() < 0.7,
            list_style=rng.randrange(6),
            blank_lead=rng.randint(0, 12),
            number_suffix=rng.choice(("", "", ".")),
            lost_number=rng.randint(2, 5) if rng.random() < 0.25 else 0,
        )


# --------------------------------------------------------------------------- text export
def write_text(sops: list[dict[str, Any]], path: Path, style: TextStyle) -> None:
    path.write_text(export_text(sops, style), encoding="utf-8")


def lost_numbers(sops: list[dict[str, Any]], style: TextStyle) -> list[int | None]:
    """Per SOP, the step whose number the export leaves empty (the gold keeps it, with a warning)."""
    return [style.lost_number if any(s["no"] == style.lost_number for s in sop["steps"]) else None
            for sop in sops]


def export_text(sops: list[dict[str, Any]], style: TextStyle) -> str:
    """The whole document as a text export: each SOP's identity block, table and signature."""
    lines = [" "] * style.blank_lead
    for sop in sops:
        if has_identity_page(sop):
            lines += _cover(sop) if style.cover else []
            lines += (_identity_tabbed if style.identity_layout == "tabbed" else _identity_lines)(sop, style)
        lines += ["", "", *_table(sop, style)]
        if sop["signature"]:
            lines += ["", *printed.signature_lines(sop["signature"], style.date_style, style.nip_spaced)]
        lines += ["", " ", ""]
    return "\n".join(lines).rstrip() + "\n"


def _cover(sop: dict[str, Any]) -> list[str]:
    ident = sop["identity"]
    out = []
    for text in (ident["instansi"], ident["unit"], "STANDAR OPERASIONAL PROSEDUR (SOP)", ident["nama"]):
        if text:
            out += [text.upper(), ""]
    return out + [" "] * 6


def _list_cell(items: list[str], style: TextStyle) -> str:
    """A list squeezed into one cell: numbered items run together, as converters flatten them."""
    numbered = printed.numbered(items, style.list_style)
    if style.html_lists and items:
        return '<ol style="list-style-type: none">' + "".join(numbered)
    return " ".join(numbered)


def _identity_values(sop: dict[str, Any], style: TextStyle) -> list[tuple[str, str]]:
    ident = sop["identity"]
    rows = [("Nomor SOP", ident["nomor"] or ""),
            ("Tanggal Pembuatan", printed.date(ident["tanggal_pembuatan"], style.date_style)),
            ("Tanggal Revisi", printed.date(ident["tanggal_revisi"], style.date_style)),
            ("Tanggal Efektif", printed.date(ident["tanggal_efektif"], style.date_style))]
    if ident["tanggal_pengesahan"]:
        rows.append(("Tanggal Pengesahan", printed.date(ident["tanggal_pengesahan"], style.date_style)))
    return rows


_PAIRS = (("Dasar Hukum", "dasar_hukum", "Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
          ("Keterkaitan", "keterkaitan", "Peralatan/Perlengkapan", "peralatan_perlengkapan"),
          ("Peringatan", "peringatan", "Pencatatan dan Pendataan", "pencatatan_pendataan"))


def _identity_tabbed(sop: dict[str, Any], style: TextStyle) -> list[str]:
    """The identity page as a converted Word table: one line per row, cells split by tabs."""
    ident = sop["identity"]
    out = [x for x in (ident["instansi"], ident["unit"]) if x] + [""]
    out += [f"\t{label}\t:\t{value}" for label, value in _identity_values(sop, style)]
    signer = ident["disahkan_oleh"]
    signed = (f"{signer['jabatan']}  {signer['nama']} {printed.nip(signer['nip'], style.nip_spaced)}"
              if signer else "")
    out += [f"\tDisahkan Oleh\t\t{signed}", f"\tNama SOP\t\t{ident['nama'] or ''}"]
    for head_a, key_a, head_b, key_b in _PAIRS:
        out.append(f"{head_a}\t{head_b}\t\t")
        out.append(f"{_list_cell(ident[key_a], style)}\t{_list_cell(ident[key_b], style)}\t\t")
    return out


def _identity_lines(sop: dict[str, Any], style: TextStyle) -> list[str]:
    """The identity page as a converted text box layout: label and value on a line, lists one item a line."""
    ident = sop["identity"]
    out = [" ".join(x for x in (ident["unit"], ident["instansi"]) if x), "", ""]
    out += [x for label, value in _identity_values(sop, style) for x in (f"{label} {value}".rstrip(), "")]
    out += ["Disahkan Oleh", ""]
    signer = ident["disahkan_oleh"]
    if signer:
        out += [signer["jabatan"], "", "", signer["nama"], printed.nip(signer["nip"], style.nip_spaced), ""]
    out += ["Nama SOP", "", ident["nama"] or "", ""]
    for head_a, key_a, head_b, key_b in _PAIRS:
        for head, key in ((head_a, key_a), (head_b, key_b)):
            out += [f"{head} :", "", *printed.numbered(ident[key], style.list_style), ""]
    return out


def _table(sop: dict[str, Any], style: TextStyle) -> list[str]:
    """Title, then the header and up to ``rows_per_page`` rows per page; role cells stay empty."""
    words = printed.header_words(style.header_variant, printed.bare_minutes(sop), style.upper_header)
    n_roles = len(sop["roles"])
    title = printed.table_title(sop["identity"]["nama"], style.title_variant)
    out = [f"### {title}" if style.markdown_title else title, ""] if title else []
    header = [
        "\t".join([words.no, words.kegiatan, words.pelaksana] + [""] * (n_roles - 1)
                  + [words.mutu, "", "", words.keterangan]),
        "\t".join(["", ""] + [r["labels"][0] for r in sop["roles"]]
                  + [words.kelengkapan, words.waktu, words.output, ""]),
    ]
    if style.index_row:
        header.append("\t".join(str(i) for i in range(1, n_roles + 7)))
    steps = sop["steps"]
    for start in range(0, len(steps), style.rows_per_page):
        if start:
            out.append("")
        out += header
        for step in steps[start:start + style.rows_per_page]:
            waktu = step["waktu"]["raw"] if step["waktu"] else ""
            no = "" if step["no"] == style.lost_number else f"{step['no']}{style.number_suffix}"
            cells = ([no, step["kegiatan"]] + [""] * n_roles
                     + [step["kelengkapan"] or "", waktu, step["output"] or "", step["keterangan"] or ""])
            out.append("\t".join(cells))
    return out


# --------------------------------------------------------------------------- OCR dump
def ocr_scan_style(doc_id: str) -> ScanStyle:
    """The scan an OCR dump is made from: 300 dpi flatbed, sharp, at most half a degree of skew.

    Offices make these dumps with their scanner's OCR, from a flatbed page, and the real one
    (``corpus/002_*``) keeps every step number and duration. Tesseract on the blurred pages of the
    scan renderings (Gaussian sigma 1 px and more at 300 dpi) drops the narrow No and Waktu columns
    whole, which no reader can bring back. Drawn from its own seeded generator, so the other
    renderings of the document stay byte-identical.
    """
    rng = random.Random(f"{doc_id}:ocr-scan")
    return ScanStyle(
        dpi=300,
        skew=round(rng.uniform(-0.5, 0.5), 2),
        blur=round(rng.uniform(0.15, 0.35), 2),
        noise=round(rng.uniform(1.0, 3.0), 1),
        light=round(rng.uniform(0.0, 0.1), 2),
        paper=rng.randint(244, 252),
        seed=rng.randrange(1 << 30),
    )


def ocr_page(image: Image.Image, psm: int) -> str:
    """Tesseract's plain text of one page image, Indonesian model; one thread keeps it deterministic."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return pytesseract.image_to_string(image, lang="ind", config=f"--psm {psm}", timeout=OCR_TIMEOUT_S)


def write_ocr_dump(pages: list[Image.Image], path: Path, psm: int) -> None:
    """The OCR text of every page, pages separated by blank lines as in real dumps."""
    texts = [ocr_page(page, psm).replace("\f", "").strip("\n") for page in pages]
    path.write_text("\n\n\n\n".join(texts) + "\n", encoding="utf-8")
