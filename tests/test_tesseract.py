"""How pages are handed to tesseract: a compressed TIFF on stdin that holds exactly the page's pixels."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from sopbaku import tesseract

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def _page() -> np.ndarray:
    """A mostly white greyscale page with a few lines of print, as the masked scan page tesseract gets."""
    page = np.full((400, 900), 255, np.uint8)
    for k, text in enumerate(("Memeriksa konsep surat", "Lembar disposisi 15 menit", "Mengarsipkan usulan")):
        cv2.putText(page, text, (40, 80 + 90 * k), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    return page


def test_the_tiff_handed_to_tesseract_holds_exactly_the_pages_pixels():
    page = _page()
    data = tesseract.tiff(page)
    with Image.open(io.BytesIO(data)) as decoded:  # another decoder than the one that wrote it
        assert decoded.format == "TIFF" and decoded.mode == "L"
        assert np.array_equal(np.asarray(decoded), page)
    assert len(data) < page.size / 5  # white runs compressed: less for tesseract to take in


@pytest.mark.parametrize("image", [np.zeros((20, 20, 3), np.uint8), np.zeros((20, 20), np.uint16)])
def test_only_greyscale_bytes_are_handed_to_tesseract(image: np.ndarray):
    with pytest.raises(ValueError, match="greyscale"):
        tesseract.tiff(image)


@needs_tesseract
def test_a_page_read_from_stdin_gives_the_words_of_the_same_page_read_from_a_file(tmp_path: Path):
    page = _page()
    cv2.imwrite(str(tmp_path / "page.png"), page)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    tsv = subprocess.run([tesseract.executable(), str(tmp_path / "page.png"), "stdout", "-l", "ind", "--psm", "6",
                          "tsv"], capture_output=True, check=True, env=env).stdout.decode("utf-8")
    from_file = tesseract.parse_tsv(tsv)
    assert [w.text for w in from_file][:2] == ["Memeriksa", "konsep"]
    assert tesseract.image_to_data(page, lang="ind", psm=6) == from_file
