"""`sopbaku.evaluate` gives the acceptance scorer's figures, on the real gold files and damaged copies."""

from __future__ import annotations

import copy
import json
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sopbaku.evaluate import COMPONENTS, FORMATS, applicable, evaluate, find_cases, score_file
from tests.conftest import CORPUS

GOLDS = sorted(CORPUS.glob("*.gold.json"))
SCORE_PY = Path(__file__).parents[2] / "shared/tools/score.py"
FIGURES = (*COMPONENTS, "overall")

Sops = list[dict[str, Any]]


def load(path: Path) -> Sops:
    return json.loads(path.read_text(encoding="utf-8"))


def input_of(gold_path: Path) -> Path:
    """The corpus input a gold file belongs to."""
    return next(p for p in CORPUS.glob(gold_path.name.replace(".gold.json", ".*")) if p.name != gold_path.name)


# ---------------------------------------------------------------------------
# Damages an extractor could do; each keeps to what every SOP has, so each applies to every gold file.
# ---------------------------------------------------------------------------
def drop_a_step(sops: Sops) -> Sops:
    for sop in sops:
        if sop["steps"]:
            del sop["steps"][len(sop["steps"]) // 2]
    return sops


def change_waktu(sops: Sops) -> Sops:
    for sop in sops:
        for step in sop["steps"][::2]:
            if step["waktu"]:
                step["waktu"] = dict(step["waktu"], unit="jam" if step["waktu"]["unit"] != "jam" else "menit")
    return sops


def rename_a_role(sops: Sops) -> Sops:
    for sop in sops:
        old = sop["roles"][0]["id"]
        sop["roles"][0] = {"id": "petugas_lain", "name": "Petugas Lain", "labels": ["Petugas Lain"]}
        for step in sop["steps"]:
            step["pelaksana"] = ["petugas_lain" if r == old else r for r in step["pelaksana"]]
    return sops


def glue_role_labels(sops: Sops) -> Sops:
    """OCR lost the spaces of the header labels, and the ids are slugs of those labels."""
    for sop in sops:
        new_ids = {}
        for role in sop["roles"]:
            glued = role["name"].replace(" ", "")
            new_ids[role["id"]] = glued.lower()
            role.update(id=glued.lower(), name=glued, labels=[label.replace(" ", "") for label in role["labels"]])
        for step in sop["steps"]:
            step["pelaksana"] = [new_ids.get(r, r) for r in step["pelaksana"]]
    return sops


def blank_the_nomor(sops: Sops) -> Sops:
    for sop in sops:
        sop["identity"]["nomor"] = None
    return sops


def shorten_lists_and_texts(sops: Sops) -> Sops:
    """Lists lose all but their first item, which loses its last tenth (a line cut off); texts are cut."""
    for sop in sops:
        sop["identity"]["dasar_hukum"] = [item[: len(item) * 9 // 10] for item in sop["identity"]["dasar_hukum"][:1]]
        for step in sop["steps"][::3]:
            step["kegiatan"] = step["kegiatan"][: len(step["kegiatan"]) // 2]
            step["kelengkapan"] = None
    return sops


def reorder_sops(sops: Sops) -> Sops:
    """SOPs reversed, the first missing, one repeated: exercises the alignment."""
    reordered = sops[::-1][:-1] if len(sops) > 1 else sops
    return [*reordered, copy.deepcopy(sops[-1])]


def untidy_values(sops: Sops) -> Sops:
    """What a sloppy extractor prints: numbers as text, raw waktu strings, junk entries, guessed performers."""
    for sop in sops:
        for i, step in enumerate(sop["steps"]):
            if i % 2:
                step["no"] = f"{step['no']}."
            if i % 3 == 0 and step["waktu"]:
                step["waktu"] = step["waktu"]["raw"]
            if step["branches"]:
                step["branches"] = {"ya": str(step["branches"]["ya"]), "tidak": step["no"]}
            step["pelaksana"] = ["staf"] if i % 4 == 0 else step["pelaksana"]
            step["simbol"] = "process"
        sop["steps"] += [copy.deepcopy(sop["steps"][0]), "not a step"]
    return [*sops, 7, {"identity": "not an object"}]


def nothing(sops: Sops) -> Sops:
    return []


DAMAGES: list[tuple[Callable[[Sops], Sops], str]] = [
    (drop_a_step, "step_f1"),
    (change_waktu, "waktu"),
    (rename_a_role, "roles"),
    (glue_role_labels, "roles_label"),
    (blank_the_nomor, "identity"),
    (shorten_lists_and_texts, "text"),
    (reorder_sops, "sop_count"),
    (untidy_values, "waktu"),
    (nothing, "overall"),
]


def with_performers_and_symbols(gold: Sops, index: int) -> Sops:
    """A text seed's gold as a flowchart format would have it: performers, symbols, pages.

    The text seeds carry no performers or symbols, so without this the
    pelaksana and simbol components would never be compared. Roles are given
    in rotation; the format rotates over the files so that per-format means are
    compared too.
    """
    for sop in gold:
        sop["source"].update(format=FORMATS[index % len(FORMATS)], pages=[1, 2])
        for i, step in enumerate(sop["steps"]):
            step["pelaksana"] = [sop["roles"][i % len(sop["roles"])]["id"]]
            step["pelaksana_evidence"] = "symbol"
            ends = i in (0, len(sop["steps"]) - 1)
            step["simbol"] = "terminator" if ends else "decision" if step["branches"] else "process"
    return gold


def scored_set(folder: Path, flowcharts: bool) -> Path:
    """The inputs and gold files scored: the corpus, or a copy whose gold has performers and symbols."""
    if not flowcharts:
        return CORPUS
    folder.mkdir()
    for index, gold_path in enumerate(GOLDS):
        shutil.copy(input_of(gold_path), folder)
        gold = with_performers_and_symbols(load(gold_path), index)
        (folder / gold_path.name).write_text(json.dumps(gold, ensure_ascii=False))
    return folder


def write_predictions(folder: Path, set_dir: Path, damage: Callable[[Sops], Sops]) -> Path:
    folder.mkdir()
    for gold_path in sorted(set_dir.glob("*.gold.json")):
        damaged = damage(copy.deepcopy(load(gold_path)))
        (folder / f"{input_of(gold_path).stem}.json").write_text(json.dumps(damaged, ensure_ascii=False))
    return folder


def run_acceptance_scorer(set_dir: Path, cmd: str, out: Path) -> dict[str, Any]:
    argv = [sys.executable, str(SCORE_PY), "--set", str(set_dir), "--cmd", cmd, "--json", str(out), "--quiet"]
    subprocess.run(argv, check=True, capture_output=True, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def assert_same_figure(ours: float | None, theirs: float | None, where: str) -> None:
    assert (ours is None) == (theirs is None), where
    if ours is not None:
        assert abs(ours - theirs) <= 1e-9, f"{where}: {ours} != {theirs}"


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_gold_against_itself_is_perfect_where_applicable(gold_path):
    gold = load(gold_path)
    score = score_file(gold, copy.deepcopy(gold))
    figures = score.components()
    assert {k for k, v in figures.items() if v is not None} == applicable(gold)
    assert all(v == 1.0 for v in figures.values() if v is not None), figures
    assert score.overall == pytest.approx(1.0, abs=1e-12)
    assert score.counts.matched_steps == score.counts.gold_steps > 0
    assert score.counts.extra_steps == 0


@pytest.mark.skipif(not SCORE_PY.exists(), reason=f"the acceptance scorer is not beside the repo ({SCORE_PY})")
@pytest.mark.parametrize("flowcharts", [False, True], ids=["corpus", "with-performers"])
@pytest.mark.parametrize(("damage", "lowered"), DAMAGES, ids=[d.__name__ for d, _ in DAMAGES])
def test_damaged_copy_gets_the_acceptance_scorers_figures(damage, lowered, flowcharts, tmp_path):
    set_dir = scored_set(tmp_path / "set", flowcharts)
    preds = write_predictions(tmp_path / "pred", set_dir, damage)
    theirs = run_acceptance_scorer(set_dir, f"cat {shlex.quote(str(preds))}/{{stem}}.json", tmp_path / "score.json")
    ours = evaluate(set_dir, lambda path: load(preds / f"{path.stem}.json")).to_json()

    assert [f["file"] for f in ours["files"]] == [f["file"] for f in theirs["files"]]
    for mine, other in zip(ours["files"], theirs["files"], strict=True):
        assert (mine["status"], mine["format"]) == (other["status"], other["format"])
        assert mine["scores"]["counts"] == other["scores"]["counts"]
        for name in FIGURES:
            assert_same_figure(mine["scores"][name], other["scores"][name], f"{mine['file']} {name}")
    assert ours["formats"].keys() == theirs["formats"].keys()
    for fmt, row in ours["formats"].items():
        for name in FIGURES:
            assert_same_figure(row[name], theirs["formats"][fmt][name], f"{fmt} {name}")
    assert ours["formats"]["all"][lowered] < 1.0  # the damage is seen where it was done


@pytest.mark.skipif(not SCORE_PY.exists(), reason=f"the acceptance scorer is not beside the repo ({SCORE_PY})")
def test_output_that_is_not_json_scores_zero_like_the_acceptance_scorer(tmp_path):
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("Traceback: not JSON")
    theirs = run_acceptance_scorer(CORPUS, f"cat {shlex.quote(str(garbage))}", tmp_path / "score.json")
    report = evaluate(CORPUS, lambda path: json.loads(garbage.read_text()))
    assert {r.status for r in report.files} == {"crash"} and report.overall == 0.0
    for mine, other in zip(report.to_json()["files"], theirs["files"], strict=True):
        for name in FIGURES:
            assert_same_figure(mine["scores"][name], other["scores"][name], f"{mine['file']} {name}")


def test_evaluate_gold_extractor_on_a_folder(tmp_path):
    for gold_path in GOLDS:
        shutil.copy(gold_path, tmp_path)
        shutil.copy(input_of(gold_path), tmp_path)
    seen: list[str] = []
    report = evaluate(
        tmp_path, lambda path: load(tmp_path / f"{path.stem}.gold.json"), on_file=lambda r: seen.append(r.file)
    )

    assert seen == [r.file for r in report.files] == sorted(input_of(g).name for g in GOLDS)
    assert list(report.formats) == ["text", "all"]
    assert report.overall == pytest.approx(1.0, abs=1e-12)
    assert all(r.status == "ok" and r.pages == 1 and r.seconds_per_page >= 0 for r in report.files)
    data = json.loads(json.dumps(report.to_json()))
    assert data["formats"]["all"]["files"] == len(GOLDS)
    table = report.table()
    assert [c.header for c in table.columns][:4] == ["format", "files", "ok", "overall"]
    assert table.row_count == len(report.formats)


def test_crashing_extractor_scores_zero_and_the_run_goes_on(tmp_path):
    def crash(path: Path) -> list[Any]:
        raise RuntimeError(f"cannot read {path.name}")

    report = evaluate(CORPUS, crash)
    assert len(report.files) == len(GOLDS) and report.overall == 0.0
    for row in report.files:
        assert row.status == "crash" and "cannot read" in row.error
        applies = applicable(load(CORPUS / f"{Path(row.file).stem}.gold.json"))
        assert row.score.components() == {k: (0.0 if k in applies else None) for k in COMPONENTS}


def test_manifest_gives_formats_and_pages_and_each_format_counts_equally(tmp_path):
    text_gold, pdf_gold = GOLDS[0], GOLDS[1]
    shutil.copy(text_gold, tmp_path / "a.gold.json")
    shutil.copy(pdf_gold, tmp_path / "b.gold.json")
    manifest = {
        "a.txt": {"format": "text", "pages": 1, "gold": "a.gold.json"},
        "b.pdf": {"format": "pdf-scanned", "pages": 4, "gold": "b.gold.json"},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    report = evaluate(tmp_path, lambda path: load(tmp_path / "a.gold.json") if path.name == "a.txt" else [])
    assert list(report.formats) == [f for f in FORMATS if f in ("text", "pdf-scanned")] + ["all"]
    assert report.formats["text"].overall == pytest.approx(1.0) and report.formats["pdf-scanned"].overall == 0.0
    assert report.overall == pytest.approx(0.5)
    assert [r.pages for r in report.files] == [1, 4]
    assert evaluate(tmp_path, lambda path: [], formats={"text"}).formats.keys() == {"text", "all"}


def test_pages_are_the_distinct_source_pages_of_the_gold(tmp_path):
    gold = load(GOLDS[2])
    for sop, pages in zip(gold, ([2, 3], [3]), strict=True):
        sop["source"].update(format="pdf-digital", pages=pages)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "x.pdf").write_bytes(b"%PDF")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "x.gold.json").write_text(json.dumps(gold))
    [case] = find_cases(tmp_path / "inputs", gold_dir=tmp_path / "gold")
    assert (case.format, case.pages) == ("pdf-digital", 2)
