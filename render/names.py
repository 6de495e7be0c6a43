"""Safe, readable file names for rendered SOPs."""

from __future__ import annotations

import re
import unicodedata

from pathvalidate import sanitize_filename

from sopbaku.model import SopSet

#: Longest stem produced; leaves room for a suffix and a folder within common path limits.
MAX_STEM = 80


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens ("Penyusunan RKA/Renja" -> "penyusunan-rka-renja")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _bounded(stem: str, limit: int) -> str:
    """Cut ``stem`` to ``limit`` characters, at a word boundary when there is one."""
    if len(stem) <= limit:
        return stem
    cut = stem[:limit]
    return cut[:cut.rindex("-")] if "-" in cut else cut


def output_stem(sops: SopSet, sop: int) -> str:
    """A file stem for SOP ``sop``: "sop-<position>-<nama or nomor>", e.g. "sop-03-penyusunan-rka".

    The 1-based position in the set comes first so that two SOPs with the same
    name in one input never overwrite each other, and files sort in input
    order; the name is ASCII-folded so the stem is safe on every file system.
    """
    keys = list(sops.sops["sop"])
    if sop not in keys:
        raise KeyError(f"no SOP with key {sop} in this set")
    position = keys.index(sop) + 1
    row = sops.sops.iloc[position - 1]
    title = slug(row["nama"] or "") or slug(row["nomor"] or "")
    width = max(2, len(str(len(keys))))
    stem = f"sop-{position:0{width}d}" + (f"-{title}" if title else "")
    return sanitize_filename(_bounded(stem, MAX_STEM), platform="universal") or f"sop-{position}"
