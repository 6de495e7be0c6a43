"""The hot folder's memory: one SQLite row per distinct file content, keyed by its SHA-256.

Why SQLite: it is in the standard library, survives ``kill -9`` (WAL with
full sync: a committed row is on disk), and lets ``sopbaku status`` read
while the watcher writes. Keying by content, not by name, is what makes a
file dropped twice a *duplicate* rather than a second job, and what lets a
restarted watcher recognise a file it was working on when it was killed.

A file's life: ``queued`` (seen, hashed) -> ``running`` (a worker has it;
``attempts`` counts the starts) -> ``done`` or ``failed``. The final state,
the outputs and where the original is about to be moved are written in one
transaction, before the move: a crash between the two leaves a row that
says where the original belongs, and the restarted watcher finishes the move.
Copies of a known content are kept in their own table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sopbaku.errors import ConfigError

#: The journal's file name inside the inbox (hidden, so that no scan takes it for a document).
JOURNAL_NAME = ".sopbaku-journal.sqlite3"
STATES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256     TEXT PRIMARY KEY,
    path       TEXT NOT NULL,     -- where the file was found in the inbox
    state      TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT,
    exit_code  INTEGER,
    outputs    TEXT NOT NULL DEFAULT '[]',  -- JSON list of output paths
    original   TEXT,              -- where the original goes (or stays) once the state is final
    seconds    REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duplicates (
    sha256     TEXT NOT NULL REFERENCES files (sha256),
    path       TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (sha256, path)
);
"""


@dataclass(frozen=True)
class Entry:
    """One row of ``files``."""

    sha256: str
    path: Path
    state: str
    attempts: int
    error: str | None
    exit_code: int | None
    outputs: list[Path]
    original: Path | None
    seconds: float | None
    updated_at: str

    @property
    def final(self) -> bool:
        return self.state in ("done", "failed")


@dataclass(frozen=True)
class Counts:
    """What ``sopbaku status`` shows: files per state, duplicates, and the latest failures."""

    states: dict[str, int]
    duplicates: int
    last_failures: list[Entry]


class Journal:
    """One connection to an inbox's journal; not shared between threads (the watcher's loop owns it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ConfigError(f"{path}: cannot open the journal ({exc})") from exc

    @classmethod
    def of_inbox(cls, inbox: Path) -> Journal:
        return cls(inbox / JOURNAL_NAME)

    def close(self) -> None:
        self._db.close()

    def get(self, sha256: str) -> Entry | None:
        row = self._db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return _entry(row) if row else None

    def add(self, sha256: str, path: Path) -> None:
        now = _now()
        self._db.execute(
            "INSERT INTO files (sha256, path, state, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)",
            (sha256, str(path), now, now),
        )

    def start(self, sha256: str) -> int:
        """Mark the file running and count the attempt; returns the attempts so far, this one included."""
        with self._transaction():
            self._db.execute(
                "UPDATE files SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE sha256 = ?",
                (_now(), sha256),
            )
            return self._db.execute("SELECT attempts FROM files WHERE sha256 = ?", (sha256,)).fetchone()[0]

    def requeue(self, sha256: str, path: Path) -> None:
        """Take a known content again from ``path``: a failed file dropped anew, or one renamed while down."""
        self._db.execute(
            "UPDATE files SET state = 'queued', path = ?, attempts = 0, updated_at = ? WHERE sha256 = ?",
            (str(path), _now(), sha256),
        )

    def finish(
        self,
        sha256: str,
        *,
        outputs: list[Path],
        original: Path,
        seconds: float | None,
        error: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        """The final state, outputs and the original's destination, in one transaction (before the move)."""
        self._db.execute(
            "UPDATE files SET state = ?, error = ?, exit_code = ?, outputs = ?, original = ?, seconds = ?,"
            " updated_at = ? WHERE sha256 = ?",
            ("done" if error is None else "failed", error, exit_code, json.dumps([str(p) for p in outputs]),
             str(original), seconds, _now(), sha256),
        )

    def add_duplicate(self, sha256: str, path: Path) -> bool:
        """Record a copy of known content; False if this copy was already recorded."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO duplicates (sha256, path, seen_at) VALUES (?, ?, ?)", (sha256, str(path), _now())
        )
        return cursor.rowcount == 1

    def used_output_stems(self) -> set[str]:
        """Output stems (casefolded) of every finished file, which a new file's outputs must not replace."""
        stems: set[str] = set()
        for (outputs,) in self._db.execute("SELECT outputs FROM files WHERE state = 'done'"):
            stems.update(Path(p).name.rsplit(".", 1)[0].casefold() for p in json.loads(outputs))
        return stems

    def entries(self, state: str | None = None) -> Iterator[Entry]:
        query, args = ("SELECT * FROM files ORDER BY created_at, rowid", ()) if state is None else (
            "SELECT * FROM files WHERE state = ? ORDER BY created_at, rowid", (state,))
        for row in self._db.execute(query, args):
            yield _entry(row)

    def duplicates(self) -> list[tuple[str, Path]]:
        rows = self._db.execute("SELECT sha256, path FROM duplicates ORDER BY seen_at, rowid")
        return [(row[0], Path(row[1])) for row in rows]

    def counts(self, last: int = 10) -> Counts:
        states = dict.fromkeys(STATES, 0)
        states.update({row[0]: row[1] for row in self._db.execute("SELECT state, COUNT(*) FROM files GROUP BY state")})
        (duplicates,) = self._db.execute("SELECT COUNT(*) FROM duplicates").fetchone()
        failures = [
            _entry(row)
            for row in self._db.execute(
                "SELECT * FROM files WHERE state = 'failed' ORDER BY updated_at DESC, rowid DESC LIMIT ?", (last,)
            )
        ]
        return Counts(states, duplicates, failures)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _entry(data: sqlite3.Row) -> Entry:
    return Entry(
        sha256=data["sha256"],
        path=Path(data["path"]),
        state=data["state"],
        attempts=data["attempts"],
        error=data["error"],
        exit_code=data["exit_code"],
        outputs=[Path(p) for p in json.loads(data["outputs"])],
        original=Path(data["original"]) if data["original"] else None,
        seconds=data["seconds"],
        updated_at=data["updated_at"],
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
