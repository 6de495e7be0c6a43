"""One log line per file, for people or (``--log-json``) for machines.

``sopbaku run`` and ``sopbaku watch`` report every file the same way, so a
script that follows one can follow the other: its outcome, the time it took,
and on failure the one-line reason and the exit code of its kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sopbaku.errors import ExitCode
from sopbaku.parallel import Outcome


@dataclass(frozen=True)
class FileLog:
    path: Path
    #: ``ok`` or ``failed`` from processing; the watcher adds ``duplicate`` (content already seen),
    #: ``rejected`` (not a regular file, or unreadable) and ``moved`` (a move finished after a restart).
    outcome: str
    seconds: float | None = None
    sops: int = 0
    steps: int = 0
    warnings: int = 0
    error: str | None = None
    exit_code: ExitCode = ExitCode.ok
    outputs: list[Path] = field(default_factory=list)
    #: Where the original now lies (the watcher moves it), or None when it stayed.
    original: Path | None = None
    #: The file that first brought this content (for ``duplicate``).
    duplicate_of: Path | None = None

    @classmethod
    def of(cls, outcome: Outcome, path: Path | None = None, original: Path | None = None) -> FileLog:
        """The line for a processed file; ``path`` names the original when the worker read a copy."""
        r = outcome.result
        return cls(
            path=path or r.path, outcome="ok" if r.ok else "failed", seconds=r.seconds, sops=r.sops,
            steps=r.steps, warnings=r.warnings, error=r.error, exit_code=r.exit_code, outputs=list(r.outputs),
            original=original,
        )

    def text(self) -> str:
        """``sopbaku: <file>: ok, 2 SOPs, 1.23 s`` or, on failure, the usual ``sopbaku: <file>: <reason>``."""
        if self.outcome in ("failed", "rejected"):
            line = f"sopbaku: {self.path}: {self.error}"
        elif self.outcome == "duplicate":
            line = f"sopbaku: {self.path}: duplicate of {self.duplicate_of}, not processed again"
        elif self.outcome == "moved":
            line = f"sopbaku: {self.path}: already processed, moved"
        else:
            line = f"sopbaku: {self.path}: ok, {self.sops} SOP{'s' if self.sops != 1 else ''}"
        if self.seconds is not None:
            line += f", {self.seconds:.2f} s"
        if self.original is not None and self.original != self.path:
            line += f" -> {self.original}"
        return line

    def json(self) -> str:
        """One JSON object on one line, with a UTC timestamp."""
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "file": str(self.path),
            "outcome": self.outcome,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "sops": self.sops,
            "steps": self.steps,
            "warnings": self.warnings,
            "error": self.error,
            "exit_code": int(self.exit_code),
            "outputs": [str(p) for p in self.outputs],
            "original": None if self.original is None else str(self.original),
            "duplicate_of": None if self.duplicate_of is None else str(self.duplicate_of),
        }
        return json.dumps(record, ensure_ascii=False)
