"""The diff for the terminal: one rich table per SOP that changed, only the rows that did.

The HTML page shows everything side by side; in a terminal a reviewer wants
the edits alone, each as ``old -> new``, and one line saying whether the two
sides are the same.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sopbaku.compare import Diff, SopDiff
from sopbaku.render.diff_html import minutes, signed

_STYLE = {"inserted": "green", "deleted": "red", "changed": "yellow", "moved": "blue", "renumbered": "magenta"}


def diff_renderable(diff: Diff) -> RenderableType:
    """Tables of the SOPs that differ, then the verdict line."""
    parts: list[RenderableType] = [_sop_table(sop) for sop in diff.sops if not sop.same]
    changed = sum(1 for sop in diff.sops if not sop.same)
    verdict = (f"same: {len(diff.sops)} SOP(s) in {diff.old_label} and {diff.new_label}" if diff.same
               else f"different: {changed} of {len(diff.sops)} SOP(s) changed")
    parts.append(Text(verdict, style="bold green" if diff.same else "bold yellow"))
    return Group(*parts)


def _sop_table(sop: SopDiff) -> Table:
    total = f"total waktu {minutes(sop.old_minutes)} -> {minutes(sop.new_minutes)}"
    if sop.minutes_delta:
        total += f" ({signed(sop.minutes_delta)})"
    status = "" if sop.status == "paired" else f" [{sop.status}]"
    table = Table(title=escape(sop.title + status), caption=total, title_justify="left", show_lines=False)
    for name in ("what", "no", "field", "old", "new"):
        table.add_column(name, overflow="fold")
    for c in sop.identity:
        table.add_row("identity", "", c.field, escape(c.old or "-"), escape(c.new or "-"))
    for r in sop.roles:
        table.add_row(f"role {r.kind}", "", r.role_id, escape(r.old or "-"), escape(r.new or "-"))
    for step in sop.steps:
        if not step.is_edit:
            continue
        kinds = " ".join(f"[{_STYLE[k]}]{k}[/]" for k in step.kinds())
        no = f"{step.old.no if step.old else '-'} -> {step.new.no if step.new else '-'}"
        if step.status in ("inserted", "deleted"):
            side = step.new or step.old
            assert side is not None
            table.add_row(kinds, no, "kegiatan", "" if step.old is None else escape(side.cells["kegiatan"] or ""),
                          "" if step.new is None else escape(side.cells["kegiatan"] or ""))
            continue
        table.add_row(kinds, no, "", "", "")
        for c in step.changes:
            extra = f" ({signed(step.minutes_delta)})" if c.field == "waktu" and step.minutes_delta else ""
            table.add_row("", "", c.field, escape(c.old or "-"), escape((c.new or "-") + extra))
    return table
