"""`sopbaku diff`: pairs made from the corpus gold by editing the JSON here, one kind of edit per test.

What each test expects is what the test itself changed, so a diff that
reports more (every later row after an insertion) or less fails.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from sopbaku import jsonio, pipeline
from sopbaku.compare import CellChange, Diff, RoleChange, compare, load_side
from sopbaku.errors import ExitCode
from sopbaku.render.diff_html import diff_html
from tests.conftest import CORPUS
from tests.test_cli import sopbaku

#: Fourteen plain steps, with a nomor: the identity can be checked too.
SEED_NOMOR = CORPUS / "004_487b0fd81a30745f.gold.json"
#: Sixteen steps with two decisions (steps 3 and 4), no nomor or nama.
SEED_DECISIONS = CORPUS / "000_ed354b7911d5bd50.gold.json"
#: Twelve SOPs in one file, told apart by nama only.
SEED_MANY = CORPUS / "003_ea5f3c5ae52fc307.gold.json"


def gold(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def relinked(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Steps numbered 1..n in their new order, as an editor of the document would leave them:
    plain steps go to the following one, decisions keep their targets under the new numbers."""
    new_no = {id(s): i for i, s in enumerate(steps, start=1)}
    by_old = {s["no"]: s for s in steps}
    out = []
    for i, s in enumerate(steps, start=1):
        step = dict(s, no=i)
        if s["branches"]:
            step["branches"] = {k: new_no[id(by_old[v])] if v in by_old else None for k, v in s["branches"].items()}
            step["next"] = [v for v in step["branches"].values() if v is not None]
        else:
            step["next"] = [i + 1] if i < len(steps) else []
        out.append(step)
    return out


def diff_of(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Diff:
    return compare(jsonio.from_json(old), jsonio.from_json(new))


def edits(diff: Diff) -> list[tuple[list[str], int | None, int | None]]:
    """Every step edit as (kinds, old no, new no)."""
    return [(s.kinds(), s.old.no if s.old else None, s.new.no if s.new else None)
            for sop in diff.sops for s in sop.steps if s.is_edit]


def test_the_same_document_on_both_sides_is_the_same():
    data = gold(SEED_DECISIONS)
    diff = diff_of(data, copy.deepcopy(data))
    assert diff.same and edits(diff) == []


def test_an_edited_cell_is_reported_as_that_cell_old_to_new_and_nothing_else():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    step = new[0]["steps"][5]
    before_output, before_kegiatan = step["output"], step["kegiatan"]
    step["output"] = "Laporan yang sudah diperbaiki"
    step["kegiatan"] = before_kegiatan + " secara tertulis"
    diff = diff_of(old, new)
    assert edits(diff) == [(["changed"], step["no"], step["no"])]
    changed = next(s for s in diff.sops[0].steps if s.is_edit)
    assert changed.changes == [CellChange("kegiatan", before_kegiatan, step["kegiatan"]),
                               CellChange("output", before_output, "Laporan yang sudah diperbaiki")]
    assert not diff.sops[0].identity and not diff.sops[0].roles


def test_a_rewritten_kegiatan_is_still_an_edit_of_that_row_not_a_deletion_and_an_insertion():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    new[0]["steps"][7]["kegiatan"] = "Teks yang seluruhnya berbeda dari aslinya"
    assert edits(diff_of(old, new)) == [(["changed"], 8, 8)]


def test_an_inserted_step_is_one_insertion_not_every_later_row_renumbered():
    old = gold(SEED_DECISIONS)
    new = copy.deepcopy(old)
    steps = new[0]["steps"]
    inserted = dict(steps[8], kegiatan="Memeriksa ulang kelengkapan berkas sebelum diteruskan",
                    output="Berkas terperiksa", kelengkapan=None, waktu=None, branches=None)
    new[0]["steps"] = relinked([*steps[:9], inserted, *steps[9:]])
    diff = diff_of(old, new)
    assert edits(diff) == [(["inserted"], None, 10)]
    assert diff.sops[0].steps[9].new.cells["kegiatan"] == inserted["kegiatan"]  # shown where it was inserted


def test_a_deleted_step_is_one_deletion_shown_where_it_stood():
    old = gold(SEED_DECISIONS)
    new = copy.deepcopy(old)
    steps = new[0]["steps"]
    gone = steps[10]
    new[0]["steps"] = relinked(steps[:10] + steps[11:])
    diff = diff_of(old, new)
    assert edits(diff) == [(["deleted"], gone["no"], None)]
    assert [s.status for s in diff.sops[0].steps].index("deleted") == 10


def test_a_renumbered_step_is_reported_as_renumbered_only():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    steps = new[0]["steps"]
    steps[4]["no"] = 50
    steps[3]["next"] = [50]
    assert edits(diff_of(old, new)) == [(["renumbered"], 5, 50)]


def test_a_moved_step_is_one_move_even_though_the_steps_between_shift():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    steps = new[0]["steps"]
    moved = steps.pop(9)
    steps.insert(2, moved)
    new[0]["steps"] = relinked(steps)
    assert edits(diff_of(old, new)) == [(["moved"], 10, 3)]


def test_several_edits_at_once_are_each_reported_once_and_a_deletion_stays_between_its_neighbours():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    steps = new[0]["steps"]
    edited, gone, moved = steps[1], steps[8], steps[11]
    edited["output"] = "Disposisi tertulis"
    inserted = dict(steps[5], kegiatan="Memverifikasi data capaian kinerja", output="Data terverifikasi")
    steps.insert(5, inserted)
    steps.remove(gone)
    steps.remove(moved)
    steps.insert(2, moved)
    no_of = {id(s): i for i, s in enumerate(steps, start=1)}
    new[0]["steps"] = relinked(steps)
    diff = diff_of(old, new)
    assert sorted(edits(diff), key=str) == sorted([
        (["changed"], edited["no"], no_of[id(edited)]), (["inserted"], None, no_of[id(inserted)]),
        (["deleted"], gone["no"], None), (["moved"], moved["no"], no_of[id(moved)])], key=str)
    olds = [s.old.no if s.old else None for s in diff.sops[0].steps]
    at = olds.index(gone["no"])
    assert olds[at - 1] == gone["no"] - 1 and olds[at + 1] == gone["no"] + 1


def test_a_changed_duration_gives_the_minute_difference_and_the_new_total():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    step = next(s for s in new[0]["steps"] if s["waktu"] and s["waktu"]["minutes"])
    before = step["waktu"]["minutes"]
    step["waktu"] = {"raw": f"{before + 45} menit", "value": before + 45, "unit": "menit", "minutes": before + 45}
    sop = diff_of(old, new).sops[0]
    (changed,) = [s for s in sop.steps if s.is_edit]
    assert [c.field for c in changed.changes] == ["waktu"] and changed.minutes_delta == 45
    assert sop.minutes_delta == 45
    assert sop.old_minutes == sum(s["waktu"]["minutes"] for s in old[0]["steps"] if s["waktu"])


def test_identity_and_role_changes_are_reported_with_their_fields():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    new[0]["identity"]["tanggal_revisi"] = "2024-03-01"
    new[0]["identity"]["nama"] = "Pengukuran Kinerja Triwulan"
    role = new[0]["roles"][1]
    before = role["name"]
    role["name"] = "Kepala Seksi Baru"
    sop = diff_of(old, new).sops[0]
    assert sop.status == "paired"  # still paired: the nomor did not change
    assert {c.field: (c.old, c.new) for c in sop.identity} == {
        "nama": (old[0]["identity"]["nama"], "Pengukuran Kinerja Triwulan"),
        "tanggal_revisi": (old[0]["identity"]["tanggal_revisi"], "2024-03-01")}
    assert sop.roles == [RoleChange("renamed", role["id"], before, "Kepala Seksi Baru")]
    assert edits(diff_of(old, new)) == []


def test_folders_of_outputs_pair_sops_by_nama_whatever_the_file_names(tmp_path):
    sops = gold(SEED_MANY)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for i, sop in enumerate(sops):
        (a / f"a_{i:02}.json").write_text(json.dumps([sop]), encoding="utf-8")
    changed = copy.deepcopy(sops[4])
    changed["steps"][2]["output"] = "Dokumen lain"
    rest = [s for k, s in enumerate(sops) if k not in (4, 7)]
    (b / "zz_changed.json").write_text(json.dumps([changed]), encoding="utf-8")
    (b / "all_the_rest.json").write_text(json.dumps(rest), encoding="utf-8")
    proc = sopbaku("diff", a, b, "--json", tmp_path / "d.json")
    assert proc.returncode == ExitCode.different, proc.stderr
    result = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    not_same = {s["title"]: s["status"] for s in result["sops"] if not s["same"]}
    assert not_same == {sops[4]["identity"]["nama"]: "paired", sops[7]["identity"]["nama"]: "removed"}
    (step,) = [s for sop in result["sops"] for s in sop["steps"] if s["kinds"]
               and sop["title"] == sops[4]["identity"]["nama"]]
    assert step["changes"] == [{"field": "output", "old": sops[4]["steps"][2]["output"], "new": "Dokumen lain"}]


def test_a_source_file_compares_with_its_own_json_as_the_same_and_an_edit_shows(tmp_path):
    source = CORPUS / "001_16a9bbda8b1f0195.txt"
    own = tmp_path / "own.json"
    own.write_text(jsonio.dumps(pipeline.extract(source)), encoding="utf-8")
    assert compare(load_side(source, pipeline.extract), load_side(own, pipeline.extract)).same
    edited = json.loads(own.read_text(encoding="utf-8"))
    edited[0]["steps"][1]["kelengkapan"] = "Surat tugas"
    (tmp_path / "edited.json").write_text(json.dumps(edited), encoding="utf-8")
    html = tmp_path / "d.html"
    diff = sopbaku("diff", source, tmp_path / "edited.json", "--html", html)
    assert diff.returncode == ExitCode.different, diff.stderr
    assert "kelengkapan" in diff.stdout and "Surat tugas" in diff.stdout
    page = html.read_text(encoding="utf-8")
    assert "<ins>" in page and "Surat" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # self-contained


def test_every_diff_error_exits_2_in_one_line(tmp_path):
    missing = sopbaku("diff", tmp_path / "missing.json", SEED_NOMOR)
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "an array"}', encoding="utf-8")
    not_sopbaku = sopbaku("diff", SEED_NOMOR, bad)
    for proc in (missing, not_sopbaku):
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("sopbaku: ") and "Traceback" not in proc.stderr
    assert "sopbaku/1" in not_sopbaku.stderr


def test_the_html_marks_the_changed_words_inside_a_cell():
    old = gold(SEED_NOMOR)
    new = copy.deepcopy(old)
    new[0]["steps"][0]["kegiatan"] = old[0]["steps"][0]["kegiatan"] + " segera"
    page = diff_html(diff_of(old, new))
    assert "<ins>segera</ins>" in page and 'class="cell changed"' in page
