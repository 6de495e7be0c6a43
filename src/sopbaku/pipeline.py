"""The public API: everything the CLI and the hot folder do, callable from Python."""

from __future__ import annotations

from pathlib import Path

from sopbaku import ingest, normalize
from sopbaku.config import Settings
from sopbaku.model import SopSet


def extract(path: Path, settings: Settings | None = None) -> SopSet:
    """One input file -> the canonical model of every SOP in it (validated)."""
    settings = settings or Settings()
    raw = ingest.read(Path(path), settings.limits)
    return normalize.build(raw, settings).validate("normalize")
