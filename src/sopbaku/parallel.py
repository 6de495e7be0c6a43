"""Files processed side by side, each in a process of its own that is killed at its time limit.

Why a process per file rather than a long-lived pool: a parser stuck in a
malformed PDF cannot be interrupted from inside Python, and killing a worker
of ``ProcessPoolExecutor`` breaks the whole pool. So every file runs in a
child forked from a *forkserver* that has already imported the pipeline and
the renderers: the fork costs milliseconds, the child can be killed at the
limit without harm to anything else, and its memory goes back to the system
when the file is done (a worker's peak stays flat however long the batch).
A worker that dies (OOM killer, segfault) is one failed file, not a stuck batch.

A worker is one CPU's worth of work, as a Dask worker with one thread is:
each slot of the runner has its :class:`Share` of the CPUs, and the process
of the file it runs is pinned to it (Linux), so the file's tesseract
processes and OpenCV threads stay there too. ``--workers N`` is N slots of
one CPU each, so that 2 workers do twice the work of 1 and never fight over
a CPU; unset, every CPU is busy (a batch of fewer files than CPUs gives each
file several, and it reads its pages in parallel on them). The longest files
start first, so that no long scan runs alone at the end.

The same :class:`Runner` drives both backends. Locally, a thread per slot
starts and watches the child. With ``--scheduler``, the same task is sent to
an existing Dask cluster; a Dask worker is a daemon process that may not
have children, so there the file runs inside the worker and the runner's own
deadline on the future reports it as timed out.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import multiprocessing
import multiprocessing.forkserver
import os
import re
import resource
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

from pathvalidate import sanitize_filename

from sopbaku.batch import BatchSummary, FileResult, Loader, OutputOptions, process_file
from sopbaku.config import LimitSettings, Settings
from sopbaku.errors import ConfigError, ExitCode, MissingDependencyError
from sopbaku.ingest import guards

#: Seconds a file may take by default before its worker is killed: the pipeline's own per-file limit.
DEFAULT_TIMEOUT = LimitSettings.per_file_seconds
#: What the forkserver imports once, so that each forked child starts warm (``__main__``: else every
#: child imports the main script again, as spawned children do).
_PRELOAD = ["__main__", "sopbaku.parallel", "sopbaku.pipeline", "sopbaku.warmup"]
#: Extra seconds the runner grants a Dask future over the file's own limit (transfer, scheduling).
_DASK_GRACE = 3.0
_PR_SET_PDEATHSIG = 1
#: A page object in a PDF's bytes (not ``/Pages``, the tree above them): pages counted without a parser.
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
#: The workers running now, so that Ctrl-C can stop them all at once.
_children: set[multiprocessing.process.BaseProcess] = set()
_children_lock = threading.Lock()


class RemoteError(Exception):
    """An exception raised in a worker, carried back as its formatted traceback (for ``--debug``)."""


@dataclass(frozen=True)
class Share:
    """The part of the machine one slot runs its files on: what a worker is."""

    #: CPUs the file's process and the programs it starts may run on; empty: any (more slots than CPUs,
    #: where the kernel balances them better than a fixed CPU each).
    cpus: frozenset[int]
    #: Threads the file keeps busy: pages read at once, OpenCV's pool.
    threads: int


@dataclass(frozen=True)
class Job:
    """One file to turn into outputs, with everything a worker needs (it is pickled to the worker)."""

    path: Path
    load: Loader
    options: OutputOptions
    #: Output stems already used by other files (casefolded): this file's outputs get ``-2`` ... instead.
    taken: frozenset[str] = frozenset()
    timeout: float = DEFAULT_TIMEOUT
    #: The pipeline's limits; their memory cap is applied to the worker process (not to a Dask worker).
    limits: LimitSettings = field(default_factory=LimitSettings)
    #: The slot's share, applied in the file's process; None in a Dask worker, whose process is not ours
    #: to pin (one thread per file there, by :func:`fitted`).
    share: Share | None = None


@dataclass
class Outcome:
    """What became of one job, and what it cost."""

    result: FileResult
    #: Peak resident memory of the process that ran the file, in KiB (None when it was killed).
    peak_rss_kib: int | None = None

    @property
    def stems(self) -> set[str]:
        """The output stems the file used (casefolded), to be kept from later files of the batch."""
        return {p.name.rsplit(".", 1)[0].casefold() for p in self.result.outputs}


def run_job(job: Job) -> Outcome:
    """Run one job in a child process killed at ``job.timeout``; never raises.

    Where children are not allowed (inside a Dask worker) the file runs here.
    """
    if multiprocessing.current_process().daemon:
        return _run_here(job)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(sender, job), name=f"sopbaku:{job.path.name}")
    with _children_lock:
        child.start()  # the first start waits for the forkserver's preload: not the file's time
        _children.add(child)
    start = time.monotonic()
    sender.close()
    try:
        if not receiver.poll(job.timeout):  # returns on data, or on end of file if the child died
            child.kill()
            return _failed(job.path, start, f"timed out after {job.timeout:g} s (its worker was stopped)")
        try:
            return receiver.recv()
        except EOFError:
            child.join(5)
            return _failed(job.path, start, f"the worker process died ({_exit_reason(child.exitcode)})")
    finally:
        child.join(5)  # it has sent its outcome and is exiting
        if child.is_alive():
            child.kill()
            child.join()
        with _children_lock:
            _children.discard(child)
        receiver.close()


def stop_all() -> None:
    """Kill every worker of this process now (Ctrl-C): their files are abandoned, never half-written."""
    with _children_lock:
        for child in _children:
            child.kill()


class Runner:
    """At most ``slots`` jobs in flight on an executor; results collected as they finish.

    Used by ``sopbaku run`` (a fixed list) and by the watcher (files as they
    arrive) alike. Locally the child is killed at its limit and runs on the
    share of a free slot (``shares``, one per slot); on a ``remote`` (Dask)
    executor only the future can be given up on, a few seconds past the
    limit, and the paths are made absolute for workers that run elsewhere.
    """

    def __init__(self, executor: Executor, slots: int, remote: bool = False, shares: Sequence[Share] = ()) -> None:
        self._executor = executor
        self.slots = slots
        self._grace = _DASK_GRACE if remote else None
        self._free_shares: deque[Share] = deque(shares)
        #: Pages one file reads at once: as many as the smallest share has threads; one on a Dask cluster.
        self.threads_per_file = min((s.threads for s in shares), default=1)
        self._running: dict[Future[Outcome], tuple[Hashable, Job, float]] = {}

    @property
    def free(self) -> int:
        return self.slots - len(self._running)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def submit(self, tag: Hashable, job: Job) -> None:
        if self._grace is not None:  # a remote worker has a working folder of its own
            job = _absolute(job)
        if self._free_shares:
            job = replace(job, share=self._free_shares.popleft())
        self._running[self._executor.submit(run_job, job)] = (tag, job, time.monotonic())

    def collect(self, timeout: float | None) -> list[tuple[Hashable, Outcome]]:
        """Wait up to ``timeout`` seconds for at least one job; return every job that ended."""
        if not self._running:
            return []
        done, _ = wait(list(self._running), timeout=self._wait_time(timeout), return_when=FIRST_COMPLETED)
        ended = []
        for future in done:
            tag, job, started = self._running.pop(future)
            if job.share is not None:
                self._free_shares.append(job.share)
            ended.append((tag, self._outcome(future, job, started)))
        if self._grace is not None:
            now = time.monotonic()
            for future, (tag, job, started) in list(self._running.items()):
                if now - started > job.timeout + self._grace:
                    future.cancel()
                    del self._running[future]
                    ended.append((tag, _failed(job.path, started, f"timed out after {job.timeout:g} s")))
        return ended

    def _wait_time(self, timeout: float | None) -> float | None:
        if self._grace is None:
            return timeout
        now = time.monotonic()
        nearest = min(started + job.timeout + self._grace for _, job, started in self._running.values()) - now
        return max(0.0, nearest if timeout is None else min(timeout, nearest))

    @staticmethod
    def _outcome(future: Future[Outcome], job: Job, started: float) -> Outcome:
        try:
            return future.result()
        except Exception as exc:  # the backend failed (a lost Dask worker): this file failed, not the batch
            return _failed(job.path, started, f"the worker was lost ({exc.__class__.__name__}: {exc})")


@contextmanager
def open_runner(workers: int | None = None, scheduler: str | None = None, files: int | None = None) -> Iterator[Runner]:
    """A runner with a local thread per slot, each slot on its share of the CPUs (:func:`shares`), or on
    the Dask cluster at ``scheduler``.

    Locally, ``workers`` unset keeps every CPU busy (``files``, the batch's
    size where known, lets fewer files have more CPUs each); with Dask it is
    the cluster's thread count (more slots than threads would only queue
    there, and the deadline on a queued future would run out before it starts).
    """
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}")
    if scheduler is None:
        planned = shares(workers, files)
        with ThreadPoolExecutor(max_workers=len(planned), thread_name_prefix="sopbaku-slot") as pool:
            try:
                yield Runner(pool, len(planned), shares=planned)
            except BaseException:  # Ctrl-C, or the caller failed: do not wait for the files in progress
                stop_all()
                raise
        return
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("--scheduler needs the 'distributed' package") from exc
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from exc
    try:
        slots = workers or max(1, sum(client.nthreads().values()))
        yield Runner(client.get_executor(pure=False), slots, remote=True)
    finally:
        client.close()


def shares(workers: int | None, files: int | None = None) -> list[Share]:
    """One :class:`Share` per slot of a local runner: how many files run at once, and on which CPUs.

    ``workers`` given: that many slots of one CPU each, as that many Dask
    workers of one thread: "1 worker" is one CPU's worth of work however
    many the machine has, and N workers do N times its work. More workers
    than CPUs are not pinned (the kernel balances them; each still one
    thread). Unset: every CPU busy, a slot per CPU, or, for a batch of
    fewer ``files`` than CPUs, fewer slots with several CPUs each (a lone
    20-page scan then reads its pages on every CPU).
    """
    cpus = usable_cpus()
    if workers is None:
        slots = max(1, min(len(cpus), files or len(cpus)))
        groups = [cpus[i::slots] for i in range(slots)]
        return [Share(frozenset(group), len(group)) for group in groups]
    if workers <= len(cpus):
        return [Share(frozenset({cpu}), 1) for cpu in cpus[:workers]]
    return [Share(frozenset(), 1)] * workers


def usable_cpus() -> list[int]:
    """The CPUs this process may run on (its affinity, which ``taskset`` and container CPU sets narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))  # pragma: no cover - not Linux


def fitted(settings: Settings, runner: Runner, timeout: float = DEFAULT_TIMEOUT) -> Settings:
    """``settings`` whose limits match the batch: ``timeout`` becomes the per-file limit (an OCR process dies
    by then too), and each file reads as many pages at once as its slot has CPUs, so that N files at once
    do not oversubscribe the machine (on a Dask cluster, one thread per file)."""
    limits = replace(settings.limits, per_file_seconds=timeout, cpus_per_file=runner.threads_per_file)
    return replace(settings, limits=limits)


def run_batch(
    files: Sequence[Path],
    load: Loader,
    options: OutputOptions,
    runner: Runner,
    timeout: float = DEFAULT_TIMEOUT,
    on_done: Callable[[Outcome], None] | None = None,
    limits: LimitSettings | None = None,
) -> BatchSummary:
    """Every file through ``runner``, the longest first; the summary lists them in input order.

    Longest first (by :func:`estimated_cost`): a long scan started last
    would run alone at the end while the other slots idle. Two inputs with
    the same stem (``a.txt``, ``a.pdf``) would name their outputs alike, so
    they run one after the other in input order, each avoiding the names of
    those before it, as the sequential loop did with its shared ``taken``
    set: the outputs are named as in input order, whichever file is longer.
    """
    limits = limits or LimitSettings()
    keys = [name_key(path) for path in files]
    turns: dict[str, deque[int]] = {}  # the files of each output name, in input order
    for index, key in enumerate(keys):
        turns.setdefault(key, deque()).append(index)
    costs = [estimated_cost(path, limits) for path in files]
    waiting = sorted(range(len(files)), key=costs.__getitem__, reverse=True)  # stable: ties in input order
    in_flight: set[str] = set()
    taken: set[str] = set()
    results: dict[int, FileResult] = {}
    while waiting or runner.busy:
        ready = (i for i in waiting if keys[i] not in in_flight and turns[keys[i]][0] == i)
        for index in list(islice(ready, runner.free)):
            waiting.remove(index)
            turns[keys[index]].popleft()
            in_flight.add(keys[index])
            runner.submit(index, Job(files[index], load, options, frozenset(taken), timeout, limits))
        for index, outcome in runner.collect(timeout=None):
            in_flight.discard(keys[index])
            taken |= outcome.stems
            results[index] = outcome.result
            if on_done is not None:
                on_done(outcome)
    return BatchSummary([results[i] for i in sorted(results)])


def estimated_cost(path: Path, limits: LimitSettings | None = None) -> int:
    """How long a file should take, next to the others of its batch: its pages times its size in bytes.

    Only an order is needed, and it must be cheap and safe on any input, as
    it is taken in the runner before any file starts: a PDF's pages are its
    page objects counted in its raw bytes (no parser, which a malformed file
    could hang), one when none is found (they are compressed in object
    streams) or the file is over the size limit; any other file is one
    page. A file that cannot be read costs 0 and goes last, to fail in turn.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    if path.suffix.lower() != ".pdf" or not 0 < size <= (limits or LimitSettings()).max_file_bytes:
        return size
    try:
        with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            pages = sum(1 for _ in _PDF_PAGE.finditer(data))
    except OSError:
        return size
    return size * max(pages, 1)


def name_key(path: Path) -> str:
    """The part of the output names that comes from the input file (as ``batch.output_name`` makes it)."""
    return (sanitize_filename(path.stem, replacement_text="_").strip() or "sop").casefold()


def _absolute(job: Job) -> Job:
    options = job.options
    template = options.template.absolute() if options.template is not None else None
    options = replace(options, out_dir=options.out_dir.absolute(), template=template)
    return replace(job, path=job.path.absolute(), options=options)


# --------------------------------------------------------------------------- worker side
def _context() -> multiprocessing.context.BaseContext:
    """The forkserver context (fork where there is none), with the pipeline preloaded in the server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux/macOS
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _child_main(sender: Connection, job: Job) -> None:
    """In the child: die with the watcher, leave Ctrl-C to the parent, run the file, send the outcome."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    guards.apply_worker_limits(job.limits)
    if job.share is not None:
        _confine(job.share)
    outcome = _run_here(job)
    with contextlib.suppress(BrokenPipeError):  # the watcher was killed while this file ran: nobody to tell
        sender.send(outcome)
    sender.close()


def _confine(share: Share) -> None:
    """Keep this process, its threads and the programs it starts (tesseract) on the slot's share.

    Pinned first, before any thread starts: threads and child processes
    inherit the mask. OpenCV's pool is sized to the share, or it would keep
    a thread per CPU of the machine on this one. numpy's BLAS is left alone:
    the pipeline only multiplies 3x3 matrices, which BLAS never splits, and
    the mask holds any thread it starts. Where pinning is unavailable (not
    Linux) or refused, the file runs unpinned, its thread count still set.
    """
    if share.cpus and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):  # a CPU taken away since the plan (a container's CPU set changed)
            os.sched_setaffinity(0, share.cpus)
    import cv2  # loaded in the forkserver by the scan reader; only a child needs it, not the runner

    cv2.setNumThreads(share.threads)


def _run_here(job: Job) -> Outcome:
    start = time.monotonic()
    result = process_file(job.path, job.load, job.options, set(job.taken))
    if result.exception is not None:  # tracebacks do not pickle; their text does
        text = "".join(traceback.format_exception(result.exception))
        result.exception = RemoteError(text)
    result.seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Outcome(result, peak if sys.platform != "darwin" else peak // 1024)


def _die_with_parent() -> None:
    """Die as soon as the process that asked for this file (the watcher, ``run``) is gone, even by ``kill -9``.

    The forkserver exits when that process does, provided no child holds its
    "alive" pipe open; but every forked child inherits that pipe (so that it
    could start processes of its own through the server, which ours never
    do). Closing it here lets the server exit, and Linux then kills this
    child, its parent being gone. Without this an orphaned child would go on
    writing outputs beside the restarted watcher working on the same file.
    """
    if sys.platform.startswith("linux"):  # first: while this child holds the pipe, the server cannot be gone
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    alive_fd = getattr(server, "_forkserver_alive_fd", None)
    if alive_fd is not None:
        os.close(alive_fd)
        server._forkserver_alive_fd = None


def _failed(path: Path, start: float, reason: str) -> Outcome:
    return Outcome(FileResult(path, error=reason, exit_code=ExitCode.child_process, seconds=time.monotonic() - start))


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"
