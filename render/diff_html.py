"""The diff of two SOP versions as one self-contained HTML page, old and new side by side.

Reviewers open it offline, mail it, archive it with the signed document: so
no external asset, the styles inline in the template (``templates/diff.html``).
Inside a changed cell the words are marked with ``<del>``/``<ins>`` (difflib
over words), because a reviewer must see the one misread word in a long
kegiatan without reading both versions letter by letter.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from sopbaku.compare import STEP_CELLS, Diff
from sopbaku.render.atomic import atomic_path
from sopbaku.render.fmt import angka

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sopbaku.render", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def inline_diff(old: str | None, new: str | None) -> Markup:
    """``new`` with the words that changed from ``old`` marked as deletions and insertions."""
    a, b = (old or "").split(), (new or "").split()
    out: list[str] = []
    for op, i0, i1, j0, j1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape(" ".join(a[i0:i1]))))
            continue
        if i1 > i0:
            out.append(f"<del>{escape(' '.join(a[i0:i1]))}</del>")
        if j1 > j0:
            out.append(f"<ins>{escape(' '.join(b[j0:j1]))}</ins>")
    return Markup(" ".join(out) or "—")


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{angka(value)} menit"


def signed(value: float) -> str:
    """A minute difference with its sign, e.g. ``+15 menit``."""
    return ("+" if value > 0 else "−") + minutes(abs(value))


def diff_html(diff: Diff) -> str:
    """The page as a string."""
    template = _ENV.get_template("diff.html")
    return template.render(diff=diff, cells=STEP_CELLS, inline=inline_diff, minutes=minutes, signed=signed)


def write_diff_html(diff: Diff, path: Path) -> Path:
    """Write the page (atomically: a reviewer never opens half a page)."""
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(diff_html(diff), encoding="utf-8")
    return Path(path)
