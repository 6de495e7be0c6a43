"""Guards every reader applies before it trusts an input: sizes, page counts, pixels, memory.

Every input is untrusted. The parsers underneath have no limits of their own
that suit a hot folder on an office PC (RELIABILITY.md): pdfminer inflates
streams without bound, OpenCV decodes up to about 1 Gpx, python-docx unpacks
ZIP members whole. So the readers ask here first, cheaply, from headers and
counts, and a file over a limit becomes one :class:`InputFileError` naming the
limit, instead of a frozen or killed worker.

The limits of the file being read travel in a context variable set by
:func:`applied` (``sopbaku.ingest.read`` does it): the reader registry keeps
its one signature, and a reader deep in the call tree still sees the caller's
:class:`~sopbaku.config.LimitSettings`. Threads started by a reader do not
inherit it; they are given what they need (the OCR timeout) explicitly.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sopbaku.config import LimitSettings
from sopbaku.errors import InputFileError

#: OpenCV reads its own decoder cap once, from the environment, when cv2 is first imported: set it first.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(LimitSettings().max_image_pixels))

from PIL import Image, UnidentifiedImageError

#: The only raster formats decoded; never EPS, which Pillow would hand to Ghostscript.
IMAGE_FORMATS = ("PNG", "JPEG", "TIFF")

_limits: ContextVar[LimitSettings | None] = ContextVar("sopbaku_limits", default=None)


def current() -> LimitSettings:
    """The limits of the file being read (the defaults outside :func:`applied`)."""
    return _limits.get() or LimitSettings()


@contextmanager
def applied(limits: LimitSettings) -> Iterator[LimitSettings]:
    """Make ``limits`` the ones :func:`current` returns for the duration of the block."""
    token = _limits.set(limits)
    try:
        yield limits
    finally:
        _limits.reset(token)


def check_file_size(name: str, size: int) -> None:
    """Refuse a file larger than ``max_file_bytes`` before its bytes are read into memory."""
    limit = current().max_file_bytes
    if size > limit:
        raise InputFileError(f"{name}: refused, the file is {_mb(size)}; the limit is {_mb(limit)}")


def check_pages(name: str, count: int) -> None:
    """Refuse a document with more pages than ``max_pages``, before any page is parsed."""
    limit = current().max_pages
    if count > limit:
        raise InputFileError(f"{name}: refused, it has {count} pages; the limit is {limit} pages per file")


def check_pixels(name: str, width: float, height: float, what: str = "the image") -> None:
    """Refuse an image (or a page about to be rendered) larger than ``max_image_pixels``."""
    limit = current().max_image_pixels
    if width * height > limit:
        raise InputFileError(f"{name}: refused, {what} is {int(width)} x {int(height)} pixels; "
                             f"the limit is {limit / 1e6:g} million pixels (a decompression bomb?)")


def image_size(name: str, data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, JPEG or TIFF from its header, refused when too large; nothing is decoded.

    Pillow's own bomb check stays on at our limit, its warning raised as an
    error, and only the allowlisted formats are tried.
    """
    limit = current().max_image_pixels
    saved = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = limit
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputFileError(f"{name}: refused, the image is larger than {limit / 1e6:g} million pixels "
                             "(a decompression bomb?)") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InputFileError(f"{name}: the image cannot be decoded ({exc})") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    check_pixels(name, width, height)
    return width, height


def ocr_timeout(default: float) -> float:
    """Seconds one OCR subprocess may run: its own ``default``, never past the per-file limit."""
    return min(default, current().per_file_seconds)


def apply_worker_limits(limits: LimitSettings) -> None:
    """Cap this process's address space at ``max_worker_memory_mb``; for a worker's initializer.

    A hostile file that slips past every header check (a Flate stream that
    inflates to gigabytes inside pdfminer) then ends in a ``MemoryError`` in
    its own worker, which ``read`` reports as a one-line error, instead of
    the kernel's OOM killer choosing a victim on a shared machine. Only
    lowers the limit; a no-op where ``resource`` does not exist (Windows).
    """
    if limits.max_worker_memory_mb <= 0:
        return
    try:
        import resource
    except ImportError:
        return
    cap = limits.max_worker_memory_mb * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or cap < soft:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size < 2**30 else f"{size / 2**30:.1f} GB"
