"""One way through: files -> ingest -> normalize -> render, all sharing one model.

import-linter cannot see ``sopbaku.ingest``/``normalize``/``render`` in a normal
editable install (they live in top-level folders mapped by setuptools, which
its static scan of ``src/sopbaku`` does not follow), so the layering contract
is checked here from the source with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

STAGES = {"ingest": ROOT / "ingest", "normalize": ROOT / "normalize", "render": ROOT / "render"}
#: What each stage may import from the project besides itself.
ALLOWED = {
    "ingest": {"sopbaku.raw", "sopbaku.errors", "sopbaku.config", "sopbaku.fields", "sopbaku.tesseract"},
    "normalize": {"sopbaku.raw", "sopbaku.model", "sopbaku.errors", "sopbaku.config", "sopbaku.fields"},
    # compare: the diff of two models is model-level work that render only presents
    "render": {"sopbaku.model", "sopbaku.errors", "sopbaku.config", "sopbaku.jsonio", "sopbaku.fields",
               "sopbaku.compare"},
}
CORE = {"sopbaku.model", "sopbaku.raw", "sopbaku.errors", "sopbaku.config", "sopbaku.jsonio", "sopbaku.fields",
        "sopbaku.compare"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stage_imports_only_itself_and_the_core(stage):
    bad = []
    for path in STAGES[stage].rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in {"ingest", "normalize", "render", "corpus"}:
                bad.append(f"{path.name}: bare import {name}")
            elif name.startswith("sopbaku") and not (
                name.startswith(f"sopbaku.{stage}") or name in ALLOWED[stage]
            ):
                bad.append(f"{path.name}: {name}")
    assert not bad, f"{stage} reaches outside its layer: {bad}"


def test_core_modules_import_no_stage():
    for name in CORE:
        path = ROOT / "src" / (name.replace(".", "/") + ".py")
        stages = {i for i in _imports(path) if i.split(".")[:2][-1] in STAGES and i.startswith("sopbaku.")}
        assert not stages, f"{name} imports a stage: {stages}"


#: Exchange formats at the edge: they read and write the model and may use the stages
#: (the reviewers' workbook re-reads edited durations as normalize does), so nothing below them may import them.
EDGE = {"sopbaku.xlsxio",
        # the batch runner and the hot folder sit on top of everything, beside the CLI
        "sopbaku.parallel", "sopbaku.watch", "sopbaku.journal", "sopbaku.filelog", "sopbaku.warmup"}


def test_edge_formats_are_imported_by_no_stage_and_no_core_module():
    sources = [*(p for d in STAGES.values() for p in d.rglob("*.py")),
               *(ROOT / "src" / (n.replace(".", "/") + ".py") for n in CORE)]
    bad = {f"{p.name}: {i}" for p in sources for i in _imports(p) if i in EDGE}
    assert not bad, f"an edge format is imported from below: {bad}"
