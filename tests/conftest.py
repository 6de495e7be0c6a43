"""Shared paths: the bundled corpus (real seed exports and their hand-checked gold)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# The suite is a gate, so its property tests draw the same examples on every run (a red CI
# must mean a change broke something); benchmarks/fuzz.py explores fresh random inputs.
settings.register_profile("suite", derandomize=True)
settings.load_profile("suite")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))


def gold_of(seed: Path) -> Path:
    return seed.with_name(f"{seed.stem}.gold.json")


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    assert SEEDS, "corpus/ must hold the seed exports"
    return SEEDS
