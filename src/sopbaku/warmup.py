"""Imported once by the forkserver of :mod:`sopbaku.parallel`, so that every forked worker starts warm.

Each file runs in a fresh child forked from that server; whatever the
server has already done, the child need not do again. Left to themselves,
the readers, the renderers, pandera's validation backends and the caches
behind them (role registry, template variables, compiled templates) load on
first use, which cost a fresh child about 1.5 s per file: more than reading
a text export takes. Turning one small synthetic SOP export into every
output here moves that cost to start-up, once per batch.
"""

from __future__ import annotations

import contextlib
import gc
import random
import tempfile
from pathlib import Path

from sopbaku import pipeline
from sopbaku.batch import OutputOptions, process_file
from sopbaku.ingest import _load_readers
from sopbaku.synth.model import make_sops
from sopbaku.synth.text import TextStyle, write_text


def _warm_up() -> None:
    """Only a head start: if it fails, the workers warm up on their first file as they would anyway
    (an exception here would take the forkserver, and so every worker, down with it)."""
    _load_readers()  # every reader, not only the text one the sample needs
    with contextlib.suppress(Exception), tempfile.TemporaryDirectory(prefix="sopbaku-warm-up-") as tmp:
        sample = Path(tmp) / "warm-up.txt"
        write_text(make_sops(random.Random(0), 1), sample, TextStyle())
        process_file(sample, pipeline.extract, OutputOptions(Path(tmp)))


_warm_up()
gc.freeze()  # the collector of a child then never walks (and copies) the pages of what is loaded here
