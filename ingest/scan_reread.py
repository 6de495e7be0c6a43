"""A second, narrow OCR look at a few cells of a page: their crops stacked into one strip, one tesseract call.

The page pass reads every cell with the whole Indonesian vocabulary in play,
so a short number alone in a small cell ("900" under "Waktu (menit)") can come
out as the word it most resembles ("Ku", "Lu") even where the masked crop is
clean. Reading those crops again, larger and with the characters limited to
what the cells may hold, gets the number back. Stacking the crops into one
image keeps it to one more tesseract start per page however many cells need
it (a start costs about as much as reading a few cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from sopbaku.ingest.layout import BBox
from sopbaku.tesseract import Word, image_to_data

#: Text height (pixels) the crops are enlarged to: well above the page pass's, as a few small crops cost little.
TEXT_HEIGHT = 32.0
#: Largest enlargement of the crops.
MAX_ENLARGE = 4.0
#: Radius of the unsharp mask given to the enlarged, contrast-stretched strip, in source pixels.
SHARPEN_SIGMA = 1.4
#: White between two stacked crops and around them, in text heights: enough that tesseract keeps them apart.
GAP = 1.5
#: Pixels trimmed off each side of a cell's box, so what is left of a rule's edge is not read as "1" or "|".
INSET = 2


@dataclass(frozen=True)
class Reading:
    """What the second look read in one crop: its lines joined by "\\n", and the mean word confidence."""

    text: str
    confidence: float | None


def reread(image: np.ndarray, boxes: Sequence[BBox], unit: float, whitelist: str, lang: str = "ind",
           sharpen: float = 1.0, timeout: float = 60.0) -> list[Reading]:
    """The text of each box of a greyscale page image, read in one tesseract pass restricted to ``whitelist``,
    the strip sharpened by an unsharp mask of strength ``sharpen``."""
    crops = [_crop(image, box) for box in boxes]
    if not crops:
        return []
    gap = max(4, round(GAP * unit))
    width = max(c.shape[1] for c in crops) + 2 * gap
    strip_rows, bands, top = [], [], gap
    strip_rows.append(np.full((gap, width), 255, np.uint8))
    for crop in crops:
        padded = np.full((crop.shape[0] + gap, width), 255, np.uint8)
        padded[:crop.shape[0], gap:gap + crop.shape[1]] = crop
        strip_rows.append(padded)
        bands.append((top, top + crop.shape[0]))
        top += crop.shape[0] + gap
    strip = np.vstack(strip_rows)
    factor = float(np.clip(TEXT_HEIGHT / max(unit, 1.0), 1.0, MAX_ENLARGE))
    if factor > 1.0:
        strip = cv2.resize(strip, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    strip = cv2.normalize(strip, None, 0, 255, cv2.NORM_MINMAX)
    soft = cv2.GaussianBlur(strip, (0, 0), SHARPEN_SIGMA * factor)
    strip = cv2.addWeighted(strip, 1.0 + sharpen, soft, -sharpen, 0)
    words = image_to_data(strip, lang=lang, psm=6, timeout=timeout, whitelist=whitelist)
    per_crop: list[list[Word]] = [[] for _ in crops]
    for word in words:
        y = word.centre[1] / factor
        k = next((k for k, (y0, y1) in enumerate(bands) if y0 - gap / 2 <= y < y1 + gap / 2), None)
        if k is not None:
            per_crop[k].append(word)
    return [_reading(ws) for ws in per_crop]


def _crop(image: np.ndarray, box: BBox) -> np.ndarray:
    h, w = image.shape[:2]
    x0, y0 = max(int(box[0]) + INSET, 0), max(int(box[1]) + INSET, 0)
    x1, y1 = min(int(box[2]) - INSET, w), min(int(box[3]) - INSET, h)
    if x1 <= x0 or y1 <= y0:
        return np.full((1, 1), 255, np.uint8)
    return image[y0:y1, x0:x1]


def _reading(words: list[Word]) -> Reading:
    if not words:
        return Reading("", None)
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    ordered = sorted(lines.values(), key=lambda ws: min(w.top for w in ws))
    text = "\n".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.left)) for ws in ordered)
    return Reading(text, float(np.mean([w.conf for w in words])))
