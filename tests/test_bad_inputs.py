"""Broken and hostile inputs through the real command line: one plain line, a defined exit code, nothing lost.

Each file of ``tests/resources/bad`` (written by its ``make_bad.py``) and the
big hostile files generated here (a 2,000-page PDF, a ZIP bomb, a 200 MB
file) is given to ``sopbaku extract`` as a user would, in a subprocess. What
each must give is stated by what the file *is*, not copied from a run: a
password-protected PDF is exit 8, a decompression bomb is refused as input
(exit 3), a letter or a budget holds no SOP (``[]`` and exit 0, as the JSON
spec's extract contract says), a file under another type's name is read by
its content.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from sopbaku import pipeline
from sopbaku.config import LimitSettings, Settings
from sopbaku.errors import ExternalToolError, InputFileError
from sopbaku.ingest import docx as docx_reader
from sopbaku.ingest import guards
from tests.conftest import ROOT
from tests.resources.bad import make_bad

BAD = ROOT / "tests" / "resources" / "bad"
SYNTHETIC = ROOT / "corpus" / "synthetic"
SOPBAKU = str(Path(sys.executable).with_name("sopbaku"))
#: Wall-clock seconds after which a run is killed as a hang: far above what any of these files needs, with room
#: for a shared, loaded test machine.
TIMEOUT = 120.0
#: Most CPU seconds one bad file may cost (the slowest, an OCR dump with a 600-line row, needs about 4).
MAX_CPU_SECONDS = 30.0


@dataclass(frozen=True)
class Expect:
    code: int
    #: Words the stderr line must hold, in the user's terms (empty: the run succeeds and prints JSON).
    says: str = ""
    #: For a success: whether the file holds SOPs (False: the empty array of a document that is no SOP).
    has_sop: bool = False


EXPECTED = {
    "empty.pdf": Expect(3, "empty"),
    "truncated.pdf": Expect(3, "not a readable PDF"),
    "corrupt.pdf": Expect(3, "not a readable PDF"),
    "header_only.pdf": Expect(3, "not a readable PDF"),
    "encrypted.pdf": Expect(8, "password"),
    "huge_page.pdf": Expect(3, "million pixels"),
    "bomb_30000x30000.png": Expect(3, "million pixels"),
    "truncated.jpg": Expect(3, "cannot be decoded"),
    "entities.docx": Expect(3, "XML bomb"),
    "external_entity.docx": Expect(0),
    "truncated.docx": Expect(3, "damaged"),
    "cut_middle.docx": Expect(3, "a damaged Word file"),  # found by benchmarks/fuzz.py: a ValueError slipped
    "long_row_ocr.txt": Expect(0, has_sop=True),  # found by benchmarks/fuzz.py: minutes in the width fit
    "budget.xlsx": Expect(3, "Excel workbook, not a Word document"),
    "budget.docx": Expect(0),
    "budget.txt": Expect(0),
    "letter.txt": Expect(0),
    "letter.docx": Expect(0),
    "legacy.doc": Expect(3, "Word 97-2003"),
    "noise.bin": Expect(3, "not a PDF, Word, image or text file"),
    "noise.docx": Expect(3, "not a PDF, Word, image or text file"),
    "sop_export.docx": Expect(0, has_sop=True),
    "sop_word.pdf": Expect(0, has_sop=True),
    # generated below, too big to commit
    "pages_2000.pdf": Expect(3, "2000 pages"),
    "zip_bomb.docx": Expect(3, "ZIP bomb"),
    "oversized.txt": Expect(3, "the limit is 100.0 MB"),
}


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    #: CPU seconds of the process (user + system): unlike wall time, not inflated by a busy machine.
    cpu_seconds: float
    sha_before: str
    sha_after: str
    #: Killed at TIMEOUT.
    hung: bool


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract(path: Path) -> Run:
    """``sopbaku extract PATH`` as a user runs it, killed at TIMEOUT, with its CPU time and the file's hash
    before and after (``os.wait4`` reaps the child, so its resource usage is its own)."""
    before, start = _sha(path), time.monotonic()
    proc = subprocess.Popen([SOPBAKU, "extract", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "200"})
    killer = threading.Timer(TIMEOUT, proc.kill)
    killer.start()
    with ThreadPoolExecutor(max_workers=2) as pipes:
        stdout, stderr = pipes.submit(proc.stdout.read), pipes.submit(proc.stderr.read)
        _, status, usage = os.wait4(proc.pid, 0)
        out, err = stdout.result(), stderr.result()
    killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    seconds = time.monotonic() - start
    return Run(proc.returncode, out.decode("utf-8"), err.decode("utf-8"), seconds, usage.ru_utime + usage.ru_stime,
               before, _sha(path), hung=seconds >= TIMEOUT)


def bad_corpus(folder: Path) -> dict[str, Path]:
    """The committed bad inputs plus the big ones, generated into ``folder``."""
    files = {p.name: p for p in sorted(BAD.iterdir()) if p.is_file() and p.suffix != ".py"}
    files["pages_2000.pdf"] = make_bad.write_many_pages(folder / "pages_2000.pdf", 2000)
    files["zip_bomb.docx"] = make_bad.write_zip_bomb(folder / "zip_bomb.docx")
    oversized = folder / "oversized.txt"
    with oversized.open("wb") as fh:  # sparse: 200 MB claimed, nothing written to disk
        fh.truncate(200 * 2**20)
    files["oversized.txt"] = oversized
    return files


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    return bad_corpus(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def runs(bad_files) -> dict[str, Run]:
    """Every bad file through the CLI once, a few at a time (each run is mostly interpreter start-up)."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(bad_files, pool.map(extract, bad_files.values()), strict=True))


def test_the_corpus_holds_every_expected_file_and_no_unexpected_one(bad_files):
    assert set(bad_files) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input_gives_its_exit_code_and_at_most_one_plain_line(bad_files, runs, name):
    run, expect = runs[name], EXPECTED[name]
    lines = run.stderr.splitlines()
    assert run.code == expect.code, run.stderr
    assert "Traceback" not in run.stderr
    if expect.code:
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"sopbaku: {bad_files[name]}: "), lines
        assert expect.says in lines[0]
        assert run.stdout == ""
    else:
        assert lines == []
        sops = json.loads(run.stdout)
        assert bool(sops) == expect.has_sop


def test_no_bad_input_hangs_or_costs_more_than_seconds_of_cpu(runs):
    slow = {name: (round(run.cpu_seconds, 1), run.hung) for name, run in runs.items()
            if run.hung or run.cpu_seconds > MAX_CPU_SECONDS}
    assert not slow


def test_no_bad_input_is_changed_by_reading_it(runs):
    assert all(run.sha_before == run.sha_after for run in runs.values())


def test_an_external_entity_is_never_resolved():
    """The XML parser keeps ``&xxe;`` unexpanded: the text of /etc/passwd never enters the layout."""
    layout = docx_reader.read_layout(make_bad.external_entity_docx(), "external_entity.docx")
    text = " ".join(block.text for page in layout.pages for block in page.blocks if hasattr(block, "text"))
    assert "STANDAR OPERASIONAL PROSEDUR" in text
    assert "root:" not in text


def test_an_eps_file_is_never_handed_to_ghostscript():
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(InputFileError, match="cannot be decoded"):
        guards.image_size("drawing.eps", eps)


def test_every_ghostscript_call_in_the_code_runs_it_with_dsafer():
    calls = []
    for folder in ("src", "ingest", "normalize", "render"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(f'"{exe}"' in text for exe in ("gs", "gswin64c", "gswin32c", "ghostscript")):
                calls.append((path.name, "-dSAFER" in text))
    assert all(safe for _, safe in calls), calls


def test_the_limits_are_settings_a_caller_can_tighten(tmp_path):
    sop = SYNTHETIC / "synth_s7_00.pdf"  # a three-page digital SOP, read fine under the defaults
    assert len(pipeline.extract(sop)) >= 1
    with pytest.raises(InputFileError, match="3 pages; the limit is 2"):
        pipeline.extract(sop, Settings(limits=LimitSettings(max_pages=2)))
    with pytest.raises(InputFileError, match="the limit is"):
        pipeline.extract(sop, Settings(limits=LimitSettings(max_file_bytes=1000)))
    png = SYNTHETIC / "synth_s7_01_p2.png"
    with pytest.raises(InputFileError, match="million pixels"):
        pipeline.extract(png, Settings(limits=LimitSettings(max_image_pixels=1_000_000)))


def test_the_ocr_process_is_stopped_at_the_file_s_time_limit():
    """tesseract itself is killed at the per-file limit: an OCR run never outlives its file's time."""
    png = SYNTHETIC / "synth_s7_01_p2.png"
    start = time.monotonic()
    with pytest.raises(ExternalToolError, match="time limit"):
        pipeline.extract(png, Settings(limits=LimitSettings(per_file_seconds=0.2)))
    assert time.monotonic() - start < 20


def test_a_worker_s_memory_cap_turns_a_runaway_allocation_into_a_memory_error():
    code = ("from sopbaku.config import LimitSettings\n"
            "from sopbaku.ingest.guards import apply_worker_limits\n"
            "apply_worker_limits(LimitSettings(max_worker_memory_mb=1024))\n"
            "try:\n    bytearray(2 * 2**30)\nexcept MemoryError:\n    print('capped')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.stdout.strip() == "capped", done.stderr


def test_odd_file_names_give_outputs_that_stay_in_the_output_folder(tmp_path):
    source = SYNTHETIC / "synth_s7_02_text.txt"
    inbox = tmp_path / "in"
    (inbox / "sub").mkdir(parents=True)
    names = ["Surat Keputusan – Kécamatan ü  spasi.txt", "..dua titik.txt"]
    for name in names:
        shutil.copy(source, inbox / name)
    out = tmp_path / "out"
    args = [str(inbox / name) for name in names] + [str(inbox / "sub" / ".." / names[0])]
    done = subprocess.run([SOPBAKU, "run", *args, "--out", str(out)], capture_output=True, text=True,
                          timeout=TIMEOUT * 2, check=False)
    assert done.returncode == 0, done.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and inbox not in p.parents]
    assert written and all(p.parent == out for p in written)
    assert len(list(out.glob("*.docx"))) == len(args)


def test_a_title_and_source_name_full_of_dots_and_slashes_cannot_leave_the_output_folder(tmp_path):
    """`render` takes an edited JSON: whatever its title and source name say, the files land in --out."""
    sops = json.loads(subprocess.run([SOPBAKU, "extract", str(SYNTHETIC / "synth_s7_02_text.txt")],
                                     capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout)
    sops[0]["source"]["file"] = "../../../" + "../" * 20 + "etc/evil"
    sops[0]["identity"]["nama"] = "../../.. /etc/passwd\\..\\..\\Windows"
    sops[0]["identity"]["nomor"] = "/" * 300
    sops.append(json.loads(json.dumps(sops[0])))
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(sops), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    done = subprocess.run([SOPBAKU, "render", str(edited), "--out", str(out)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != edited]
    assert len(written) >= 4 and all(p.parent == out for p in written)


def test_bad_files_dropped_into_a_watched_folder_land_in_failed_with_a_plain_reason(bad_files, tmp_path):
    """As a new user would: start `sopbaku watch`, drop every bad file, and find each where it belongs with
    its bytes intact, while the watcher keeps running."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    dropped = {name: path.read_bytes() for name, path in bad_files.items() if name != "oversized.txt"}
    watcher = subprocess.Popen([SOPBAKU, "watch", str(inbox), "--out", str(out), "--settle", "0.3", "-j", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for name, data in dropped.items():
            (inbox / name).write_bytes(data)
        end = time.monotonic() + 4 * TIMEOUT
        while set(dropped) - set(_files(inbox / "failed", inbox / "processed")) and time.monotonic() < end:
            time.sleep(0.2)
        assert watcher.poll() is None, "the watcher stopped on a bad file"
    finally:
        watcher.terminate()
        _, stderr = watcher.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stderr.decode("utf-8")
    failed, processed = _files(inbox / "failed"), _files(inbox / "processed")
    for name, data in dropped.items():
        expect = EXPECTED[name]
        folder = inbox / ("failed" if expect.code else "processed")
        assert (folder / name).read_bytes() == data, f"{name} lost or changed"
        if expect.code:
            note = (inbox / "failed" / f"{name}.error.txt").read_text(encoding="utf-8")
            assert expect.says in note and "internal error" not in note, note
    assert set(failed) | set(processed) == set(dropped) | {f"{n}.error.txt" for n in failed if n in dropped}
    assert not [n for n in _files(inbox) if not n.startswith(".")], "a file was left behind in the inbox"


def _files(*folders: Path) -> list[str]:
    return [p.name for folder in folders if folder.is_dir() for p in folder.iterdir() if p.is_file()]
