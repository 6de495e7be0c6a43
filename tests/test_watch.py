"""The hot folder with real watchdog observers on temporary folders and real worker processes.

Each test runs a :class:`Watcher` in a thread, drops files the way people
and scanners do, and waits for what the watcher reports; the paperless-ngx
and OCRmyPDF watcher tests listed in RELIABILITY.md are the bar.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sopbaku import parallel
from sopbaku.batch import Loader, OutputOptions, prepare_out_dir
from sopbaku.errors import ConfigError
from sopbaku.filelog import FileLog
from sopbaku.journal import Journal
from sopbaku.watch import StabilityTracker, Watcher, WatchSettings, check_folders, is_clutter
from tests import misbehaving
from tests.conftest import SEEDS

SEED = min(SEEDS, key=lambda p: p.stat().st_size)


@contextmanager
def watching(inbox: Path, load: Loader = misbehaving.extract, **options: object) -> Iterator[list[FileLog]]:
    """A watcher on ``inbox`` in a thread for the block; yields the file log it fills."""
    inbox.mkdir(exist_ok=True)
    logs: list[FileLog] = []
    settings = WatchSettings(inbox, inbox.parent / "out", **{"settle": 0.5, "tick": 0.05, **options})
    stop = threading.Event()
    with parallel.open_runner(workers=2) as runner:
        watcher = Watcher(settings, load, OutputOptions(prepare_out_dir(settings.out)), runner, logs.append)
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        try:
            yield logs
        finally:
            if not settings.once:  # a --once watcher ends by itself
                stop.set()
            thread.join(60)
    assert not thread.is_alive()


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_a_file_written_in_100_byte_chunks_every_50_ms_gives_one_job(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", SEED.read_bytes()
    with watching(inbox, settle=1.0) as logs:
        with open(inbox / "scan.txt", "wb") as fh:
            for i in range(0, len(data), 100):
                fh.write(data[i:i + 100])
                fh.flush()
                time.sleep(0.05)
        wait_for(lambda: len(logs) == 1)
        time.sleep(1.5)  # longer than the settle time: a second job would have started by now
    assert [(log.path.name, log.outcome) for log in logs] == [("scan.txt", "ok")]
    assert names(inbox / "processed") == {"scan.txt"}
    assert (inbox / "processed" / "scan.txt").read_bytes() == data
    (entry,) = Journal.of_inbox(inbox).entries()
    assert (entry.state, entry.attempts) == ("done", 1)
    assert all(p.is_file() for p in entry.outputs) and len(list((tmp_path / "out").glob("*.docx"))) == 1


def test_a_file_deleted_before_it_is_stable_is_never_taken(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    with watching(inbox, settle=1.0) as logs:
        (inbox / "gone.txt").write_bytes(SEED.read_bytes()[:500])
        time.sleep(0.3)
        (inbox / "gone.txt").unlink()
        shutil.copy(SEED, inbox / "kept.txt")
        wait_for(lambda: len(logs) == 1)
    assert [log.path.name for log in logs] == ["kept.txt"]
    assert names(inbox / "processed") == {"kept.txt"} and not (inbox / "failed").exists()


def test_polling_mode_takes_new_files_and_files_a_second_copy_as_a_duplicate(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    with watching(inbox, polling=True, poll_interval=0.2, rescan=3600) as logs:
        shutil.copy(SEED, inbox / "first.txt")
        wait_for(lambda: len(logs) == 1)
        shutil.copy(SEED, inbox / "again.txt")
        wait_for(lambda: len(logs) == 2)
    assert [(log.path.name, log.outcome) for log in logs] == [("first.txt", "ok"), ("again.txt", "duplicate")]
    assert logs[1].duplicate_of == inbox.resolve() / "first.txt"
    assert names(inbox / "processed") == {"first.txt"} and names(inbox / "duplicates") == {"again.txt"}
    assert Journal.of_inbox(inbox).counts().duplicates == 1


def test_the_periodic_rescan_finds_a_file_whose_event_was_lost(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    # a poll interval of an hour: no event will come, only the rescan can find the file
    with watching(inbox, polling=True, poll_interval=3600, rescan=1.0) as logs:
        time.sleep(0.3)
        shutil.copy(SEED, inbox / "late.txt")
        wait_for(lambda: len(logs) == 1)
    assert logs[0].outcome == "ok" and names(inbox / "processed") == {"late.txt"}


def test_failures_go_to_failed_with_their_reason_and_the_watcher_goes_on(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.txt").write_bytes(b"")
    shutil.copy(SEED, inbox / "crash.txt")  # its worker is killed, as by the OOM killer
    os.symlink(SEED, inbox / "link.txt")
    os.mkfifo(inbox / "pipe.txt")
    clutter = {".DS_Store", "Thumbs.db", "._scan.pdf", "~$draft.docx", "scan.pdf.part"}
    for name in clutter:
        (inbox / name).write_text("x")
    with watching(inbox) as logs:
        wait_for(lambda: len(logs) == 4)
        shutil.copy(SEED, inbox / "good.txt")
        wait_for(lambda: len(logs) == 5)
    outcomes = {log.path.name: log.outcome for log in logs}
    assert outcomes == {"empty.txt": "failed", "crash.txt": "failed", "link.txt": "rejected",
                        "pipe.txt": "rejected", "good.txt": "ok"}
    failed = inbox / "failed"
    assert names(failed) == {f"{n}{ext}" for n in ("empty.txt", "crash.txt", "link.txt", "pipe.txt")
                             for ext in ("", ".error.txt")}
    assert "the file is empty" in (failed / "empty.txt.error.txt").read_text()
    assert "the worker process died" in (failed / "crash.txt.error.txt").read_text()
    assert "symbolic link" in (failed / "link.txt.error.txt").read_text()
    assert (failed / "link.txt").is_symlink() and SEED.is_file()
    assert clutter <= names(inbox)


def test_kept_originals_stay_in_place_and_a_restart_does_not_process_them_again(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "a.txt")
    runs = []
    for _ in range(2):  # with --once the watcher ends by itself when the inbox holds nothing new
        with watching(inbox, keep_originals=True, once=True) as logs:
            pass
        runs.append([log.outcome for log in logs])
    assert runs == [["ok"], []]
    assert (inbox / "a.txt").read_bytes() == SEED.read_bytes()
    assert not (inbox / "processed").exists()
    (entry,) = Journal.of_inbox(inbox).entries()
    assert (entry.state, entry.attempts) == ("done", 1)


def test_an_output_folder_inside_the_inbox_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be inside the inbox"):
        check_folders(tmp_path, tmp_path / "out")
    with pytest.raises(ConfigError, match="cannot be inside the inbox"):
        check_folders(tmp_path, tmp_path)


def test_a_second_watcher_on_the_same_inbox_is_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    with watching(inbox), parallel.open_runner(workers=1) as runner:
        time.sleep(0.3)
        second = Watcher(WatchSettings(inbox, tmp_path / "out"), misbehaving.extract,
                         OutputOptions(tmp_path / "out"), runner, lambda _log: None)
        with pytest.raises(ConfigError, match="already running"):
            second.run(threading.Event())


def test_a_file_is_ripe_only_after_its_size_and_mtime_stay_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7 part")
    tracker = StabilityTracker(settle=1.0)
    tracker.touch(path, now=0.0)
    assert tracker.ripe(now=0.0) == ([], [])  # first look: size and mtime noted
    assert tracker.ripe(now=0.9) == ([], [])
    with open(path, "ab") as fh:
        fh.write(b" more")
    assert tracker.ripe(now=1.5) == ([], [])  # changed: the wait starts again
    assert tracker.ripe(now=2.4) == ([], [])
    assert tracker.ripe(now=2.6) == ([path], []) and path not in tracker


def test_sync_clutter_and_partial_downloads_are_not_documents() -> None:
    assert all(map(is_clutter, [".DS_Store", "Thumbs.db", "desktop.ini", "._a.pdf", "~$a.docx", "a.pdf.part",
                                "a.pdf.crdownload", ".a.pdf.x1y2.tmp", "@eaDir"]))
    assert not any(map(is_clutter, ["scan.pdf", "SOP 01.docx", "foto.jpg", "a.txt"]))
