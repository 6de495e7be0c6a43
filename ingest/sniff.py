"""Tell the kind of an input from its first bytes, never from its extension."""

from __future__ import annotations

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\xd0\xcf\x11\xe0", "ole"),  # legacy .doc/.xls
)


def sniff(data: bytes) -> str:
    """One of ``pdf``, ``zip`` (docx is checked by its reader), ``png``, ``jpeg``, ``tiff``,
    ``ole``, ``json``, ``text`` or ``binary``."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    for magic, kind in _MAGIC:
        if head.startswith(magic) or (kind == "pdf" and magic in data[:1024]):
            return kind
    if b"\x00" in head:
        return "binary"
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        # a cut in the middle of a multi-byte character at the probe's end is fine
        if exc.start < len(data[:65536]) - 4:
            try:
                data[:65536].decode("cp1252")
            except UnicodeDecodeError:
                return "binary"
        text = data[: exc.start].decode("utf-8", "ignore")
    stripped = text.lstrip()
    if stripped.startswith("[") and '"schema"' in stripped[:4096]:
        return "json"
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return "text" if not text or printable / len(text) > 0.95 else "binary"
