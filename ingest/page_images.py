"""The pages of a source document as pictures, for the reviewers' crops.

Provenance boxes are kept in the units the reader worked in: PDF points for
PDFs (scanned pages included, see :mod:`sopbaku.ingest.pdf`) and the file's
own pixels for PNG/JPEG/TIFF (EXIF orientation applied, as OpenCV decodes
them). Each :class:`PageImage` says how many of its pixels make one such unit,
so a box from the model can be cut out of it without knowing the format.

A scan held crooked is straightened here the way the scan reader
straightened it (:func:`sopbaku.ingest.scan_clean.measure_skew`), since the
reader's boxes, mapped back onto the crooked source, are the upright boxes
*around* tilted rows: cut as they are, each crop would show slivers of the
rows above and below. :meth:`PageImage.pixel_box` turns such a box back into
the row's own straight box on the straightened picture.
Text, DOCX and JSON inputs have no page picture: they give no pages.

Only the pages asked for are rendered, each once: a review needs the pages
its steps were read from, not the whole file.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, ImageSequence

from sopbaku.errors import InputFileError
from sopbaku.ingest import guards
from sopbaku.ingest.scan_clean import MIN_SKEW, as_gray, binarize, flatten, measure_skew
from sopbaku.ingest.sniff import sniff

#: Resolution of PDF pages rendered for review: sharp enough to read a row, light enough to embed.
REVIEW_DPI = 150


@dataclass(frozen=True)
class PageImage:
    """One page of the source as an RGB picture (straightened), and how provenance boxes land on it."""

    page: int  # 1-based, as in provenance
    image: Image.Image
    pixels_per_unit: float
    skew: float = 0.0  # degrees the picture was turned about its centre to straighten it (counter-clockwise +)

    def pixel_box(self, bbox: Iterable[float]) -> tuple[float, float, float, float]:
        """A provenance box (x0, top, x1, bottom) as the straight box of its row on :attr:`image`.

        The box around a rectangle of w x h turned by t measures
        W = w|cos t| + h|sin t| by H = w|sin t| + h|cos t|: solved for w and h,
        and centred where the rotation takes the box's centre.
        """
        x0, y0, x1, y1 = (v * self.pixels_per_unit for v in bbox)
        if not self.skew:
            return x0, y0, x1, y1
        t = math.radians(self.skew)
        c, s = abs(math.cos(t)), abs(math.sin(t))
        width, height = x1 - x0, y1 - y0
        w = max(1.0, (width * c - height * s) / (c * c - s * s))
        h = max(1.0, (height * c - width * s) / (c * c - s * s))
        cx, cy = self.image.width / 2, self.image.height / 2
        dx, dy = (x0 + x1) / 2 - cx, (y0 + y1) / 2 - cy
        # the turn that straightened the picture, in image coordinates (y down), as cv2.getRotationMatrix2D
        mx = cx + math.cos(t) * dx + math.sin(t) * dy
        my = cy - math.sin(t) * dx + math.cos(t) * dy
        return mx - w / 2, my - h / 2, mx + w / 2, my + h / 2


def page_images(path: Path, pages: Iterable[int]) -> dict[int, PageImage]:
    """The listed 1-based ``pages`` of ``path`` as pictures; empty for inputs without pages."""
    path = Path(path)
    wanted = sorted(set(pages))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path.name}: cannot be read ({exc.strerror or exc.__class__.__name__})") from exc
    kind = sniff(data)
    if kind == "pdf":
        return _pdf_pages(path.name, data, wanted)
    if kind in ("png", "jpeg", "tiff"):
        return _image_pages(path.name, data, wanted, upright=kind != "tiff")
    return {}


def _pdf_pages(name: str, data: bytes, wanted: list[int]) -> dict[int, PageImage]:
    scale = REVIEW_DPI / 72
    out: dict[int, PageImage] = {}
    try:
        doc = pdfium.PdfDocument(data)
        try:
            for number in wanted:
                if not 1 <= number <= len(doc):
                    continue
                page = doc[number - 1]
                try:
                    width, height = page.get_size()
                    guards.check_pixels(name, width * scale, height * scale, f"page {number} rendered for review")
                    image = page.render(scale=scale).to_pil().convert("RGB")
                finally:
                    page.close()
                out[number] = _straightened(number, image, scale)
        finally:
            doc.close()
    except pdfium.PdfiumError as exc:
        raise InputFileError(f"{name}: the PDF cannot be rendered for review ({exc})") from exc
    return out


def _image_pages(name: str, data: bytes, wanted: list[int], upright: bool) -> dict[int, PageImage]:
    """Frames as the image reader saw them: PNG/JPEG turned by their EXIF orientation (as OpenCV
    decodes them), TIFF pages as stored (as Pillow reads them in :func:`sopbaku.ingest.image.tiff_pages`)."""
    guards.image_size(name, data)  # refuses a decompression bomb before decoding
    out: dict[int, PageImage] = {}
    try:
        with Image.open(io.BytesIO(data), formats=guards.IMAGE_FORMATS) as source:
            for number, frame in enumerate(ImageSequence.Iterator(source), start=1):
                if number in wanted:
                    picture = ImageOps.exif_transpose(frame) if upright else frame
                    out[number] = _straightened(number, picture.convert("RGB"), 1.0)
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputFileError(f"{name}: the image cannot be decoded for review ({exc})") from exc
    return out


def _straightened(number: int, image: Image.Image, pixels_per_unit: float) -> PageImage:
    """The picture turned level, as the scan reader turned it before reading (a level page is kept)."""
    skew = measure_skew(binarize(flatten(as_gray(np.asarray(image)))))
    if abs(skew) < MIN_SKEW:
        return PageImage(number, image, pixels_per_unit)
    level = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor="white")
    return PageImage(number, level, pixels_per_unit, skew)
