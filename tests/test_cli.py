"""The `sopbaku` command line, run as the installed console script on real files.

What is checked is the contract others rely on (../shared/spec/sop-json.md and
the exit codes of sopbaku.errors): JSON on stdout, one line on stderr for a
file that cannot be read, never a traceback, outputs where they should be.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sopbaku.batch import BatchSummary, FileResult, describe_failure, find_inputs
from sopbaku.errors import ExitCode, InputFileError, MissingDependencyError
from tests.conftest import SEEDS, gold_of

CLI = Path(sys.executable).with_name("sopbaku")
#: A seed with durations in days, so the day length shows in the minutes.
SEED_WITH_DAYS = next(s for s in SEEDS if '"unit": "hari"' in gold_of(s).read_text(encoding="utf-8"))


def sopbaku(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
        stdin=subprocess.DEVNULL, timeout=300, check=False,
    )


def assert_fails_in_one_line(proc: subprocess.CompletedProcess[str], code: ExitCode, about: Path) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"sopbaku: {about}: ")
    assert proc.stdout == ""


def bad_files(folder: Path) -> dict[str, Path]:
    """Inputs that are not SOP documents: nothing, noise, a folder, a path that does not exist."""
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    noise = folder / "noise.pdf.bin"
    noise.write_bytes(bytes(range(256)) * 40)
    sub = folder / "a_folder"
    sub.mkdir()
    return {"empty": empty, "noise": noise, "folder": sub, "missing": folder / "missing.txt"}


# --------------------------------------------------------------------------- extract
@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_extract_prints_every_sop_of_a_seed_as_json(seed: Path) -> None:
    proc = sopbaku("extract", seed)
    assert proc.returncode == 0, proc.stderr
    sops = json.loads(proc.stdout)
    gold = json.loads(gold_of(seed).read_text(encoding="utf-8"))
    assert len(sops) == len(gold)
    sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    for sop in sops:
        assert sop["schema"] == "sopbaku/1"
        assert sop["source"] == {**sop["source"], "file": seed.name, "sha256": sha, "format": "text"}
        assert [st["no"] for st in sop["steps"]] == list(range(1, len(sop["steps"]) + 1))


@pytest.mark.parametrize(("options", "hours"), [([], 7.5), (["--hours-per-day", "8"], 8), (["--effective-day"], 5)])
def test_extract_counts_a_day_as_the_hours_asked_for(options: list[str], hours: float) -> None:
    proc = sopbaku("extract", SEED_WITH_DAYS, *options)
    assert proc.returncode == 0, proc.stderr
    sops = json.loads(proc.stdout)
    days = [st["waktu"] for sop in sops for st in sop["steps"] if st["waktu"] and st["waktu"]["unit"] == "hari"]
    assert days
    assert all(sop["conventions"]["hours_per_day"] == hours for sop in sops)
    assert all(w["minutes"] == pytest.approx(w["value"] * hours * 60) for w in days)


@pytest.mark.parametrize("kind", ["empty", "noise", "folder", "missing"])
def test_extract_reports_an_unreadable_input_in_one_line(tmp_path: Path, kind: str) -> None:
    path = bad_files(tmp_path)[kind]
    assert_fails_in_one_line(sopbaku("extract", path), ExitCode.input_file, path)


def test_extract_refuses_two_day_lengths_at_once() -> None:
    proc = sopbaku("extract", SEEDS[0], "--effective-day", "--hours-per-day", "8")
    assert proc.returncode == ExitCode.bad_args
    assert proc.stdout == ""


def test_extract_takes_an_office_role_file_over_the_shipped_registry(tmp_path: Path) -> None:
    """An office's file names its own roles: a header label it lists gets the office's id."""
    plain = json.loads(sopbaku("extract", SEEDS[0]).stdout)
    label = plain[0]["roles"][0]["labels"][0]
    office = tmp_path / "kantor.yaml"
    office.write_text(f"roles:\n  - id: peran_kantor\n    name: Peran Kantor\n    aliases: [{json.dumps(label)}]\n",
                      encoding="utf-8")
    proc = sopbaku("extract", SEEDS[0], "--roles", office)
    assert proc.returncode == 0, proc.stderr
    roles = json.loads(proc.stdout)[0]["roles"]
    assert {r["id"] for r in roles if label in r["labels"]} == {"peran_kantor"}


def test_extract_reports_a_broken_role_file_as_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "kantor.yaml"
    broken.write_text("roles: [\n", encoding="utf-8")
    proc = sopbaku("extract", SEEDS[0], "--roles", broken)
    assert_fails_in_one_line(proc, ExitCode.invalid_config, SEEDS[0])


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    empty = bad_files(tmp_path)["empty"]
    proc = subprocess.run([sys.executable, "-m", "sopbaku", "extract", str(empty)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert_fails_in_one_line(proc, ExitCode.input_file, empty)


# --------------------------------------------------------------------------- run
def test_run_writes_the_good_file_and_reports_the_bad_one(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = shutil.copy(SEEDS[0], inbox / SEEDS[0].name)
    bad = inbox / "broken.txt"
    bad.write_bytes(b"")
    (inbox / ".DS_Store").write_bytes(b"\x00\x01")  # hidden: never an input
    out = inbox / "out"  # inside the input folder: must not be read back

    proc = sopbaku("run", inbox, "--out", out)

    assert proc.returncode == ExitCode.partial
    assert proc.stderr.splitlines() == [proc.stderr.splitlines()[0]]
    assert proc.stderr.startswith(f"sopbaku: {bad}: ") and "Traceback" not in proc.stderr
    assert good.name in proc.stdout and bad.name in proc.stdout  # the summary table
    n_gold = len(json.loads(gold_of(SEEDS[0]).read_text(encoding="utf-8")))
    jsons = sorted(out.glob(f"{good.stem}_*.json"))
    assert len(jsons) == n_gold
    for path in jsons:
        (sop,) = json.loads(path.read_text(encoding="utf-8"))
        assert sop["source"]["file"] == good.name
        assert path.with_suffix(".csv").stat().st_size > 0
        assert "word/document.xml" in zipfile.ZipFile(path.with_suffix(".docx")).namelist()
    assert all(p.name.startswith(f"{good.stem}_") for p in out.iterdir())  # no temp files left either

    again = sopbaku("run", inbox, "--out", out)
    assert again.returncode == ExitCode.partial
    assert sorted(out.glob("*.json")) == jsons  # the same names: a re-run replaces, never piles up


def test_run_keeps_dots_in_input_names(tmp_path: Path) -> None:
    seed = shutil.copy(SEEDS[0], tmp_path / "scan.v2.txt")
    assert sopbaku("run", seed, "--out", tmp_path / "out").returncode == 0
    names = {p.name for p in (tmp_path / "out").iterdir()}
    stems = {n.removesuffix(".json") for n in names if n.endswith(".json")}
    assert stems and all(s.startswith("scan.v2_") for s in stems)
    assert names == {f"{s}{ext}" for s in stems for ext in (".json", ".csv", ".xlsx", ".docx")}


def test_run_with_only_bad_files_fails_with_the_input_code(tmp_path: Path) -> None:
    files = bad_files(tmp_path)
    proc = sopbaku("run", files["empty"], files["noise"], files["missing"], "--out", tmp_path / "out")
    assert proc.returncode == ExitCode.input_file
    assert len(proc.stderr.splitlines()) == 3 and "Traceback" not in proc.stderr
    assert not any((tmp_path / "out").iterdir())


def test_run_refuses_an_output_folder_that_is_an_input_folder(tmp_path: Path) -> None:
    shutil.copy(SEEDS[0], tmp_path)
    proc = sopbaku("run", tmp_path, "--out", tmp_path)
    assert proc.returncode == ExitCode.invalid_config
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("sopbaku: ")


# --------------------------------------------------------------------------- render
def test_render_writes_docx_and_csv_for_every_sop_of_a_gold_file(tmp_path: Path) -> None:
    gold = max((gold_of(s) for s in SEEDS), key=lambda g: len(json.loads(g.read_text(encoding="utf-8"))))
    n_sops = len(json.loads(gold.read_text(encoding="utf-8")))
    proc = sopbaku("render", gold, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    docx = sorted(tmp_path.glob("*.docx"))
    assert len(docx) == n_sops == len(list(tmp_path.glob("*.csv")))
    assert sorted(proc.stdout.split()) == sorted(str(p) for p in tmp_path.iterdir())
    assert all("word/document.xml" in zipfile.ZipFile(p).namelist() for p in docx)


def test_render_of_a_run_json_replaces_its_docx(tmp_path: Path) -> None:
    assert sopbaku("run", SEEDS[0], "--out", tmp_path).returncode == 0
    first = sorted(tmp_path.glob("*.json"))[0]
    before = set(tmp_path.iterdir())
    proc = sopbaku("render", first, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert set(tmp_path.iterdir()) == before
    assert first.with_suffix(".docx") in {Path(p) for p in proc.stdout.split()}


def test_render_reports_a_file_that_is_not_sopbaku_json_in_one_line(tmp_path: Path) -> None:
    assert_fails_in_one_line(sopbaku("render", SEEDS[0], "--out", tmp_path), ExitCode.input_file, SEEDS[0])


# --------------------------------------------------------------------------- batch pieces
def test_find_inputs_lists_regular_visible_files_sorted(tmp_path: Path) -> None:
    for name in ("b.txt", "a.pdf", ".hidden", "sub/c.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    named = tmp_path / "not-there.txt"
    assert find_inputs([tmp_path, named], tmp_path / "out") == [tmp_path / "a.pdf", tmp_path / "b.txt", named]


def test_a_bug_is_reported_as_an_internal_error_with_its_class() -> None:
    reason, code = describe_failure(Path("x.txt"), KeyError("kegiatan"))
    assert (reason, code) == ("internal error: KeyError: 'kegiatan'", ExitCode.internal)
    reason, code = describe_failure(Path("x.txt"), InputFileError("x.txt: the file is empty"))
    assert (reason, code) == ("the file is empty", ExitCode.input_file)


def test_batch_exit_code_tells_all_good_partial_and_all_failed() -> None:
    ok = FileResult(Path("a.txt"), sops=1)
    bad = FileResult(Path("b.txt"), error="the file is empty", exit_code=ExitCode.input_file)
    no_ocr = FileResult(Path("c.png"), error="tesseract not found", exit_code=ExitCode.missing_dependency)
    assert BatchSummary([ok, ok]).exit_code == ExitCode.ok
    assert BatchSummary([ok, bad]).exit_code == ExitCode.partial
    assert BatchSummary([bad, no_ocr]).exit_code == ExitCode.input_file
    assert BatchSummary([no_ocr, no_ocr]).exit_code == MissingDependencyError.exit_code


def test_eval_prints_per_format_figures_and_writes_them_as_json(tmp_path: Path) -> None:
    for seed in SEEDS[:2]:
        shutil.copy(seed, tmp_path)
        shutil.copy(gold_of(seed), tmp_path)
    out = tmp_path / "figures.json"
    proc = sopbaku("eval", tmp_path, "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert "step_f1" in proc.stdout and "OVERALL" in proc.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert [f["file"] for f in figures["files"]] == [s.name for s in SEEDS[:2]]
    assert figures["formats"]["text"]["step_f1"] == 1.0


def test_eval_of_a_folder_without_gold_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("No\tKegiatan\n", encoding="utf-8")
    proc = sopbaku("eval", tmp_path)
    assert proc.returncode == ExitCode.input_file and proc.stderr.count("\n") == 1
