"""kill -9 the watcher in the middle of 50 drops, start it again: every file exactly once, nothing lost.

Neither paperless-ngx nor OCRmyPDF publish this test (RELIABILITY.md). The
watcher runs as the real ``sopbaku watch`` process; the drops are copies of
a seed export made distinct by trailing blank lines (so each has its own
SHA-256), plus five byte-identical copies under other names.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from sopbaku.journal import Journal
from tests.conftest import SEEDS

SEED = min(SEEDS, key=lambda p: p.stat().st_size)
N_DISTINCT, N_COPIES = 50, 5


def start_watcher(inbox: Path, out: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "sopbaku", "watch", inbox, "--out", out, "--settle", "0.3", "--workers", "2",
               "--log-json"]
    with open(log, "wb") as stderr:
        return subprocess.Popen([str(c) for c in command], stdout=subprocess.DEVNULL, stderr=stderr)


def drops() -> dict[str, bytes]:
    """50 distinct contents, then five exact copies of the first five under other names."""
    base = SEED.read_bytes()
    files = {f"sop-{i:02d}.txt": base + b"\n" * (i + 1) for i in range(N_DISTINCT)}
    files |= {f"copy-of-{i:02d}.txt": files[f"sop-{i:02d}.txt"] for i in range(N_COPIES)}
    return files


def files_in(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def still_running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.1)


def test_a_watcher_killed_mid_batch_resumes_and_processes_every_file_exactly_once(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    dropped = drops()
    first = start_watcher(inbox, out, tmp_path / "first.log")
    try:
        for name, data in dropped.items():
            (inbox / name).write_bytes(data)
        wait_for(lambda: len(files_in(inbox / "processed")) >= 8, timeout=120)
        family = psutil.Process(first.pid).children(recursive=True)  # its forkserver and the running workers
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    # no worker goes on beside the restarted watcher: they all die with the one that was killed
    wait_for(lambda: not any(map(still_running, family)), timeout=10)
    kept = files_in(inbox) | files_in(inbox / "processed") | files_in(inbox / "duplicates")
    assert kept == dropped, "an original was lost or changed by the kill"
    assert len(files_in(inbox / "processed")) + len(files_in(inbox / "duplicates")) < len(dropped), "not mid-batch"

    second = start_watcher(inbox, out, tmp_path / "second.log")
    try:
        wait_for(lambda: not files_in(inbox), timeout=180)
        status = subprocess.run([sys.executable, "-m", "sopbaku", "status", str(inbox)], capture_output=True,
                                text=True, timeout=60)
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    finally:
        second.kill()

    # no original lost or changed; the copies filed as duplicates
    processed, duplicates = files_in(inbox / "processed"), files_in(inbox / "duplicates")
    assert processed | duplicates == dropped and not (inbox / "failed").exists()
    assert len(processed) == N_DISTINCT and len(duplicates) == N_COPIES
    # the journal: each content once, done
    journal = Journal.of_inbox(inbox)
    entries = list(journal.entries())
    assert len(entries) == N_DISTINCT and {e.state for e in entries} == {"done"}
    assert {e.sha256 for e in entries} == {hashlib.sha256(d).hexdigest() for d in dropped.values()}
    assert journal.counts().duplicates == N_COPIES
    # the outputs: one complete set per content, nothing half-written or temporary in sight
    outputs = sorted(p.name for p in out.iterdir())
    assert not [n for n in outputs if n.startswith(".") or n.endswith(".tmp")]
    recorded = sorted(p.name for e in entries for p in e.outputs)
    assert outputs == recorded and len({p.rsplit(".", 1)[0] for p in outputs}) == N_DISTINCT
    assert all(json.loads((out / n).read_text(encoding="utf-8")) for n in outputs if n.endswith(".json"))
    # the log: every file reported done once across both runs, every copy as a duplicate
    logs = [json.loads(line) for name in ("first.log", "second.log")
            for line in (tmp_path / name).read_text().splitlines() if line.startswith("{")]
    done = [Path(r["file"]).name for r in logs if r["outcome"] in ("ok", "moved")]
    assert len(done) == N_DISTINCT and set(done) == set(processed)
    assert len([r for r in logs if r["outcome"] == "duplicate"]) == N_COPIES
    # and `sopbaku status` says so
    assert status.returncode == 0, status.stderr
    header, row = (line for line in status.stdout.splitlines() if line.startswith(("┃", "│")))
    cells = [[c.strip() for c in line.strip("┃│").split(line[0])] for line in (header, row)]
    assert dict(zip(*cells, strict=True)) == {"queued": "0", "running": "0", "done": "50", "failed": "0",
                                               "duplicate": "5"}
