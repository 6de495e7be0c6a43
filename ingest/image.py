"""Image files (PNG, JPEG, TIFF, multi-page TIFF too): each page OCR'd, then assembled like any medium.

Officials send phone photos and scanner output. Every page goes through
:func:`sopbaku.ingest.scan.ocr_pages` (pages in parallel) and the pages through
the same :func:`~sopbaku.ingest.assemble.assemble` as PDF and DOCX. Boxes
come back in the page's straightened frame; :func:`sopbaku.ingest.scan.to_source`
maps each row's box back onto the file's own pixels, so a reviewer's crop
shows the row where it is in the photo.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from sopbaku.errors import InputFileError
from sopbaku.ingest import guards, register
from sopbaku.ingest.assemble import assemble
from sopbaku.ingest.scan import ocr_pages, to_source
from sopbaku.raw import RawDocument


@register("png")
@register("jpeg")
def read_image(path: Path, data: bytes, sha256: str) -> RawDocument:
    """One PNG or JPEG page (a JPEG's EXIF orientation applied); its header's size is checked before decoding."""
    guards.image_size(path.name, data)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise InputFileError(f"{path.name}: the image cannot be decoded")
    return _document(path, sha256, [image])


@register("tiff")
def read_tiff(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Every page of a (multi-page) TIFF, as office scanners save them."""
    return _document(path, sha256, tiff_pages(path.name, data))


def tiff_pages(name: str, data: bytes) -> list[np.ndarray]:
    """The pages of a TIFF as greyscale arrays; page count and each page's size checked before decoding it."""
    guards.image_size(name, data)
    try:
        with Image.open(io.BytesIO(data), formats=["TIFF"]) as tiff:
            guards.check_pages(name, getattr(tiff, "n_frames", 1))
            pages = []
            for number, frame in enumerate(ImageSequence.Iterator(tiff), start=1):
                guards.check_pixels(name, *frame.size, what=f"page {number}")
                pages.append(np.asarray(frame.convert("L")))
            return pages
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputFileError(f"{name}: the TIFF cannot be decoded ({exc})") from exc


def _document(path: Path, sha256: str, images: list[np.ndarray]) -> RawDocument:
    pages = ocr_pages(images)
    sops = assemble(pages, "OCR: ")
    to_source(sops, pages)
    return RawDocument(file=path.name, sha256=sha256, format="image", sops=sops, page_count=len(pages))
