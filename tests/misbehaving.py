"""A loader for the parallel tests that stands in for a parser stuck in a bad file or killed by the system.

Kept apart from the test modules so that a worker unpickling it imports
only this and the pipeline (a test module would bring pytest and Dask along,
and their import time would count against the file's time limit).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from sopbaku import pipeline
from sopbaku.model import SopSet


def extract(path: Path) -> SopSet:
    """``pipeline.extract``, except for files named to hang (``stuck``) or to die (``crash``)."""
    if "stuck" in path.name:
        path.with_suffix(".pid").write_text(str(os.getpid()))
        time.sleep(30)
    if "crash" in path.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return pipeline.extract(path)
