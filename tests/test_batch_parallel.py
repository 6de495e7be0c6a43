"""``sopbaku run`` in parallel: a process per file killed at its time limit, locally and on a real Dask cluster.

:mod:`tests.misbehaving` stands in for a parser stuck in a malformed file or
a worker killed by the OOM killer: real processes are stopped and killed,
and every other file goes through ``pipeline.extract`` as in production.
:mod:`tests.cpu_probe` reports from inside a worker the CPUs and threads its
file was given.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import psutil
import pytest
from distributed import Client, LocalCluster

from sopbaku import parallel, pipeline
from sopbaku.batch import OutputOptions, prepare_out_dir
from sopbaku.config import Settings
from sopbaku.errors import ExitCode
from tests import cpu_probe, misbehaving
from tests.conftest import ROOT, SEEDS

SEED = min(SEEDS, key=lambda p: p.stat().st_size)  # the quickest real export


def drop(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(SEED, folder / name)) for name in names]


def sopbaku(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sopbaku", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def probed(files: list[Path], out: Path, workers: int | None = None) -> list[dict[str, object]]:
    """``files`` run through :mod:`tests.cpu_probe` as ``sopbaku run`` would; what each file's process saw."""
    with parallel.open_runner(workers, files=len(files)) as runner:
        load = partial(cpu_probe.extract, settings=parallel.fitted(Settings(), runner))
        summary = parallel.run_batch(files, load, OutputOptions(prepare_out_dir(out)), runner)
    assert summary.exit_code == ExitCode.ok, [r.error for r in summary.results]
    return [cpu_probe.report(path) for path in files]


def still_running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """One real two-process Dask cluster for the module (starting one takes seconds)."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local, \
            Client(local) as client:
        client.run(importlib.import_module, "sopbaku.warmup")  # no test's time limit pays for a cold worker
        yield local


def test_a_stuck_file_is_stopped_at_its_timeout_and_the_batch_goes_on(tmp_path: Path) -> None:
    files = drop(tmp_path / "in", "stuck.txt", "fine.txt")
    with parallel.open_runner(workers=2) as runner:
        options = OutputOptions(prepare_out_dir(tmp_path / "out"))
        summary = parallel.run_batch(files, misbehaving.extract, options, runner, timeout=4)
    stuck, fine = summary.results
    assert stuck.exit_code == ExitCode.child_process and "timed out after 4 s" in (stuck.error or "")
    assert fine.ok and fine.sops == 1
    assert summary.exit_code == ExitCode.partial
    assert not still_running(int((tmp_path / "in" / "stuck.pid").read_text()))


def test_a_worker_dies_with_the_process_that_started_it_even_on_kill_9(tmp_path: Path) -> None:
    (stuck,) = drop(tmp_path / "in", "stuck.txt")
    script = (
        "from pathlib import Path\n"
        "from sopbaku import parallel\n"
        "from sopbaku.batch import OutputOptions\n"
        "from tests import misbehaving\n"
        "if __name__ == '__main__':\n"
        f"    parallel.run_job(parallel.Job(Path({str(stuck)!r}), misbehaving.extract, OutputOptions(Path('.'))))\n"
    )
    (tmp_path / "start.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    starter = subprocess.Popen([sys.executable, str(tmp_path / "start.py")], cwd=tmp_path, env=env)
    try:
        pid_file = stuck.with_suffix(".pid")
        end = time.monotonic() + 60
        while not pid_file.exists():
            assert time.monotonic() < end and starter.poll() is None
            time.sleep(0.1)
        worker = int(pid_file.read_text())
    finally:
        starter.kill()  # SIGKILL: no clean-up of its own runs
    end = time.monotonic() + 10
    while still_running(worker):
        assert time.monotonic() < end, "the worker outlived the process that started it"
        time.sleep(0.1)


def test_a_worker_killed_by_the_system_fails_only_its_own_file(tmp_path: Path) -> None:
    files = drop(tmp_path / "in", "crash.txt", "fine.txt")
    with parallel.open_runner(workers=1) as runner:
        options = OutputOptions(prepare_out_dir(tmp_path / "out"))
        summary = parallel.run_batch(files, misbehaving.extract, options, runner, timeout=30)
    crash, fine = summary.results
    assert crash.error == "the worker process died (killed by SIGKILL)"
    assert crash.exit_code == ExitCode.child_process
    assert fine.ok


def test_two_inputs_with_the_same_stem_running_together_never_overwrite_each_other(tmp_path: Path) -> None:
    files = drop(tmp_path / "a", "same.txt") + drop(tmp_path / "b", "same.txt")
    out = tmp_path / "out"
    with parallel.open_runner(workers=2) as runner:
        summary = parallel.run_batch(files, partial(pipeline.extract), OutputOptions(prepare_out_dir(out)), runner)
    assert summary.exit_code == ExitCode.ok
    stems = sorted(p.stem for p in out.glob("*.json"))
    assert len(stems) == 2 and stems[1] == f"{stems[0]}-2"
    assert set(summary.results[0].outputs).isdisjoint(summary.results[1].outputs)


def test_the_cli_runs_a_batch_on_a_dask_cluster_and_logs_one_json_object_per_file(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    files = drop(tmp_path / "in", "one.txt", "two.txt")
    (tmp_path / "in" / "empty.txt").write_text("")
    proc = sopbaku("run", tmp_path / "in", "--out", tmp_path / "out", "--scheduler", cluster.scheduler_address,
                   "--log-json")
    assert proc.returncode == ExitCode.partial, proc.stderr
    records = {Path(r["file"]).name: r for r in map(json.loads, proc.stderr.splitlines())}
    assert set(records) == {f.name for f in files} | {"empty.txt"}
    assert records["empty.txt"]["outcome"] == "failed" and records["empty.txt"]["exit_code"] == ExitCode.input_file
    for name in ("one.txt", "two.txt"):
        assert records[name]["outcome"] == "ok" and records[name]["seconds"] > 0
        assert all(Path(p).is_file() for p in records[name]["outputs"])
    assert len(list((tmp_path / "out").glob("*.docx"))) == 2


def test_a_stuck_file_on_a_dask_cluster_is_reported_as_timed_out(tmp_path: Path, cluster: LocalCluster) -> None:
    files = drop(tmp_path / "in", "stuck.txt", "fine.txt")
    with parallel.open_runner(scheduler=cluster.scheduler_address) as runner:
        assert runner.slots == 2
        options = OutputOptions(prepare_out_dir(tmp_path / "out"))
        summary = parallel.run_batch(files, misbehaving.extract, options, runner, timeout=5)
    stuck, fine = summary.results
    assert stuck.exit_code == ExitCode.child_process and stuck.error == "timed out after 5 s"
    assert fine.ok


def test_one_worker_runs_its_file_and_the_programs_the_file_starts_on_one_cpu(tmp_path: Path) -> None:
    (seen,) = probed(drop(tmp_path / "in", "one.txt"), tmp_path / "out", workers=1)
    assert len(seen["cpus"]) == 1 and set(seen["cpus"]) <= set(parallel.usable_cpus())
    assert seen["child_cpus"] == seen["cpus"]
    assert seen["cv2_threads"] == 1 and seen["pages_at_once"] == 1


@pytest.mark.skipif(len(parallel.usable_cpus()) < 2, reason="needs two CPUs")
def test_two_workers_run_their_files_on_two_different_cpus(tmp_path: Path) -> None:
    first, second = probed(drop(tmp_path / "in", "one.txt", "two.txt"), tmp_path / "out", workers=2)
    assert len(first["cpus"]) == len(second["cpus"]) == 1
    assert first["cpus"] != second["cpus"]
    for seen in (first, second):
        assert seen["child_cpus"] == seen["cpus"] and seen["cv2_threads"] == 1 and seen["pages_at_once"] == 1


def test_with_workers_unset_a_lone_file_reads_its_pages_on_every_cpu(tmp_path: Path) -> None:
    (seen,) = probed(drop(tmp_path / "in", "one.txt"), tmp_path / "out")
    every = len(parallel.usable_cpus())
    assert seen["cpus"] == seen["child_cpus"] == parallel.usable_cpus()
    assert seen["cv2_threads"] == seen["pages_at_once"] == every


def test_the_longest_file_starts_first_yet_the_summary_and_output_names_keep_input_order(tmp_path: Path) -> None:
    files = drop(tmp_path / "a", "same.txt") + drop(tmp_path / "b", "same.txt") + drop(tmp_path / "c", "long.txt")
    padding = {files[1]: 20_000, files[2]: 40_000}  # trailing blank lines: the same SOP, a longer file
    for path, lines in padding.items():
        path.write_bytes(path.read_bytes() + b"\n" * lines)
    with parallel.open_runner(workers=1) as runner:
        load = partial(cpu_probe.extract, settings=parallel.fitted(Settings(), runner))
        summary = parallel.run_batch(files, load, OutputOptions(prepare_out_dir(tmp_path / "out")), runner)
    started = sorted(files, key=lambda path: cpu_probe.report(path)["started"])
    # the longest first; the two "same" in input order although the second is the longer
    assert started == [files[2], files[0], files[1]]
    assert [r.path for r in summary.results] == files
    first_json, second_json = (next(p for p in r.outputs if p.suffix == ".json") for r in summary.results[:2])
    assert second_json.stem == f"{first_json.stem}-2"


def test_the_cost_estimate_counts_the_pages_of_every_pdf_of_the_corpus_without_a_parser() -> None:
    folder = ROOT / "corpus" / "synthetic"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pdfs = {folder / name: entry["pages"] for name, entry in manifest.items() if name.endswith(".pdf")}
    assert pdfs and any(pages > 1 for pages in pdfs.values())
    for path, pages in pdfs.items():
        assert parallel.estimated_cost(path) == path.stat().st_size * pages, path.name
    assert parallel.estimated_cost(folder / "no-such-file.pdf") == 0


def test_with_workers_unset_every_cpu_belongs_to_exactly_one_slot_whatever_the_batch_size() -> None:
    cpus = parallel.usable_cpus()
    for files in (None, 1, 2, 3, len(cpus) + 5):
        planned = parallel.shares(None, files)
        assert len(planned) == min(len(cpus), files or len(cpus))
        assert sorted(cpu for share in planned for cpu in share.cpus) == cpus
        assert all(share.threads == len(share.cpus) for share in planned)


def test_more_workers_than_cpus_are_left_unpinned_with_one_thread_each() -> None:
    planned = parallel.shares(len(parallel.usable_cpus()) + 1)
    assert planned and all(share.cpus == frozenset() and share.threads == 1 for share in planned)
