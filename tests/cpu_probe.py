"""A loader for the parallel tests that tells what share of the machine its file was given.

Kept apart from the test modules, as :mod:`tests.misbehaving` is: a worker
unpickling it imports only this and the pipeline, not pytest and Dask.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import cv2

from sopbaku import pipeline
from sopbaku.config import Settings
from sopbaku.model import SopSet

#: What a program started by the file's process reports: the CPUs it may run on.
_CHILD_CPUS = "import json, os; print(json.dumps(sorted(os.sched_getaffinity(0))))"


def extract(path: Path, settings: Settings) -> SopSet:
    """``pipeline.extract``, after writing ``<file>.share.json`` beside the file: when it started, the CPUs
    this process and a program it starts (as tesseract is) may run on, OpenCV's threads, and the pages it
    reads at once."""
    child = subprocess.run([sys.executable, "-I", "-S", "-c", _CHILD_CPUS], capture_output=True, text=True,
                           check=True, timeout=30)
    report = {
        "started": time.time(),
        "cpus": sorted(os.sched_getaffinity(0)),
        "child_cpus": json.loads(child.stdout),
        "cv2_threads": cv2.getNumThreads(),
        "pages_at_once": settings.limits.cpus_per_file,
    }
    path.with_name(f"{path.name}.share.json").write_text(json.dumps(report))
    return pipeline.extract(path, settings)


def report(path: Path) -> dict[str, object]:
    """What :func:`extract` wrote for ``path``."""
    return json.loads(path.with_name(f"{path.name}.share.json").read_text())
