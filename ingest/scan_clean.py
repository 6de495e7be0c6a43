"""Clean-up of a scanned page before anything is read from it: upright, straight, black on white.

Phone photos and scanner output come turned (90/180/270 degrees), skewed by
a few degrees, unevenly lit and noisy. Every later step (rules by morphology,
symbols by contour, OCR) wants the page upright and straight with ink
separated from paper, so this module returns the page in that frame together
with the affine map back to the source pixels, so any box found later can be
shown on the original image.

The text height ``unit`` (median height of a character, in pixels) is
measured here too: every tolerance downstream is a multiple of it, which
makes the same rules work at 150 and 300 dpi.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Largest skew corrected, in degrees; scanners and careful phone shots stay within it.
MAX_SKEW = 5.0
#: Smallest skew worth a rotation of the page, in degrees (below it rules stay within a pixel or two).
MIN_SKEW = 0.05
#: Grey levels below white a pixel of the flattened page must reach at least to count as ink.
INK_CONTRAST = 40
#: Width in pixels of the downscaled page used to measure the skew.
SKEW_PROBE_WIDTH = 1200

Affine = tuple[float, float, float, float, float, float]  # row-major 2x3: x' = a x + b y + c, y' = d x + e y + f
IDENTITY: Affine = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


@dataclass
class CleanPage:
    """A page made upright and straight, with its binary ink mask and the map back to the source."""

    gray: np.ndarray  # uint8, upright, deskewed and flattened (white paper)
    ink: np.ndarray  # uint8, 255 where ink
    unit: float  # median character height in pixels
    rotation: int  # quarter turns applied, in degrees clockwise: 0, 90, 180 or 270
    skew: float  # degrees the page was turned back to straighten it (counter-clockwise positive)
    to_source: Affine  # page coordinates -> source image pixels


def as_gray(image: np.ndarray) -> np.ndarray:
    """A greyscale ``uint8`` copy of a BGR, BGRA or grey image (16-bit scans scaled down)."""
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(float(image.max()), 1.0))
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.ndim == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


def flatten(gray: np.ndarray) -> np.ndarray:
    """The page divided by its local paper level: white paper, ink kept, light and tint gone.

    The paper level is the local maximum over a window wider than any stroke,
    taken on a quarter-size copy (cheap) and smoothed back up. Grey header
    fills wider than that window become paper too, so text on them reads
    like any other.
    """
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    window = max(5, min(small.shape[:2]) // 60) | 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (window, window)))
    paper = cv2.blur(paper, (window, window))
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, cv2.max(paper, 1), scale=255)  # no division by zero paper


def binarize(flat: np.ndarray) -> np.ndarray:
    """Ink (255) where the flattened page is darker than Otsu's split between paper and ink.

    On a flattened page the split is global; taking it between the two
    clusters keeps strokes at their printed width, which the line and
    symbol detectors rely on. A light blur first keeps sensor grain out.
    """
    smooth = cv2.GaussianBlur(flat, (3, 3), 0)
    level, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, ink = cv2.threshold(smooth, min(level, 255 - INK_CONTRAST), 255, cv2.THRESH_BINARY_INV)
    return ink


def _outer_boxes(ink: np.ndarray) -> np.ndarray:
    """(x, y, w, h) of every connected blob of ink (outer boundaries only), as an N x 4 array."""
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return np.zeros((0, 4), np.int32)
    return np.array([cv2.boundingRect(c) for c, h in zip(contours, hierarchy[0], strict=True) if h[3] < 0],
                    np.int32).reshape(-1, 4)


def _char_like(boxes: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Which blobs are the size of a character or a few touching ones (not rules, symbols or specks)."""
    w, h = boxes[:, 2], boxes[:, 3]
    return (np.maximum(w, h) >= 4) & (h < shape[0] / 20) & (w < shape[1] / 20)


def text_unit(ink: np.ndarray) -> float:
    """The median height in pixels of character-sized ink blobs (at least 6)."""
    boxes = _outer_boxes(ink)
    boxes = boxes[_char_like(boxes, ink.shape) & (boxes[:, 2] < boxes[:, 3] * 3)]
    return max(float(np.median(boxes[:, 3])) if len(boxes) else 10.0, 6.0)


def text_is_vertical(ink: np.ndarray) -> bool:
    """Whether the page's text runs up or down (the page lies on its side).

    Letters of a word sit side by side along the text direction, so smearing
    characters along the true direction makes long thin word blobs, and
    smearing across it does not. Measured on a half-size copy: it is only a
    count.
    """
    small = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    small = cv2.threshold(small, 96, 255, cv2.THRESH_BINARY)[1]
    boxes = _outer_boxes(small)
    chars = np.zeros_like(small)
    for x, y, w, h in boxes[_char_like(boxes, small.shape) & (np.maximum(boxes[:, 2], boxes[:, 3]) < 40)]:
        chars[y:y + h, x:x + w] = small[y:y + h, x:x + w]
    size = float(np.median(np.maximum(boxes[:, 2], boxes[:, 3]))) if len(boxes) else 5.0
    gap = max(int(size * 0.6), 2)
    return _word_blobs(chars, (1, gap), size) > 1.5 * _word_blobs(chars, (gap, 1), size)


def _word_blobs(chars: np.ndarray, kernel: tuple[int, int], size: float) -> int:
    """Blobs at least three times longer than thick along the smearing direction."""
    smeared = cv2.dilate(chars, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    boxes = _outer_boxes(smeared)
    w, h = boxes[:, 2], boxes[:, 3]
    along, across = (h, w) if kernel[0] == 1 else (w, h)
    return int(np.sum((along >= 3 * across) & (along >= 2 * size)))


def measure_skew(ink: np.ndarray, limit: float = MAX_SKEW) -> float:
    """The angle in degrees (counter-clockwise positive) that makes the page's lines horizontal.

    Rows of text and table rules give the sharpest horizontal projection
    profile when level. The profile of each candidate angle is a histogram
    of the ink pixels' sheared heights (a shear equals a rotation at these
    small angles), on a half-size copy, searched coarse to fine.
    """
    scale = min(1.0, SKEW_PROBE_WIDTH / ink.shape[1])
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else ink
    ys, xs = np.nonzero(small > 96)
    if len(ys) < 100:
        return 0.0
    ys, xs = ys.astype(np.float32), (xs - small.shape[1] / 2).astype(np.float32)
    best = 0.0
    for step, span in ((0.5, limit), (0.1, 0.5), (0.02, 0.1)):
        angles = np.arange(best - span, best + span + step / 2, step)
        best = float(max(angles, key=lambda a: _profile_sharpness(ys, xs, float(a))))
    return round(-best, 2) + 0.0  # the shear that levels the rows turns the other way; + 0.0 drops "-0.0"


def _profile_sharpness(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """How sharply the ink's rows stand out after turning it by ``angle`` degrees (sum of squared steps)."""
    rows = np.bincount((ys + xs * np.float32(np.tan(np.radians(angle)))).astype(np.int32) + 1000)
    return float(np.square(np.diff(rows.astype(np.float64))).sum())


def clean_page(image: np.ndarray, quarter_turns: int | None = None) -> CleanPage:
    """The page upright and straight; ``quarter_turns`` forces the rotation (clockwise, in 90s).

    Without it, a page whose text runs vertically is turned a quarter
    clockwise; whether it (or an upright-looking page) is upside down only
    OCR can tell, so the caller retries with ``quarter_turns`` when the text
    reads badly.
    """
    flat = flatten(as_gray(image))
    h_src, w_src = flat.shape[:2]
    ink = binarize(flat)
    if quarter_turns is None:
        quarter_turns = 1 if text_is_vertical(ink) else 0
    if quarter_turns % 4:
        flat, ink = _turn(flat, quarter_turns), _turn(ink, quarter_turns)
    skew = measure_skew(ink)
    to_source = _quarter_turn_inverse(quarter_turns, w_src, h_src)
    if abs(skew) >= MIN_SKEW:
        h, w = flat.shape[:2]
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        flat = cv2.warpAffine(flat, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        ink = binarize(flat)
        to_source = _compose(to_source, tuple(cv2.invertAffineTransform(turn).ravel()))
    return CleanPage(flat, ink, text_unit(ink), quarter_turns % 4 * 90, skew, to_source)


def _turn(gray: np.ndarray, quarter_turns: int) -> np.ndarray:
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = codes.get(quarter_turns % 4)
    return cv2.rotate(gray, code) if code is not None else gray


def _quarter_turn_inverse(quarter_turns: int, w: int, h: int) -> Affine:
    """Map from a page turned ``quarter_turns`` clockwise back to the ``w`` x ``h`` source."""
    return {
        0: IDENTITY,
        1: (0.0, 1.0, 0.0, -1.0, 0.0, h - 1.0),  # x = y', y = h-1-x'
        2: (-1.0, 0.0, w - 1.0, 0.0, -1.0, h - 1.0),
        3: (0.0, -1.0, w - 1.0, 1.0, 0.0, 0.0),  # x = w-1-y', y = x'
    }[quarter_turns % 4]


def _compose(outer: Affine, inner: Affine) -> Affine:
    """The affine ``outer(inner(p))``."""
    a = np.array([[*outer[:3]], [*outer[3:]], [0, 0, 1]], dtype=np.float64)
    b = np.array([[*inner[:3]], [*inner[3:]], [0, 0, 1]], dtype=np.float64)
    return tuple(float(v) for v in (a @ b)[:2].ravel())  # type: ignore[return-value]


def map_box(affine: Affine, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The axis-aligned box, in the source image, around a page box mapped by ``affine``."""
    x0, y0, x1, y1 = box
    a, b, c, d, e, f = affine
    xs = [a * x + b * y + c for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    ys = [d * x + e * y + f for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    return round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)
