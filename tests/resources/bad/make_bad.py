"""Write the corpus of broken and hostile inputs the hardening tests feed to sopbaku.

Run ``python -m tests.resources.bad.make_bad`` from the repository root to
regenerate the small committed files next to this script. The big hostile
inputs (a 2,000-page PDF, a ZIP bomb, a 200 MB file) are written by the
``write_*`` functions into a test's temporary folder instead, so the
repository stays small; the 30,000 x 30,000 PNG only *claims* its size in its
header, so it is committed (a few hundred bytes).

Everything is built from the standard library plus packages sopbaku already
depends on (python-docx, openpyxl, reportlab), and seeded: a rerun writes the
same bytes, except where a library stamps the time into its output.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
#: A small digital SOP PDF, Word file and text export of the synthetic corpus: the broken files start from them.
SOURCE_PDF = ROOT / "corpus" / "synthetic" / "synth_s7_02.pdf"
SOURCE_DOCX = ROOT / "corpus" / "synthetic" / "synth_s7_02_docx.docx"
SOURCE_TEXT = ROOT / "corpus" / "synthetic" / "synth_s7_02_text.txt"

LETTER = """PEMERINTAH KABUPATEN PURWAKARTA
KECAMATAN BUNGURSARI
Jl. Raya Bungursari No. 1, Purwakarta

Nomor   : 005/123/Kec
Lampiran: -
Perihal : Undangan Rapat Koordinasi

Kepada Yth.
Kepala Desa se-Kecamatan Bungursari
di Tempat

Dengan hormat,
Dalam rangka persiapan peringatan Hari Ulang Tahun Kabupaten, kami mengundang Saudara untuk hadir
pada rapat koordinasi yang akan dilaksanakan pada hari Senin, 4 Januari 2021, pukul 09.00 WIB,
bertempat di Aula Kantor Kecamatan Bungursari.

Demikian undangan ini kami sampaikan, atas perhatian dan kehadirannya diucapkan terima kasih.

Camat Bungursari,

M. Saripul Harom, S.Sos
NIP. 196401041991011004
"""

BUDGET_ROWS = [
    ("No", "Uraian Kegiatan", "Volume", "Satuan", "Harga Satuan (Rp)", "Jumlah (Rp)"),
    ("1", "Belanja alat tulis kantor", "12", "paket", "250.000", "3.000.000"),
    ("2", "Belanja cetak dan penggandaan", "500", "lembar", "500", "250.000"),
    ("3", "Belanja makanan dan minuman rapat", "40", "kotak", "35.000", "1.400.000"),
    ("4", "Honorarium narasumber", "2", "orang", "1.000.000", "2.000.000"),
    ("", "Jumlah", "", "", "", "6.650.000"),
]


# --------------------------------------------------------------------------- PDFs
def raw_pdf(pages: list[bytes], extra: list[bytes] | None = None) -> bytes:
    """A well-formed PDF built by hand: a catalog, a page tree and the given page dictionaries.

    Each entry of ``pages`` is the inside of one page dictionary (without
    /Type and /Parent); ``extra`` objects are numbered after the pages.
    """
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    first_page = 3
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(len(pages)))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))
    objects += [b"<< /Type /Page /Parent 2 0 R %s >>" % body for body in pages]
    objects += extra or []
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def write_many_pages(path: Path, count: int = 2000) -> Path:
    """A PDF of ``count`` empty A4 pages (about 60 bytes each): far more than any SOP file."""
    path.write_bytes(raw_pdf([b"/MediaBox [0 0 595 842]"] * count))
    return path


def huge_page_pdf() -> bytes:
    """One page 200 x 200 inches (the largest PDF allows) with a drawn line and no text: OCR would render it
    at 30,000+ pixels a side."""
    content = b"1 w 10 10 m 14000 14000 l S"
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    return raw_pdf([b"/MediaBox [0 0 14400 14400] /Contents 4 0 R"], [stream])


def encrypted_pdf() -> bytes:
    """An SOP-like PDF that opens only with a password (reportlab's standard encryption)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("rahasia", ownerPassword="pemilik", canPrint=0))
    pdf.setTitle("SOP")
    pdf.drawString(72, 770, "STANDAR OPERASIONAL PROSEDUR - Penyusunan Rencana Kerja")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def cut_middle(data: bytes, share: float = 0.4) -> bytes:
    """The file with a share of its middle cut out: a ZIP's directory then points before its own start."""
    start, length = len(data) // 4, int(len(data) * share)
    return data[:start] + data[start + length:]


def long_row_ocr() -> bytes:
    """An OCR dump whose one table row runs on for 600 lines (a damaged dump repeats a block of text):
    found by ``benchmarks/fuzz.py``, where fitting the column widths to such a row took minutes."""
    lines = (ROOT / "corpus" / "synthetic" / "synth_s7_00_ocr.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[:47] + lines[43:47] * 150 + lines[47:]).encode("utf-8")


def truncated(data: bytes, share: float = 0.5) -> bytes:
    return data[: int(len(data) * share)]


def corrupted(data: bytes, seed: int = 9) -> bytes:
    """The file with a run of random bytes written over its middle third (the header survives)."""
    rng = random.Random(seed)
    start, end = len(data) // 3, 2 * len(data) // 3
    return data[:start] + rng.randbytes(end - start) + data[end:]


# --------------------------------------------------------------------------- images
def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, rows: int = 4) -> bytes:
    """A greyscale PNG whose header claims ``width`` x ``height`` but which holds only a few rows of data:
    tiny on disk, 900 MB once a decoder believes it (a decompression bomb)."""
    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(rows))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(raw, 9))
            + _png_chunk(b"IEND", b""))


def truncated_jpeg() -> bytes:
    """A JPEG cut after its first markers: the magic says JPEG, the rest is gone."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (64, 64), 255).save(out, "JPEG")
    return truncated(out.getvalue(), 0.2)


# --------------------------------------------------------------------------- Word and ZIP
_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                  b'2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
                  b'word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                  b'document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_package(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word package around ``document_xml`` (plus any ``extra`` members), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document_xml)
        for name, body in (extra or {}).items():
            zf.writestr(name, body)
    return out.getvalue()


def entity_docx() -> bytes:
    """A Word file whose XML declares a billion-laughs entity and an external entity reading /etc/passwd."""
    lol = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)]
    doctype = b'<!DOCTYPE w:document [%s<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' % b"".join(lol)
    body = (b'<w:document %s><w:body><w:p><w:r><w:t>STANDAR OPERASIONAL PROSEDUR &lol9;</w:t></w:r></w:p>'
            b'<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>' % _W)
    return docx_package(b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + body)


def external_entity_docx() -> bytes:
    """A Word file whose only SOP text is followed by an external entity naming /etc/passwd (XXE)."""
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = (b'<w:document %s><w:body><w:p><w:r><w:t>STANDAR OPERASIONAL PROSEDUR</w:t></w:r></w:p>'
            b'<w:p><w:r><w:t>Isi: &xxe;</w:t></w:r></w:p></w:body></w:document>' % _W)
    return docx_package(b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + body)


def write_zip_bomb(path: Path, members: int = 3, member_mb: int = 40) -> Path:
    """A Word file whose few members each inflate 1000x (``members`` x ``member_mb`` MB of one repeated byte)."""
    filler = b" " * (member_mb * 2**20)
    document = b'<w:document %s><w:body><w:p><w:r><w:t>SOP</w:t></w:r></w:p></w:body></w:document>' % _W
    path.write_bytes(docx_package(document, {f"word/media/pad{i}.xml": filler for i in range(members)}))
    return path


def letter_docx() -> bytes:
    """An official letter written with python-docx: a real Word file that holds no SOP."""
    import docx

    doc = docx.Document()
    for line in LETTER.splitlines():
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def budget_docx() -> bytes:
    """The budget table in a real Word file: a table with "No" and "Uraian Kegiatan", but not an SOP."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("RENCANA ANGGARAN BIAYA TAHUN 2021")
    table = doc.add_table(rows=len(BUDGET_ROWS), cols=len(BUDGET_ROWS[0]))
    for r, row in enumerate(BUDGET_ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def budget_xlsx() -> bytes:
    """A budget table saved as an Excel workbook: a ZIP package, but not a Word document."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in BUDGET_ROWS:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def legacy_doc() -> bytes:
    """The first bytes of an OLE2 compound file (a Word 97-2003 .doc), padded."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


# --------------------------------------------------------------------------- the committed set
def small_files() -> dict[str, bytes]:
    """Every committed bad input by file name (the name says what it is; some lie about the type on purpose)."""
    pdf, word, text = SOURCE_PDF.read_bytes(), SOURCE_DOCX.read_bytes(), SOURCE_TEXT.read_bytes()
    rng = random.Random(2026)
    return {
        "empty.pdf": b"",
        "truncated.pdf": truncated(pdf),
        "corrupt.pdf": corrupted(pdf),
        "header_only.pdf": b"%PDF-1.7\n" + rng.randbytes(3000),
        "encrypted.pdf": encrypted_pdf(),
        "huge_page.pdf": huge_page_pdf(),
        "bomb_30000x30000.png": png_claiming(30000, 30000),
        "truncated.jpg": truncated_jpeg(),
        "entities.docx": entity_docx(),
        "external_entity.docx": external_entity_docx(),
        "truncated.docx": truncated(word),
        "cut_middle.docx": cut_middle(word),
        "long_row_ocr.txt": long_row_ocr(),
        "budget.xlsx": budget_xlsx(),
        "budget.docx": budget_docx(),
        "legacy.doc": legacy_doc(),
        "noise.bin": rng.randbytes(4096),
        "noise.docx": rng.randbytes(4096),
        "letter.txt": LETTER.encode("utf-8"),
        "letter.docx": letter_docx(),
        "budget.txt": "\n".join("\t".join(row) for row in BUDGET_ROWS).encode("utf-8") + b"\n",
        "sop_export.docx": text,  # a text export saved under a Word name: read by content, not by name
        "sop_word.pdf": word,  # a Word file under a PDF name
    }


def main() -> None:
    for name, data in small_files().items():
        (HERE / name).write_bytes(data)
        print(f"{name:24} {len(data):7d} bytes")


if __name__ == "__main__":
    main()
