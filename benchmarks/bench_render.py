"""Benchmark (not a test): how long rendering one SOP to the standard DOCX takes.

The target of issue 6 is a median of at most 150 ms per SOP. Every SOP of
the corpus golds (seed exports and ``corpus/synthetic``; an SOP whose content
appears under several formats' golds is timed once) is rendered with
:func:`sopbaku.render.docx.write_docx` ``--repeat`` times; the best run of each
counts (the machine may be shared) and the median, mean and worst of those
are printed as a Markdown section, wall-clock and CPU time (the CPU figure is
what a render costs whatever else runs on the machine).

    .venv/bin/python benchmarks/bench_render.py
    .venv/bin/python benchmarks/bench_render.py --repeat 5 --out docs/benchmarks-render.md
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sopbaku.jsonio import read_json, sop_to_dict
from sopbaku.model import SopSet
from sopbaku.render.docx import write_docx

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TARGET_MS = 150.0


def corpus_sops() -> list[tuple[str, SopSet, int]]:
    """(name, set, key) of every distinct SOP in the corpus golds."""
    seen: set[str] = set()
    out = []
    for gold in sorted(CORPUS.glob("*.gold.json")) + sorted((CORPUS / "synthetic").glob("*.gold.json")):
        sops = read_json(gold)
        for key in (int(k) for k in sops.sops["sop"]):
            content = sop_to_dict(sops, key)
            content.pop("source", None)
            fingerprint = json.dumps(content, sort_keys=True, ensure_ascii=False)
            if fingerprint not in seen:
                seen.add(fingerprint)
                out.append((f"{gold.name.removesuffix('.gold.json')}#{key}", sops, key))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per SOP; the best counts")
    parser.add_argument("--out", type=Path, help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    cases = corpus_sops()
    best: list[float] = []
    best_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        write_docx(*cases[0][1:], Path(tmp) / "warm.docx")  # imports and the first template load
        for name, sops, key in cases:
            runs, cpu_runs = [], []
            for _ in range(args.repeat):
                start, cpu_start = time.perf_counter(), time.process_time()
                write_docx(sops, key, Path(tmp) / "out.docx")
                runs.append((time.perf_counter() - start) * 1000)
                cpu_runs.append((time.process_time() - cpu_start) * 1000)
            best.append(min(runs))
            best_cpu.append(min(cpu_runs))
            print(f"{name:40s} {len(sops.steps[sops.steps['sop'] == key]):3d} steps {min(runs):7.1f} ms",
                  file=sys.stderr)
    median = statistics.median(best)
    lines = [
        "## Rendering one SOP (DOCX with drawn flowchart)",
        "",
        f"`.venv/bin/python benchmarks/bench_render.py --repeat {args.repeat}` on {platform.machine()}, "
        f"Python {platform.python_version()}: {len(best)} distinct corpus SOPs, best of {args.repeat} runs each.",
        "",
        "| time per SOP | median ms | mean ms | max ms | target |",
        "|---|---:|---:|---:|---:|",
        f"| wall clock | {median:.1f} | {statistics.fmean(best):.1f} | {max(best):.1f} | <= {TARGET_MS:.0f} |",
        f"| CPU | {statistics.median(best_cpu):.1f} | {statistics.fmean(best_cpu):.1f} | {max(best_cpu):.1f} | |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
