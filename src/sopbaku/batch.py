"""Many input files -> output files, one file at a time, failures kept per file.

This is the loop behind ``sopbaku run`` and ``sopbaku render``, kept out of
the CLI so the hot-folder watcher can call :func:`process_file` the same way.
A failed file never stops a batch: its error becomes a :class:`FileResult`
with a one-line reason and the exit code of its kind, and the caller decides
what to print. Nothing here prints or exits.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pathvalidate import sanitize_filename

from sopbaku import jsonio
from sopbaku.errors import ConfigError, ExitCode, SopbakuError
from sopbaku.model import SopSet

#: Turns one input file into the model: ``pipeline.extract`` for documents,
#: ``jsonio.read_json`` for `sopbaku/1` files that are only re-rendered.
Loader = Callable[[Path], SopSet]


@dataclass(frozen=True)
class OutputOptions:
    """What to write for every SOP, and where."""

    out_dir: Path
    #: A custom Word template for the DOCX (None: the shipped one).
    template: Path | None = None
    #: Also write ``<stem>.json`` (off when the input already is that JSON).
    write_json: bool = True
    #: Also write the reviewers' workbook ``<stem>.xlsx`` (off when the input is that workbook:
    #: re-rendering a reviewer's file must never overwrite it).
    write_xlsx: bool = True
    #: Also convert each DOCX to PDF with LibreOffice.
    pdf: bool = False
    #: Name the outputs after the input itself when it holds one SOP: re-rendering
    #: an edited ``<stem>.json`` written by ``run`` then replaces ``<stem>.docx``.
    keep_input_stem: bool = False


@dataclass
class FileResult:
    """What became of one input file: counts for the summary, or why it failed."""

    path: Path
    sops: int = 0
    steps: int = 0
    warnings: int = 0
    outputs: list[Path] = field(default_factory=list)
    #: One-line reason, without the file name; None when the file went through.
    error: str | None = None
    exit_code: ExitCode = ExitCode.ok
    #: The exception behind ``error``, kept so ``--debug`` can show its traceback.
    exception: BaseException | None = None
    #: Wall-clock seconds the file took (set by the runner of :mod:`sopbaku.parallel`).
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchSummary:
    """All file results of one batch, with the totals and exit code they add up to."""

    results: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def sops(self) -> int:
        return sum(r.sops for r in self.results)

    @property
    def steps(self) -> int:
        return sum(r.steps for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.warnings for r in self.results)

    @property
    def exit_code(self) -> ExitCode:
        """ok when every file went through, ``partial`` when some failed.

        When all failed, the common code of their failures if they share one
        (every file lacking tesseract is a missing dependency, not bad input),
        else ``input_file``.
        """
        failed = self.failed
        if not failed:
            return ExitCode.ok
        if len(failed) < len(self.results):
            return ExitCode.partial
        codes = {r.exit_code for r in failed}
        return codes.pop() if len(codes) == 1 else ExitCode.input_file


def find_inputs(paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """The files named on the command line, with each folder replaced by its files.

    A folder contributes its regular files (not sub-folders, links or
    devices), sorted by name, without hidden files (``.DS_Store``, editors'
    ``.~lock`` files). Our own outputs are never read back: an output folder
    inside an input folder is a sub-folder and so skipped, and an output
    folder that *is* an input folder is refused, as OCRmyPDF's watcher does.
    Files named explicitly are kept as given, missing ones included: reading
    them reports the error in its place in the batch.
    """
    out = out_dir.resolve()
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        if path.resolve() == out:
            raise ConfigError(f"{path}: the output folder cannot also be an input folder")
        with os.scandir(path) as entries:
            found.extend(sorted(
                Path(e.path) for e in entries if e.is_file(follow_symlinks=False) and not e.name.startswith(".")
            ))
    return found


def prepare_out_dir(out_dir: Path) -> Path:
    """Create the output folder up front, so a bad ``--out`` fails once, not per file."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{out_dir}: cannot create the output folder ({exc.strerror})") from exc
    return out_dir


def process_file(path: Path, load: Loader, options: OutputOptions, taken: set[str] | None = None) -> FileResult:
    """Load one file and write the outputs of each of its SOPs; never raises.

    ``taken`` collects the output stems already used in this batch, so two
    inputs that would give the same names (``a.txt`` and ``a.pdf``) do not
    overwrite each other; pass a fresh set to reuse names (a re-run).
    """
    result = FileResult(path)
    try:
        sops = load(path)
        result.sops = len(sops)
        result.steps = len(sops.steps)
        result.warnings = len(sops.warnings)
        single = path.stem if options.keep_input_stem and len(sops) == 1 else None
        write_outputs(sops, options, taken if taken is not None else set(), result.outputs, single)
    except Exception as exc:  # one bad file must not stop the batch; kept whole for --debug
        result.error, result.exit_code = describe_failure(path, exc)
        result.exception = exc
    return result


def write_outputs(
    sops: SopSet, options: OutputOptions, taken: set[str], written: list[Path], stem: str | None = None
) -> None:
    """Write JSON (one SOP per file), CSV, the reviewers' XLSX, DOCX and optionally PDF for every SOP.

    Each SOP's files are named by :func:`output_name`, or ``stem`` if given
    (only meaningful for a set of one SOP).
    Paths are appended to ``written`` as each one is finished, so a failure
    half-way (LibreOffice missing for ``--pdf``) still reports what exists.
    The renderers are imported here, not at the top, so that ``extract``
    never loads python-docx.
    """
    from sopbaku import xlsxio
    from sopbaku.render import csv as render_csv
    from sopbaku.render import docx as render_docx
    from sopbaku.render import libreoffice

    for k in (int(k) for k in sops.sops["sop"]):
        name = unique_stem(stem or output_name(sops, k), taken)
        # appended, not Path.with_suffix: a stem may hold dots ("scan.v2_sop-01")
        if options.write_json:
            json_text = jsonio.dumps(sops.one(k)) + "\n"
            written.append(_write_text_atomic(options.out_dir / f"{name}.json", json_text))
        written.append(render_csv.write_steps_csv(sops, k, options.out_dir / f"{name}.csv"))
        if options.write_xlsx:
            written.append(xlsxio.write_xlsx(sops, k, options.out_dir / f"{name}.xlsx"))
        docx = render_docx.write_docx(sops, k, options.out_dir / f"{name}.docx", template=options.template)
        written.append(docx)
        if options.pdf:
            written.append(libreoffice.convert_to_pdf(docx, options.out_dir))


def output_name(sops: SopSet, sop: int) -> str:
    """``<source file stem>_<SOP stem>``, e.g. ``scan_012_sop-01-pengukuran-kinerja``.

    The prefix keeps the outputs of different inputs apart; it is the source
    file recorded in the model, so a JSON rendered later still names the
    document it came from.
    """
    from sopbaku.render import names

    source = str(sops.sops.loc[sops.sops["sop"] == sop, "source_file"].iloc[0])
    prefix = sanitize_filename(Path(source).stem, replacement_text="_").strip() or "sop"
    return f"{prefix}_{names.output_stem(sops, sop)}"


def unique_stem(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` ... if an earlier SOP of the batch has it."""
    candidate, n = stem, 1
    while candidate.casefold() in taken:  # case-insensitive file systems collide too
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.casefold())
    return candidate


def describe_failure(path: Path | None, exc: BaseException) -> tuple[str, ExitCode]:
    """A one-line reason (without the file name) and the exit code for a failure.

    Our own errors carry their message and code; messages that already start
    with the file's name lose it, because the CLI puts the path in front.
    Anything else is a bug, reported by its exception class.
    """
    if isinstance(exc, SopbakuError):
        reason = " ".join(str(exc).split())
        own_prefix = f"{path.name}: " if path is not None else None
        if own_prefix and reason.startswith(own_prefix):
            reason = reason[len(own_prefix):]
        return reason or exc.__class__.__name__, exc.exit_code
    detail = " ".join(str(exc).split())
    reason = f"internal error: {exc.__class__.__name__}" + (f": {detail}" if detail else "")
    return reason, ExitCode.internal


def _write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text via a temporary file and a rename: no half-written JSON on a crash."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
