"""The hot folder's journal: a real SQLite file on disk, reopened as a restarted watcher would."""

from __future__ import annotations

from pathlib import Path

from sopbaku.journal import Journal


def test_a_finished_file_is_remembered_by_a_new_connection(tmp_path: Path) -> None:
    journal = Journal.of_inbox(tmp_path)
    journal.add("a" * 64, tmp_path / "a.pdf")
    assert journal.start("a" * 64) == 1
    out = [tmp_path / "out" / "a_sop-01.docx", tmp_path / "out" / "a_sop-01.json"]
    journal.finish("a" * 64, outputs=out, original=tmp_path / "processed" / "a.pdf", seconds=1.5)
    journal.close()

    again = Journal.of_inbox(tmp_path)
    entry = again.get("a" * 64)
    assert entry is not None and entry.final
    assert (entry.state, entry.attempts, entry.outputs) == ("done", 1, out)
    assert entry.original == tmp_path / "processed" / "a.pdf"
    assert again.used_output_stems() == {"a_sop-01"}


def test_an_interrupted_file_counts_its_attempts_and_is_not_final(tmp_path: Path) -> None:
    journal = Journal.of_inbox(tmp_path)
    journal.add("b" * 64, tmp_path / "b.txt")
    journal.start("b" * 64)
    journal.close()

    again = Journal.of_inbox(tmp_path)
    assert again.start("b" * 64) == 2
    entry = again.get("b" * 64)
    assert entry is not None and entry.state == "running" and not entry.final


def test_status_counts_every_state_and_lists_the_latest_failures_first(tmp_path: Path) -> None:
    journal = Journal.of_inbox(tmp_path)
    for i, name in enumerate(["ok.txt", "bad1.txt", "bad2.txt", "waiting.txt"]):
        journal.add(str(i) * 64, tmp_path / name)
    journal.finish("0" * 64, outputs=[], original=tmp_path / "ok.txt", seconds=0.1)
    journal.finish("1" * 64, outputs=[], original=tmp_path / "bad1.txt", seconds=0.1, error="empty", exit_code=3)
    journal.finish("2" * 64, outputs=[], original=tmp_path / "bad2.txt", seconds=0.1, error="broken", exit_code=3)
    assert journal.add_duplicate("0" * 64, tmp_path / "ok-copy.txt")

    counts = journal.counts(last=1)
    assert counts.states == {"queued": 1, "running": 0, "done": 1, "failed": 2}
    assert counts.duplicates == 1
    assert [e.error for e in counts.last_failures] == ["broken"]


def test_a_copy_seen_again_at_the_same_path_is_recorded_once(tmp_path: Path) -> None:
    journal = Journal.of_inbox(tmp_path)
    journal.add("c" * 64, tmp_path / "c.txt")
    assert journal.add_duplicate("c" * 64, tmp_path / "c (1).txt")
    assert not journal.add_duplicate("c" * 64, tmp_path / "c (1).txt")
    assert journal.duplicates() == [("c" * 64, tmp_path / "c (1).txt")]
