"""Scanned renderings: the digital PDF rasterized and degraded like a scanner or a phone camera.

Each page is rendered once (pypdfium2) at the style's dpi and degraded
deterministically: uneven light, paper tint, skew up to 2 degrees, blur,
Gaussian noise, JPEG artefacts. The page keeps its size in pixels (the skew
rotates inside the frame), so a page of W x H points is W/72*dpi x H/72*dpi
pixels in every output: image-only PDF (img2pdf, the JPEG embedded as is),
one image per page, or one multi-page TIFF.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import img2pdf
import numpy as np
import pypdfium2 as pdfium
from PIL import Image


@dataclass(frozen=True)
class ScanStyle:
    """How badly a document was scanned; drawn at random per document by :meth:`random`."""

    dpi: int = 150
    skew: float = 0.0  # degrees, positive counter-clockwise
    blur: float = 0.0  # Gaussian sigma in pixels at 150 dpi
    noise: float = 0.0  # Gaussian noise sigma, grey levels
    light: float = 0.0  # depth of the uneven lighting, 0..1
    paper: int = 250  # grey level of the paper
    jpeg_quality: int = 75
    seed: int = 0  # noise pattern

    @classmethod
    def random(cls, rng: random.Random, dpi: tuple[int, ...] = (150, 150, 150, 200)) -> ScanStyle:
        return cls(
            dpi=rng.choice(dpi),
            skew=round(rng.uniform(-2.0, 2.0), 2) if rng.random() < 0.8 else 0.0,
            blur=round(rng.uniform(0.3, 1.0), 2),
            noise=round(rng.uniform(2.0, 6.0), 1),
            light=round(rng.uniform(0.0, 0.25), 2),
            paper=rng.randint(236, 252),
            jpeg_quality=rng.choice((55, 60, 65, 70)),
            seed=rng.randrange(1 << 30),
        )

    @classmethod
    def mild(cls, rng: random.Random) -> ScanStyle:
        """An office flatbed scan: 200-300 dpi, at most half a degree of skew, light grain (issue 5's first bar)."""
        return cls(
            dpi=rng.choice((200, 300)),
            skew=round(rng.uniform(-0.5, 0.5), 2),
            blur=round(rng.uniform(0.3, 0.6), 2),
            noise=round(rng.uniform(1.0, 3.0), 1),
            light=round(rng.uniform(0.0, 0.1), 2),
            paper=rng.randint(244, 252),
            jpeg_quality=rng.choice((75, 80, 85)),
            seed=rng.randrange(1 << 30),
        )

    @classmethod
    def heavy(cls, rng: random.Random) -> ScanStyle:
        """A quick phone shot: 150 dpi, 2 degrees of skew either way, strong grain and blur (issue 5's second bar)."""
        return cls(
            dpi=150,
            skew=rng.choice((-2.0, 2.0)),
            blur=round(rng.uniform(0.8, 1.0), 2),
            noise=round(rng.uniform(6.0, 8.0), 1),
            light=round(rng.uniform(0.2, 0.3), 2),
            paper=rng.randint(232, 242),
            jpeg_quality=rng.choice((55, 60)),
            seed=rng.randrange(1 << 30),
        )


#: Named scan conditions: ``mixed`` is the generator's default spread (mostly 150 dpi, some noise),
#: ``mild`` and ``heavy`` are the two conditions issue 5 sets targets for.
CONDITIONS = {"mixed": ScanStyle.random, "mild": ScanStyle.mild, "heavy": ScanStyle.heavy}


def page_pixels(size_pt: tuple[float, float], dpi: int) -> tuple[int, int]:
    """Width and height in pixels of a page of ``size_pt`` points rasterized at ``dpi``."""
    return round(size_pt[0] * dpi / 72), round(size_pt[1] * dpi / 72)


def rasterize(pdf: Path, dpi: int) -> list[Image.Image]:
    """Every page of ``pdf`` as a greyscale image of exactly :func:`page_pixels` size."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for page in doc:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            want = page_pixels(page.get_size(), dpi)
            pages.append(image if image.size == want else image.resize(want, Image.Resampling.BILINEAR))
            page.close()
        return pages
    finally:
        doc.close()


def degrade(page: Image.Image, style: ScanStyle, index: int) -> Image.Image:
    """One page as a scanner would return it; the same style and index always give the same pixels.

    JPEG artefacts come from the writers, which all store the page as JPEG.
    """
    rng = np.random.default_rng([style.seed, index])
    img = np.asarray(page, dtype=np.float32) / 255.0
    h, w = img.shape
    img = 1.0 - (1.0 - img) * 0.92  # ink is never fully black
    img *= style.paper / 255.0 * _lighting(w, h, style.light, rng)
    if style.skew:
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), style.skew + rng.uniform(-0.2, 0.2), 1.0)
        img = cv2.warpAffine(img, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    img = img * 255.0 + rng.normal(0.0, style.noise, img.shape)  # sensor grain, softened by the optics below
    if style.blur:
        img = cv2.GaussianBlur(img, (0, 0), sigmaX=style.blur * style.dpi / 150)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), mode="L")


def _lighting(w: int, h: int, depth: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth light field: a gradient across the page and a darker rim, like a lamp off-centre."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xs / w + np.sin(angle) * ys / h + 1.0) / 2.0
    rim = ((xs / w - 0.5) ** 2 + (ys / h - 0.5) ** 2) * 2.0
    return 1.0 - depth * (0.6 * ramp + 0.4 * rim)


def scan(pdf: Path, style: ScanStyle) -> list[Image.Image]:
    """The degraded pages of a digital PDF."""
    return [degrade(page, style, i) for i, page in enumerate(rasterize(pdf, style.dpi))]


def write_scan_pdf(pages: list[Image.Image], path: Path, style: ScanStyle) -> None:
    """An image-only PDF: each page one JPEG at the scan's dpi, no text layer, no dates."""
    jpegs = [_jpeg_with_dpi(p, style) for p in pages]
    layout = img2pdf.get_fixed_dpi_layout_fun((style.dpi, style.dpi))
    # img2pdf's internal engine: the pikepdf one writes a random document /ID
    path.write_bytes(img2pdf.convert(jpegs, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal))


def _jpeg_with_dpi(image: Image.Image, style: ScanStyle) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=style.jpeg_quality, dpi=(style.dpi, style.dpi))
    return buf.getvalue()


def write_image(page: Image.Image, path: Path, style: ScanStyle) -> None:
    """One page as a JPEG, or as a PNG that went through JPEG once (a photo keeps its artefacts)."""
    if path.suffix.lower() in (".jpg", ".jpeg"):
        path.write_bytes(_jpeg_with_dpi(page, style))
    else:
        seen = Image.open(io.BytesIO(_jpeg_with_dpi(page, style)))
        seen.save(path, "PNG", dpi=(style.dpi, style.dpi), optimize=True)


def write_tiff(pages: list[Image.Image], path: Path, style: ScanStyle) -> None:
    """All pages in one multi-page TIFF (JPEG-compressed strips), as office scanners save them."""
    first, *rest = [p.copy() for p in pages]  # fresh copies: a previous save leaves its options on the image
    first.save(path, "TIFF", save_all=True, append_images=rest, compression="tiff_jpeg",
               dpi=(style.dpi, style.dpi))
