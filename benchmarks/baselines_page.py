"""docs/benchmarks.md from the figures of benchmarks/baselines.py: the machine, then one table per input format.

Kept apart from the measuring so that what the page says about a figure
(n/a and why, a failure, the machine) is decided in one place. Every reason a
tool has no figure becomes a numbered footnote, so a missing baseline is
always explained beside the table, never silently dropped.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

from benchmarks.baselines_tools import Baseline
from sopbaku.evaluate import FORMATS

REGENERATE = "bash scripts/benchmarks.sh"


class TallyLike(Protocol):
    """What the page reads of one tool's figures on one format (baselines.Tally)."""

    files: int
    pages: int
    failed: list[str]

    @property
    def rowtext(self) -> float | None: ...

    @property
    def seconds_per_page(self) -> float | None: ...


@dataclass(frozen=True)
class Machine:
    """The facts a reader needs to compare these seconds with their own."""

    cpu: str
    cores: int
    ram_gib: float
    system: str
    python: str
    tesseract: str
    libraries: dict[str, str]

    @classmethod
    def here(cls, tools: list[Baseline]) -> Machine:
        libraries = {name: version(name) for name in ("sopbaku", "opencv-python-headless", "numpy", "pandas")}
        for tool in tools:
            libraries.update({name: found for name, found in tool.versions.items() if found})
        if "opencv" in libraries:  # the img2table worker's own OpenCV, in .venv-bench
            libraries["opencv-contrib-python (img2table's venv)"] = libraries.pop("opencv")
        return cls(_cpu_model(), os.cpu_count() or 1, _ram_gib(), _system(), platform.python_version(),
                   _tesseract(), libraries)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _system() -> str:
    try:
        name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        name = ""
    return f"{name or platform.system()}, kernel {platform.release()}"


def _tesseract() -> str:
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


class Footnotes:
    """Reasons numbered in the order they are first cited; the same reason keeps its number."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def cite(self, reason: str) -> str:
        if reason not in self.reasons:
            self.reasons.append(reason)
        return f"[^{self.reasons.index(reason) + 1}]"

    def lines(self) -> list[str]:
        return [f"[^{i}]: {reason}" for i, reason in enumerate(self.reasons, 1)]


def _figure(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _why_not(tool: Baseline, fmt: str) -> str:
    """Why a tool has no figure for a format: it does not apply there, or it could not run here."""
    if not tool.applies(fmt):
        return f"Does not apply: the tool {tool.not_for[fmt]}."
    return f"{tool.name} was not run: {tool.missing}."


def _format_table(fmt: str, per_tool: dict[str, TallyLike], tools: list[Baseline], ours: str,
                  notes: Footnotes) -> list[str]:
    lines = [f"### {fmt}", "", "| reader | row text | s/page | files | pages | failed |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name in [ours, *(tool.name for tool in tools)]:
        tally = per_tool.get(name)
        label = f"**{name}**" if name == ours else name
        if tally is None:
            tool = next(t for t in tools if t.name == name)
            lines.append(f"| {label} | n/a{notes.cite(_why_not(tool, fmt))} | n/a | | | |")
            continue
        failed = str(len(tally.failed))
        if tally.failed:
            failed += notes.cite(f"{name} failed on: " + "; ".join(tally.failed) + " (scored 0).")
        lines.append(f"| {label} | {_figure(tally.rowtext, 3)} | {_figure(tally.seconds_per_page, 2)} | "
                     f"{tally.files} | {tally.pages} | {failed} |")
    return [*lines, ""]


def _summary(results: dict[str, dict[str, TallyLike]], tools: list[Baseline], ours: str,
             notes: Footnotes) -> list[str]:
    """One line per reader, one column per format: row text, n/a (with its reason) where it has no figure."""
    formats = [fmt for fmt in FORMATS if fmt in results]
    lines = ["| reader | " + " | ".join(formats) + " |", "| --- |" + " ---: |" * len(formats)]
    lines.append(f"| **{ours}** | " + " | ".join(_figure(results[fmt][ours].rowtext, 3) for fmt in formats) + " |")
    for tool in tools:
        row = [_figure(tally.rowtext, 3) if (tally := results[fmt].get(tool.name)) else
               "n/a" + notes.cite(_why_not(tool, fmt)) for fmt in formats]
        lines.append(f"| {tool.name} | " + " | ".join(row) + " |")
    return [*lines, ""]


def render_page(results: dict[str, dict[str, TallyLike]], tools: list[Baseline], machine: Machine,
                started: datetime, corpora: list[Path], scan_speed: str | None, ours: str) -> str:
    """The whole Markdown page."""
    notes = Footnotes()
    lines = [
        "# Benchmarks: sopbaku against generic table readers",
        "",
        f"Generated by `{REGENERATE}` (benchmarks/baselines.py) on {started:%Y-%m-%d %H:%M} UTC. "
        "Do not edit by hand: run the command again.",
        "",
        "Inputs: every scored file of " + ", ".join(f"`{c}`" for c in corpora) + " (the committed corpus).",
        "**Row text** is the `rowtext` figure of `sopbaku eval` (the shared scorer's definition): for each gold "
        "step, the token F1 of its kegiatan + kelengkapan + waktu + output against the best row found anywhere in "
        "the file, averaged over the gold steps, then over the files of a format. sopbaku's rows are its steps; a "
        "baseline's rows are every row of every table it found (all cells, numbers and symbol columns included; "
        "plain tesseract: every line of text). **s/page** is wall-clock seconds per page, same run, file by file "
        "(sopbaku: `extract` to JSON; baselines: the library call, pages drawn included). Every tesseract runs "
        "single-threaded; sopbaku, plain tesseract and img2table's OCR read the pages of a file in parallel on "
        "all cores.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {machine.cpu} |",
        f"| cores | {machine.cores} |",
        f"| RAM | {machine.ram_gib:.1f} GiB |",
        f"| OS | {machine.system} |",
        f"| Python | {machine.python} |",
        f"| tesseract | {machine.tesseract} (`-l ind`) |",
        "| libraries | " + ", ".join(f"{name} {found}" for name, found in machine.libraries.items()) + " |",
        "",
        "## Row text per format",
        "",
        *_summary(results, tools, ours, notes),
        "## Per format",
        "",
    ]
    for fmt in (fmt for fmt in FORMATS if fmt in results):
        lines += _format_table(fmt, results[fmt], tools, ours, notes)
    if scan_speed is not None:
        lines += ["## Scan reader against plain tesseract, page by page (benchmarks/bench_scan.py --repeat 1)", "",
                  "```text", scan_speed, "```", ""]
    lines += ["## Regenerating", "", f"    {REGENERATE}", "",
              "creates `.venv-bench` (img2table) if missing, installs the `bench` extra (camelot) into `.venv`, "
              "and rewrites this page. `.venv/bin/python -m benchmarks.baselines --help` lists the options.", ""]
    lines += notes.lines()
    return "\n".join(lines) + "\n"
