"""docs/templates.md against the renderer: every variable a template can use is documented,
and an office's template made the way the page says works through `--template`."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx

from sopbaku import jsonio
from sopbaku.render.context import sop_context
from sopbaku.render.docx import DEFAULT_TEMPLATE
from tests.conftest import ROOT, SEEDS, gold_of
from tests.test_cli import sopbaku

DOC = ROOT / "docs" / "templates.md"
SEED = next(s for s in SEEDS if s.name.startswith("004_"))


def context_variables(context: dict) -> set[str]:
    """Every name a template can print: top-level keys, ``group.field`` of dicts, ``step.field`` of steps."""
    names = set()
    for key, value in context.items():
        names |= {f"{key}.{field}" for field in value} if isinstance(value, dict) else {key}
    names |= {f"step.{field}" for step in context["steps"] for field in step}
    return names


def test_every_template_variable_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_.]+)`", DOC.read_text(encoding="utf-8")))
    sops = jsonio.read_json(gold_of(SEED))
    missing = context_variables(sop_context(sops, 0)) - documented
    assert not missing, f"docs/templates.md does not describe: {sorted(missing)}"


def test_an_office_template_copied_from_the_shipped_one_is_used_by_render(tmp_path: Path) -> None:
    own = Path(shutil.copy(DEFAULT_TEMPLATE, tmp_path / "kantor_tpl.docx"))
    doc = docx.Document(str(own))
    doc.paragraphs[0].insert_paragraph_before("Kop surat: {{ unit }} / {{ nomor }}")
    doc.save(str(own))
    proc = sopbaku("render", gold_of(SEED), "--out", tmp_path / "out", "--template", own)
    assert proc.returncode == 0, proc.stderr
    out = next((tmp_path / "out").glob("*.docx"))
    text = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "Kop surat: KECAMATAN WANGON / 067/1394/2021" in text
