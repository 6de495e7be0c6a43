"""The hot folder: documents dropped into an inbox come out as standard outputs, each exactly once.

What it does beyond the watchers of paperless-ngx and OCRmyPDF (see
RELIABILITY.md), and why:

- Events only *wake* the watcher; a file is taken once its size and mtime
  have not changed for ``settle`` seconds and it opens for reading, so a
  scanner writing in chunks gives one job, not one per chunk. A scan at
  start-up and every ``rescan`` seconds catches files whose events were lost
  or that arrived while it was down; ``polling`` (watchdog's
  PollingObserver) is the mode for NFS/SMB shares, where no events come.
- The file is copied into a work folder while its SHA-256 is computed (one
  read), and the worker reads the copy: what is processed is exactly what was
  hashed, whatever happens to the original meanwhile.
- The :mod:`~sopbaku.journal` keyed by that hash makes a second copy a
  duplicate and lets a watcher killed mid-batch resume what it had started.
  The final state goes into the journal before the original is moved (the
  move comes last), so every crash point has one right way to continue.
- Outputs are written through temporary files and renames; temporary files
  left by a killed run are cleared at start-up.
- Originals are never deleted or overwritten: they go to ``processed/``,
  ``failed/`` (with ``<name>.error.txt``) or ``duplicates/`` under a free
  name, or stay where they are with ``keep_originals``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import queue
import shutil
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from sopbaku.batch import FileResult, Loader, OutputOptions
from sopbaku.config import LimitSettings
from sopbaku.errors import ConfigError, ExitCode
from sopbaku.filelog import FileLog
from sopbaku.journal import Journal
from sopbaku.parallel import DEFAULT_TIMEOUT, Job, Outcome, Runner, name_key

PROCESSED, FAILED, DUPLICATES = "processed", "failed", "duplicates"
WORK = ".sopbaku-work"
LOCK = ".sopbaku-watch.lock"
#: Files that sync clients, file managers and editors leave behind; never documents.
CLUTTER_NAMES = frozenset({"thumbs.db", "desktop.ini", "@eadir", ".ds_store"})
CLUTTER_PREFIXES = (".", "~$")
CLUTTER_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", ".error.txt")
_CHUNK = 1 << 20


def _not_a_stop_race(record: logging.LogRecord) -> bool:
    """watchdog logs an error when its inotify thread reads one last event while stopping (harmless)."""
    return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_not_a_stop_race)


@dataclass(frozen=True)
class WatchSettings:
    inbox: Path
    out: Path
    #: Leave originals where they were dropped instead of moving them to processed/ or failed/.
    keep_originals: bool = False
    #: Poll the folder instead of waiting for events (network shares).
    polling: bool = False
    #: Seconds a file's size and mtime must stay unchanged before it is taken.
    settle: float = 5.0
    #: Seconds between full scans of the inbox, for files whose events were lost.
    rescan: float = 60.0
    #: Seconds between polls in polling mode.
    poll_interval: float = 1.0
    timeout: float = DEFAULT_TIMEOUT
    #: Starts after which a file whose worker never finished (it took the watcher down) is failed.
    max_attempts: int = 3
    #: Process what is in the inbox, then exit (for cron jobs and scripts).
    once: bool = False
    #: Seconds the loop sleeps when idle.
    tick: float = 0.1


def is_clutter(name: str) -> bool:
    """Hidden files, sync clutter and partial downloads: never taken for documents."""
    lower = name.casefold()
    return lower in CLUTTER_NAMES or lower.startswith(CLUTTER_PREFIXES) or lower.endswith(CLUTTER_SUFFIXES)


@dataclass
class _Observation:
    size: int
    mtime_ns: int
    changed_at: float


class StabilityTracker:
    """Files seen but not yet taken, and when each last changed.

    A file is *ripe* when its size and mtime have stayed the same for
    ``settle`` seconds, it is still a regular file, and it opens for reading.
    A file that disappears is forgotten; one that is not a regular file
    (symlink, FIFO, device) is handed back as rejected at once.
    """

    def __init__(self, settle: float) -> None:
        self.settle = settle
        self._seen: dict[Path, _Observation] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, path: Path) -> bool:
        return path in self._seen

    def touch(self, path: Path, now: float) -> None:
        """An event said ``path`` changed: (re)start its wait."""
        if path in self._seen:
            self._seen[path].changed_at = now
        else:
            self._seen[path] = _Observation(-1, -1, now)

    def ripe(self, now: float) -> tuple[list[Path], list[tuple[Path, str]]]:
        """The files ready to take, and the non-regular ones with why; both leave the tracker."""
        ripe, rejected = [], []
        for path, seen in list(self._seen.items()):
            try:
                st = path.lstat()
            except FileNotFoundError:
                del self._seen[path]
                continue
            except OSError:  # a share that hiccups: look again next time
                continue
            if not stat.S_ISREG(st.st_mode):
                del self._seen[path]
                rejected.append((path, f"not a regular file ({_kind(st.st_mode)}), not processed"))
            elif (st.st_size, st.st_mtime_ns) != (seen.size, seen.mtime_ns):
                seen.size, seen.mtime_ns, seen.changed_at = st.st_size, st.st_mtime_ns, now
            elif now - seen.changed_at >= self.settle and _readable(path):
                del self._seen[path]
                ripe.append(path)
        return ripe, rejected


class _Events(FileSystemEventHandler):
    """watchdog's thread only queues paths; the watcher's loop does everything else."""

    def __init__(self, inbox: Path, paths: queue.SimpleQueue[Path]) -> None:
        self._inbox = inbox
        self._paths = paths

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("deleted", "opened", "closed_no_write"):
            return
        for name in (event.src_path, getattr(event, "dest_path", "")):
            if name:
                path = Path(os.fsdecode(name))
                if path.parent == self._inbox:
                    self._paths.put(path)


@dataclass
class _InFlight:
    path: Path
    copy: Path
    key: str


class Watcher:
    """Takes stable files from the inbox, runs them on ``runner``, and files the originals away.

    Everything but the observer's event queue runs in the thread that calls
    :meth:`run`, which also owns the journal connection.
    """

    def __init__(
        self,
        settings: WatchSettings,
        load: Loader,
        options: OutputOptions,
        runner: Runner,
        on_file: Callable[[FileLog], None],
        on_notice: Callable[[str], None] = lambda _line: None,
        limits: LimitSettings | None = None,
    ) -> None:
        self.settings = settings
        self.inbox = settings.inbox.resolve()
        self.out = options.out_dir.resolve()
        self._load = load
        self._options = options
        self._runner = runner
        self._on_file = on_file
        self._notice = on_notice
        self._limits = limits or LimitSettings()
        self._tracker = StabilityTracker(settings.settle)
        self._events: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._ready: deque[Path] = deque()
        self._running: dict[str, _InFlight] = {}
        #: Files already dealt with that stay in the inbox (kept originals), by their size and mtime.
        self._handled: dict[Path, tuple[int, int]] = {}
        self._taken: set[str] = set()
        self._journal: Journal | None = None

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set (or, with ``once``, until the inbox is empty); finish running files."""
        check_folders(self.inbox, self.out)
        with _exclusive(self.inbox / LOCK), contextlib.closing(Journal.of_inbox(self.inbox)) as journal:
            self._journal = journal
            self._taken = journal.used_output_stems()
            self._clear_leftovers()
            with self._observer():
                self._loop(stop)
            shutil.rmtree(self.inbox / WORK, ignore_errors=True)

    # ------------------------------------------------------------------ loop
    def _loop(self, stop: threading.Event) -> None:
        next_scan = 0.0
        while True:
            now = time.monotonic()
            if not stop.is_set():
                self._drain_events(now)
                if now >= next_scan:
                    self._scan(now)
                    next_scan = now + self.settings.rescan
                ripe, rejected = self._tracker.ripe(now)
                self._ready.extend(p for p in ripe if p not in self._ready)
                for path, reason in rejected:
                    self._guarded(path, self._reject, path, reason)
                self._dispatch()
            for sha, outcome in self._runner.collect(timeout=self.settings.tick):
                flight = self._running.pop(str(sha))
                self._guarded(flight.path, self._finish, str(sha), flight, outcome)
            if self._runner.busy:
                continue
            if stop.is_set() or (self.settings.once and not self._tracker and not self._ready):
                return
            stop.wait(self.settings.tick)

    def _drain_events(self, now: float) -> None:
        while True:
            try:
                path = self._events.get_nowait()
            except queue.Empty:
                return
            if self._wanted(path):
                self._tracker.touch(path, now)

    def _scan(self, now: float) -> None:
        """Add every candidate file of the inbox not yet tracked (start-up scan and periodic rescan).

        A share that is briefly unreachable fails one scan, not the watcher: the next scan tries again.
        """
        try:
            with os.scandir(self.inbox) as entries:
                for entry in entries:
                    path = Path(entry.path)
                    if path not in self._tracker and self._wanted(path) and not entry.is_dir(follow_symlinks=False):
                        self._tracker.touch(path, now)
        except OSError as exc:
            self._notice(f"sopbaku: {self.inbox}: cannot be listed ({exc.strerror}); trying again later")

    def _wanted(self, path: Path) -> bool:
        if is_clutter(path.name) or path in self._ready or any(f.path == path for f in self._running.values()):
            return False
        handled = self._handled.get(path)
        if handled is None:
            return True
        try:
            st = path.lstat()
        except FileNotFoundError:
            return False
        return (st.st_size, st.st_mtime_ns) != handled

    def _dispatch(self) -> None:
        held: deque[Path] = deque()
        while self._ready and self._runner.free > 0:
            path = self._ready.popleft()
            if name_key(path) in {f.key for f in self._running.values()}:
                held.append(path)  # same output names as a running file: after it, so as not to overwrite
                continue
            self._guarded(path, self._take, path)
        self._ready.extendleft(reversed(held))

    def _guarded(self, path: Path, action: Callable[..., None], *args: object) -> None:
        """Run one file's step; whatever it raises is that file's problem, never the watcher's end."""
        try:
            action(*args)
        except Exception as exc:
            self._on_file(FileLog(path, "failed", error=f"internal error: {exc.__class__.__name__}: {exc}",
                                  exit_code=ExitCode.internal))

    # ------------------------------------------------------------------ one file
    def _take(self, path: Path) -> None:
        """Hash (into a work copy) and decide: new, resumed, retried, duplicate, or a move to finish."""
        journal = self._journal_open
        try:
            sha, copy = self._copy_and_hash(path)
        except FileNotFoundError:
            return  # gone before it was taken: nothing to do
        except OSError as exc:
            self._reject(path, f"cannot be read ({exc.strerror})")
            return
        entry = journal.get(sha)
        if entry is None:
            journal.add(sha, path)
        elif entry.final and entry.path == path and (self.settings.keep_originals or not _exists(entry.original)):
            # a kept original seen again, or the watcher stopped between the journal and the move
            self._discard(copy)
            self._settle_final(path, entry.original)
            return
        elif sha in self._running or entry.state == "done" or (entry.path != path and _exists(entry.path)):
            self._discard(copy)
            self._duplicate(path, sha, entry.path)
            return
        elif entry.state == "failed" or entry.path != path:
            journal.requeue(sha, path)  # dropped again after a failure (fixed setup?), or renamed while down
        elif entry.attempts >= self.settings.max_attempts:  # the watcher died every time it ran this file
            self._discard(copy)
            reason = f"gave up after {entry.attempts} attempts (the watcher stopped each time it ran)"
            self._finish(sha, _InFlight(path, copy, name_key(path)), Outcome(_failure(copy, reason)))
            return
        journal.start(sha)
        job = Job(copy, self._load, self._options, frozenset(self._taken), self.settings.timeout, self._limits)
        self._running[sha] = _InFlight(path, copy, name_key(path))
        self._runner.submit(sha, job)

    def _finish(self, sha: str, flight: _InFlight, outcome: Outcome) -> None:
        """Journal first (state, outputs, destination in one transaction), then the error note, then the move."""
        result = outcome.result
        folder = PROCESSED if result.ok else FAILED
        dest = flight.path if self.settings.keep_originals else free_name(self.inbox / folder, flight.path.name)
        self._journal_open.finish(sha, outputs=result.outputs, original=dest, seconds=result.seconds,
                                  error=result.error, exit_code=None if result.ok else int(result.exit_code))
        if not result.ok:
            note = self.inbox / FAILED / f"{dest.name}.error.txt"
            _write_note(note, f"{flight.path.name}: {result.error}\nexit code {int(result.exit_code)} "
                              f"({result.exit_code.name})\n")
        self._taken |= outcome.stems
        self._file_away(flight.path, dest)
        self._discard(flight.copy)
        self._on_file(FileLog.of(outcome, path=flight.path, original=dest))

    def _settle_final(self, path: Path, original: Path | None) -> None:
        """A finished file found again where it was dropped: remember a kept one, or finish its move."""
        if self.settings.keep_originals or original is None:
            self._remember(path)
            return
        dest = free_name(original.parent, original.name)
        self._file_away(path, dest)
        self._on_file(FileLog(path, "moved", original=dest))

    def _duplicate(self, path: Path, sha: str, first: Path) -> None:
        new = self._journal_open.add_duplicate(sha, path)
        dest = None
        if not self.settings.keep_originals:
            dest = free_name(self.inbox / DUPLICATES, path.name)
            self._file_away(path, dest)
        if new or dest is not None:
            self._on_file(FileLog(path, "duplicate", original=dest, duplicate_of=first))

    def _reject(self, path: Path, reason: str) -> None:
        """A file that cannot be processed at all (not regular, unreadable): to failed/ with its note."""
        dest = path if self.settings.keep_originals else free_name(self.inbox / FAILED, path.name)
        _write_note(self.inbox / FAILED / f"{dest.name}.error.txt", f"{path.name}: {reason}\n")
        self._file_away(path, dest)
        self._on_file(FileLog(path, "rejected", error=reason, exit_code=ExitCode.input_file, original=dest))

    def _file_away(self, path: Path, dest: Path) -> None:
        """Move the original (rename: same file system, never a copy); a kept original is only remembered."""
        if dest == path:
            self._remember(path)
            return
        dest.parent.mkdir(exist_ok=True)
        with contextlib.suppress(FileNotFoundError):  # taken away by someone while it was processed
            os.rename(path, dest)

    def _remember(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            st = path.lstat()
            self._handled[path] = (st.st_size, st.st_mtime_ns)

    # ------------------------------------------------------------------ files and folders
    def _copy_and_hash(self, path: Path) -> tuple[str, Path]:
        """Copy ``path`` into the work folder under its own name, hashing it on the way."""
        digest = hashlib.sha256()
        folder = self.inbox / WORK / f"{time.time_ns()}"
        folder.mkdir(parents=True)
        copy = folder / path.name
        try:
            with open(path, "rb") as src, open(copy, "wb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return digest.hexdigest(), copy

    @staticmethod
    def _discard(copy: Path) -> None:
        shutil.rmtree(copy.parent, ignore_errors=True)

    def _clear_leftovers(self) -> None:
        """Work copies and temporary outputs of a watcher that was killed (the originals are still in the inbox)."""
        shutil.rmtree(self.inbox / WORK, ignore_errors=True)
        for tmp in self.out.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _observer(self) -> Iterator[None]:
        """watchdog's native observer (inotify ...), or polling if asked for or if the native one fails."""
        handler = _Events(self.inbox, self._events)
        observer = PollingObserver(timeout=self.settings.poll_interval) if self.settings.polling else Observer()
        observer.schedule(handler, str(self.inbox), recursive=False)
        try:
            observer.start()
        except OSError as exc:  # e.g. the inotify watch limit: polling still works
            self._notice(f"sopbaku: file events unavailable ({exc.strerror}), polling {self.inbox} instead")
            observer = PollingObserver(timeout=self.settings.poll_interval)
            observer.schedule(handler, str(self.inbox), recursive=False)
            observer.start()
        try:
            yield
        finally:
            observer.stop()
            observer.join()

    @property
    def _journal_open(self) -> Journal:
        assert self._journal is not None, "the journal is open while the watcher runs"
        return self._journal


def check_folders(inbox: Path, out: Path) -> None:
    """The inbox must be a folder, and the output folder must not lie inside it (an endless loop)."""
    if not inbox.is_dir():
        raise ConfigError(f"{inbox.name}: the inbox is not a folder")
    if out.resolve() == inbox.resolve() or inbox.resolve() in out.resolve().parents:
        raise ConfigError(f"{inbox.name}: the output folder {out} cannot be inside the inbox")


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/<stem>-2<suffix>`` ... if taken: an original never replaces another."""
    path = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while path.exists() or Path(f"{path}.error.txt").exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _write_note(path: Path, text: str) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _failure(path: Path, reason: str) -> FileResult:
    return FileResult(path, error=reason, exit_code=ExitCode.child_process)


def _exists(path: Path | None) -> bool:
    return path is not None and os.path.lexists(path)


def _readable(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError:
        return False
    return True


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device or other special file"


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One watcher per inbox: a second one would take the same files (the lock dies with its process)."""
    with open(lock_path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"{lock_path.parent.name}: another sopbaku watch is already running on this inbox") \
                from None
        yield
