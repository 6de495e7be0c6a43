"""Build ``sop_ap_tpl.docx``, the shipped SOP AP Word template, with python-docx.

Run from the repository root after changing the layout, and commit both files::

    .venv/bin/python render/templates/make_template.py

The template is generated rather than hand-edited so that every border, span
and row flag is reviewable in this file and reproducible. An office that wants
its own letterhead copies the generated .docx, edits it in Word (logo, fonts,
header texts) and passes it as ``template=``; it must keep the jinja tags.

Layout (Permenpan RB 35/2012, landscape A4): page 1 is the identity table (logo
and instansi/unit on the left; Nomor SOP, dates, Disahkan oleh and Nama SOP on
the right; then the 2-column grid of numbered lists); the flowchart table
starts on a new page. Its role columns come from a docxtpl ``{%tc for %}`` loop
and the "Pelaksana" group header from ``{% colspan n_roles %}``; the renderer
sets the final column widths on the table whose alt-text title is
``sop-flowchart`` (``sopbaku.render.docx.FLOWCHART_CAPTION``), then draws the
flowchart in it (``sopbaku.render.flowchart``): the role cells' ``{{ mark }}``
text gives way to native shapes, and the table is split into one table per
page with its two header rows. That drawing needs the table as shipped: two
header rows, then exactly one row per step.

Variables (all strings unless said): ``instansi``, ``unit``, ``nomor``,
``nama``, ``judul`` ("SOP <nama>", for running heads),
``tanggal_pembuatan|revisi|efektif|pengesahan`` (Indonesian dates or "-"),
``disahkan.jabatan|nama|nip``, the lists ``dasar_hukum``,
``kualifikasi_pelaksana``, ``keterkaitan``, ``peralatan_perlengkapan``,
``peringatan``, ``pencatatan_pendataan``; ``roles`` (each ``name``, ``id``),
``n_roles`` (int); ``steps`` (each ``no``, ``kegiatan``, ``marks`` (one string
per role, the text stand-in of the symbol), ``kelengkapan``, ``waktu``, ``output``,
``keterangan``, and for the drawn flowchart ``columns`` (performers' role
indices), ``simbol``, ``next``, ``branch_ya``, ``branch_tidak``);
``total_waktu``; ``has_signature`` (bool) and ``signature.tempat_tanggal|
jabatan|nama|nip``.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from sopbaku.render.docx import FLOWCHART_CAPTION

OUT = Path(__file__).with_name("sop_ap_tpl.docx")
#: Date written into the template's metadata and zip entries (reproducible builds).
FIXED_TIME = datetime(2024, 1, 1)
FONT = "Arial"
FONT_SIZE = Pt(9)
HEADER_FILL = "D9D9D9"
#: Identity table grid (cm): c1 + c2 is the left half of the 2-column grid below, c3 + c4 the right.
IDENTITY_COLS = (11.35, 2.0, 2.5, 10.85)
IDENTITY_ROWS = ("Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Efektif", "Disahkan oleh",
                 "Nama SOP")
LIST_GRID = (("Dasar Hukum", "dasar_hukum", "Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
             ("Keterkaitan", "keterkaitan", "Peralatan/Perlengkapan", "peralatan_perlengkapan"),
             ("Peringatan", "peringatan", "Pencatatan dan Pendataan", "pencatatan_pendataan"))
#: Minimum height of a list cell, so that the identity page reads as a form even when lists are short.
LIST_ROW_MIN_CM = 2.4
#: Role names are long titles in narrow columns: a smaller size keeps words whole.
ROLE_NAME_SIZE = Pt(7)
#: Column headers are one size below the body so that "Keterangan" fits a narrow column.
HEADER_SIZE = Pt(8)
#: Flowchart template columns (cm); the renderer recomputes them for the actual number of roles.
FLOW_COLS = (0.9, 6.0, 0.4, 2.2, 0.4, 3.5, 1.8, 3.5, 2.6)
#: Signature block: empty left part, the signer on the right third.
SIGNATURE_COLS = (17.7, 9.0)


# --------------------------------------------------------------------------- low-level helpers
_AFTER_SHD = ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")


def _par(cell: _Cell, text: str = "", *, bold: bool = False, center: bool = False,
         size: Pt | None = None) -> Paragraph:
    """Write into the cell's empty first paragraph, or add one after the last."""
    first = cell.paragraphs[0]
    par = first if not first.text and len(cell.paragraphs) == 1 and not first.runs else cell.add_paragraph()
    if text:
        run = par.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = size
    if center:
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return par


def _shade(cell: _Cell, fill: str) -> None:
    """Fill the cell; ``w:shd`` goes before the cell properties the schema puts after it (Word checks)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr = cell._tc.get_or_add_tcPr()
    later = [el for el in tc_pr if el.tag in {qn(f"w:{t}") for t in _AFTER_SHD}]
    if later:
        later[0].addprevious(shd)
    else:
        tc_pr.append(shd)


def _row_flags(row: _Row, *flags: str) -> None:
    """Set on/off row properties where the schema wants them: ``cantSplit`` first, ``tblHeader`` last."""
    tr_pr = row._tr.get_or_add_trPr()
    if "cantSplit" in flags:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))
    if "tblHeader" in flags:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _min_height(row: _Row, cm: float) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _table_props(table: Table, caption: str | None = None) -> None:
    """Fixed layout, narrow cell margins (role columns are narrow) and an optional alt-text title."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 20), ("left", 60), ("bottom", 20), ("right", 60)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(twips))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.find(qn("w:tblLook")).addprevious(margins)
    if caption:
        el = OxmlElement("w:tblCaption")
        el.set(qn("w:val"), caption)
        tbl_pr.append(el)


def _widths(table: Table, cols_cm: tuple[float, ...]) -> None:
    for i, w in enumerate(cols_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def _field(par: Paragraph, instr: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word and LibreOffice both update."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    par._p.append(fld)


# --------------------------------------------------------------------------- document setup
def _setup(doc: Document) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.3)
    section.footer_distance = Cm(0.6)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = FONT_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    doc.styles["Footer"].font.size = Pt(7)


def _footer(doc: Document) -> None:
    """"Halaman n dari m — SOP <nama>": the page number first, so that a reader of the printed PDF does not
    take the running foot (a line starting with "SOP") for the title of the table on the next page."""
    par = doc.sections[0].footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    par.add_run("Halaman ")
    _field(par, "PAGE")
    par.add_run(" dari ")
    _field(par, "NUMPAGES")
    par.add_run(" — {{ judul }}")


# --------------------------------------------------------------------------- identity page
def _left_block(cell: _Cell) -> None:
    """Logo slot (an empty, tall paragraph an office replaces with its logo) and instansi/unit."""
    slot = _par(cell, center=True)
    slot.paragraph_format.space_before = Pt(48)
    _par(cell, "{#p logo: replace the paragraph above with the office's logo #}")
    _par(cell, "{{ instansi|upper }}", bold=True, center=True, size=Pt(11))
    _par(cell, "{{ unit|upper }}", bold=True, center=True, size=Pt(11))
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _signer(cell: _Cell) -> None:
    """Disahkan oleh: jabatan, space to sign, name (underlined), NIP when known."""
    _par(cell, "{{ disahkan.jabatan }}", center=True)
    for _ in range(3):
        _par(cell)
    name = _par(cell, center=True)
    run = name.add_run("{{ disahkan.nama }}")
    run.bold = run.underline = True
    _par(cell, "{%p if disahkan.nip %}")
    _par(cell, "NIP. {{ disahkan.nip }}", center=True)
    _par(cell, "{%p endif %}")


def _numbered(cell: _Cell, var: str) -> None:
    """A numbered list with a hanging indent, or "-" when the list is empty."""
    _par(cell, f"{{%p for item in {var} %}}")
    item = _par(cell, "{{ loop.index }}.")
    item.add_run("\t{{ item }}")
    item.paragraph_format.left_indent = Cm(0.5)
    item.paragraph_format.first_line_indent = Cm(-0.5)
    item.paragraph_format.tab_stops.add_tab_stop(Cm(0.5))
    _par(cell, "{%p endfor %}")
    _par(cell, f"{{%p if not {var} %}}")
    _par(cell, "-")
    _par(cell, "{%p endif %}")


def _identity(doc: Document) -> None:
    rows = len(IDENTITY_ROWS) + 2 * len(LIST_GRID)
    table = doc.add_table(rows=rows, cols=4)
    table.style = "Table Grid"
    _table_props(table)
    _widths(table, IDENTITY_COLS)
    left = table.cell(0, 0).merge(table.cell(len(IDENTITY_ROWS) - 1, 0))
    _left_block(left)
    values = {"Nomor SOP": "{{ nomor }}", "Tanggal Pembuatan": "{{ tanggal_pembuatan }}",
              "Tanggal Revisi": "{{ tanggal_revisi }}", "Tanggal Efektif": "{{ tanggal_efektif }}"}
    for r, label in enumerate(IDENTITY_ROWS):
        label_cell = table.cell(r, 1).merge(table.cell(r, 2))
        _par(label_cell, label, bold=True)
        label_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _min_height(table.rows[r], 0.6)
        value = table.cell(r, 3)
        value.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if label == "Disahkan oleh":
            _signer(value)
        elif label == "Nama SOP":
            _par(value, "{{ nama }}", bold=True, size=Pt(11))
        else:
            _par(value, values[label])
    for g, (left_label, left_var, right_label, right_var) in enumerate(LIST_GRID):
        r = len(IDENTITY_ROWS) + 2 * g
        for label, var, c0, c1 in ((left_label, left_var, 0, 1), (right_label, right_var, 2, 3)):
            head = table.cell(r, c0).merge(table.cell(r, c1))
            _par(head, f"{label}:", bold=True)
            _shade(head, HEADER_FILL)
            _numbered(table.cell(r + 1, c0).merge(table.cell(r + 1, c1)), var)
        _min_height(table.rows[r + 1], LIST_ROW_MIN_CM)


# --------------------------------------------------------------------------- flowchart page
def _flow_header(table: Table) -> None:
    """Two header rows, repeated on every page: the Pelaksana and Mutu Baku groups over their columns."""
    top, sub = table.rows[0], table.rows[1]
    spans = {"No": (0, 0), "Kegiatan": (1, 1), "{% colspan n_roles %}Pelaksana": (2, 4),
             "Mutu Baku": (5, 7), "Keterangan": (8, 8)}
    for text, (c0, c1) in spans.items():
        # a single-column group spans the two header rows instead
        cell = table.cell(0, c0).merge(table.cell(0 if c1 > c0 else 1, c1))
        _par(cell, text, bold=True, center=True, size=HEADER_SIZE)
    labels = {2: "{%tc for role in roles %}", 3: "{{ role.name }}", 4: "{%tc endfor %}",
              5: "Kelengkapan", 6: "Waktu", 7: "Output"}
    for c, text in labels.items():
        _par(table.cell(1, c), text, bold=True, center=True, size=ROLE_NAME_SIZE if c == 3 else HEADER_SIZE)
    for row in (top, sub):
        _row_flags(row, "cantSplit", "tblHeader")
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for tc in (*top._tr.tc_lst, *sub._tr.tc_lst):
        _shade(_Cell(tc, table), HEADER_FILL)


def _flow_body(table: Table) -> None:
    """One templated step row between the ``{%tr for %}`` and ``{%tr endfor %}`` rows."""
    _par(table.cell(2, 0), "{%tr for step in steps %}")
    _par(table.cell(4, 0), "{%tr endfor %}")
    cells = {0: ("{{ step.no }}", True), 1: ("{{ step.kegiatan }}", False),
             2: ("{%tc for mark in step.marks %}", False), 3: ("{{ mark }}", True),
             4: ("{%tc endfor %}", False), 5: ("{{ step.kelengkapan }}", False),
             6: ("{{ step.waktu }}", True), 7: ("{{ step.output }}", False),
             8: ("{{ step.keterangan }}", False)}
    for c, (text, center) in cells.items():
        _par(table.cell(3, c), text, center=center, size=Pt(13) if c == 3 else None)
    _row_flags(table.rows[3], "cantSplit")


def _flowchart(doc: Document) -> None:
    title = doc.add_paragraph()
    title.paragraph_format.page_break_before = True
    title.paragraph_format.space_after = Pt(6)
    title.add_run("Nama SOP: {{ nama }}").bold = True
    table = doc.add_table(rows=5, cols=len(FLOW_COLS))
    table.style = "Table Grid"
    _table_props(table, caption=FLOWCHART_CAPTION)
    _widths(table, FLOW_COLS)
    _flow_header(table)
    _flow_body(table)
    total = doc.add_paragraph("{{ total_waktu }}")
    total.paragraph_format.space_before = Pt(4)


def _signature(doc: Document) -> None:
    """The closing signature block on the right, only when the source had one.

    A borderless one-row table whose row may not split, so that the block
    never leaves its name and NIP alone on the next page.
    """
    doc.add_paragraph("{%p if has_signature %}")
    table = doc.add_table(rows=1, cols=2)
    _table_props(table)
    _widths(table, SIGNATURE_COLS)
    _row_flags(table.rows[0], "cantSplit")
    cell = table.cell(0, 1)
    _par(cell, "{{ signature.tempat_tanggal }}", center=True).paragraph_format.space_before = Pt(8)
    _par(cell, "{{ signature.jabatan }}", center=True)
    for _ in range(3):
        _par(cell)
    name = _par(cell, center=True)
    run = name.add_run("{{ signature.nama }}")
    run.bold = run.underline = True
    _par(cell, "{%p if signature.nip %}")
    _par(cell, "NIP. {{ signature.nip }}", center=True)
    _par(cell, "{%p endif %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph()  # a body must not end with a table (Word would add one and call the file damaged)


def _fix_metadata(doc: Document) -> None:
    props = doc.core_properties
    props.title = "{{ judul }}"  # docxtpl renders core properties too: each output is titled
    props.author = props.last_modified_by = "sopbaku"
    props.created = props.modified = FIXED_TIME
    props.revision = 1


def _reproducible_zip(path: Path) -> None:
    """Rewrite the package with fixed entry times, so the same code gives the same bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            dst.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def build(path: Path = OUT) -> Path:
    """Write the template to ``path`` (byte-for-byte reproducible) and return it."""
    doc = Document()
    _fix_metadata(doc)
    _setup(doc)
    _footer(doc)
    _identity(doc)
    _flowchart(doc)
    _signature(doc)
    doc.save(str(path))
    _reproducible_zip(path)
    return path


if __name__ == "__main__":
    print(build())
