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

from sopbaku.config import LimitSettings
from sopbaku.errors import InputFileError, UnsupportedFormatError
from sopbaku.ingest import guards
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


def read(path: Path, limits: LimitSettings | None = None) -> RawDocument:
    """Read one input file into the raw intermediate, or raise a one-line InputFileError.

    ``limits`` (the defaults when None) bound what the file may cost; the
    readers check them through :mod:`sopbaku.ingest.guards`. A file that
    exhausts the worker's memory cap anyway is reported as bad input: the
    cap exists for exactly such files.
    """
    path = Path(path)
    with guards.applied(limits or LimitSettings()):
        try:
            if path.is_file():
                guards.check_file_size(path.name, path.stat().st_size)
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
            what = "not a PDF, Word, image or text file" if kind == "binary" else f"{kind} files are not supported yet"
            raise UnsupportedFormatError(f"{path.name}: {what}")
        try:
            return reader(path, data, hashlib.sha256(data).hexdigest())
        except MemoryError as exc:
            raise InputFileError(f"{path.name}: refused, reading it needs more memory than the "
                                 f"{guards.current().max_worker_memory_mb} MB allowed per file") from exc


def _load_readers() -> None:
    """Import the reader modules so their ``@register`` lines run (lazily, on first use)."""
    from sopbaku.ingest import docx, image, pdf, text  # noqa: F401
