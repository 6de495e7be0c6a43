"""Ingest: one reader module per input kind, each turning a file into a RawDocument.

Readers register the sniffed file kinds they accept; :func:`read` sniffs the
content (not the extension) and hands the file to the first reader that
accepts it. Nothing here interprets roles, durations or step numbers: that is
``sopbaku.normalize``'s job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from sopbaku.errors import InputFileError, UnsupportedFormatError
from sopbaku.ingest.sniff import sniff
from sopbaku.raw import RawDocument

Reader = Callable[[Path, bytes, str], RawDocument]
_READERS: dict[str, Reader] = {}


def register(kind: str) -> Callable[[Reader], Reader]:
    """Decorator: make ``fn(path, data, sha256)`` the reader of sniffed ``kind``."""

    def deco(fn: Reader) -> Reader:
        _READERS[kind] = fn
        return fn

    return deco


def read(path: Path) -> RawDocument:
    """Read one input file into the raw intermediate, or raise a one-line InputFileError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise InputFileError(f"{path.name}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputFileError(f"{path.name}: cannot be read ({exc.strerror or exc.__class__.__name__})") from exc
    if not data:
        raise InputFileError(f"{path.name}: the file is empty")
    kind = sniff(data)
    _load_readers()
    reader = _READERS.get(kind)
    if reader is None:
        raise UnsupportedFormatError(f"{path.name}: {kind} files are not supported yet")
    return reader(path, data, hashlib.sha256(data).hexdigest())


def _load_readers() -> None:
    """Import the reader modules so their ``@register`` lines run (lazily, on first use)."""
    from sopbaku.ingest import docx, image, pdf, text  # noqa: F401
