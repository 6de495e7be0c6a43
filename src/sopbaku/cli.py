"""The ``sopbaku`` command line: a thin shell over ``pipeline``, ``jsonio`` and ``batch``.

Every failure the user can cause ends as one line on stderr,
``sopbaku: <file>: <reason>``, and the exit code of its kind
(:class:`sopbaku.errors.ExitCode`), so scripts and the scorer can act on it;
a traceback is shown only with ``--debug``. Commands do no work of their own
beyond parsing options and printing: the batch loop lives in
:mod:`sopbaku.batch`, where the hot-folder watcher reuses it.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sopbaku import batch, jsonio, parallel, pipeline
from sopbaku.config import (
    HOURS_PER_DAY_EFFECTIVE,
    HOURS_PER_DAY_OFFICIAL,
    Conventions,
    LimitSettings,
    RoleSettings,
    Settings,
)
from sopbaku.errors import ExitCode
from sopbaku.filelog import FileLog

_DEBUG_HINT = " (run with --debug for the traceback)"


@dataclass
class _CliState:
    """Global options, set by the app callback before any command runs."""

    debug: bool = False


_state = _CliState()
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

app = typer.Typer(
    name="sopbaku",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

HoursPerDay = Annotated[
    float | None,
    typer.Option(
        "--hours-per-day",
        metavar="HOURS",
        show_default=f"{HOURS_PER_DAY_OFFICIAL:g}",
        help="Working hours in a day, used to turn 'hari' into minutes.",
    ),
]
EffectiveDay = Annotated[
    bool,
    typer.Option(
        "--effective-day",
        help=f"Count a day as the {HOURS_PER_DAY_EFFECTIVE:g}-hour effective day of workload analysis.",
    ),
]
RolesFile = Annotated[
    Path | None,
    typer.Option(
        "--roles",
        metavar="FILE",
        exists=True,
        dir_okay=False,
        readable=True,
        help="An office's own role registry (YAML, the format of normalize/roles.yaml) added to the shipped one.",
    ),
]
OutDir = Annotated[
    Path,
    typer.Option("--out", "-o", metavar="DIR", file_okay=False, help="Folder for the outputs (created if missing)."),
]
Template = Annotated[
    Path | None,
    typer.Option(
        "--template", metavar="FILE", exists=True, dir_okay=False, readable=True,
        help="A custom Word template for the DOCX instead of the shipped one.",
    ),
]
Pdf = Annotated[bool, typer.Option("--pdf", help="Also convert each DOCX to PDF with LibreOffice.")]
Workers = Annotated[
    int | None,
    typer.Option("--workers", "-j", metavar="N", min=1, show_default="every CPU busy; with --scheduler: its threads",
                 help="Files processed at once, each in its own process on one CPU of its own (its OCR too)."),
]
Timeout = Annotated[
    float,
    typer.Option("--timeout", metavar="SECONDS", min=1,
                 help="Time a file may take; its worker is then stopped and the file fails (exit code 7)."),
]
Scheduler = Annotated[
    str | None,
    typer.Option("--scheduler", metavar="ADDRESS",
                 help="Run the files on an existing Dask cluster, e.g. tcp://HOST:8786 (its workers must see them)."),
]
LogJson = Annotated[
    bool, typer.Option("--log-json", help="Log each file as one JSON object per line on stderr instead of text."),
]


@app.callback()
def _global_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of internal errors.")] = False,
) -> None:
    """Indonesian government SOP documents (SOP AP, Permenpan RB 35/2012) from any input
    to one canonical JSON model and a clean standard DOCX."""
    _state.debug = debug


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The document to read.", show_default=False)],
    hours_per_day: HoursPerDay = None,
    effective_day: EffectiveDay = False,
    roles: RolesFile = None,
) -> None:
    """Print the SOPs found in FILE as a `sopbaku/1` JSON array on stdout (an empty array if none)."""
    settings = _settings(hours_per_day, effective_day, roles)
    with _reported(file):
        sops = pipeline.extract(file, settings)
    _write_stdout(jsonio.dumps(sops) + "\n")


@app.command()
def run(
    inputs: Annotated[
        list[Path], typer.Argument(metavar="INPUT", help="Files, or folders whose files are all read.")
    ],
    out: OutDir,
    pdf: Pdf = False,
    template: Template = None,
    hours_per_day: HoursPerDay = None,
    effective_day: EffectiveDay = False,
    roles: RolesFile = None,
    workers: Workers = None,
    timeout: Timeout = parallel.DEFAULT_TIMEOUT,
    scheduler: Scheduler = None,
    log_json: LogJson = False,
) -> None:
    """Write <stem>.json, .csv, .xlsx (for reviewers) and .docx for every SOP of every INPUT into DIR, then a summary.

    A file that fails is reported in one line and the batch goes on. Exit 0 when
    all went through, 9 (partial) when some failed, the failures' code when all did.
    """
    settings = _settings(hours_per_day, effective_day, roles)
    with _reported(None):
        files = batch.find_inputs(inputs, batch.prepare_out_dir(out))
    if not files:
        _err_line("sopbaku: no input files found")
        raise typer.Exit(ExitCode.input_file)
    options = batch.OutputOptions(out, template=template, pdf=pdf)
    with _reported(None), parallel.open_runner(workers, scheduler, len(files)) as runner:
        settings = parallel.fitted(settings, runner, timeout)
        summary = _run_with_progress(files, partial(pipeline.extract, settings=settings), options, runner, timeout,
                                     log_json, settings.limits)
    _print_summary(summary, out)
    raise typer.Exit(summary.exit_code)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="A `sopbaku/1` JSON file or a reviewers' .xlsx workbook, e.g. one corrected by hand.")],
    out: OutDir,
    pdf: Pdf = False,
    template: Template = None,
) -> None:
    """Write .docx, .csv and .xlsx for every SOP in a `sopbaku/1` JSON file, or .docx, .csv and .json
    for the SOP of a reviewers' workbook (.xlsx, as `run` writes them).

    A file with one SOP (as `run` writes them) gives FILE's own stem, so an edited
    JSON or workbook replaces its DOCX; a file with several gives the names `run` would.
    A workbook is never overwritten; a value in it that cannot be taken is reported
    in one line each and kept as a warning in the SOP.
    """
    with _reported(None):
        batch.prepare_out_dir(out)
    is_xlsx = file.suffix.lower() == ".xlsx"
    options = batch.OutputOptions(out, template=template, write_json=is_xlsx, write_xlsx=not is_xlsx, pdf=pdf,
                                  keep_input_stem=True)
    if is_xlsx:
        from sopbaku import xlsxio  # openpyxl is only needed here

        load: batch.Loader = partial(xlsxio.read_xlsx, on_issue=lambda line: _err_line(f"sopbaku: {file}: {line}"))
    else:
        load = jsonio.read_json
    result = batch.process_file(file, load, options)
    if not result.ok:
        _report_failure(result)
        raise typer.Exit(result.exit_code)
    if not result.outputs:
        _err_line(f"sopbaku: {file}: holds no SOP, nothing written")
    for path in result.outputs:
        _out.print(str(path), markup=False, soft_wrap=True)


@app.command("eval")
def eval_(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Inputs with <stem>.gold.json beside them, or a manifest.json.")
    ] = Path("corpus"),
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", dir_okay=False, help="Also write every figure as JSON.")
    ] = None,
    formats: Annotated[
        list[str] | None, typer.Option("--format", metavar="FORMAT", help="Only inputs of this format (repeatable).")
    ] = None,
    hours_per_day: HoursPerDay = None,
    effective_day: EffectiveDay = False,
    roles: RolesFile = None,
) -> None:
    """Extract every input of DIR that has a gold file and print the figures per format.

    The definitions are those of the shared scorer (../shared/tools/score.py), plus
    seconds per page; one row per file, then one per format and the overall mean.
    """
    from sopbaku import evaluate  # the scorer is only needed here

    settings = _settings(hours_per_day, effective_day, roles)

    def extract_json(path: Path) -> list[dict]:
        return jsonio.to_json(pipeline.extract(path, settings))

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with _reported(folder), Progress(*columns, console=_err, transient=True, disable=not _err.is_terminal) as bar:
        task = bar.add_task("evaluating", total=None)
        report = evaluate.evaluate(folder, extract_json, formats=formats,
                                   on_file=lambda row: bar.update(task, advance=1, description=row.file))
    if not report.files:
        _err_line(f"sopbaku: {folder}: no input with a gold file found")
        raise typer.Exit(ExitCode.input_file)
    wide = _out if _out.is_terminal else Console(highlight=False, width=170)
    for row in report.files:
        if row.status != "ok":
            _err_line(f"sopbaku: {row.file}: {row.status}: {row.error}")
        figures = "  ".join(f"{k}={v:.3f}" for k, v in row.score.components().items() if v is not None)
        wide.print(f"{row.file:42} {row.format:12} {row.seconds:6.2f}s  {figures}", markup=False, soft_wrap=True)
    wide.print(report.table())
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _out.print(f"figures written to {json_out}", markup=False, soft_wrap=True)


_VERSION_HELP = "version: a source file, a `sopbaku/1` JSON file or a folder of them."


@app.command()
def diff(
    a: Annotated[Path, typer.Argument(metavar="A", help=f"The old {_VERSION_HELP}")],
    b: Annotated[Path, typer.Argument(metavar="B", help=f"The new {_VERSION_HELP}")],
    html: Annotated[Path | None, typer.Option(
        "--html", metavar="FILE", dir_okay=False, help="Also write the side-by-side HTML page.")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE", dir_okay=False, help="Also write the differences as JSON.")] = None,
    hours_per_day: HoursPerDay = None,
    effective_day: EffectiveDay = False,
    roles: RolesFile = None,
) -> None:
    """Compare the SOPs of A (old) and B (new): steps aligned, so insertions, deletions, moves and
    renumbering show as such. Exit 0 when the same, 1 when different, 2 on any error."""
    from sopbaku import compare
    from sopbaku.render import diff_html, diff_terminal

    settings = _settings(hours_per_day, effective_day, roles)
    try:
        with _reported(None):
            load = partial(pipeline.extract, settings=settings)
            result = compare.compare(compare.load_side(a, load), compare.load_side(b, load), str(a), str(b))
            if html is not None:
                diff_html.write_diff_html(result, html)
            if json_out is not None:
                json_out.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    except typer.Exit as exc:  # scripts get one code for every failure of a diff (README)
        raise typer.Exit(ExitCode.bad_args) from exc
    _out.print(diff_terminal.diff_renderable(result))
    raise typer.Exit(ExitCode.ok if result.same else ExitCode.different)


@app.command()
def review(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The document (or its `sopbaku/1` JSON) to review.")],
    out: OutDir,
    hours_per_day: HoursPerDay = None,
    effective_day: EffectiveDay = False,
    roles: RolesFile = None,
) -> None:
    """Write DIR/<stem>.review.html: each step's cells beside the crop of the page they were read from."""
    from sopbaku.ingest.page_images import page_images
    from sopbaku.render import review_html

    settings = _settings(hours_per_day, effective_day, roles)
    with _reported(file):
        batch.prepare_out_dir(out)
        sops = jsonio.read_json(file) if file.suffix.lower() == ".json" else pipeline.extract(file, settings)
        pages = {} if file.suffix.lower() == ".json" else page_images(file, review_html.pages_needed(sops))
        path = review_html.write_review_html(sops, pages, file.name, out / f"{file.stem}.review.html")
    _out.print(str(path), markup=False, soft_wrap=True)


@app.command()
def watch(
    inbox: Annotated[Path, typer.Argument(metavar="INBOX", help="The folder documents are dropped into.")],
    out: OutDir,
    keep_originals: Annotated[bool, typer.Option(
        "--keep-originals", help="Leave originals in INBOX instead of moving them to processed/ or failed/.")] = False,
    polling: Annotated[bool, typer.Option(
        "--polling", help="Poll the folder instead of waiting for file events (NFS/SMB shares).")] = False,
    settle: Annotated[float, typer.Option(
        "--settle", metavar="SECONDS", min=0, help="How long a file must stay unchanged before it is taken.")] = 5.0,
    rescan: Annotated[float, typer.Option(
        "--rescan", metavar="SECONDS", min=1, help="Full scan of INBOX this often, for events that got lost.")] = 60.0,
    once: Annotated[bool, typer.Option("--once", help="Process what is in INBOX now, then exit.")] = False,
    pdf: Pdf = False,
    template: Template = None,
    hours_per_day: HoursPerDay = None,
    effective_day: EffectiveDay = False,
    roles: RolesFile = None,
    workers: Workers = None,
    timeout: Timeout = parallel.DEFAULT_TIMEOUT,
    scheduler: Scheduler = None,
    log_json: LogJson = False,
) -> None:
    """Watch INBOX and write the outputs of every document dropped there into DIR, each file exactly once.

    Originals go to INBOX/processed/, INBOX/failed/ (with <name>.error.txt) or
    INBOX/duplicates/ (same content as an earlier file); a journal in INBOX
    remembers every file, so a restarted watcher resumes where it stopped.
    Stops on Ctrl-C or SIGTERM after the files in progress.
    """
    from sopbaku import watch as hot_folder  # watchdog is only needed here

    settings = _settings(hours_per_day, effective_day, roles)
    config = hot_folder.WatchSettings(inbox, out, keep_originals=keep_originals, polling=polling, settle=settle,
                                      rescan=rescan, timeout=timeout, once=once)
    stop = threading.Event()

    def stop_softly(signum: int, _frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # the second Ctrl-C: stop now (the files in progress resume next time)
        stop.set()
        _err_line("sopbaku: stopping after the files in progress (Ctrl-C again to stop now)")

    signal.signal(signal.SIGTERM, stop_softly)
    signal.signal(signal.SIGINT, stop_softly)
    try:
        with _reported(inbox), parallel.open_runner(workers, scheduler) as runner:
            settings = parallel.fitted(settings, runner, timeout)
            hot_folder.check_folders(inbox, out)
            options = batch.OutputOptions(batch.prepare_out_dir(out), template=template, pdf=pdf)
            watcher = hot_folder.Watcher(config, partial(pipeline.extract, settings=settings), options, runner,
                                         on_file=lambda entry: _log_file(entry, log_json),
                                         on_notice=lambda line: _err_line(line), limits=settings.limits)
            if not once:
                _err_line(f"sopbaku: watching {inbox}, outputs to {out} ({runner.slots} at a time; Ctrl-C stops)")
            watcher.run(stop)
    except KeyboardInterrupt:  # the second Ctrl-C: the workers were stopped, the journal is consistent
        raise typer.Exit(130) from None


@app.command()
def status(
    inbox: Annotated[Path, typer.Argument(metavar="INBOX", help="A folder `sopbaku watch` works on.")],
    last: Annotated[int, typer.Option("--last", metavar="N", min=0, help="How many recent failures to list.")] = 10,
) -> None:
    """Show how many files of INBOX's journal are queued, running, done, failed and duplicate."""
    from sopbaku import journal as hot_journal

    path = inbox / hot_journal.JOURNAL_NAME
    if not path.is_file():
        _err_line(f"sopbaku: {inbox}: no journal here (no `sopbaku watch` has run on this folder)")
        raise typer.Exit(ExitCode.input_file)
    with _reported(inbox):
        journal = hot_journal.Journal(path)
        try:
            counts = journal.counts(last)
        finally:
            journal.close()
    table = Table(title=f"sopbaku watch: {inbox}")
    for state in (*counts.states, "duplicate"):
        table.add_column(state, justify="right")
    table.add_row(*(str(n) for n in counts.states.values()), str(counts.duplicates))
    _out.print(table)
    if counts.last_failures:
        failures = Table(title="latest failures")
        for column in ("file", "when (UTC)", "exit", "reason"):
            failures.add_column(column, overflow="fold")
        for entry in counts.last_failures:
            failures.add_row(escape(entry.path.name), entry.updated_at[:19].replace("T", " "),
                             str(entry.exit_code), escape(entry.error or ""))
        _out.print(failures)


def main() -> None:
    """Console-script entry point: the app, with a last net for errors no command caught."""
    try:
        app()
    except Exception as exc:  # the promise is one line and an exit code, never a bare traceback
        reason, code = batch.describe_failure(None, exc)
        _err_line(f"sopbaku: {reason}", exc, code)
        raise SystemExit(code) from None


# --------------------------------------------------------------------------- helpers
def _settings(hours_per_day: float | None, effective_day: bool, roles: Path | None) -> Settings:
    """The pipeline settings from the shared options; the two day lengths exclude each other."""
    if effective_day and hours_per_day is not None:
        raise typer.BadParameter("give either --hours-per-day or --effective-day, not both")
    hours = HOURS_PER_DAY_EFFECTIVE if effective_day else hours_per_day
    if hours is None:
        hours = HOURS_PER_DAY_OFFICIAL
    if not 0 < hours <= 24:
        raise typer.BadParameter(f"{hours:g} is not a number of hours in a day", param_hint="--hours-per-day")
    return Settings(conventions=Conventions(hours_per_day=hours), roles=RoleSettings(extra_registry=roles))


@contextmanager
def _reported(path: Path | None) -> Iterator[None]:
    """Turn any exception of the block into one stderr line about ``path`` and its exit code."""
    try:
        yield
    except Exception as exc:
        reason, code = batch.describe_failure(path, exc)
        _err_line(f"sopbaku: {path}: {reason}" if path is not None else f"sopbaku: {reason}", exc, code)
        raise typer.Exit(code) from exc


def _run_with_progress(
    files: list[Path], load: batch.Loader, options: batch.OutputOptions, runner: parallel.Runner, timeout: float,
    log_json: bool, limits: LimitSettings,
) -> batch.BatchSummary:
    """:func:`sopbaku.parallel.run_batch` under a progress bar on stderr (terminals only: in CI logs and
    pipes a bar is noise); failures reported as they happen, every file with ``--log-json``."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True, disable=not _err.is_terminal) as progress:
        task = progress.add_task(f"{runner.slots} at a time", total=len(files))

        def done(outcome: parallel.Outcome) -> None:
            if log_json:
                _log_file(FileLog.of(outcome), log_json)
            elif not outcome.result.ok:  # the ok files and every file's time: in the summary table
                _report_failure(outcome.result)
            progress.advance(task)

        return parallel.run_batch(files, load, options, runner, timeout, on_done=done, limits=limits)


def _log_file(entry: FileLog, log_json: bool, exc: BaseException | None = None) -> None:
    """One line per file on stderr: text (failures as ``sopbaku: <file>: <reason>``) or a JSON object."""
    if log_json:
        _err.print(entry.json(), markup=False, soft_wrap=True, highlight=False)
    else:
        _err_line(entry.text(), exc, entry.exit_code)


def _print_summary(summary: batch.BatchSummary, out: Path) -> None:
    """One row per file (by name: the failure lines above give full paths) and a totals footer."""
    n_files, n_failed = len(summary.results), len(summary.failed)
    status = f"{n_files - n_failed} ok" + (f", {n_failed} failed" if n_failed else "")
    table = Table(show_footer=True)
    table.add_column("file", footer=f"{n_files} file{'s' if n_files != 1 else ''}", overflow="fold")
    table.add_column("SOPs", footer=str(summary.sops), justify="right")
    table.add_column("steps", footer=str(summary.steps), justify="right")
    table.add_column("warnings", footer=str(summary.warnings), justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("status", footer=status)
    for r in summary.results:
        state = "ok" if r.ok else f"[red]failed[/red] ({r.exit_code.name})"
        seconds = "" if r.seconds is None else f"{r.seconds:.2f}"
        table.add_row(escape(r.path.name), str(r.sops), str(r.steps), str(r.warnings), seconds, state)
    (_out if _out.is_terminal else Console(highlight=False, width=170)).print(table)  # logs: no folded names
    _out.print(f"outputs in {out}", markup=False, soft_wrap=True)


def _report_failure(result: batch.FileResult) -> None:
    _err_line(f"sopbaku: {result.path}: {result.error}", result.exception, result.exit_code)


def _err_line(line: str, exc: BaseException | None = None, code: ExitCode = ExitCode.ok) -> None:
    """One unwrapped line on stderr; for internal errors the traceback (--debug) or a hint."""
    if exc is not None and _state.debug:
        _err.print("".join(traceback.format_exception(exc)), markup=False, end="", soft_wrap=True)
    if code == ExitCode.internal and not _state.debug:
        line += _DEBUG_HINT
    _err.print(line, markup=False, soft_wrap=True)


def _write_stdout(text: str) -> None:
    """UTF-8 on stdout whatever the locale, as the JSON contract promises."""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
