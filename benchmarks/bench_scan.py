"""Benchmark (not a test): the scan reader's page time against one plain tesseract run on the same page.

The target of issue 5 is that reading a scanned page (clean-up, grid,
symbols, arrows, one OCR pass, words into cells) costs at most 1.3 times
what ``tesseract page.png - -l ind`` alone costs on that page, and that a
worker stays under 600 MB. This script makes synthetic SOP pages at the
resolutions offices scan at (or takes the images of a folder), then for each
page times :func:`sopbaku.ingest.scan.ocr_page` and the plain command
alternately, keeps the best of ``--repeat`` runs of each (the machine may be
shared), and prints one row per page and the overall ratio.

Both sides run tesseract single-threaded (``OMP_THREAD_LIMIT=1``): that is
how the pipeline runs it (pages in parallel instead), and on a small machine
tesseract's own threads only make the plain run slower, which would flatter
the ratio.

    .venv/bin/python benchmarks/bench_scan.py                # 150, 200, 300 dpi pages
    .venv/bin/python benchmarks/bench_scan.py --folder scans/ --repeat 1
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from sopbaku.ingest.scan import ScanSettings, ocr_page
from sopbaku.synth import scan as synth_scan
from sopbaku.synth.model import make_sops
from sopbaku.synth.pdf import PdfStyle, write_pdf

#: How each resolution is degraded: office scanners at 200-300 dpi are clean, 150 dpi phone shots are not.
STYLES = {
    150: synth_scan.ScanStyle(dpi=150, skew=2.0, blur=0.8, noise=6.0, light=0.2, paper=240, jpeg_quality=60),
    200: synth_scan.ScanStyle(dpi=200, skew=0.8, blur=0.5, noise=3.0, light=0.1, paper=246, jpeg_quality=75),
    300: synth_scan.ScanStyle(dpi=300, skew=0.5, blur=0.4, noise=2.0, light=0.05, paper=248, jpeg_quality=80),
}


@dataclass
class Timing:
    """Best wall and CPU seconds of each side on one page."""

    page: str
    size: tuple[int, int]
    plain: float
    ours: float
    plain_cpu: float
    ours_cpu: float

    @property
    def ratio(self) -> float:
        return self.ours / self.plain

    @property
    def cpu_ratio(self) -> float:
        return self.ours_cpu / self.plain_cpu


def synthetic_pages(folder: Path, dpis: list[int], seed: int) -> list[Path]:
    """One flowchart page (the second page of a document: identity page first) per resolution."""
    paths = []
    for dpi in dpis:
        rng = random.Random(seed + dpi)
        pdf = folder / f"doc_{dpi}.pdf"
        write_pdf(make_sops(rng, 1), pdf, PdfStyle.random(rng))
        pages = synth_scan.scan(pdf, replace(STYLES[dpi], seed=seed))
        for i, page in enumerate(pages[:2], 1):
            path = folder / f"page_{dpi}dpi_p{i}.png"
            page.save(path)
            paths.append(path)
    return paths


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (tesseract)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def time_plain(path: Path) -> tuple[float, float]:
    """Wall and CPU time of one plain ``tesseract page.png - -l ind``, single-threaded."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(["tesseract", str(path), "-", "-l", "ind"], capture_output=True, check=True, env=env)
    return time.perf_counter() - start, _cpu() - cpu


def time_ours(image: np.ndarray, settings: ScanSettings) -> tuple[float, float]:
    """Wall and CPU time of :func:`ocr_page` (its own work and its tesseract child)."""
    start, cpu = time.perf_counter(), _cpu()
    ocr_page(image, 1, settings)
    return time.perf_counter() - start, _cpu() - cpu


def measure(paths: list[Path], repeat: int, settings: ScanSettings) -> list[Timing]:
    rows = []
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        plain, ours = [], []
        for _ in range(repeat):  # alternate, so a busy moment hits both sides alike
            plain.append(time_plain(path))
            ours.append(time_ours(image, settings))
        rows.append(Timing(path.name, (image.shape[1], image.shape[0]), min(w for w, _ in plain),
                           min(w for w, _ in ours), min(c for _, c in plain), min(c for _, c in ours)))
        print(f"  {path.name}: plain {rows[-1].plain:.2f} s, ocr_page {rows[-1].ours:.2f} s", file=sys.stderr)
    return rows


def report(rows: list[Timing]) -> None:
    print(f"{'page':24} {'pixels':>11} {'plain s':>8} {'ours s':>7} {'ratio':>6} {'plain cpu':>10} {'ours cpu':>9} "
          f"{'cpu ratio':>9}")
    for r in rows:
        print(f"{r.page:24} {r.size[0]:>5}x{r.size[1]:<5} {r.plain:8.2f} {r.ours:7.2f} {r.ratio:6.2f} "
              f"{r.plain_cpu:10.2f} {r.ours_cpu:9.2f} {r.cpu_ratio:9.2f}")
    wall = sum(r.ours for r in rows) / sum(r.plain for r in rows)
    cpu = sum(r.ours_cpu for r in rows) / sum(r.plain_cpu for r in rows)
    print(f"ratio of the totals: wall {wall:.2f}, cpu {cpu:.2f}   geometric mean of the wall ratios: "
          f"{statistics.geometric_mean([r.ratio for r in rows]):.2f}   (target <= 1.3)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this worker: {own:.0f} MB   (target <= 600 MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, help="time these page images instead of synthetic pages")
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300], choices=sorted(STYLES))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side per page; the best counts")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    settings = ScanSettings()
    with tempfile.TemporaryDirectory() as tmp:
        if args.folder:
            paths = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".tif"})
        else:  # drawn in a child process, so this worker's peak memory is the reader's alone
            with multiprocessing.get_context("fork").Pool(1) as pool:
                paths = pool.apply(synthetic_pages, (Path(tmp), args.dpi, args.seed))
        ocr_page(cv2.imread(str(paths[0]), cv2.IMREAD_GRAYSCALE), 1, settings)  # warm caches (version check)
        report(measure(paths, args.repeat, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
