"""Draw the flowchart into the rendered document: shapes in the role cells, one table per page.

docxtpl fills the template's flowchart table with one text row per step; this
module then takes that table apart along the pages planned by
:mod:`sopbaku.render.flowplan`: every row gets its planned height, the role
cells lose their text stand-ins and get the drawn symbol, arrows and labels,
and each further page becomes a copy of the table (header rows included)
after a hard page break, with connector rows at the break. Rows keep the
template's formatting, so an office's restyled template still styles the text.
"""

from __future__ import annotations

import copy
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from lxml import etree

from sopbaku.render.drawing import DrawingWriter
from sopbaku.render.flowplan import (
    CELL_PAD_X,
    CELL_PAD_Y,
    HEADER_LINE_PT,
    LINE_PT,
    FlowPlan,
    FlowStep,
    Geometry,
    plan_flowchart,
)
from sopbaku.render.textmetrics import line_count

#: The title paragraph above the first table: its line height (9 pt bold, single spacing) and its space after.
TITLE_LINE_PT, TITLE_AFTER_PT = 10.5, 6.0
HEADER_ROWS = 2
#: Columns of a step row besides the roles: No, Kegiatan, Kelengkapan, Waktu, Output, Keterangan.
FIXED_COLUMNS = 6


def draw_flowchart(doc: Document, tbl: CT_Tbl, context: dict[str, Any]) -> FlowPlan | None:
    """Replace the text rows of the rendered flowchart table ``tbl`` by the drawn, paginated flowchart.

    Left as rendered (and None returned) when the table does not have the
    shipped template's shape: two header rows, one row per step.
    """
    steps = [FlowStep.of(s) for s in context["steps"]]
    rows = list(tbl.tr_lst)
    columns = len(context["roles"]) + FIXED_COLUMNS
    if len(rows) != HEADER_ROWS + len(steps) or any(len(tr.tc_lst) != columns for tr in rows[HEADER_ROWS:]):
        return None
    geo = _geometry(doc, tbl, context)
    plan = plan_flowchart(steps, geo, [r["name"] for r in context["roles"]])
    header, body = rows[:HEADER_ROWS], rows[HEADER_ROWS:]
    blank = _blank_row(body[0]) if body else None
    for tr, height in zip(header, plan.header, strict=True):
        _set_height(tr, height)
        _exact_lines(tr, HEADER_LINE_PT)
    writer = DrawingWriter(_next_drawing_id(doc))
    table = tbl
    for p, page in enumerate(plan.pages):
        if p:
            table = _next_table(table, tbl, header)
        for r, (index, height) in enumerate(zip(page.rows, page.heights, strict=True)):
            tr = body[index] if index is not None else copy.deepcopy(blank)
            if tr.getparent() is not table:
                table.append(tr)
            _set_height(tr, height)
            _exact_lines(tr, LINE_PT)
            for k in range(geo.n_roles):
                _clear(tr.tc_lst[2 + k])
            for shape in (s for s in page.shapes if s.row == r):
                left = sum(geo.widths[: 2 + shape.column]) + CELL_PAD_X
                cell = tr.tc_lst[2 + shape.column]
                cell.find(qn("w:p")).append(writer.anchored(shape, shape.box.x - left, shape.box.y - CELL_PAD_Y))
    return plan


def _geometry(doc: Document, tbl: CT_Tbl, context: dict[str, Any]) -> Geometry:
    """Column widths as fitted, the page's usable height, and what the title paragraph above the table takes."""
    section = doc.sections[-1]
    room = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    usable = (section.page_width - section.left_margin - section.right_margin) / 12700
    widths = tuple(int(c.get(qn("w:w"))) / 20 for c in tbl.tblGrid.iterchildren(qn("w:gridCol")))
    above = tbl.getprevious()
    title = "".join(above.itertext()) if above is not None and above.tag == qn("w:p") else ""
    extra = line_count(title, usable, 9.0, bold=True) * TITLE_LINE_PT + TITLE_AFTER_PT if title else 0.0
    return Geometry(widths, len(context["roles"]), room, extra)


def _next_drawing_id(doc: Document) -> int:
    """One past the highest ``wp:docPr`` id already in the document (a template may hold a logo)."""
    ids = [int(el.get("id", "0")) for el in doc.element.body.iter(qn("wp:docPr"))]
    return max(ids, default=0) + 1


def _blank_row(template: etree._Element) -> etree._Element:
    """A step row with every cell emptied: the connector row at a page break."""
    tr = copy.deepcopy(template)
    for tc in tr.tc_lst:
        _clear(tc)
    return tr


def _clear(tc: etree._Element) -> None:
    """Empty a cell to one paragraph without text (keeping the paragraph's formatting) at the cell's top.

    Shapes are placed from the top of that paragraph, so it must sit at the
    top of the cell, whatever vertical alignment a template gave the cell.
    """
    tc_pr = tc.find(qn("w:tcPr"))
    v_align = tc_pr.find(qn("w:vAlign")) if tc_pr is not None else None
    if v_align is not None:
        tc_pr.remove(v_align)
    paragraphs = tc.findall(qn("w:p"))
    for extra in paragraphs[1:]:
        tc.remove(extra)
    for child in list(paragraphs[0]):
        if child.tag != qn("w:pPr"):
            paragraphs[0].remove(child)


def _next_table(previous: etree._Element, original: CT_Tbl, header: list[etree._Element]) -> etree._Element:
    """A copy of the table's properties, grid and header rows after ``previous``, on a new page."""
    table = etree.SubElement(previous.getparent(), qn("w:tbl"))
    previous.addnext(table)
    for part in (original.tblPr, original.tblGrid, *header):
        table.append(copy.deepcopy(part))
    previous.addnext(_page_break())
    return table


def _page_break() -> etree._Element:
    """A 1 pt paragraph that starts a new page: it keeps two tables apart and puts the next on a page of its own."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return etree.fromstring(
        f'<w:p xmlns:w="{w}"><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" '
        f'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')


def _set_height(tr: etree._Element, height: float) -> None:
    """An "at least" height the content never exceeds, so the row renders exactly that tall."""
    tr_pr = tr.get_or_add_trPr()
    for old in tr_pr.findall(qn("w:trHeight")):
        tr_pr.remove(old)
    el = etree.SubElement(tr_pr, qn("w:trHeight"))
    el.set(qn("w:val"), str(round(height * 20)))
    el.set(qn("w:hRule"), "atLeast")
    header = tr_pr.find(qn("w:tblHeader"))  # CT_TrPr keeps its children in any order, but Word likes this one
    if header is not None:
        tr_pr.append(header)


def _exact_lines(tr: etree._Element, line: float) -> None:
    """Every paragraph of the row set at an exact line height with no spacing, as the plan measured it."""
    for p in tr.iter(qn("w:p")):
        p_pr = p.get_or_add_pPr()
        spacing = p_pr.find(qn("w:spacing"))
        if spacing is None:
            spacing = etree.Element(qn("w:spacing"))
            _insert_spacing(p_pr, spacing)
        spacing.set(qn("w:before"), "0")
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(round(line * 20)))
        spacing.set(qn("w:lineRule"), "exact")


#: CT_PPr children that come after ``w:spacing``.
_AFTER_SPACING = tuple(qn(f"w:{t}") for t in (
    "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))


def _insert_spacing(p_pr: etree._Element, spacing: etree._Element) -> None:
    later = next((el for el in p_pr if el.tag in _AFTER_SPACING), None)
    if later is not None:
        later.addprevious(spacing)
    else:
        p_pr.append(spacing)
