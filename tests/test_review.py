"""`sopbaku review`: a self-contained page with each step beside the crop of the row it was read from.

The crops are checked by reading them again with tesseract: the crop beside a
step must show that step's kegiatan better than any other step's, which is
what "the right crop" means to a reviewer.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re

import numpy as np
from PIL import Image

from sopbaku import jsonio, pipeline, tesseract
from sopbaku.ingest.page_images import REVIEW_DPI, page_images
from sopbaku.render.review_html import pages_needed, review_html
from tests.conftest import CORPUS
from tests.test_cli import sopbaku

SYNTHETIC = CORPUS / "synthetic"
CROP = re.compile(r'<img alt="langkah (\d+) pada halaman \d+" src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"')


def crops(page: str) -> dict[int, Image.Image]:
    """Step number -> its decoded crop."""
    return {int(no): Image.open(io.BytesIO(base64.b64decode(data))) for no, data in CROP.findall(page)}


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def best_matching_step(image: Image.Image, rows: dict[int, str]) -> int:
    """The step whose row text shares the largest share of its words with what tesseract reads in ``image``."""
    grey = image.convert("L")
    grey = grey.resize((grey.width * 2, grey.height * 2))  # the embedded crop is scaled down for the page
    seen = words(" ".join(w.text for w in tesseract.image_to_data(np.asarray(grey))))
    return max(rows, key=lambda no: len(words(rows[no]) & seen) / max(1, len(words(rows[no]))))


def assert_self_contained(page: str) -> None:
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "<script" not in page


def step_block(page: str, no: int) -> str:
    """The HTML of step ``no`` of the first SOP, up to the next step."""
    return re.split(r'<div class="step[ "]', page.split(f'id="sop0-step{no}"')[1])[0]


def shown_rows(page: str) -> dict[int, str]:
    """Step number -> the cells the page shows beside its crop (kegiatan, kelengkapan, output)."""
    out = {}
    for no, block in re.findall(r'id="sop0-step(\d+)">(.*?)(?=<div class="step[ "]|</body>)', page, re.S):
        cells = dict(re.findall(r'data-field="(\w+)">([^<]*)</td>', block))
        out[int(no)] = " ".join(cells[k] for k in ("Kegiatan", "Kelengkapan", "Output"))
    return out


def test_a_scanned_image_gets_one_right_crop_beside_each_step(tmp_path):
    source = SYNTHETIC / "synth_s7_01_p2.png"
    proc = sopbaku("review", source, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "synth_s7_01_p2.review.html"
    assert proc.stdout.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    rows = shown_rows(page)
    by_step = crops(page)
    assert len(rows) >= 5 and set(by_step) == set(rows)
    page_width = Image.open(source).width
    for no, image in by_step.items():
        assert image.width > 4 * image.height and 20 < image.height < 300, (no, image.size)
        assert image.width > page_width / 2  # a whole table row, not a cell
    for no in sorted(rows)[::2]:  # tesseract on every other crop: enough to catch an offset, fast enough
        assert best_matching_step(by_step[no], rows) == no


def test_a_crooked_scanned_pdf_is_straightened_so_each_crop_holds_its_row_alone():
    source = SYNTHETIC / "synth_s7_02_scan.pdf"  # scanned about 0.9 degrees crooked
    sops = pipeline.extract(source)
    pictures = page_images(source, pages_needed(sops))
    assert set(pictures) == {1} and pictures[1].pixels_per_unit == REVIEW_DPI / 72 and pictures[1].skew
    page = review_html(sops, pictures, source.name)
    assert_self_contained(page)
    by_step = crops(page)
    assert set(by_step) == set(sops.steps["no"])
    # the boxes (PDF points) are upright boxes around tilted rows and overlap; the straight rows must not
    boxes = [pictures[1].pixel_box(p["bbox"]) for p in sops.steps.sort_values("position")["provenance"]]
    for above, below in itertools.pairwise(boxes):
        assert above[3] <= below[1] + 3, (above, below)


def test_a_text_export_is_reviewed_without_crops_and_says_so(tmp_path):
    proc = sopbaku("review", CORPUS / "001_16a9bbda8b1f0195.txt", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "001_16a9bbda8b1f0195.review.html").read_text(encoding="utf-8")
    assert "has no page image" in page and "<img" not in page
    assert len(re.findall(r'<div class="step[ "]', page)) == 14  # the seed's gold has fourteen steps


def test_a_missing_input_is_one_line_and_its_exit_code(tmp_path):
    proc = sopbaku("review", tmp_path / "nothing.pdf", "--out", tmp_path)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not list(tmp_path.glob("*.html"))


def test_warnings_low_confidence_rows_and_guessed_performers_are_highlighted_on_their_step():
    data = json.loads((SYNTHETIC / "synth_s7_01_p2.gold.json").read_text(encoding="utf-8"))
    data[0]["warnings"] = [{"code": "ocr-low-confidence", "step": 3, "message": "Row read with low confidence."},
                           {"code": "step-number-missing", "step": 5, "message": "No number printed."}]
    data[0]["steps"][1]["pelaksana_evidence"] = "inferred"
    page = review_html(jsonio.from_json(data), {}, "synth_s7_01_p2.gold.json")
    steps = {no: cls for cls, no in re.findall(r'<div class="(step[^"]*)" id="sop0-step(\d+)"', page)}
    assert steps["3"] == "step lowconf" and steps["5"] == "step warn" and steps["1"] == "step"
    first, second = step_block(page, 1), step_block(page, 2)
    assert "mark on guess" in second and "mark on guess" not in first and "mark on" in first
    assert "No number printed." not in second
    assert "No number printed." in step_block(page, 5)
