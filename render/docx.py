"""One SOP of the model -> a standard SOP AP Word document, through a docxtpl template.

Choice of technique: the whole document, flowchart table included, is the
jinja2 template ``templates/sop_ap_tpl.docx``. Rows come from a ``{%tr for %}``
loop, the role columns from a ``{%tc for %}`` loop and the "Pelaksana" group
header's span from ``{% colspan n_roles %}``, so an office restyling the
template in Word (fonts, borders, shading, letterhead) restyles the flowchart
too; building the table in python-docx and inserting it as a Subdoc would put
it out of the template author's reach. What a jinja loop cannot do is done
after rendering on the table whose alt-text title is ``sop-flowchart``:
:func:`fit_flowchart` sizes the columns for the number of roles, and
:func:`~sopbaku.render.flowchart.draw_flowchart` draws the symbols, arrows and
off-page connectors as native shapes and splits the table into pages.
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Twips
from docxtpl import DocxTemplate

from sopbaku.errors import ConfigError
from sopbaku.model import SopSet
from sopbaku.render.atomic import atomic_path
from sopbaku.render.context import sop_context
from sopbaku.render.flowchart import FIXED_COLUMNS, draw_flowchart

DEFAULT_TEMPLATE = Path(__file__).with_name("templates") / "sop_ap_tpl.docx"
#: Alt-text title (w:tblCaption) that marks the flowchart table in a template.
FLOWCHART_CAPTION = "sop-flowchart"
TWIPS_PER_CM = 1440 / 2.54
#: Order of cell properties in the OOXML schema (CT_TcPr); Word rejects a file that breaks it.
TCPR_ORDER = tuple(qn(f"w:{t}") for t in (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
    "tcPrChange"))


@dataclass(frozen=True)
class FlowchartWidths:
    """Column widths (cm) of the flowchart table; the text columns share what the others leave.

    The defaults fit 3-7 roles on landscape A4 at 9 pt: roles take up to 42 %
    of the line but stay between 1.8 cm (a long word such as "Kepegawaian" fits in 7 pt
    bold) and 2.4 cm (a symbol needs no more).
    """

    no: float = 0.8
    waktu: float = 1.7
    role_share: float = 0.42
    role_min: float = 1.9
    role_max: float = 2.4
    #: Room the four text columns keep however many roles there are; past about 9 roles the
    #: role columns shrink below ``role_min`` instead of pushing the table off the page.
    text_min: float = 7.0
    #: Relative weights of Kegiatan, Kelengkapan, Output, Keterangan.
    text_weights: tuple[float, float, float, float] = (3.5, 2.0, 2.0, 1.7)

    def columns(self, n_roles: int, usable_cm: float) -> list[float]:
        """Widths left to right: No, Kegiatan, each role, Kelengkapan, Waktu, Output, Keterangan."""
        role = min(self.role_max, max(self.role_min, usable_cm * self.role_share / n_roles))
        role = min(role, (usable_cm - self.no - self.waktu - self.text_min) / n_roles)
        rest = usable_cm - self.no - self.waktu - n_roles * role
        kegiatan, kelengkapan, output, keterangan = (
            rest * w / sum(self.text_weights) for w in self.text_weights)
        return [self.no, kegiatan, *[role] * n_roles, kelengkapan, self.waktu, output, keterangan]


def write_docx(sops: SopSet, sop: int, path: Path, template: Path | None = None) -> Path:
    """Render SOP ``sop`` of ``sops`` to ``path`` (written atomically) and return the path.

    Raises :class:`ConfigError` when ``template`` is not a usable docxtpl
    template or asks for variables the model does not supply.
    """
    context = sop_context(sops, sop)
    tpl = load_template(Path(template) if template else DEFAULT_TEMPLATE, context)
    try:
        tpl.render(context, jinja_env=_JINJA, autoescape=True)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"{_name(tpl)}: template cannot be rendered: {exc}") from exc
    fit_flowchart(tpl.docx, len(context["roles"]))
    tbl = _flowchart_table(tpl.docx)
    if tbl is not None:
        draw_flowchart(tpl.docx, tbl, context)
    order_cell_properties(tpl.docx)
    path = Path(path)
    with atomic_path(path) as tmp:
        tpl.save(tmp)
    return path


def _name(tpl: DocxTemplate) -> str:
    return Path(str(tpl.template_file)).name


def load_template(template: Path, context: dict[str, Any]) -> DocxTemplate:
    """Open ``template`` and check, before rendering, that ``context`` covers its variables.

    Failing here with the names of the missing variables beats a document in
    which a misspelt ``{{ nomer }}`` silently prints as nothing.
    """
    if not template.is_file():
        raise ConfigError(f"{template.name}: template file not found")
    stat = template.stat()
    try:
        missing = _template_variables(template.resolve(), stat.st_mtime_ns, stat.st_size) - set(context)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ConfigError(f"{template.name}: not a Word .docx template") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"{template.name}: template syntax error: {exc.message}") from exc
    if missing:
        raise ConfigError(f"{template.name}: template uses variables the renderer does not supply: "
                          f"{', '.join(sorted(missing))}")
    return DocxTemplate(template)


@functools.lru_cache(maxsize=16)
def _template_variables(template: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """The variables a template reads, parsed once per version of the file (a batch renders many SOPs
    with one template; parsing it for each would cost as much as rendering)."""
    return frozenset(DocxTemplate(template).get_undeclared_template_variables())


class _CompiledOnce(jinja2.Environment):
    """A jinja environment that compiles each distinct template source once.

    docxtpl compiles the document's XML from a string on every render; for one
    template the string is always the same, and compiling it is a third of
    the time a render takes.
    """

    #: Distinct sources kept (a few templates, a few parts each); the cache starts afresh past this.
    KEEP = 64

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= self.KEEP:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_JINJA = _CompiledOnce(autoescape=True)


def fit_flowchart(doc: Document, n_roles: int, widths: FlowchartWidths | None = None) -> None:
    """Size the flowchart table's columns for ``n_roles`` on the page's usable width.

    Left alone when the template has no table marked ``sop-flowchart`` or
    its column count is not the expected one (a custom layout knows better).
    """
    tbl = _flowchart_table(doc)
    if tbl is None or len(tbl.tblGrid.gridCol_lst) != n_roles + FIXED_COLUMNS:
        return
    section = doc.sections[-1]
    usable_cm = (section.page_width - section.left_margin - section.right_margin) / 360000
    cols = [round(w * TWIPS_PER_CM) for w in (widths or FlowchartWidths()).columns(n_roles, usable_cm)]
    _set_grid(tbl, cols)


def order_cell_properties(doc: Document) -> None:
    """Put every cell's properties in schema order.

    docxtpl's ``{% colspan %}`` writes ``w:gridSpan`` first, before ``w:tcW``;
    LibreOffice does not mind, but Word reports such a file as damaged.
    """
    rank = {tag: i for i, tag in enumerate(TCPR_ORDER)}
    for tc_pr in doc.element.body.iter(qn("w:tcPr")):
        children = sorted(tc_pr, key=lambda el: rank.get(el.tag, len(rank)))
        for el in children:
            tc_pr.append(el)


def _flowchart_table(doc: Document) -> CT_Tbl | None:
    for tbl in doc.element.body.iter(qn("w:tbl")):
        caption = tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == FLOWCHART_CAPTION:
            return tbl
    return None


def _set_grid(tbl: CT_Tbl, cols: list[int]) -> None:
    """Write the widths (twips) into the grid, the table width and every cell (spans summed)."""
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, cols, strict=True):
        grid_col.w = Twips(width)
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:w"), str(sum(cols)))
        tbl_w.set(qn("w:type"), "dxa")
    for tr in tbl.tr_lst:
        start = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Twips(sum(cols[start:start + span]))
            start += span
