"""The long fuzz run, outside the test suite: mutated corpus files through every reader, and the property tests
at many more examples.

Two parts, both seeded so a finding can be replayed:

1. **Byte-level mutation.** Real corpus files (digital PDF, DOCX, text
   exports, OCR dumps, and with ``--images`` the scans) are mutated the ways
   files really break: bits flipped, bytes cut out or repeated, the tail cut
   off, a chunk overwritten with noise. Each mutant goes through
   ``pipeline.extract`` in a worker process under the default
   :class:`~sopbaku.config.LimitSettings` (memory cap applied by
   :func:`~sopbaku.ingest.guards.apply_worker_limits`) and a wall-clock
   limit. An outcome is *ok* (a model), a *clean error* (a ``SopbakuError``:
   the one-line message users see), a *crash* (any other exception: a bug),
   or a *hang* (past the limit, or the worker died). Crashing and hanging
   inputs are saved next to the results for replay.
2. **Properties.** ``tests/test_properties.py`` run by pytest with its
   example counts multiplied (``SOPBAKU_FUZZ_SCALE``).

atheris was not used: hypothesis is already a dev dependency, and a crash
in an atheris harness ends the whole run, where a worker pool reports it and
goes on. Usage::

    python -m benchmarks.fuzz --seconds 600 --out benchmarks/results/fuzz.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "fuzz.json"
#: Wall-clock seconds a mutant may take before its worker is killed and it counts as a hang; generous, so that a
#: busy machine does not fake one (the files are small: seconds of CPU each when healthy).
PER_INPUT_SECONDS = 180.0
#: CPU seconds above which a mutant that did finish is listed as slow.
SLOW_CPU_SECONDS = 15.0


@dataclass
class MutationReport:
    seed: int
    seconds: float = 0.0
    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    #: outcome -> count, per source format (its file suffix)
    by_source: dict[str, Counter[str]] = field(default_factory=dict)
    crashes: list[dict[str, str]] = field(default_factory=list)
    hangs: list[dict[str, str]] = field(default_factory=list)
    slow: list[dict[str, str]] = field(default_factory=list)
    #: CPU seconds of the slowest mutant that finished
    max_cpu_seconds: float = 0.0


# --------------------------------------------------------------------------- mutation
def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four of the ways real files break, applied in turn."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            break
        kind = rng.choice(("flip", "cut", "repeat", "truncate", "noise", "byte"))
        at = rng.randrange(len(out))
        span = rng.randint(1, max(1, min(len(out) - at, 4096)))
        if kind == "flip":
            out[at] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del out[at:at + span]
        elif kind == "repeat":
            out[at:at] = out[at:at + span] * rng.randint(1, 8)
        elif kind == "truncate":
            del out[at:]
        elif kind == "noise":
            out[at:at + span] = rng.randbytes(span)
        else:
            out[at] = rng.choice((0, 0xFF, ord("<"), ord(">"), ord("/"), ord("("), ord("\t"), ord("\n")))
    return bytes(out)


def sources(images: bool) -> list[Path]:
    corpus = ROOT / "corpus"
    found = sorted(corpus.glob("*.txt")) + sorted((corpus / "synthetic").glob("*"))
    kinds = {".pdf", ".docx", ".txt"} | ({".png", ".jpg"} if images else set())
    return [p for p in found if p.suffix in kinds and not p.name.endswith(".gold.json")
            and (images or not p.stem.endswith("_scan"))]


# --------------------------------------------------------------------------- the worker
def _init_worker() -> None:
    from sopbaku.config import LimitSettings
    from sopbaku.ingest.guards import apply_worker_limits

    apply_worker_limits(LimitSettings())


def _extract(path: str) -> tuple[str, str, float]:
    """("ok" | "error" | "crash", detail, CPU seconds) for one mutant, in the worker."""
    from sopbaku import pipeline
    from sopbaku.errors import SopbakuError

    start = time.process_time()
    try:
        sops = pipeline.extract(Path(path))
    except SopbakuError as exc:
        return "error", f"{exc.__class__.__name__}: {exc}", time.process_time() - start
    except Exception as exc:
        return "crash", "".join(traceback.format_exception(exc, limit=-4)), time.process_time() - start
    return "ok", f"{len(sops)} SOPs", time.process_time() - start


def run_mutations(seconds: float, seed: int, images: bool, work: Path, save: Path) -> MutationReport:
    report = MutationReport(seed)
    rng = random.Random(seed)
    files = sources(images)
    work.mkdir(parents=True, exist_ok=True)
    save.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("forkserver")
    pool = context.Pool(1, initializer=_init_worker)
    start = time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            source = rng.choice(files)
            mutant = work / f"mutant{source.suffix}"
            data = mutate(source.read_bytes(), rng)
            mutant.write_bytes(data)
            try:
                outcome, detail, cpu = pool.apply_async(_extract, (str(mutant),)).get(PER_INPUT_SECONDS)
            except multiprocessing.TimeoutError:
                outcome, detail, cpu = "hang", f"no answer within {PER_INPUT_SECONDS:g} s", 0.0
                pool.terminate()
                pool = context.Pool(1, initializer=_init_worker)
            report.inputs += 1
            report.outcomes[outcome] += 1
            report.by_source.setdefault(source.suffix, Counter())[outcome] += 1
            report.max_cpu_seconds = round(max(report.max_cpu_seconds, cpu), 2)
            findings = {"crash": report.crashes, "hang": report.hangs}.get(outcome)
            if findings is None and cpu > SLOW_CPU_SECONDS:
                findings, detail = report.slow, f"{cpu:.1f} s of CPU ({outcome})"
            if findings is not None:
                kept = save / f"{outcome}-{report.inputs:05d}-{source.name}"
                kept.write_bytes(data)
                findings.append({"source": source.name, "input": str(kept), "detail": detail})
    finally:
        pool.terminate()
    report.seconds = round(time.monotonic() - start, 1)
    return report


# --------------------------------------------------------------------------- properties
def run_properties(scale: int) -> dict[str, object]:
    """The property tests at ``scale`` times their examples, in a pytest subprocess."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_properties.py"],
                          cwd=ROOT, env={**os.environ, "SOPBAKU_FUZZ_SCALE": str(scale)}, capture_output=True,
                          text=True, check=False)
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
    return {"scale": scale, "exit_code": done.returncode, "summary": tail,
            "seconds": round(time.monotonic() - start, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="time for the mutation part")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=int, default=20, help="property examples x this (0: skip the properties)")
    parser.add_argument("--images", action="store_true", help="also mutate scans and photos (OCR: slow)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    mutations = run_mutations(args.seconds, args.seed, args.images, args.out.parent / "fuzz-work",
                              args.out.parent / "fuzz-findings")
    result = {"mutations": {**vars(mutations), "outcomes": dict(mutations.outcomes),
                            "by_source": {k: dict(v) for k, v in mutations.by_source.items()}},
              "properties": run_properties(args.scale) if args.scale else None}
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    found = mutations.outcomes["crash"] + mutations.outcomes["hang"]
    print(f"{mutations.inputs} mutants in {mutations.seconds} s: {dict(mutations.outcomes)}, "
          f"slowest {mutations.max_cpu_seconds} s CPU; "
          f"properties: {result['properties']['summary'] if result['properties'] else 'skipped'}; "
          f"written to {args.out}")
    return 1 if found or (result["properties"] and result["properties"]["exit_code"]) else 0


if __name__ == "__main__":
    sys.exit(main())
