"""Floors on the evaluation figures of the bundled corpus: they only go up.

``tests/floors.json`` holds, per input format, the lowest acceptable figure of
each component; raising a floor is how an improvement is locked in.
"""

from __future__ import annotations

import json

import pytest

from sopbaku import evaluate, jsonio, pipeline
from tests.conftest import CORPUS, ROOT

FLOORS = {k: v for k, v in json.loads((ROOT / "tests" / "floors.json").read_text(encoding="utf-8")).items()
          if not k.startswith("_")}
#: Formats with no real seed in corpus/ yet: their floors hold on the committed synthetic corpus.
SYNTHETIC_FORMATS = ("pdf-scanned", "image")


@pytest.fixture(scope="module")
def report() -> evaluate.Report:
    def extract(path):
        return jsonio.to_json(pipeline.extract(path))

    rows = evaluate.evaluate(CORPUS, extract).files
    formats = [fmt for fmt in SYNTHETIC_FORMATS if fmt in FLOORS]
    if formats:
        rows += evaluate.evaluate(CORPUS / "synthetic", extract, formats=formats).files
    return evaluate.Report.from_rows(rows)


@pytest.mark.parametrize("fmt", sorted(FLOORS))
def test_figures_stay_above_their_floors(report, fmt):
    summary = report.formats.get(fmt)
    assert summary is not None, f"no {fmt} inputs with gold in corpus/"
    assert summary.ok == summary.files, [r.error for r in report.files if r.status != "ok"]
    low = {name: (summary.figures.get(name), floor) for name, floor in FLOORS[fmt].items()
           if (summary.figures.get(name) or 0.0) < floor}
    assert not low, f"{fmt}: below the floor (figure, floor): {low}"
