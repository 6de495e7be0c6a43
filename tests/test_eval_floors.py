"""Floors on the evaluation figures of the bundled corpus: they only go up.

``tests/floors.json`` holds, per input format, the lowest acceptable figure of
each component; raising a floor is how an improvement is locked in.
"""

from __future__ import annotations

import json

import pytest

from sopbaku import evaluate, jsonio, pipeline
from tests.conftest import CORPUS, ROOT

ALL_FLOORS = json.loads((ROOT / "tests" / "floors.json").read_text(encoding="utf-8"))
FLOORS = {k: v for k, v in ALL_FLOORS.items() if not k.startswith("_") and "/" not in k}
#: The synthetic text inputs (tab exports and OCR dumps of unseen documents) apart from the seeds' text.
SYNTHETIC_TEXT = ALL_FLOORS["synthetic/text"]
#: Formats with no real seed in corpus/ yet: their floors hold on the committed synthetic corpus.
SYNTHETIC_FORMATS = ("pdf-scanned", "image")


def _extract(path):
    return jsonio.to_json(pipeline.extract(path))


@pytest.fixture(scope="module")
def report() -> evaluate.Report:
    rows = evaluate.evaluate(CORPUS, _extract).files
    formats = [fmt for fmt in SYNTHETIC_FORMATS if fmt in FLOORS]
    if formats:
        rows += evaluate.evaluate(CORPUS / "synthetic", _extract, formats=formats).files
    return evaluate.Report.from_rows(rows)


@pytest.mark.parametrize("fmt", sorted(FLOORS))
def test_figures_stay_above_their_floors(report, fmt):
    summary = report.formats.get(fmt)
    assert summary is not None, f"no {fmt} inputs with gold in corpus/"
    assert summary.ok == summary.files, [r.error for r in report.files if r.status != "ok"]
    low = {name: (summary.figures.get(name), floor) for name, floor in FLOORS[fmt].items()
           if (summary.figures.get(name) or 0.0) < floor}
    assert not low, f"{fmt}: below the floor (figure, floor): {low}"


def test_synthetic_text_exports_and_ocr_dumps_stay_above_their_floors():
    summary = evaluate.evaluate(CORPUS / "synthetic", _extract, formats=("text",)).formats["text"]
    assert summary.ok == summary.files
    low = {name: (summary.figures.get(name), floor) for name, floor in SYNTHETIC_TEXT.items()
           if (summary.figures.get(name) or 0.0) < floor}
    assert not low, f"synthetic text: below the floor (figure, floor): {low}"
