"""Shared paths: the bundled corpus (real seed exports and their hand-checked gold)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))


def gold_of(seed: Path) -> Path:
    return seed.with_name(f"{seed.stem}.gold.json")


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    assert SEEDS, "corpus/ must hold the seed exports"
    return SEEDS
