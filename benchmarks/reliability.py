"""Write ``docs/reliability.md``: what sopbaku was given that it should refuse, and what came of it.

Every figure in the page is measured when it is generated, never typed in:

1. the bad-input corpus of ``tests/resources/bad`` (plus the big hostile
   files generated on the spot) through ``sopbaku extract``, one process
   each, as a user runs it: exit code, the one stderr line, seconds, and the
   file's SHA-256 before and after;
2. the last long fuzz run (``benchmarks/results/fuzz.json``, written by
   ``python -m benchmarks.fuzz``), or a short one run now with ``--fuzz-seconds``;
3. the kill -9 test of the hot folder (``tests/test_watch_kill.py``), run now.

Usage::

    python -m benchmarks.reliability [--fuzz-seconds 120] [--out docs/reliability.md]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import fuzz
from sopbaku.config import LimitSettings
from tests.test_bad_inputs import EXPECTED, TIMEOUT, bad_corpus, extract

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "reliability.md"
KILL_TEST = "tests/test_watch_kill.py"


def bad_input_section() -> tuple[list[str], dict[str, int]]:
    """The bad corpus through the CLI: a table row per file, and the totals that must all be 0."""
    totals = {"inputs": 0, "crashes": 0, "hangs": 0, "files lost or changed": 0, "unexpected exit codes": 0}
    rows = ["| file | exit | CPU s | what the user is told | original intact |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        for name, path in bad_corpus(Path(folder)).items():
            totals["inputs"] += 1
            run = extract(path)
            if run.hung:
                totals["hangs"] += 1
                rows.append(f"| `{name}` | - | > {TIMEOUT:g} | (no answer: a hang) | "
                            f"{'yes' if run.sha_before == run.sha_after else 'NO'} |")
                continue
            crashed = run.code == 15 or "Traceback" in run.stderr
            intact = run.sha_before == run.sha_after
            totals["crashes"] += crashed
            totals["files lost or changed"] += not intact
            totals["unexpected exit codes"] += run.code != EXPECTED[name].code
            told = run.stderr.strip().replace("|", "\\|") or _stdout_summary(run.stdout)
            told = told.replace(f"sopbaku: {path}: ", "")
            rows.append(f"| `{name}` | {run.code} | {run.cpu_seconds:.1f} | {told} | {'yes' if intact else 'NO'} |")
    return rows, totals


def _stdout_summary(stdout: str) -> str:
    sops = json.loads(stdout)
    return "`[]`: holds no SOP" if not sops else f"read: {len(sops)} SOP(s), {sum(len(s['steps']) for s in sops)} steps"


def fuzz_section(results: Path, seconds: float) -> list[str]:
    if seconds > 0:
        fuzz.main(["--seconds", str(seconds), "--scale", "5", "--out", str(results)])
    if not results.is_file():
        return [f"No fuzz results yet: run `python -m benchmarks.fuzz` (it writes `{results.relative_to(ROOT)}`)."]
    data = json.loads(results.read_text(encoding="utf-8"))
    m = data["mutations"]
    outcomes = m["outcomes"]
    lines = [
        f"Mutated corpus files through `pipeline.extract` in a memory-capped worker, seed {m['seed']}, "
        f"{m['seconds']:g} s (results: `{results.relative_to(ROOT)}`, modified "
        f"{datetime.fromtimestamp(results.stat().st_mtime, UTC):%Y-%m-%d %H:%M} UTC).",
        "",
        "| mutants | read | clean one-line error | crash | hang (> "
        f"{fuzz.PER_INPUT_SECONDS:g} s) |",
        "|---|---|---|---|---|",
        f"| {m['inputs']} | {outcomes.get('ok', 0)} | {outcomes.get('error', 0)} | {outcomes.get('crash', 0)} "
        f"| {outcomes.get('hang', 0)} |",
        "",
        "By source format: " + ", ".join(f"{k} {dict(v)}" for k, v in sorted(m["by_source"].items())) + ". "
        f"Slowest mutant that finished: {m['max_cpu_seconds']:g} s of CPU "
        f"({len(m['slow'])} over {fuzz.SLOW_CPU_SECONDS:g} s).",
    ]
    for finding in m["crashes"] + m["hangs"] + m["slow"]:
        lines.append(f"- finding from `{finding['source']}`: {finding['detail'].strip().splitlines()[-1]}")
    props = data.get("properties")
    if props:
        lines += ["", f"Property tests (`tests/test_properties.py`) at {props['scale']}x their examples: "
                      f"{props['summary']} (exit {props['exit_code']}, {props['seconds']:g} s)."]
    return lines


def kill_section() -> list[str]:
    path = ROOT / KILL_TEST
    if not path.is_file():
        return ["**Not measured yet:** the hot-folder kill -9 test (`tests/test_watch_kill.py`, issue 7) does not "
                "exist in this checkout; regenerate this page once it does."]
    doc = path.read_text(encoding="utf-8").split('"""')[1].strip().splitlines()[0]
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", KILL_TEST], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "no output"
    verdict = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    lines = [f"`{KILL_TEST}`: {doc}", "", f"Result now: **{verdict}**: {summary} ({time.monotonic() - start:.0f} s)."]
    why = [line[1:].strip() for line in done.stdout.splitlines() if line.startswith("E ")]
    return lines + ([f"Why: `{why[0]}`"] if done.returncode and why else [])


def render(bad_rows: list[str], totals: dict[str, int], fuzz_lines: list[str], kill_lines: list[str]) -> str:
    limits = LimitSettings()
    return "\n".join([
        "# Reliability: broken and hostile inputs",
        "",
        "<!-- generated by `python -m benchmarks.reliability`; edit that script, not this page -->",
        "",
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}.",
        "",
        "## Totals",
        "",
        "| " + " | ".join(totals) + " |",
        "|" + "---|" * len(totals),
        "| " + " | ".join(str(v) for v in totals.values()) + " |",
        "",
        "## The limits in force (defaults of `LimitSettings`)",
        "",
        f"- file size: {limits.max_file_bytes // 2**20} MB; pages per file: {limits.max_pages}; "
        f"pixels per image or rendered page: {limits.max_image_pixels / 1e6:g} million (Pillow's bomb check kept "
        "on at this limit, its warning an error; PNG/JPEG/TIFF only, never EPS);",
        f"- DOCX: {limits.max_zip_members} members, {limits.max_unpacked_bytes // 2**20} MB unpacked, compression "
        f"ratio {limits.max_compression_ratio:g}x per member; XML parsed without entity resolution, DTDs or network;",
        f"- time: tesseract is killed at the file's limit ({limits.per_file_seconds:g} s) at the latest; memory: "
        f"{limits.max_worker_memory_mb} MB address space per worker (`apply_worker_limits`).",
        "",
        "## Every bad input through `sopbaku extract`",
        "",
        "Exit codes: 0 read (an empty array when the document holds no SOP), 3 not a readable SOP input, "
        "8 password-protected PDF. 'Original intact' compares the file's SHA-256 before and after.",
        "",
        *bad_rows,
        "",
        "## Fuzzing",
        "",
        *fuzz_lines,
        "",
        "## Hot folder: kill -9 in the middle of a batch",
        "",
        *kill_lines,
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--fuzz-results", type=Path, default=fuzz.DEFAULT_OUT)
    parser.add_argument("--fuzz-seconds", type=float, default=0.0, help="run a fuzz of this length first")
    parser.add_argument("--skip-kill", action="store_true", help="leave out the kill -9 test (it takes minutes)")
    args = parser.parse_args(argv)
    bad_rows, totals = bad_input_section()
    fuzz_lines = fuzz_section(args.fuzz_results.resolve(), args.fuzz_seconds)
    kill_lines = ["Left out of this run (`--skip-kill`)."] if args.skip_kill else kill_section()
    args.out.write_text(render(bad_rows, totals, fuzz_lines, kill_lines), encoding="utf-8")
    print(f"{args.out}: {totals}")
    return 0 if totals["crashes"] == totals["hangs"] == totals["files lost or changed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
