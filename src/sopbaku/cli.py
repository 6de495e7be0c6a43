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
import sys
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

from sopbaku import batch, jsonio, pipeline
from sopbaku.config import HOURS_PER_DAY_EFFECTIVE, HOURS_PER_DAY_OFFICIAL, Conventions, RoleSettings, Settings
from sopbaku.errors import ExitCode

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
) -> None:
    """Write <stem>.json, .csv and .docx for every SOP of every INPUT into DIR, then a summary.

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
    summary = _run_with_progress(files, partial(pipeline.extract, settings=settings), options)
    _print_summary(summary, out)
    raise typer.Exit(summary.exit_code)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A `sopbaku/1` JSON file, e.g. one corrected by hand.")],
    out: OutDir,
    pdf: Pdf = False,
    template: Template = None,
) -> None:
    """Write .docx and .csv for every SOP in a `sopbaku/1` JSON file.

    A file with one SOP (as `run` writes them) gives FILE's own stem, so an edited
    JSON replaces its DOCX; a file with several gives the names `run` would.
    """
    with _reported(None):
        batch.prepare_out_dir(out)
    options = batch.OutputOptions(out, template=template, write_json=False, pdf=pdf, keep_input_stem=True)
    result = batch.process_file(file, jsonio.read_json, options)
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


def _run_with_progress(files: list[Path], load: batch.Loader, options: batch.OutputOptions) -> batch.BatchSummary:
    """The batch loop of :mod:`sopbaku.batch` under a progress bar on stderr (terminals only:
    in CI logs and pipes a bar is noise)."""
    summary = batch.BatchSummary()
    taken: set[str] = set()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True, disable=not _err.is_terminal) as progress:
        task = progress.add_task("", total=len(files))
        for path in files:
            progress.update(task, description=path.name)
            result = batch.process_file(path, load, options, taken)
            summary.results.append(result)
            if not result.ok:
                _report_failure(result)
            progress.advance(task)
    return summary


def _print_summary(summary: batch.BatchSummary, out: Path) -> None:
    """One row per file (by name: the failure lines above give full paths) and a totals footer."""
    n_files, n_failed = len(summary.results), len(summary.failed)
    status = f"{n_files - n_failed} ok" + (f", {n_failed} failed" if n_failed else "")
    table = Table(show_footer=True)
    table.add_column("file", footer=f"{n_files} file{'s' if n_files != 1 else ''}", overflow="fold")
    table.add_column("SOPs", footer=str(summary.sops), justify="right")
    table.add_column("steps", footer=str(summary.steps), justify="right")
    table.add_column("warnings", footer=str(summary.warnings), justify="right")
    table.add_column("status", footer=status)
    for r in summary.results:
        state = "ok" if r.ok else f"[red]failed[/red] ({r.exit_code.name})"
        table.add_row(escape(r.path.name), str(r.sops), str(r.steps), str(r.warnings), state)
    _out.print(table)
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
