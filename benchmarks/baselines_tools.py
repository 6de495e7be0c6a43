"""The generic readers sopbaku is compared with, each turning one input file into rows of cell texts.

A baseline knows nothing of SOPs: it finds tables (or lines of text) and
hands back every row of every page. ``benchmarks/baselines.py`` scores those
rows with the row-text figure of ``sopbaku eval``, which is the one figure
such a tool can be given. Each baseline says for which input formats it
applies, and why not for the others, so that the page shows "n/a" with a
reason instead of leaving a tool out.

Every tesseract started here runs single-threaded (``OMP_THREAD_LIMIT=1``,
as the pipeline runs it); tools that read the pages of a file in parallel
are given the machine's cores, as sopbaku's scan reader is.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2

Rows = list[list[str]]

#: Why a baseline does not apply to a format, by kind of reader.
NOT_A_PDF = "reads PDFs only (images, DOCX and text files are not)"
NO_TEXT_LAYER = "reads a PDF's text layer, and a scanned PDF has none (image-only pages, no OCR in the tool)"
NOT_AN_IMAGE = ("reads page images (PDFs and pictures); a DOCX or text file has none, and converting one first "
                "would measure the converter")
#: Resolution for OCR of a page drawn from vectors; a scanned page is read at its picture's own (150-300 dpi).
VECTOR_PAGE_DPI, MIN_DPI, MAX_DPI = 300, 150, 300
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class Outcome:
    """What one tool made of one file: its rows, the seconds it took, and an error message if it failed."""

    rows: Rows
    seconds: float
    error: str = ""


@dataclass
class Baseline:
    """One generic reader: its name, the formats it does not apply to (with the reason), and how it reads a file."""

    name: str
    read: Callable[[Path, str], Rows]
    not_for: dict[str, str]
    missing: str = ""  # why it cannot run on this machine (a package not installed), or ""
    versions: dict[str, str] = field(default_factory=dict)

    def applies(self, fmt: str) -> bool:
        return fmt not in self.not_for

    def run(self, path: Path, fmt: str) -> Outcome:
        """Read one file, timed; a crash is an outcome (no rows), never the end of the benchmark."""
        start = time.perf_counter()
        try:
            rows, error = self.read(path, fmt), ""
        except Exception as exc:  # a baseline failing on a file is a result to report
            rows, error = [], f"{type(exc).__name__}: {exc}"
        return Outcome(rows, time.perf_counter() - start, error)

    def close(self) -> None:
        """Release what the reader holds (the img2table worker); nothing for in-process readers."""


def cells(row: list[Any]) -> list[str]:
    """A table row as cell texts; an empty cell (None in pdfplumber) is ''."""
    return ["" if cell is None else str(cell) for cell in row]


# --------------------------------------------------------------------------- camelot
def camelot_rows(tables: Any) -> Rows:
    """Every row of a camelot ``TableList``, table after table."""
    return [cells(row) for table in tables for row in table.df.to_numpy().tolist()]


def camelot_reader(flavor: str) -> Callable[[Path, str], Rows]:
    def read(path: Path, fmt: str) -> Rows:
        import camelot

        with warnings.catch_warnings():  # "no tables found on page N" is a result, not news
            warnings.simplefilter("ignore")
            if flavor == "lattice":  # pdfium draws the page for line detection: no ghostscript, no fallback to it
                tables = camelot.read_pdf(str(path), pages="all", flavor="lattice", backend="pdfium",
                                          use_fallback=False, suppress_stdout=True)
            else:
                tables = camelot.read_pdf(str(path), pages="all", flavor="stream", suppress_stdout=True)
        return camelot_rows(tables)

    return read


# --------------------------------------------------------------------------- pdfplumber
def pdfplumber_read(path: Path, fmt: str) -> Rows:
    """``page.extract_tables()`` with its default (ruling lines) settings on every page."""
    with pdfplumber.open(path) as pdf:
        return [cells(row) for page in pdf.pages for table in page.extract_tables() for row in table]


# --------------------------------------------------------------------------- plain tesseract
def page_dpi(page: Any) -> int:
    """A scanned page's picture resolution (within 150-300 dpi); 300 for a page drawn from vectors."""
    natives = [image["srcsize"][0] * 72 / image["width"] for image in page.images if image.get("width")]
    if not natives:
        return VECTOR_PAGE_DPI
    return int(min(MAX_DPI, max(MIN_DPI, max(natives))))


@contextmanager
def page_images(path: Path) -> Iterator[list[Path]]:
    """The pages of a PDF drawn once each as greyscale PNGs (an image input is its own page)."""
    if path.suffix.lower() != ".pdf":
        yield [path]
        return
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp, pdfplumber.open(path) as plumber:
        document = pypdfium2.PdfDocument(path)
        try:
            pages = []
            for number, page in enumerate(document):
                scale = page_dpi(plumber.pages[number]) / 72
                out = Path(tmp) / f"page-{number + 1}.png"
                page.render(scale=scale, grayscale=True).to_pil().save(out)
                pages.append(out)
        finally:
            document.close()
        yield pages


def tesseract_lines(image: Path) -> Rows:
    """One ``tesseract page.png - -l ind``; each non-empty line of its text is a row of one cell."""
    done = subprocess.run(["tesseract", str(image), "-", "-l", "ind"], capture_output=True, check=True,
                          env=TESSERACT_ENV, text=True)
    return [[line] for line in done.stdout.splitlines() if line.strip()]


def tesseract_read(path: Path, fmt: str) -> Rows:
    """Pages drawn once, then one plain tesseract pass per page, pages in parallel as sopbaku reads them."""
    with page_images(path) as pages, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [row for rows in pool.map(tesseract_lines, pages) for row in rows]


# --------------------------------------------------------------------------- img2table (own venv)
class Img2TableWorker:
    """The img2table reader in ``.venv-bench``, kept running for the whole benchmark (see baselines_img2table.py).

    Its seconds are those the worker measured around ``extract_tables``, so
    neither the pipe nor the worker's start-up counts against it.
    """

    def __init__(self, python: Path) -> None:
        script = Path(__file__).with_name("baselines_img2table.py")
        self.process = subprocess.Popen([str(python), str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, env=TESSERACT_ENV)
        hello = self.process.stdout.readline()
        if not hello:
            raise RuntimeError(f"the img2table worker under {python} did not start")
        self.versions: dict[str, str] = json.loads(hello)

    def ask(self, path: Path, fmt: str) -> Outcome:
        request = {"path": str(path.resolve()), "scanned": fmt != "pdf-digital"}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the img2table worker died on {path.name}")
        found = json.loads(answer)
        return Outcome(found["rows"], found["seconds"], found["error"])

    def close(self) -> None:
        with suppress(OSError):  # a worker that died has closed the pipe already
            self.process.stdin.close()  # end of input: the worker's loop ends
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Img2TableBaseline(Baseline):
    """img2table + tesseract, read by the worker; a worker that died is a failure of each file left, as a crash."""

    worker: Img2TableWorker | None = None

    def run(self, path: Path, fmt: str) -> Outcome:
        if self.worker is None:
            return Outcome([], 0.0, "img2table is not available")
        try:
            return self.worker.ask(path, fmt)
        except (OSError, RuntimeError, ValueError) as exc:  # a broken pipe or a garbled answer
            return Outcome([], 0.0, f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()


def _read_by_worker(path: Path, fmt: str) -> Rows:
    """Fills the ``read`` field of the img2table baseline, whose ``run`` asks its worker instead."""
    raise NotImplementedError("img2table reads in its own venv: Img2TableBaseline.run asks the worker")


# --------------------------------------------------------------------------- the set
def _installed(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def baselines(bench_python: Path) -> list[Baseline]:
    """Every baseline, in the order of the page; one whose library is absent says so instead of running."""
    pdf_only = {"pdf-scanned": NO_TEXT_LAYER, "image": NOT_A_PDF, "docx": NOT_A_PDF, "text": NOT_A_PDF}
    pictures = {"docx": NOT_AN_IMAGE, "text": NOT_AN_IMAGE}
    camelot = _installed("camelot-py")
    no_camelot = "" if camelot else "camelot-py is not installed (`.venv/bin/pip install -e '.[bench]'`)"
    found: list[Baseline] = [
        Baseline("camelot lattice", camelot_reader("lattice"), pdf_only, no_camelot, {"camelot-py": camelot}),
        Baseline("camelot stream", camelot_reader("stream"), pdf_only, no_camelot, {"camelot-py": camelot}),
        Baseline("pdfplumber extract_tables", pdfplumber_read, pdf_only, "",
                 {"pdfplumber": _installed("pdfplumber")}),
    ]
    img2table = Img2TableBaseline("img2table + tesseract", _read_by_worker, pictures)
    if not bench_python.exists():
        img2table.missing = f"{bench_python} does not exist (`bash scripts/benchmarks.sh` creates it)"
    else:
        try:
            img2table.worker = Img2TableWorker(bench_python)
            img2table.versions = img2table.worker.versions
        except (OSError, RuntimeError, ValueError) as exc:
            img2table.missing = str(exc)
    found.append(img2table)
    found.append(Baseline("plain tesseract per page", tesseract_read, pictures, "",
                          {"pypdfium2": _installed("pypdfium2")}))
    return found
