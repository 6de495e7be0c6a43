"""The one module that knows how to call tesseract.

Following OCRmyPDF, the external OCR program is wrapped in one small place:
find it, check its version and its language data, run it with a time limit,
and turn every failure into the project's own exceptions
(:class:`~sopbaku.errors.MissingDependencyError` when it or a language is
absent, :class:`~sopbaku.errors.ExternalToolError` when it fails or runs too
long). Nothing else in sopbaku spawns tesseract.

The image goes to tesseract's stdin as a PackBits TIFF and the word table
(the same TSV that ``pytesseract.image_to_data`` parses) comes back on stdout:
no temporary files, and the child's environment is set here, so
``OMP_THREAD_LIMIT=1`` holds for every call without touching ``os.environ``
(pages run in parallel, one single-threaded tesseract each; tesseract's own
OpenMP threads only fight each other on a busy machine).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np

from sopbaku.errors import ExternalToolError, MissingDependencyError

#: Oldest tesseract with the LSTM engine and TSV output this module relies on.
MIN_VERSION = (4, 1)
_VERSION = re.compile(r"tesseract\s+v?(\d+)\.(\d+)", re.I)
#: libtiff's code for PackBits compression (run lengths: fast to write and to read).
TIFF_PACKBITS = 32773


@dataclass(frozen=True)
class Word:
    """One recognized word: text, box in the image's pixels, confidence 0-100, and its tesseract line."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]  # (block, paragraph, line) numbers: words sharing it were read as one line

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


@functools.cache
def executable() -> str:
    """Path of the tesseract program (``TESSERACT`` in the environment overrides PATH)."""
    found = os.environ.get("TESSERACT") or shutil.which("tesseract")
    if not found:
        raise MissingDependencyError("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-ind)")
    return found


@functools.cache
def version() -> tuple[int, int]:
    """(major, minor) of the installed tesseract; raises when it is older than :data:`MIN_VERSION`."""
    out = _run([executable(), "--version"], timeout=30).decode("utf-8", "replace")
    match = _VERSION.search(out)
    if not match:
        raise ExternalToolError(f"tesseract --version printed no version: {out[:80]!r}")
    found = int(match[1]), int(match[2])
    if found < MIN_VERSION:
        raise MissingDependencyError(f"tesseract {found[0]}.{found[1]} is too old; {MIN_VERSION[0]}.{MIN_VERSION[1]}+"
                                     " is needed")
    return found


@functools.cache
def languages() -> frozenset[str]:
    """The language data sets tesseract has installed (``ind``, ``eng`` ...)."""
    out = _run([executable(), "--list-langs"], timeout=30).decode("utf-8", "replace")
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def check(lang: str) -> None:
    """Raise :class:`MissingDependencyError` unless tesseract runs and has every language in ``lang``."""
    version()
    missing = [code for code in lang.split("+") if code not in languages()]
    if missing:
        raise MissingDependencyError(f"tesseract language data missing: {', '.join(missing)} "
                                     f"(apt-get install {' '.join('tesseract-ocr-' + m for m in missing)})")


def image_to_data(image: np.ndarray, lang: str = "ind+eng", psm: int = 6, dpi: int | None = None,
                  timeout: float = 120.0, whitelist: str = "") -> list[Word]:
    """The words tesseract reads in a greyscale ``uint8`` image, empty words dropped.

    One call is one tesseract process over the whole image: start-up and
    loading the language models cost a large share of a page's time, so
    callers OCR a page once rather than cell by cell. ``whitelist``, when
    given, is every character tesseract may output (``tessedit_char_whitelist``,
    honoured by the LSTM engine since 4.1): a second look at cells known to
    hold, say, only durations cannot then read "900" as "Ku".
    """
    check(lang)
    cmd = [executable(), "stdin", "stdout", "-l", lang, "--psm", str(psm)]
    if dpi:
        cmd += ["--dpi", str(dpi)]
    if whitelist:
        cmd += ["-c", f"tessedit_char_whitelist={whitelist}"]
    out = _run([*cmd, "tsv"], timeout=timeout, stdin=tiff(image))
    return parse_tsv(out.decode("utf-8", "replace"))


def tiff(image: np.ndarray) -> bytes:
    """A greyscale ``uint8`` image as a PackBits-compressed TIFF, the cheapest form for tesseract to take in.

    Taking in the bytes is not free: as an uncompressed PGM a blank 300 dpi
    A4 page (8.7 MB) cost tesseract 0.3 s of CPU before any OCR (leptonica
    decodes PGM with one ``fread`` per pixel), a fifth of a page's time, and
    as any uncompressed format still 0.2 s. The masked page is mostly white
    runs, which PackBits shrinks ten-fold in a few milliseconds (PNG shrinks
    it further but takes ten times as long to write); the pixels, and so the
    words read, are the same.
    """
    if image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError("tesseract is given greyscale uint8 images only")
    ok, data = cv2.imencode(".tiff", image, [cv2.IMWRITE_TIFF_COMPRESSION, TIFF_PACKBITS])
    if not ok:
        raise ExternalToolError("the page image could not be encoded for tesseract")
    return data.tobytes()


def parse_tsv(tsv: str) -> list[Word]:
    """Words of tesseract's TSV output (level 5 rows with text); the header line is skipped."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(Word(cols[11].strip(), left, top, width, height, float(cols[10]), (block, par, line)))
    return words


def _run(cmd: list[str], timeout: float, stdin: bytes | None = None) -> bytes:
    """Run tesseract single-threaded; its failures become sopbaku exceptions with its last stderr line."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, env=env, check=False)
    except FileNotFoundError as exc:
        raise MissingDependencyError(f"tesseract cannot be started: {exc.strerror}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolError(f"tesseract ran past its {timeout:g} s time limit and was stopped") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExternalToolError(f"tesseract failed (exit {done.returncode}): {lines[-1] if lines else 'no message'}")
    return done.stdout
