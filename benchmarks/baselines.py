"""Benchmark (not a test): sopbaku against generic table readers, written out as docs/benchmarks.md.

On the same files, in the same run, one file at a time, sopbaku and each
baseline (camelot lattice and stream, pdfplumber ``extract_tables``,
img2table with tesseract, one plain tesseract pass per page) read the input;
every tool's rows are scored with the row-text figure of ``sopbaku eval``
(:func:`sopbaku.evaluate.rowtext_of_rows`: for each gold step, the token F1
of its row text against the best row found anywhere in the file), and timed.
Per input format the page shows each tool's mean row text and seconds per
page; a baseline that cannot read a format is shown as n/a with the reason.

sopbaku is given its full model here (what ``sopbaku eval`` scores: the
steps' kegiatan, kelengkapan, waktu and output), a baseline its raw rows with
every cell, number and symbol column included: that is all such a tool has.

    bash scripts/benchmarks.sh                                   # sets up .venv-bench, writes docs/benchmarks.md
    .venv/bin/python -m benchmarks.baselines --out docs/benchmarks.md
    .venv/bin/python -m benchmarks.baselines --format image --no-scan-speed --out /tmp/b.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.baselines_page import Machine, render_page
from benchmarks.baselines_tools import Baseline, Outcome, baselines
from sopbaku import evaluate, jsonio, pipeline
from sopbaku.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = (ROOT / "corpus" / "synthetic", ROOT / "corpus")
SOPBAKU = "sopbaku"


@dataclass
class Tally:
    """One tool on the files of one format: its row-text figures, seconds, pages and failures."""

    scores: list[float] = field(default_factory=list)
    seconds: float = 0.0
    files: int = 0
    pages: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, case: evaluate.Case, score: float | None, outcome: Outcome) -> None:
        if score is not None:
            self.scores.append(score)
        self.seconds += outcome.seconds
        self.files += 1
        self.pages += case.pages
        if outcome.error:
            self.failed.append(f"{case.path.name}: {outcome.error}")

    @property
    def rowtext(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None

    @property
    def seconds_per_page(self) -> float | None:
        return self.seconds / self.pages if self.pages else None


#: format -> tool name -> its tally
Results = dict[str, dict[str, Tally]]


def sopbaku_read(path: Path, settings: Settings) -> tuple[Outcome, list[Any]]:
    """sopbaku's SOPs as JSON, timed exactly as ``sopbaku eval`` times them (extraction to JSON)."""
    start = time.perf_counter()
    try:
        sops, error = jsonio.to_json(pipeline.extract(path, settings)), ""
    except Exception as exc:  # the benchmark goes on past a failing file, as `sopbaku eval` does
        sops, error = [], f"{type(exc).__name__}: {exc}"
    return Outcome([], time.perf_counter() - start, error), sops


def cases(corpora: Iterable[Path], formats: set[str] | None) -> list[evaluate.Case]:
    """The scored inputs of each corpus folder (manifest or gold files), in format order."""
    found = [case for folder in corpora for case in evaluate.find_cases(folder)]
    found = [case for case in found if case.format in evaluate.FORMATS and (not formats or case.format in formats)]
    return sorted(found, key=lambda case: evaluate.FORMATS.index(case.format))


def measure(inputs: list[evaluate.Case], tools: list[Baseline]) -> Results:
    """Every tool on every file, file by file (so a busy moment of a shared machine hits all tools alike)."""
    settings = Settings()
    results: Results = {}
    for case in inputs:
        gold = json.loads(case.gold_path.read_text(encoding="utf-8"))
        per_tool = results.setdefault(case.format, {})
        outcome, sops = sopbaku_read(case.path, settings)
        score = evaluate.rowtext_score(gold, sops)
        per_tool.setdefault(SOPBAKU, Tally()).add(case, score, outcome)
        line = [f"{SOPBAKU} {score or 0:.2f}"]
        for tool in tools:
            if tool.missing or not tool.applies(case.format):
                continue
            outcome = tool.run(case.path, case.format)
            score = evaluate.rowtext_of_rows(gold, [evaluate.table_row(row) for row in outcome.rows])
            per_tool.setdefault(tool.name, Tally()).add(case, score, outcome)
            line.append(f"{tool.name} {score or 0:.2f}")
        print(f"  {case.path.name} ({case.format}): " + ", ".join(line), file=sys.stderr)
    return results


def scan_speed() -> str:
    """The output of bench_scan.py (scan reader against plain tesseract per page), one run of each side.

    Its failure is written on the page in one line instead of losing the figures measured before it.
    """
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scan.py"), "--repeat", "1"],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bench_scan.py failed (exit {done.returncode}): {last}"
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the page to write")
    parser.add_argument("--corpus", type=Path, nargs="+", default=list(DEFAULT_CORPORA),
                        help="folders with a manifest.json or <stem>.gold.json files")
    parser.add_argument("--format", dest="formats", action="append", choices=evaluate.FORMATS,
                        help="only inputs of this format (repeatable)")
    parser.add_argument("--bench-python", type=Path, default=ROOT / ".venv-bench" / "bin" / "python",
                        help="the interpreter of the venv that holds img2table")
    parser.add_argument("--no-scan-speed", action="store_true", help="leave out bench_scan.py's figures")
    args = parser.parse_args(argv)
    for folder in args.corpus:
        if not folder.is_dir():
            parser.error(f"{folder}: no such folder")
    inputs = cases(args.corpus, set(args.formats or ()))
    if not inputs:
        parser.error("no input with a gold file found in " + ", ".join(map(str, args.corpus)))
    os.environ["OMP_THREAD_LIMIT"] = "1"  # sopbaku's own tesseract runs are single-threaded anyway
    started = datetime.now(UTC)
    tools = baselines(args.bench_python)
    try:
        results = measure(inputs, tools)
    finally:
        for tool in tools:
            tool.close()
    speed = None if args.no_scan_speed else scan_speed()
    corpora = [folder.resolve().relative_to(ROOT) if folder.resolve().is_relative_to(ROOT) else folder
               for folder in args.corpus]
    page = render_page(results, tools, Machine.here(tools), started, corpora, speed, SOPBAKU)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
